"""`.keras` and `.weights.h5` files move between lamina and real Keras 3 in both directions."""

import io
import json
import zipfile

import h5py
import numpy as np
import pytest
from saving_builders import ARCHS, assert_same_predictions, make_input, randomize

import lamina

keras = pytest.importorskip("keras")


def _h5_layout(h5file):
    """Every group and dataset (with its shape) of a weights file."""
    out = []
    h5file.visititems(lambda name, obj: out.append((name, getattr(obj, "shape", None))))
    return out


def _archive_layout(path):
    with zipfile.ZipFile(path) as archive, h5py.File(io.BytesIO(archive.read("model.weights.h5"))) as f:
        return _h5_layout(f)


@pytest.mark.parametrize("arch", sorted(ARCHS))
def test_keras_saved_model_loads_in_lamina(arch, tmp_path, rng):
    kmodel = ARCHS[arch][0](keras)
    randomize(kmodel, rng)
    path = tmp_path / "k.keras"
    kmodel.save(path)
    model = lamina.saving.load_model(path)
    assert_same_predictions(kmodel, model, make_input(arch, rng))


@pytest.mark.parametrize("arch", sorted(ARCHS))
def test_lamina_saved_model_loads_in_keras(arch, tmp_path, rng):
    model = ARCHS[arch][0](lamina)
    randomize(model, rng)
    path = tmp_path / "l.keras"
    model.save(path)
    kmodel = keras.saving.load_model(path)
    assert_same_predictions(model, kmodel, make_input(arch, rng))


@pytest.mark.parametrize("arch", sorted(ARCHS))
def test_weights_file_layout_matches_keras(arch, tmp_path):
    ARCHS[arch][0](keras).save_weights(tmp_path / "k.weights.h5")
    ARCHS[arch][0](lamina).save_weights(tmp_path / "l.weights.h5")
    with h5py.File(tmp_path / "k.weights.h5") as k, h5py.File(tmp_path / "l.weights.h5") as m:
        assert _h5_layout(m) == _h5_layout(k)
    ARCHS[arch][0](keras).save(tmp_path / "k.keras")
    ARCHS[arch][0](lamina).save(tmp_path / "l.keras")
    assert _archive_layout(tmp_path / "l.keras") == _archive_layout(tmp_path / "k.keras")


@pytest.mark.parametrize("arch", sorted(ARCHS))
def test_weights_h5_both_ways(arch, tmp_path, rng):
    x = make_input(arch, rng)
    kmodel, model = ARCHS[arch][0](keras), ARCHS[arch][0](lamina)
    randomize(kmodel, rng)
    kmodel.save_weights(tmp_path / "k.weights.h5")
    model.load_weights(tmp_path / "k.weights.h5")
    assert_same_predictions(kmodel, model, x)
    randomize(model, rng)
    model.save_weights(tmp_path / "l.weights.h5")
    kmodel.load_weights(tmp_path / "l.weights.h5")
    assert_same_predictions(kmodel, model, x)


def test_vars_groups_carry_object_names(tmp_path):
    model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(3, name="first")], name="top")
    model.save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5") as f:
        assert f["layers/dense/vars"].attrs["name"] == "first"
        assert f["vars"].attrs["name"] == "top"
        assert sorted(f["layers/dense/vars"]) == ["0", "1"]


def test_archive_entries_and_metadata(tmp_path):
    model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(1)])
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["metadata.json", "config.json", "model.weights.h5"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)
        metadata = json.loads(archive.read("metadata.json"))
        config = json.loads(archive.read("config.json"))
    assert sorted(metadata) == ["date_saved", "keras_version"]
    assert metadata["keras_version"].startswith("3.")
    assert len(metadata["date_saved"]) == 19 and metadata["date_saved"][10] == "@"
    assert {"module", "class_name", "config", "registered_name", "build_config"} <= set(config)
    assert config["module"] == "keras" and config["class_name"] == "Sequential"
    assert config["compile_config"] == {}


def test_functional_top_level_identity_matches_keras(tmp_path):
    for lib, name in ((lamina, "l"), (keras, "k")):
        ARCHS["multi_io"][0](lib).save(tmp_path / f"{name}.keras")
    configs = {}
    for name in "lk":
        with zipfile.ZipFile(tmp_path / f"{name}.keras") as archive:
            configs[name] = json.loads(archive.read("config.json"))
    for key in ("module", "class_name", "registered_name"):
        assert configs["l"][key] == configs["k"][key]


def test_save_and_load_through_file_objects(rng):
    model = ARCHS["seq_dense_dropout"][0](lamina)
    randomize(model, rng)
    buffer = io.BytesIO()
    lamina.saving.save_model(model, buffer)
    buffer.seek(0)
    restored = lamina.saving.load_model(buffer)
    assert_same_predictions(model, restored, make_input("seq_dense_dropout", rng))


def _compiled(K, optimizer):
    model = ARCHS["seq_dense_dropout"][0](K)
    model.layers[1].rate = 0.0  # no randomness, so training can be compared across libraries
    model.compile(optimizer=optimizer(K), loss="mse",
                  metrics=["mae", K.metrics.MeanSquaredError(name="mse_metric")])
    return model


