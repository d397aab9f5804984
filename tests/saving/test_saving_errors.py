"""No data lost, no code run, and clear errors for files that do not fit."""

import os
import zipfile

import h5py
import numpy as np
import pytest

import lamina
from lamina import saving


def small_model(units=2, name="m"):
    return lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(4, name="hidden"),
                              lamina.layers.Dense(units, name="out")], name=name)


def _weights(model):
    return [np.array(w) for w in model.get_weights()]


# ---------------------------------------------------------------------------------- atomic writes
@pytest.mark.parametrize("kind", ["keras", "weights"])
def test_failed_write_keeps_previous_file_and_leaves_no_temp(kind, tmp_path, monkeypatch):
    path = tmp_path / ("m.keras" if kind == "keras" else "m.weights.h5")
    model = small_model()
    save = model.save if kind == "keras" else model.save_weights
    save(path)
    before = path.read_bytes()
    calls = {"n": 0}
    original = h5py.Group.create_dataset

    def failing_create_dataset(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full (simulated)")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(h5py.Group, "create_dataset", failing_create_dataset)
    with pytest.raises(OSError, match="simulated"):
        save(path)
    assert calls["n"] == 3
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == [path.name]


def test_failed_zip_write_keeps_previous_archive(tmp_path, monkeypatch):
    path = tmp_path / "m.keras"
    model = small_model()
    model.save(path)
    before = path.read_bytes()
    original = zipfile.ZipFile.writestr

    def failing_writestr(self, name, data, *args, **kwargs):
        if name == "model.weights.h5":
            raise OSError("interrupted (simulated)")
        return original(self, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", failing_writestr)
    with pytest.raises(OSError, match="simulated"):
        model.save(path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["m.keras"]


def test_overwrite_false_refuses_existing_file(tmp_path):
    model = small_model()
    model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError, match="overwrite=False"):
        model.save(tmp_path / "m.keras", overwrite=False)
    model.save_weights(tmp_path / "m.weights.h5")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        model.save_weights(tmp_path / "m.weights.h5", overwrite=False)


def test_saved_file_gets_normal_permissions(tmp_path):
    path = tmp_path / "m.keras"
    small_model().save(path)
    mask = os.umask(0)
    os.umask(mask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~mask


# ---------------------------------------------------------------------------------- bad files
def test_truncated_keras_file(tmp_path):
    path = tmp_path / "m.keras"
    small_model().save(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ValueError, match=r"m\.keras.*(truncated|corrupted)"):
        saving.load_model(path)


def test_garbage_keras_file(tmp_path):
    path = tmp_path / "m.keras"
    path.write_bytes(b"not a zip archive at all" * 10)
    with pytest.raises(ValueError, match=r"m\.keras' is not a valid \.keras file"):
        saving.load_model(path)


def test_archive_without_config(tmp_path):
    path = tmp_path / "m.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("metadata.json", "{}")
    with pytest.raises(ValueError, match="has no 'config.json'"):
        saving.load_model(path)


def test_archive_with_corrupted_weights(tmp_path):
    path = tmp_path / "m.keras"
    small_model().save(path)
    with zipfile.ZipFile(path) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    entries["model.weights.h5"] = entries["model.weights.h5"][:100]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match=r"m\.keras' is corrupted.*model\.weights\.h5"):
        saving.load_model(path)


def test_truncated_weights_file(tmp_path):
    path = tmp_path / "m.weights.h5"
    model = small_model()
    model.save_weights(path)
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(ValueError, match=r"m\.weights\.h5.*truncated or corrupted"):
        model.load_weights(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.keras"):
        saving.load_model(tmp_path / "nothing.keras")


@pytest.mark.parametrize(
    "action, match",
    [
        (lambda m, d: m.save(d / "m.h5"), "expected a '.keras' extension"),
        (lambda m, d: m.save(d / "m"), "expected a '.keras' extension"),
        (lambda m, d: m.save_weights(d / "w.h5"), "must end in '.weights.h5'"),
        (lambda m, d: m.load_weights(d / "w.txt"), "must end in '.weights.h5'"),
        (lambda m, d: saving.load_model(d / "w.weights.h5"), "weights-only file"),
        (lambda m, d: saving.load_model(d / "legacy.h5"), "legacy HDF5 model file"),
    ],
    ids=["save_h5", "save_no_ext", "save_weights_h5", "load_weights_txt", "load_model_weights", "load_model_h5"],
)
def test_wrong_extensions(action, match, tmp_path):
    model = small_model()
    for name in ("w.txt", "w.weights.h5", "legacy.h5"):
        (tmp_path / name).write_bytes(b"x")
    with pytest.raises(ValueError, match=match):
        action(model, tmp_path)


# ---------------------------------------------------------------------------------- mismatches
def test_load_weights_into_other_architecture_names_file_layer_and_shapes(tmp_path):
    small_model(units=2).save_weights(tmp_path / "w.weights.h5")
    other = small_model(units=5)
    before = _weights(other)
    with pytest.raises(ValueError) as err:
        other.load_weights(tmp_path / "w.weights.h5")
    message = str(err.value)
    assert "w.weights.h5" in message and "'out'" in message
    assert "(4, 5) in the model, (4, 2) in the file" in message
    assert "Nothing was loaded" in message
    for a, b in zip(before, _weights(other)):
        np.testing.assert_array_equal(a, b)


def test_skip_mismatch_loads_what_fits(tmp_path):
    source = small_model(units=2)
    source.save_weights(tmp_path / "w.weights.h5")
    other = small_model(units=5)
    with pytest.warns(UserWarning, match="skip_mismatch=True"):
        other.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(other.get_layer("hidden").get_weights()[0],
                                  source.get_layer("hidden").get_weights()[0])


def test_file_with_more_layers_than_the_model(tmp_path):
    big = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(4), lamina.layers.Dense(2),
                             lamina.layers.Dense(2)])
    big.save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match=r"at 'layers/dense_2/vars'.*no object of the model matches"):
        small_model().load_weights(tmp_path / "w.weights.h5")


