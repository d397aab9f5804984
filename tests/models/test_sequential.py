"""`Sequential`: construction, add/pop, when it is built, the graph API, errors, and Keras parity."""

import numpy as np
import pytest

import lamina
from lamina import layers

keras = pytest.importorskip("keras")


def _x(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _summary_lines(model):
    lines = []
    model.summary(print_fn=lambda s, **kw: lines.append(s))
    return "\n".join(lines)


# ------------------------------------------------------------------------------ construction
def test_list_constructor_and_layers():
    d1, d2 = layers.Dense(2), layers.Dense(3)
    model = lamina.Sequential([d1, d2])
    assert model.layers == [d1, d2]
    assert model.name == "sequential"
    assert lamina.Sequential(name="net").name == "net"


def test_constructor_rejects_a_bare_layer():
    with pytest.raises(TypeError, match="list"):
        lamina.Sequential(layers.Dense(2))


def test_add_and_pop():
    model = lamina.Sequential()
    model.add(layers.Dense(2, name="a"))
    model.add(layers.Dense(3, name="b"))
    assert [layer.name for layer in model.layers] == ["a", "b"]
    popped = model.pop()
    assert popped.name == "b" and [layer.name for layer in model.layers] == ["a"]
    model.pop()
    with pytest.raises(IndexError, match="no layers"):
        model.pop()


def test_pop_rebuilds_the_output_shape():
    model = lamina.Sequential([lamina.Input(shape=(4,)), layers.Dense(2), layers.Dense(3)])
    assert model.output_shape == (None, 3)
    model.pop()
    assert model.output_shape == (None, 2)
    model.add(layers.Dense(7))
    assert model.output_shape == (None, 7)
    assert model(_x(2, 4)).shape == (2, 7)


def test_layers_excludes_the_input():
    model = lamina.Sequential([lamina.Input(shape=(4,)), layers.Dense(2)])
    assert [type(layer).__name__ for layer in model.layers] == ["Dense"]
    kmodel = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
    assert len(kmodel.layers) == len(model.layers)


def test_add_input_after_layers_is_an_error():
    model = lamina.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="first"):
        model.add(lamina.Input(shape=(3,)))


@pytest.mark.parametrize("bad", ["dense", 3, np.ones(3), layers.Dense], ids=["str", "int", "array", "class"])
def test_adding_a_non_layer_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="only accepts layers") as info:
        lamina.Sequential().add(bad)
    assert type(bad).__name__ in str(info.value)


def test_adding_a_non_input_tensor_is_an_error():
    x = lamina.Input(shape=(3,))
    with pytest.raises(ValueError, match="keras.Input"):
        lamina.Sequential().add(layers.Dense(2)(x))


def test_duplicate_names_are_an_error():
    with pytest.raises(ValueError, match="unique") as info:
        lamina.Sequential([layers.Dense(2, name="same"), layers.Dense(2, name="same")])
    assert "'same'" in str(info.value)


def test_multi_output_layer_is_an_error():
    with pytest.raises(ValueError, match="single output") as info:
        lamina.Sequential([lamina.Input(shape=(3,)), layers.Lambda(lambda x: [x, x], name="split")])
    assert "split" in str(info.value) and "functional" in str(info.value)


# ------------------------------------------------------------------------------ when it is built
FIRST_LAYER_ARGS = [
    ("input_shape", {"input_shape": (4,)}, (None, 4)),
    ("input_shape_int", {"input_shape": 4}, (None, 4)),
    ("input_dim", {"input_dim": 4}, (None, 4)),
    ("batch_input_shape", {"batch_input_shape": (8, 4)}, (8, 4)),
    ("input_shape_batch_size", {"input_shape": (4,), "batch_size": 8}, (8, 4)),
]


@pytest.mark.parametrize("case, kwargs, in_shape", FIRST_LAYER_ARGS, ids=[c[0] for c in FIRST_LAYER_ARGS])
def test_built_at_once_from_first_layer_arguments(case, kwargs, in_shape):
    model = lamina.Sequential([layers.Dense(2, **kwargs), layers.Dense(3)])
    assert model.built
    assert model.input_shape == in_shape
    assert model.output_shape == in_shape[:1] + (3,)
    assert [tuple(w.shape) for w in model.weights] == [(4, 2), (2,), (2, 3), (3,)]
    assert model.layers[0].output.shape == in_shape[:1] + (2,)


@pytest.mark.parametrize("shape", [(784,), 784, [784]], ids=["tuple", "bare-int", "list"])
def test_built_at_once_with_input(shape):
    model = lamina.Sequential([lamina.Input(shape=shape), layers.Dense(10)])
    assert model.built and model.input_shape == (None, 784) and model.output_shape == (None, 10)
    assert model.count_params() == 7850


