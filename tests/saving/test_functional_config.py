"""Functional model configs: the same as Keras 3's, and rebuilt graphs compute the same thing."""

import json

import numpy as np
import pytest

import lamina
from lamina.models import Functional
from lamina.models.functional_config import keras_operation_order

keras = pytest.importorskip("keras")


def multi_io(K):
    a, b = K.Input((4,), name="a"), K.Input((3,), name="b")
    shared = K.layers.Dense(3, name="shared")
    x = K.layers.Concatenate(name="cat")([shared(K.layers.Dense(3, name="da")(a)), shared(b)])
    h = K.layers.Dense(5, activation="relu", name="h")(x)
    return K.Model({"a": a, "b": b}, {"y": K.layers.Dense(2, name="y")(h),
                                      "z": K.layers.Dense(1, name="z")(x)}, name="multi_io")


def nested(K):
    inner_seq = K.Sequential([K.Input((3,)), K.layers.Dense(3, name="inner_d")], name="inner_seq")
    ix = K.Input((3,), name="ix")
    inner_fn = K.Model(ix, K.layers.Dense(3, activation="tanh", name="inner_fd")(ix), name="inner_fn")
    x = K.Input((3,), name="x")
    # The nested functional model is called twice: its node indices must line up with Keras's.
    y = inner_fn(inner_seq(inner_fn(x)))
    # An output straight from the nested model: `output_layers` counts its calls from 1.
    return K.Model(x, [K.layers.Add(name="add_layer")([y, x]), y], name="outer")


def shared_depths(K):
    x = K.Input((4,), name="x")
    d = K.layers.Dense(4, name="again")
    y = d(K.layers.Dense(4, name="middle")(d(x)))
    return K.Model([x], [y, K.layers.Dense(2, name="side")(x)], name="depths")


def with_ops(K):
    x = K.Input((4,), name="x")
    y = K.ops.add(x, 1.0)
    z = y[:, :2]
    return K.Model(x, K.layers.Dense(2, name="d")(z), name="ops_model")


BUILDERS = {"multi_io": multi_io, "nested": nested, "shared_depths": shared_depths}
INPUTS = {
    "multi_io": lambda rng: {"a": rng.standard_normal((2, 4)), "b": rng.standard_normal((2, 3))},
    "nested": lambda rng: rng.standard_normal((2, 3)),
    "shared_depths": lambda rng: [rng.standard_normal((2, 4))],
    "ops_model": lambda rng: rng.standard_normal((2, 4)),
}


def _json(x):
    return json.loads(json.dumps(x))


def _normalize(config):
    """Drops the entries that legitimately differ (see each comment)."""
    if isinstance(config, list):
        return [_normalize(c) for c in config]
    if not isinstance(config, dict):
        return config
    out = {}
    for k, v in config.items():
        # Keras's in-file marker for objects met twice (its dtype policy): optional on load.
        if k == "shared_object_id":
            continue
        # Keras records `mask=None` for layers whose call() takes a mask; None is the default.
        if k == "kwargs" and isinstance(v, dict):
            v = {kk: vv for kk, vv in v.items() if not (kk == "mask" and vv is None)}
        # Nested models: Keras adds an empty compile config and a derived build shape, and an
        # empty build config for functional ones (their graph fixes their shapes).
        if k in ("compile_config", "build_input_shape") or (k == "build_config" and v == {"input_shape": None}):
            continue
        out[k] = _normalize(v)
    return out


def _copy_weights(src, dst):
    for layer in src.layers:
        if layer.weights:
            dst.get_layer(layer.name).set_weights([np.asarray(w) for w in layer.get_weights()])


def _predict(model, x):
    out = model(x)
    if isinstance(out, dict):
        return {k: np.asarray(v) for k, v in out.items()}
    if isinstance(out, (list, tuple)):
        return [np.asarray(v) for v in out]
    return np.asarray(out)