def test_unbuilt_model_gets_a_build_hint(tmp_path):
    small_model().save_weights(tmp_path / "w.weights.h5")
    unbuilt = lamina.Sequential([lamina.layers.Dense(4), lamina.layers.Dense(2)])
    with pytest.raises(ValueError, match="never built"):
        unbuilt.load_weights(tmp_path / "w.weights.h5")


def test_optimizer_state_is_ignored_by_an_uncompiled_model(tmp_path, rng):
    model = small_model()
    model.compile(optimizer="adam", loss="mse")
    model.fit(rng.standard_normal((4, 3)), rng.standard_normal((4, 2)), verbose=0)
    model.save_weights(tmp_path / "w.weights.h5")
    fresh = small_model()
    fresh.load_weights(tmp_path / "w.weights.h5")
    for a, b in zip(_weights(model), _weights(fresh)):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------------- custom classes
class _Scale(lamina.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class _Shift(lamina.layers.Layer):
    def call(self, x):
        return x + 1.0


class _Penalty(lamina.regularizers.Regularizer):
    def __call__(self, x):
        return 0.0

    def get_config(self):
        return {}


def _custom_model():
    x = lamina.Input((3,))
    y = _Shift(name="shift")(_Scale(3.0, name="scale")(x))
    y = lamina.layers.Dense(2, kernel_regularizer=_Penalty(), name="d")(y)
    return lamina.Model(x, y)


def test_unknown_classes_are_listed_in_one_error(tmp_path):
    _custom_model().save(tmp_path / "m.keras")
    with pytest.raises(ValueError) as err:
        saving.load_model(tmp_path / "m.keras")
    message = str(err.value)
    for name in ("'_Scale'", "'_Shift'", "'_Penalty'", "register_keras_serializable", "custom_objects="):
        assert name in message
    assert "Dense 'd'" in message


def test_custom_objects_and_scope_resolve_them(tmp_path, rng):
    model = _custom_model()
    model.save(tmp_path / "m.keras")
    objects = {"_Scale": _Scale, "_Shift": _Shift, "_Penalty": _Penalty}
    restored = saving.load_model(tmp_path / "m.keras", custom_objects=objects)
    x = rng.standard_normal((2, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(restored(x)), np.asarray(model(x)), rtol=1e-6)
    assert restored.get_layer("scale").factor == 3.0
    with saving.custom_object_scope(objects):
        assert saving.load_model(tmp_path / "m.keras").get_layer("shift").name == "shift"


def test_registered_layer_loads_in_keras_under_the_same_registration(tmp_path, rng):
    keras = pytest.importorskip("keras")

    @saving.register_keras_serializable(package="interop_test")
    class Gain(lamina.layers.Layer):
        def __init__(self, gain=1.0, **kwargs):
            super().__init__(**kwargs)
            self.gain = gain

        def call(self, x):
            return x * self.gain

        def get_config(self):
            return {**super().get_config(), "gain": self.gain}

    @keras.saving.register_keras_serializable(package="interop_test", name="Gain")
    class KGain(keras.layers.Layer):
        def __init__(self, gain=1.0, **kwargs):
            super().__init__(**kwargs)
            self.gain = gain

        def call(self, x):
            return x * self.gain

        def get_config(self):
            return {**super().get_config(), "gain": self.gain}

    model = lamina.Sequential([lamina.Input((3,)), Gain(2.5, name="gain"), lamina.layers.Dense(2)])
    model.save(tmp_path / "m.keras")
    kmodel = keras.saving.load_model(tmp_path / "m.keras")
    assert isinstance(kmodel.layers[0], KGain)
    x = rng.standard_normal((2, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(kmodel(x)), np.asarray(model(x)), rtol=1e-5, atol=1e-6)
    kmodel.save(tmp_path / "k.keras")
    assert type(saving.load_model(tmp_path / "k.keras").layers[0]) is Gain


# ---------------------------------------------------------------------------------- safe mode
def test_lambda_bytecode_is_refused_unless_safe_mode_is_off(tmp_path, rng):
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Lambda(lambda t: t * 2.0, name="double")])
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match=r"(?s)Refusing.*Lambda 'double'.*safe_mode=False"):
        saving.load_model(tmp_path / "m.keras")
    restored = saving.load_model(tmp_path / "m.keras", safe_mode=False)
    x = rng.standard_normal((2, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(restored(x)), 2 * x, rtol=1e-6)


def test_lamina_lambda_file_obeys_keras_safe_mode(tmp_path):
    keras = pytest.importorskip("keras")
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Lambda(lambda t: t + 1.0, name="inc")])
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="safe_mode"):
        keras.saving.load_model(tmp_path / "m.keras")


def test_no_pickle_in_the_saving_package():
    import pathlib

    import lamina.saving as package

    for source in pathlib.Path(package.__file__).parent.glob("*.py"):
        text = source.read_text()
        assert "import pickle" not in text and "allow_pickle=True" not in text, source.name