@pytest.mark.parametrize("direction", ["keras_to_lamina", "lamina_to_keras"])
def test_compiled_model_keeps_optimizer_state_across_libraries(direction, tmp_path, rng):
    x = rng.standard_normal((8, 4)).astype("float32")
    y = rng.standard_normal((8, 2)).astype("float32")
    src_lib, dst_load = (keras, lamina.saving.load_model) if direction == "keras_to_lamina" else (
        lamina, keras.saving.load_model)
    source = _compiled(src_lib, lambda K: K.optimizers.Adam(learning_rate=0.01))
    source.fit(x, y, epochs=2, batch_size=4, verbose=0, shuffle=False)
    source.save(tmp_path / "m.keras")
    loaded = dst_load(tmp_path / "m.keras")
    assert type(loaded.optimizer).__name__ == "Adam"
    assert len(loaded.optimizer.variables) == len(source.optimizer.variables)
    for a, b in zip(source.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6)
    source.fit(x, y, epochs=1, batch_size=4, verbose=0, shuffle=False)
    loaded.fit(x, y, epochs=1, batch_size=4, verbose=0, shuffle=False)
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(source(x)), rtol=1e-5, atol=1e-5)


def test_compile_config_matches_keras(tmp_path):
    for lib, name in ((lamina, "l"), (keras, "k")):
        model = _compiled(lib, lambda K: K.optimizers.SGD(learning_rate=0.1, momentum=0.5, name="sgd"))
        model.save(tmp_path / f"{name}.keras")
    configs = {}
    for name in "lk":
        with zipfile.ZipFile(tmp_path / f"{name}.keras") as archive:
            configs[name] = json.loads(archive.read("config.json"))["compile_config"]
    assert configs["l"] == configs["k"]


def test_load_without_compiling(tmp_path):
    model = _compiled(lamina, lambda K: K.optimizers.SGD())
    model.save(tmp_path / "m.keras")
    assert lamina.saving.load_model(tmp_path / "m.keras", compile=False).compiled is False
    assert lamina.saving.load_model(tmp_path / "m.keras").compiled is True


def test_model_to_json_round_trip(rng):
    model = ARCHS["multi_io"][0](lamina)
    rebuilt = lamina.saving.model_from_json(model.to_json())
    assert rebuilt.get_config() == model.get_config()
    kmodel = keras.models.model_from_json(model.to_json())
    assert [layer.name for layer in kmodel.layers] == [layer["name"] for layer in model.get_config()["layers"]]


def _subclassed(K):
    """The same registered subclassed model in either library (attributes decide weight paths)."""

    @K.saving.register_keras_serializable(package="files_test")
    class Block(K.layers.Layer):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.d1 = K.layers.Dense(units)
            self.stack = [K.layers.Dense(units), K.layers.Dense(units)]
            self._private = K.layers.Dense(units)

        def call(self, x):
            return self._private(self.stack[1](self.stack[0](self.d1(x))))

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    @K.saving.register_keras_serializable(package="files_test")
    class Net(K.Model):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.block = Block(units)
            self.head = K.layers.Dense(1)

        def call(self, x):
            return self.head(self.block(x))

        def get_config(self):
            return {"units": self.units, "name": self.name}

    return Net


LAMINA_NET, KERAS_NET = _subclassed(lamina), _subclassed(keras)


def test_subclassed_model_files_match_and_load_both_ways(tmp_path, rng):
    x = rng.standard_normal((2, 4)).astype("float32")
    model, kmodel = LAMINA_NET(), KERAS_NET()
    model(x), kmodel(x)
    randomize(model, rng)
    randomize(kmodel, rng)
    model.save(tmp_path / "l.keras")
    kmodel.save(tmp_path / "k.keras")
    assert _archive_layout(tmp_path / "l.keras") == _archive_layout(tmp_path / "k.keras")
    assert ("block/stack/dense_1/vars/0", (3, 3)) in _archive_layout(tmp_path / "l.keras")
    assert_same_predictions(model, keras.saving.load_model(tmp_path / "l.keras"), x)
    from_keras = lamina.saving.load_model(tmp_path / "k.keras")
    assert type(from_keras) is LAMINA_NET
    assert_same_predictions(kmodel, from_keras, x)


def _branched(K):
    a, b = K.Input((4,), name="a"), K.Input((3,), name="b")
    deep = K.layers.Dense(4, name="a3")(K.layers.Dense(5, name="a2")(K.layers.Dense(6, name="a1")(a)))
    merged = K.layers.Concatenate(name="cat")([K.layers.Dense(2, name="b1")(b), deep])
    model = K.Model([a, b], K.layers.Dense(1, name="out")(merged))
    model.compile(optimizer=K.optimizers.Adam(learning_rate=0.01), loss="mse")
    return model


def test_branched_functional_optimizer_state_from_keras(tmp_path, rng):
    """Layer order (hence optimizer slot order) must be Keras's depth order, not a plain DFS."""
    xs = [rng.standard_normal((8, 4)).astype("float32"), rng.standard_normal((8, 3)).astype("float32")]
    y = rng.standard_normal((8, 1)).astype("float32")
    kmodel = _branched(keras)
    kmodel.fit(xs, y, epochs=1, batch_size=4, verbose=0, shuffle=False)
    kmodel.save(tmp_path / "k.keras")
    model = lamina.saving.load_model(tmp_path / "k.keras")
    assert [layer.name for layer in model.layers] == [layer.name for layer in kmodel.layers]
    for a, b in zip(kmodel.optimizer.variables, model.optimizer.variables):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6)
