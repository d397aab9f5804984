"""InputSpec and assert_input_compatibility against real Keras 3: attributes, config, accept/reject."""

import keras  # the oracle; tests/conftest.py selects its JAX backend
import numpy as np
import pytest
from keras.src.layers.input_spec import assert_input_compatibility as keras_check

import lamina
from lamina.layers.input_spec import InputSpec, assert_input_compatibility

SPECS = [
    dict(shape=(None, 3)),
    dict(ndim=3, axes={-1: 4}),
    dict(min_ndim=2, max_ndim=4, axes={1: 5}),
    dict(dtype="int32", ndim=2),
    dict(shape=(None, 28, 28, 1), allow_last_axis_squeeze=True),
    dict(),
]
INPUTS = [
    np.zeros((2, 3), "float32"),
    np.zeros((2, 5, 4), "float32"),
    np.zeros((2, 5), "int32"),
    np.zeros((2, 5, 3, 2, 1), "float32"),
    np.zeros((2, 28, 28), "float32"),
    np.zeros((2, 28, 28, 1), "float32"),
    np.zeros((7,), "float32"),
]


@pytest.mark.parametrize("kwargs", SPECS, ids=str)
def test_attributes_repr_and_config_match_keras(kwargs):
    k, spec = keras.layers.InputSpec(**kwargs), InputSpec(**kwargs)
    for attr in ("dtype", "shape", "ndim", "max_ndim", "min_ndim", "axes", "optional", "name",
                 "allow_last_axis_squeeze"):
        assert getattr(spec, attr) == getattr(k, attr), attr
    assert repr(spec) == repr(k)
    config = spec.get_config()
    # lamina's config is Keras's plus the two keys Keras drops (so its round trip loses them).
    assert {key: v for key, v in config.items() if key not in ("name", "allow_last_axis_squeeze")} == k.get_config()
    again = InputSpec.from_config(config)
    assert again.get_config() == config
    assert keras.layers.InputSpec.from_config(config).get_config() == k.get_config()


def test_config_survives_json_axis_keys():
    spec = InputSpec.from_config({"axes": {"-1": 3}, "ndim": 2, "name": "x", "allow_last_axis_squeeze": True})
    assert spec.axes == {-1: 3} and spec.name == "x" and spec.allow_last_axis_squeeze


@pytest.mark.parametrize("kwargs", SPECS, ids=str)
def test_accepts_and_rejects_the_same_inputs_as_keras(kwargs):
    for x in INPUTS:
        try:
            keras_check(keras.layers.InputSpec(**kwargs), x, "layer")
            keras_ok = True
        except ValueError:
            keras_ok = False
        if keras_ok:
            assert_input_compatibility(InputSpec(**kwargs), x, "layer")
        else:
            with pytest.raises(ValueError, match="of layer 'layer'"):
                assert_input_compatibility(InputSpec(**kwargs), x, "layer")


def test_symbolic_inputs_with_unknown_dims_are_accepted():
    x = lamina.Input((None, 4))
    assert_input_compatibility(InputSpec(shape=(None, 7, 4), axes={-1: 4}), x, "layer")


def test_structures_names_and_optional_inputs():
    specs = [InputSpec(ndim=2, name="a"), InputSpec(ndim=3, name="b", optional=True)]
    assert_input_compatibility(specs, {"b": np.zeros((1, 2, 3)), "a": np.zeros((1, 2))}, "pair")
    assert_input_compatibility(specs, [np.zeros((1, 2)), None], "pair")
    with pytest.raises(ValueError, match=r"Layer 'pair' is missing input\(s\) \['b'\].*received keys \['a'\]"):
        assert_input_compatibility(specs, {"a": np.zeros((1, 2))}, "pair")
    with pytest.raises(ValueError, match=r"expects 2 input\(s\), but received 1.*dict with keys \['a', 'b'\]"):
        assert_input_compatibility(specs, [np.zeros((1, 2))], "pair")
    with pytest.raises(ValueError, match=r"Input 1 \('b'\) of layer 'pair'.*expected rank \(ndim\) 3.*rank 2"):
        assert_input_compatibility(specs, [np.zeros((1, 2)), np.zeros((1, 2))], "pair")
    with pytest.raises(ValueError, match=r"is not a tensor.*Dense"):
        assert_input_compatibility(InputSpec(ndim=2), lamina.layers.Dense(2), "layer")


def test_errors_say_what_was_expected_and_received():
    cases = [
        (InputSpec(ndim=2), np.zeros((2, 3, 4)), r"expected rank \(ndim\) 2, but received an input of rank 3"),
        (InputSpec(max_ndim=2), np.zeros((2, 3, 4)), r"at most 2.*rank 3"),
        (InputSpec(min_ndim=3), np.zeros((2, 3)), r"at least 3.*rank 2"),
        (InputSpec(dtype="int32"), np.zeros((2,), "float32"), r"expected dtype int32, but received dtype float32"),
        (InputSpec(axes={-1: 4}), np.zeros((2, 3)), r"axis -1 to have size 4.*shape \(2, 3\)"),
        (InputSpec(shape=(None, 4)), np.zeros((2, 3)), r"expected shape \(None, 4\).*shape \(2, 3\)"),
    ]
    for spec, x, pattern in cases:
        with pytest.raises(ValueError, match=pattern):
            assert_input_compatibility(spec, x, "my_layer")


def test_bad_constructor_arguments():
    with pytest.raises(TypeError, match=r"`axes` must be a dict.*Received: axes=\['x'\]"):
        InputSpec(axes=["x"])
    with pytest.raises(ValueError, match=r"axis 3 is out of range for inputs of rank at most 2"):
        InputSpec(ndim=2, axes={3: 1})
    with pytest.raises(ValueError, match=r"`shape` must be a non-negative int or None.*shape=\(2, 'a'\)"):
        InputSpec(shape=(2, "a"))
    with pytest.raises(ValueError, match=r"`min_ndim` must be a non-negative int"):
        InputSpec(min_ndim=-1)