def _assert_close(a, b):
    if isinstance(a, dict):
        assert sorted(a) == sorted(b)
        for k in a:
            np.testing.assert_allclose(a[k], b[k], rtol=1e-5, atol=1e-6)
    elif isinstance(a, list):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _f32(x):
    if isinstance(x, dict):
        return {k: np.asarray(v, "float32") for k, v in x.items()}
    if isinstance(x, list):
        return [np.asarray(v, "float32") for v in x]
    return np.asarray(x, "float32")


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_config_matches_keras(name):
    ours = _json(BUILDERS[name](lamina).get_config())
    theirs = _json(BUILDERS[name](keras).get_config())
    assert _normalize(ours) == _normalize(theirs)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_layers_are_in_keras_order(name):
    model = BUILDERS[name](lamina)
    order = [op.name for op in keras_operation_order(model._inputs, model._outputs)]
    assert order == [layer.name for layer in BUILDERS[name](keras).layers]


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_from_config_round_trip_computes_the_same(name, rng):
    model = BUILDERS[name](lamina)
    rebuilt = Functional.from_config(model.get_config())
    _copy_weights(model, rebuilt)
    x = _f32(INPUTS[name](rng))
    _assert_close(_predict(model, x), _predict(rebuilt, x))
    assert _normalize(_json(rebuilt.get_config())) == _normalize(_json(model.get_config()))


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_keras_config_builds_in_lamina(name, rng):
    kmodel = BUILDERS[name](keras)
    model = Functional.from_config(_json(kmodel.get_config()))
    _copy_weights(kmodel, model)
    x = _f32(INPUTS[name](rng))
    _assert_close(_predict(model, x), _predict(kmodel, x))


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_lamina_config_builds_in_keras(name, rng):
    model = BUILDERS[name](lamina)
    kmodel = keras.Model.from_config(_json(model.get_config()))
    _copy_weights(model, kmodel)
    x = _f32(INPUTS[name](rng))
    _assert_close(_predict(model, x), _predict(kmodel, x))


def test_ops_on_tensors_round_trip_both_ways(rng):
    x = _f32(INPUTS["ops_model"](rng))
    model = with_ops(lamina)
    names = [entry["class_name"] for entry in model.get_config()["layers"]]
    assert names == [entry["class_name"] for entry in with_ops(keras).get_config()["layers"]]
    rebuilt = Functional.from_config(_json(model.get_config()))
    _copy_weights(model, rebuilt)
    _assert_close(_predict(model, x), _predict(rebuilt, x))
    kmodel = with_ops(keras)
    from_keras = Functional.from_config(_json(kmodel.get_config()))
    _copy_weights(kmodel, from_keras)
    _assert_close(_predict(kmodel, x), _predict(from_keras, x))


def test_call_keyword_arguments_are_kept():
    x = lamina.Input((3,), name="x")
    y = lamina.layers.Dropout(0.5, name="drop")(x, training=True)
    config = lamina.Model(x, y).get_config()
    assert config["layers"][1]["inbound_nodes"][0]["kwargs"] == {"training": True}
    rebuilt = Functional.from_config(config)
    node = rebuilt.get_layer("drop")._inbound_nodes[0]
    assert node.call_kwargs == {"training": True}


def test_single_and_list_io_structures_are_preserved():
    x = lamina.Input((2,), name="x")
    single = lamina.Model(x, lamina.layers.Dense(1, name="d")(x))
    assert single.get_config()["input_layers"] == ["x", 0, 0]
    y = lamina.Input((2,), name="y")
    listed = lamina.Model([y], [lamina.layers.Dense(1, name="e")(y)])
    assert listed.get_config()["input_layers"] == [["y", 0, 0]]
    rebuilt_list = Functional.from_config(listed.get_config())
    assert isinstance(rebuilt_list.input, list) and isinstance(rebuilt_list.output, list)
    rebuilt = Functional.from_config(single.get_config())
    assert rebuilt.get_config()["output_layers"] == ["d", 0, 0]


def test_trainable_flag_round_trips():
    model = multi_io(lamina)
    model.trainable = False
    assert Functional.from_config(model.get_config()).trainable is False


def test_config_referring_to_missing_layer_is_a_clear_error():
    config = _json(multi_io(lamina).get_config())
    config["layers"] = [entry for entry in config["layers"] if entry["name"] != "da"]
    with pytest.raises(ValueError, match="refers to layer 'da'"):
        Functional.from_config(config)


def test_keras2_style_inbound_nodes_are_read(rng):
    config = _json(shared_depths(lamina).get_config())
    for entry in config["layers"]:
        entry["inbound_nodes"] = [
            [[*n["args"][0]["config"]["keras_history"], n["kwargs"]]] for n in entry["inbound_nodes"]
        ]
    rebuilt = Functional.from_config(config)
    reference = Functional.from_config(_json(shared_depths(lamina).get_config()))
    _copy_weights(reference, rebuilt)
    x = _f32(INPUTS["shared_depths"](rng))
    _assert_close(_predict(reference, x), _predict(rebuilt, x))


def test_in_memory_keras_config_with_a_multi_tensor_call(keras3):
    # keras_model.get_config() (not a file) keeps a call's `args` as a tuple.
    q, v = keras3.Input((4, 8)), keras3.Input((6, 8))
    km = keras3.Model([q, v], keras3.layers.MultiHeadAttention(2, 4)(q, v))
    lm = lamina.Model.from_config(km.get_config())
    lm.set_weights(km.get_weights())
    rng = np.random.default_rng(0)
    xq, xv = rng.normal(size=(2, 4, 8)).astype("float32"), rng.normal(size=(2, 6, 8)).astype("float32")
    np.testing.assert_allclose(np.asarray(lm([xq, xv])), np.asarray(km([xq, xv])), rtol=1e-5, atol=1e-5)
