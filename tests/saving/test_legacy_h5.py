"""Keras 2 `.h5` weight files (keyed by layer name) load into lamina as into Keras 3."""

import h5py
import numpy as np
import pytest

import lamina

keras = pytest.importorskip("keras")


def arch(K):
    return K.Sequential([K.Input((3,)), K.layers.Dense(4, name="dense"),
                         K.layers.BatchNormalization(name="batch_normalization"),
                         K.layers.Dropout(0.1, name="dropout"), K.layers.Dense(2, name="dense_1")])


def _keras2_layers(rng):
    """What Keras 2 stored for `arch`: (layer name, [(weight name, array)])."""
    def arr(*shape):
        return rng.standard_normal(shape).astype("float32")

    bn = [("gamma", arr(4)), ("beta", arr(4)), ("moving_mean", arr(4)),
          ("moving_variance", np.abs(arr(4)) + 0.5)]
    return [
        ("dense", [("kernel", arr(3, 4)), ("bias", arr(4))]),
        ("batch_normalization", bn),
        ("dropout", []),
        ("dense_1", [("kernel", arr(4, 2)), ("bias", arr(2))]),
    ]


def write_keras2_file(path, layers, whole_model=False, chunked=False):
    with h5py.File(path, "w") as f:
        group = f.create_group("model_weights") if whole_model else f
        names = [name.encode() for name, _ in layers]
        if chunked:  # Keras 2 split long attribute lists over name0, name1, ...
            group.attrs["layer_names0"] = names[:2]
            group.attrs["layer_names1"] = names[2:]
        else:
            group.attrs["layer_names"] = names
        group.attrs["backend"] = b"tensorflow"
        group.attrs["keras_version"] = b"2.13.1"
        for name, weights in layers:
            g = group.create_group(name)
            g.attrs["weight_names"] = [f"{name}/{w}:0".encode() for w, _ in weights]
            for w, value in weights:
                g.create_dataset(f"{name}/{w}:0", data=value)
        if whole_model:
            f.attrs["model_config"] = b"{}"


@pytest.mark.parametrize("whole_model", [False, True], ids=["weights_file", "model_file"])
@pytest.mark.parametrize("chunked", [False, True], ids=["plain_attrs", "chunked_attrs"])
def test_keras2_file_loads_like_keras3_loads_it(whole_model, chunked, tmp_path, rng):
    path = tmp_path / "old.h5"
    write_keras2_file(path, _keras2_layers(rng), whole_model=whole_model, chunked=chunked)
    model, kmodel = arch(lamina), arch(keras)
    model.load_weights(path)
    kmodel.load_weights(path)
    x = rng.standard_normal((5, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(model(x)), np.asarray(kmodel(x)), rtol=1e-5, atol=1e-5)
    for a, b in zip(model.get_weights(), kmodel.get_weights()):
        np.testing.assert_array_equal(a, np.asarray(b))


def test_keras3_legacy_h5_model_file_loads(tmp_path, rng):
    kmodel = arch(keras)
    for v in kmodel.weights:
        v.assign(rng.uniform(0.5, 1.5, tuple(v.shape)).astype("float32"))
    kmodel.save(tmp_path / "legacy.h5")  # Keras 3's legacy whole-model writer
    model = arch(lamina)
    model.load_weights(tmp_path / "legacy.h5")
    x = rng.standard_normal((5, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(model(x)), np.asarray(kmodel(x)), rtol=1e-5, atol=1e-5)


def test_by_name_matches_layers_by_name(tmp_path, rng):
    layers = _keras2_layers(rng)
    write_keras2_file(tmp_path / "old.h5", layers)
    # A different model that shares one layer name with the file; the other layer is untouched.
    model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(4, name="fresh"),
                               lamina.layers.Dense(2, name="dense_1")])
    untouched = model.get_layer("fresh").get_weights()[0].copy()
    model.load_weights(tmp_path / "old.h5", by_name=True)
    np.testing.assert_array_equal(model.get_layer("dense_1").get_weights()[0], layers[3][1][0][1])
    np.testing.assert_array_equal(model.get_layer("fresh").get_weights()[0], untouched)


def test_layer_count_mismatch_is_explained(tmp_path, rng):
    write_keras2_file(tmp_path / "old.h5", _keras2_layers(rng))
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(4, name="dense")])
    with pytest.raises(ValueError, match=r"old\.h5.*weights for 3 layers.*by_name=True"):
        model.load_weights(tmp_path / "old.h5")


def test_shape_mismatch_names_layer_and_shapes(tmp_path, rng):
    write_keras2_file(tmp_path / "old.h5", _keras2_layers(rng))
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(4), lamina.layers.BatchNormalization(),
                               lamina.layers.Dense(5, name="wide")])
    before = [np.array(w) for w in model.get_weights()]
    with pytest.raises(ValueError, match=r"(?s)old\.h5.*'wide'.*\(4, 5\) in the model.*\(4, 2\) in the file"):
        model.load_weights(tmp_path / "old.h5")
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_by_name_is_refused_for_keras3_files(tmp_path):
    model = arch(lamina)
    model.save_weights(tmp_path / "new.weights.h5")
    with pytest.raises(ValueError, match="by_name=True applies to Keras 2"):
        model.load_weights(tmp_path / "new.weights.h5", by_name=True)
