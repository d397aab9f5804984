"""Functional models: graphs of layers on `keras.Input`s, their API, errors, and Keras parity."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lamina
from lamina import layers, ops

keras = pytest.importorskip("keras")


def _x(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _copy_weights_by_name(ours, theirs):
    for layer in theirs.layers:
        if layer.weights:
            ours.get_layer(layer.name).set_weights([np.asarray(w) for w in layer.get_weights()])


# ------------------------------------------------------------------------------ feature extraction
def test_feature_extraction_from_a_dense_sequential():
    initial = lamina.Sequential([
        lamina.Input(shape=(6,)), layers.Dense(5, activation="relu"), layers.Dense(4), layers.Dense(3),
    ])
    extractor = lamina.Model(inputs=initial.inputs, outputs=[layer.output for layer in initial.layers])
    x = _x(2, 6)
    features = extractor(x)
    assert [f.shape for f in features] == [(2, 5), (2, 4), (2, 3)]
    h = x
    for layer, feature in zip(initial.layers, features):
        h = layer(h)
        np.testing.assert_allclose(feature, h, rtol=1e-5, atol=1e-6)
    # Same weights, not copies.
    assert all(a is b for a, b in zip(extractor.weights, initial.weights))


def test_feature_extraction_from_a_conv_sequential():
    initial = lamina.Sequential([
        lamina.Input(shape=(12, 12, 3)),
        layers.Conv2D(4, 3, strides=2, activation="relu"),
        layers.Conv2D(6, 3, activation="relu"),
        layers.Conv2D(2, 3, activation="relu"),
    ])
    extractor = lamina.Model(inputs=initial.inputs, outputs=[layer.output for layer in initial.layers])
    features = extractor(_x(2, 12, 12, 3))
    assert [f.shape for f in features] == [(2, 5, 5, 4), (2, 3, 3, 6), (2, 1, 1, 2)]
    assert [tuple(t.shape) for t in extractor.outputs] == [(None, 5, 5, 4), (None, 3, 3, 6), (None, 1, 1, 2)]


def test_feature_extraction_from_a_sequential_built_on_call_accepts_any_batch():
    initial = lamina.Sequential([layers.Dense(3), layers.Dense(2)])
    initial(_x(5, 4))
    extractor = lamina.Model(inputs=initial.inputs, outputs=[layer.output for layer in initial.layers])
    assert [f.shape for f in extractor(_x(3, 4))] == [(3, 3), (3, 2)]
    kinitial = keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(2)])
    kinitial(_x(5, 4))
    kextractor = keras.Model(inputs=kinitial.inputs, outputs=[layer.output for layer in kinitial.layers])
    assert [tuple(f.shape) for f in kextractor(_x(3, 4))] == [(3, 3), (3, 2)]


def test_intermediate_layer_by_name():
    x = lamina.Input(shape=(4,))
    h = layers.Dense(6, activation="relu", name="my_intermediate_layer")(x)
    model = lamina.Model(x, layers.Dense(1)(h))
    extractor = lamina.Model(inputs=model.inputs, outputs=model.get_layer(name="my_intermediate_layer").output)
    data = _x(3, 4)
    np.testing.assert_allclose(extractor(data), model.get_layer("my_intermediate_layer")(data), rtol=1e-6)
    assert extractor.output_shape == (None, 6)


# ------------------------------------------------------------------------------ multi-input / multi-output
def _purchase_model(lib):
    user_info = lib.Input(shape=(10,), name="user_info")
    user_behavior = lib.Input(shape=(5,), name="user_behavior")
    a = lib.layers.Dense(32, activation="relu", name="info_dense")(user_info)
    b = lib.layers.Dense(16, activation="relu", name="behavior_dense")(user_behavior)
    h = lib.layers.Concatenate(name="merge")([a, b])
    h = lib.layers.Dense(64, activation="relu", name="d64")(h)
    h = lib.layers.Dense(32, activation="relu", name="d32")(h)
    out = lib.layers.Dense(1, activation="sigmoid", name="purchase")(h)
    return lib.Model(inputs=[user_info, user_behavior], outputs=out)


def test_purchase_model_shapes_and_params():
    model = _purchase_model(lamina)
    kmodel = _purchase_model(keras)
    assert model.input_shape == [(None, 10), (None, 5)]
    assert model.output_shape == (None, 1)
    assert model.count_params() == kmodel.count_params() == 5697
    assert sorted(layer.name for layer in model.layers) == sorted(layer.name for layer in kmodel.layers)
    assert model.input_names == ["user_info", "user_behavior"]


def _two_branches(lib):
    a = lib.Input(shape=(3,), name="a")
    x = lib.layers.Dense(4, name="x1")(a)
    y = lib.layers.Dense(4, name="y1")(a)
    x = lib.layers.Dense(4, name="x2")(x)
    return lib.Model(a, lib.layers.add([y, x], name="s"))


@pytest.mark.parametrize("build", [_two_branches, _purchase_model], ids=["two-branches", "purchase"])
def test_layer_and_weight_order_follow_keras(build):
    model, kmodel = build(lamina), build(keras)
    assert [layer.name for layer in model.layers] == [layer.name for layer in kmodel.layers]
    assert [w.path for w in model.weights] == [w.path for w in kmodel.weights]


def test_purchase_model_list_and_dict_inputs_match_keras():
    model, kmodel = _purchase_model(lamina), _purchase_model(keras)
    _copy_weights_by_name(model, kmodel)
    info, behavior = _x(4, 10, seed=1), _x(4, 5, seed=2)
    expected = np.asarray(kmodel([info, behavior]))
    np.testing.assert_allclose(model([info, behavior]), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model((info, behavior)), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        model({"user_behavior": behavior, "user_info": info}), expected, rtol=1e-5, atol=1e-6
    )


def test_dict_structured_inputs_and_outputs():
    a, b = lamina.Input(shape=(3,), name="a"), lamina.Input(shape=(2,), name="b")
    merged = layers.concatenate([a, b])
    model = lamina.Model({"a": a, "b": b}, {"sum": ops.sum(merged, axis=-1), "dense": layers.Dense(4)(merged)})
    out = model({"b": _x(2, 2), "a": _x(2, 3)})
    assert set(out) == {"sum", "dense"}
    assert out["sum"].shape == (2,) and out["dense"].shape == (2, 4)
    np.testing.assert_allclose(out["sum"], _x(2, 3).sum(-1) + _x(2, 2).sum(-1), rtol=1e-5)


def test_multi_output_model_with_ops():
    x = lamina.Input(shape=(6,))
    h = layers.Dense(4, name="h")(x)
    model = lamina.Model(x, [ops.relu(h), ops.mean(h, axis=-1, keepdims=True), h * 2.0 + 1.0, ops.max(h, axis=1)])
    assert [t.shape for t in model.outputs] == [(None, 4), (None, 1), (None, 4), (None,)]
    data = _x(3, 6)
    hv = np.asarray(model.get_layer("h")(data))
    relu, mean, affine, mx = model(data)
    np.testing.assert_allclose(relu, np.maximum(hv, 0), rtol=1e-6)
    np.testing.assert_allclose(mean, hv.mean(-1, keepdims=True), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(affine, hv * 2 + 1, rtol=1e-6)
    np.testing.assert_allclose(mx, hv.max(1), rtol=1e-6)


def test_multi_input_multi_output_matches_keras():
    def build(lib):
        image = lib.Input(shape=(4, 4, 1), name="image")
        meta = lib.Input(shape=(3,), name="meta")
        f = lib.layers.Flatten(name="flat")(image)
        f = lib.layers.Dense(8, activation="relu", name="img_dense")(f)
        m = lib.layers.Dense(8, activation="tanh", name="meta_dense")(meta)
        shared = lib.layers.Dense(5, name="shared")
        h = lib.layers.add([shared(f), shared(m)], name="sum")
        h2 = lib.layers.multiply([f, m], name="prod")
        both = lib.layers.concatenate([h, h2], name="cat")
        cls = lib.layers.Dense(3, activation="softmax", name="cls")(both)
        reg = lib.layers.Dense(1, name="reg")(lib.layers.Dropout(0.3, name="drop")(both))
        return lib.Model([image, meta], [cls, reg])

    model, kmodel = build(lamina), build(keras)
    _copy_weights_by_name(model, kmodel)
    data = [_x(6, 4, 4, 1, seed=3), _x(6, 3, seed=4)]
    for o, t in zip(model(data), kmodel(data)):
        np.testing.assert_allclose(np.asarray(o), np.asarray(t), rtol=1e-5, atol=1e-6)
    assert model.output_shape == [tuple(s) for s in kmodel.output_shape]
    assert model.count_params() == kmodel.count_params()
    assert len(model.weights) == len(kmodel.weights)


# ------------------------------------------------------------------------------ shared and nested
def test_shared_layer_shares_weights():
    a, b = lamina.Input(shape=(4,)), lamina.Input(shape=(4,))
    shared = layers.Dense(3, name="shared")
    model = lamina.Model([a, b], [shared(a), shared(b)])
    assert len(model.weights) == 2 and model.count_params() == 15
    data = _x(2, 4)
    ya, yb = model([data, data])
    np.testing.assert_array_equal(ya, yb)
    shared.set_weights([np.ones((4, 3), "float32"), np.zeros(3, "float32")])
    ya, yb = model([data, 2 * data])
    np.testing.assert_allclose(ya, data.sum(-1, keepdims=True).repeat(3, -1), rtol=1e-5)
    np.testing.assert_allclose(yb, 2 * ya, rtol=1e-5)


def test_sequential_as_a_layer_in_a_functional_model():
    base = lamina.Sequential([lamina.Input(shape=(4,)), layers.Dense(3, name="b1"), layers.Dense(3, name="b2")], name="base")
    x = lamina.Input(shape=(4,))
    model = lamina.Model(x, layers.Dense(1, name="head")(base(x)))
    assert [layer.name for layer in model.layers][1:] == ["base", "head"]
    assert len(model.weights) == 6
    data = _x(5, 4)
    np.testing.assert_allclose(model(data), model.get_layer("head")(base(data)), rtol=1e-5, atol=1e-6)


def test_frozen_base_contributes_no_trainable_weights():
    base = lamina.Sequential([lamina.Input(shape=(4,)), layers.Dense(3), layers.Dense(3)], name="base")
    base.trainable = False
    x = lamina.Input(shape=(4,))
    model = lamina.Model(x, layers.Dense(1, name="head")(base(x)))
    assert [w.path for w in model.trainable_weights] == ["head/kernel", "head/bias"]
    assert len(model.non_trainable_weights) == 4
    assert base.trainable_weights == []
    base.trainable = True
    assert len(model.trainable_weights) == 6


def test_fit_does_not_update_a_frozen_base():
    base = lamina.Sequential([lamina.Input(shape=(4,)), layers.Dense(3)], name="base")
    base.trainable = False
    x = lamina.Input(shape=(4,))
    model = lamina.Model(x, layers.Dense(1, name="head")(base(x)))
    base_before, head_before = base.get_weights(), model.get_layer("head").get_weights()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(_x(8, 4), _x(8, 1, seed=1), epochs=1, verbose=0)
    for a, b in zip(base_before, base.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(head_before[0], model.get_layer("head").get_weights()[0])


def test_functional_model_nested_in_a_functional_model():
    x = lamina.Input(shape=(3,))
    inner = lamina.Model(x, layers.Dense(2, name="inner_dense")(x), name="inner")
    y = lamina.Input(shape=(3,))
    outer = lamina.Model(y, layers.Dense(1, name="outer_dense")(inner(y)))
    assert outer.output_shape == (None, 1)
    data = _x(4, 3)
    np.testing.assert_allclose(outer(data), outer.get_layer("outer_dense")(inner(data)), rtol=1e-5, atol=1e-6)


def test_training_flag_reaches_layers_inside():
    x = lamina.Input(shape=(50,))
    model = lamina.Model(x, layers.Dropout(0.5)(layers.Dense(50, kernel_initializer="ones")(x)))
    data = np.ones((2, 50), "float32")
    np.testing.assert_allclose(model(data), model(data, training=False))
    dropped = np.asarray(model(data, training=True))
    assert np.any(dropped == 0) and np.allclose(dropped[dropped != 0], 100.0)


# ------------------------------------------------------------------------------ masks
def test_masks_flow_through_merge_layers():
    a, b = lamina.Input(shape=(4, 2)), lamina.Input(shape=(4, 2))
    merged = layers.Maximum()([a, b])
    # A Lambda whose function takes `mask` sees the merged (OR-ed) mask.
    out = layers.Lambda(lambda t, mask: ops.cast(mask, "float32"))(merged)
    model = lamina.Model([a, b], out)
    ma = np.array([[True, False, False, True]] * 2)
    mb = np.array([[False, False, True, True]] * 2)
    got = model([_x(2, 4, 2), _x(2, 4, 2)], mask=[ma, mb])
    np.testing.assert_array_equal(got, (ma | mb).astype("float32"))


# ------------------------------------------------------------------------------ errors
def test_layer_object_as_output_names_the_layer_and_the_fix():
    inputs = lamina.Input(shape=(8,))
    x = layers.Dense(4)(inputs)
    output = layers.Dense(1, activation="sigmoid", name="sentiment_output")
    del x
    for outputs in (output, [output], {"sentiment": output}):
        with pytest.raises(ValueError) as info:
            lamina.Model(inputs=inputs, outputs=outputs)
        msg = str(info.value)
        assert "sentiment_output" in msg and "Dense(...)(x)" in msg


def test_output_not_connected_to_inputs():
    a, b = lamina.Input(shape=(3,), name="used"), lamina.Input(shape=(3,), name="other")
    with pytest.raises(ValueError) as info:
        lamina.Model(a, layers.Dense(2)(b))
    msg = str(info.value)
    assert "other" in msg and "inputs" in msg


def test_input_listed_twice():
    a = lamina.Input(shape=(3,), name="twice")
    with pytest.raises(ValueError, match="appears twice") as info:
        lamina.Model([a, a], layers.Dense(2)(a))
    assert "twice" in str(info.value)


def test_non_input_tensor_as_model_input():
    a = lamina.Input(shape=(3,))
    h = layers.Dense(2, name="middle")(a)
    with pytest.raises(ValueError, match="middle"):
        lamina.Model(h, layers.Dense(1)(h))


def test_duplicate_layer_names():
    a = lamina.Input(shape=(3,))
    with pytest.raises(ValueError, match="'n'"):
        lamina.Model(a, [layers.Dense(2, name="n")(a), layers.Dense(2, name="n")(a)])


def test_wrong_number_of_inputs_when_calling():
    model = _purchase_model(lamina)
    with pytest.raises(ValueError, match="expects 2 input") as info:
        model(_x(2, 10))
    assert "user_info" in str(info.value) and "received 1" in str(info.value)
    with pytest.raises(ValueError, match="expects 2 input"):
        model([_x(2, 10), _x(2, 5), _x(2, 5)])


def test_wrong_input_shape_when_calling():
    model = _purchase_model(lamina)
    with pytest.raises(ValueError) as info:
        model([_x(2, 10), _x(2, 4)])
    msg = str(info.value)
    assert "user_behavior" in msg and "(None, 5)" in msg and "(2, 4)" in msg
    with pytest.raises(ValueError, match="user_info"):
        model([_x(2, 10, 1), _x(2, 5)])


def test_unknown_and_missing_dict_keys():
    model = _purchase_model(lamina)
    with pytest.raises(ValueError, match="user_infos"):
        model({"user_infos": _x(2, 10), "user_behavior": _x(2, 5)})


def test_single_element_output_list_is_unwrapped_like_keras():
    x = lamina.Input(shape=(4,))
    model = lamina.Model([x], [layers.Dense(2)(x)])
    kx = keras.Input(shape=(4,))
    kmodel = keras.Model([kx], [keras.layers.Dense(2)(kx)])
    data = _x(3, 4)
    assert not isinstance(kmodel([data]), list)
    assert not isinstance(model([data]), list)


# ------------------------------------------------------------------------------ property test
_ACTIVATIONS = ["relu", "tanh", "sigmoid", "softmax", "linear"]


@st.composite
def _stacks(draw):
    """An input shape (without batch) and a valid random layer stack, as specs for both libraries."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    specs, current = [], shape
    for _ in range(draw(st.integers(1, 6))):
        options = ["Dense", "Activation", "Dropout", "Flatten", "Reshape"]
        if len(current) >= 2:
            options.append("Permute")
        if len(current) == 1:
            options.append("RepeatVector")
        kind = draw(st.sampled_from(options))
        if kind == "Dense":
            units = draw(st.integers(1, 5))
            spec, current = ("Dense", {"units": units}), current[:-1] + (units,)
        elif kind == "Activation":
            spec = ("Activation", {"activation": draw(st.sampled_from(_ACTIVATIONS))})
        elif kind == "Dropout":
            spec = ("Dropout", {"rate": draw(st.sampled_from([0.0, 0.3]))})
        elif kind == "Flatten":
            spec, current = ("Flatten", {}), (int(np.prod(current)),)
        elif kind == "Reshape":
            total = int(np.prod(current))
            first = draw(st.sampled_from([d for d in range(1, total + 1) if total % d == 0]))
            target = draw(st.sampled_from([(total,), (first, total // first), (first, -1), (-1, 1, first)]))
            # The -1 axis takes whatever the known axes leave (total // first in every target).
            current = tuple(total // first if d == -1 else d for d in target)
            spec = ("Reshape", {"target_shape": target})
        elif kind == "Permute":
            dims = tuple(draw(st.permutations(list(range(1, len(current) + 1)))))
            spec, current = ("Permute", {"dims": dims}), tuple(current[d - 1] for d in dims)
        else:
            n = draw(st.integers(1, 3))
            spec, current = ("RepeatVector", {"n": n}), (n,) + current
        specs.append(spec)
    return shape, specs


def _build_stack(lib, shape, specs):
    return lib.Sequential([lib.Input(shape=shape)] + [getattr(lib.layers, k)(**kw) for k, kw in specs])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_stacks())
def test_symbolic_shapes_equal_real_shapes_and_keras(stack):
    shape, specs = stack
    model = _build_stack(lamina, shape, specs)
    kmodel = _build_stack(keras, shape, specs)
    symbolic = [layer.output.shape for layer in model.layers]
    assert model.output_shape == symbolic[-1]
    assert symbolic == [tuple(layer.output.shape) for layer in kmodel.layers]
    assert model.output_shape == tuple(kmodel.output_shape)
    batch = 2
    data = _x(batch, *shape)
    assert tuple(model(data).shape) == (batch,) + model.output_shape[1:]
    extractor = lamina.Model(inputs=model.inputs, outputs=[layer.output for layer in model.layers])
    features = extractor(data)
    # Like Keras, a one-element output list comes back as a single array.
    features = features if isinstance(features, list) else [features]
    real = [tuple(f.shape) for f in features]
    assert real == [(batch,) + s[1:] for s in symbolic]