def test_built_on_first_call_with_that_batch_size():
    model = lamina.Sequential([layers.Dense(2), layers.Dense(3)])
    kmodel = keras.Sequential([keras.layers.Dense(2), keras.layers.Dense(3)])
    assert not model.built
    model(_x(5, 4))
    kmodel(_x(5, 4))
    assert model.built
    assert model.output_shape == tuple(kmodel.output_shape) == (5, 3)
    assert [layer.output.shape for layer in model.layers] == [(5, 2), (5, 3)]
    text = _summary_lines(model)
    assert "(5, 2)" in text and "(5, 3)" in text and "Total params: 19" in text


def test_weights_before_build_explain_the_fix():
    model = lamina.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError) as info:
        model.weights  # noqa: B018
    msg = str(info.value)
    assert "not been built" in msg and "keras.Input" in msg and "call the model" in msg


def test_graph_api_before_build_explains_the_fix():
    model = lamina.Sequential([layers.Dense(2)])
    for attr in ("inputs", "outputs", "input_shape", "output_shape", "input", "output"):
        with pytest.raises(ValueError, match="keras.Input"):
            getattr(model, attr)


def test_build_method_with_a_shape():
    model = lamina.Sequential([layers.Dense(2)])
    model.build((None, 6))
    assert model.built and model.output_shape == (None, 2)
    assert tuple(model.layers[0].kernel.shape) == (6, 2)


# ------------------------------------------------------------------------------ graph API
def test_inputs_outputs_and_shapes():
    model = lamina.Sequential([lamina.Input(shape=(4,), name="features"), layers.Dense(2, name="out")])
    assert len(model.inputs) == 1 and model.inputs[0].shape == (None, 4)
    assert len(model.outputs) == 1 and model.outputs[0].shape == (None, 2)
    assert model.input is model.inputs[0] and model.output is model.outputs[0]
    assert model.input_shape == (None, 4) and model.output_shape == (None, 2)
    assert model.outputs[0] is model.get_layer("out").output


def test_get_layer_by_name_and_index():
    model = lamina.Sequential([lamina.Input(shape=(4,)), layers.Dense(2, name="a"), layers.Dense(3, name="b")])
    assert model.get_layer("b").units == 3
    assert model.get_layer(name="a").units == 2
    assert model.get_layer(index=0).name == "a"
    assert model.get_layer(index=-1).name == "b"
    with pytest.raises(ValueError, match="no layer named 'c'") as info:
        model.get_layer("c")
    assert "['a', 'b']" in str(info.value)
    with pytest.raises(ValueError, match="out of range"):
        model.get_layer(index=5)
    with pytest.raises(ValueError, match="either"):
        model.get_layer(name="a", index=0)


def test_weight_paths_follow_keras():
    model = lamina.Sequential([lamina.Input(shape=(3,)), layers.Dense(2)])
    kmodel = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    ours = [w.path.replace(model.name, "M").replace(model.layers[0].name, "L") for w in model.weights]
    theirs = [w.path.replace(kmodel.name, "M").replace(kmodel.layers[0].name, "L") for w in kmodel.weights]
    assert ours == theirs == ["M/L/kernel", "M/L/bias"]


# ------------------------------------------------------------------------------ against Keras
def test_outputs_match_keras_with_identical_weights():
    def stack(lib):
        return lib.Sequential([
            lib.Input(shape=(3, 4)), lib.layers.Flatten(), lib.layers.Dense(8, activation="relu"),
            lib.layers.Dropout(0.5), lib.layers.Dense(6, activation="tanh"), lib.layers.Reshape((2, 3)),
            lib.layers.Permute((2, 1)), lib.layers.Flatten(), lib.layers.RepeatVector(2),
            lib.layers.Dense(1, activation="sigmoid"),
        ])

    ours, theirs = stack(lamina), stack(keras)
    ours.set_weights([np.asarray(w) for w in theirs.get_weights()])
    x = _x(5, 3, 4)
    np.testing.assert_allclose(np.asarray(ours(x)), np.asarray(theirs(x)), rtol=1e-5, atol=1e-6)
    assert ours.output_shape == tuple(theirs.output_shape)
    assert [layer.output.shape for layer in ours.layers] == [tuple(layer.output.shape) for layer in theirs.layers]
    assert ours.count_params() == theirs.count_params()


def test_nested_sequential():
    inner = lamina.Sequential([layers.Dense(3, name="inner_dense")], name="inner")
    outer = lamina.Sequential([lamina.Input(shape=(2,)), inner, layers.Dense(1)])
    assert outer.output_shape == (None, 1)
    assert len(outer.weights) == 4
    inner.trainable = False
    assert len(outer.trainable_weights) == 2
    assert outer(_x(4, 2)).shape == (4, 1)
