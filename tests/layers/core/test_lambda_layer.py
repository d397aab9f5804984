"""`Lambda`: calling, shape inference, masks, and Keras-compatible (de)serialization with safe mode."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.layers.core import lambda_layer
from lamina.layers.core.lambda_layer import Lambda, SafeModeScope

keras = pytest.importorskip("keras")


def double(x):
    return x * 2.0


def scale(x, factor=1.0):
    return x * factor


def _without_name(config):
    return {k: v for k, v in config.items() if k != "name"}


@pytest.fixture(autouse=True)
def _restore_safe_mode():
    yield
    lambda_layer.set_safe_mode(True)


def test_eager_call_and_arguments():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(Lambda(lambda t: t + 1)(x), x + 1)
    np.testing.assert_allclose(Lambda(scale, arguments={"factor": 3.0})(x), x * 3)


@pytest.mark.parametrize(
    "fn, in_shape, expected",
    [
        (lambda t: t[:, :2], (None, 5), (None, 2)),
        (lambda t: ops.expand_dims(t, -1), (None, 3), (None, 3, 1)),
        (lambda t: ops.sum(t, axis=1), (None, 4, 6), (None, 6)),
        (lambda t: ops.reshape(t, (-1, 2, 3)), (None, 6), (None, 2, 3)),
        (lambda t: ops.transpose(t, (0, 2, 1)), (None, None, 3), (None, 3, None)),
    ],
)
def test_output_shape_inferred_by_tracing(fn, in_shape, expected):
    x = lamina.Input(batch_shape=in_shape)
    assert Lambda(fn)(x).shape == expected
    assert Lambda(fn).compute_output_shape(in_shape) == expected


def test_inferred_shapes_agree_with_keras():
    cases = [
        ((None, 5), lambda lib: (lambda t: t[:, 1:4])),
        ((None, 4, 6), lambda lib: (lambda t: lib.ops.mean(t, axis=-1, keepdims=True))),
        ((None, 6), lambda lib: (lambda t: lib.ops.reshape(t, (-1, 3, 2)))),
    ]
    for shape, make in cases:
        ours = Lambda(make(lamina))(lamina.Input(batch_shape=shape)).shape
        theirs = keras.layers.Lambda(make(keras))(keras.Input(batch_shape=shape)).shape
        assert ours == tuple(theirs)


def test_explicit_output_shape_tuple_and_callable():
    x = lamina.Input(shape=(4,))
    assert Lambda(lambda t: t, output_shape=(4,))(x).shape == (None, 4)
    assert Lambda(lambda t: t, output_shape=lambda s: (s[0], 9))(x).shape == (None, 9)
    assert Lambda(lambda t: t, output_shape=[4]).compute_output_shape((2, 4)) == (2, 4)


def test_multiple_outputs():
    x = lamina.Input(shape=(6,))
    a, b = Lambda(lambda t: [t[:, :2], t[:, 2:]])(x)
    assert (a.shape, b.shape) == ((None, 2), (None, 4))
    c, d = Lambda(lambda t: [t[:, :2], t[:, 2:]], output_shape=[(2,), (4,)])(x)
    assert (c.shape, d.shape) == ((None, 2), (None, 4))
    model = lamina.Model(x, [a, b])
    ya, yb = model(np.ones((3, 6), "float32"))
    assert ya.shape == (3, 2) and yb.shape == (3, 4)


def test_tracing_failure_asks_for_output_shape():
    def broken(t):
        return ops.matmul(t, np.ones((7, 2), "float32"))

    with pytest.raises(NotImplementedError, match="output_shape"):
        Lambda(broken)(lamina.Input(shape=(3,)))


def test_function_must_be_callable():
    with pytest.raises(TypeError, match="callable"):
        Lambda("relu")


def test_training_and_mask_arguments_are_passed():
    def fn(x, training=None, mask=None):
        flag = 1.0 if training else 0.0
        m = 0.0 if mask is None else ops.cast(mask, "float32")[..., None]
        return x * 0 + flag + m

    layer = Lambda(fn)
    x = np.ones((2, 3, 1), "float32")
    np.testing.assert_allclose(layer(x, training=True), np.ones((2, 3, 1)))
    np.testing.assert_allclose(layer(x, training=False), np.zeros((2, 3, 1)))
    mask = np.array([[True, False, True], [False, False, True]])
    np.testing.assert_allclose(layer(x, mask=mask, training=False)[..., 0], mask.astype("float32"))


def test_compute_mask():
    x = np.ones((2, 3), "float32")
    prev = np.array([[True, False, True], [True, True, False]])
    assert Lambda(lambda t: t).compute_mask(x, prev) is None
    assert not Lambda(lambda t: t).supports_masking
    flip = Lambda(lambda t: t, mask=lambda inputs, mask: ~mask)
    assert flip.supports_masking
    np.testing.assert_array_equal(flip.compute_mask(x, prev), ~prev)
    fixed = np.array([True, False])
    np.testing.assert_array_equal(Lambda(lambda t: t, mask=fixed).compute_mask(x, prev), fixed)


# ------------------------------------------------------------------------------ configs
def test_lambda_config_matches_keras_byte_for_byte():
    fn = lambda t, k=3: t * k  # noqa: E731
    ours = Lambda(fn, output_shape=(5,), arguments={"k": 2}).get_config()
    theirs = keras.layers.Lambda(fn, output_shape=(5,), arguments={"k": 2}).get_config()
    assert _without_name(ours) == _without_name(theirs)
    assert ours["function"]["class_name"] == "__lambda__"
    assert ours["function"]["config"]["defaults"] == (3,)


def test_closure_is_saved_like_keras():
    def make(k):
        return lambda t: t * k

    fn = make(5)
    ours = Lambda(fn).get_config()["function"]
    theirs = keras.layers.Lambda(fn).get_config()["function"]
    assert ours == theirs
    assert ours["config"]["closure"] == (5,)


@pytest.mark.parametrize("fn", [double, scale])
def test_named_function_config_matches_keras(fn):
    ours = Lambda(fn).get_config()
    theirs = keras.layers.Lambda(fn).get_config()
    assert _without_name(ours) == _without_name(theirs)
    assert ours["function"] == {
        "module": "builtins", "class_name": "function", "config": fn.__name__, "registered_name": "function",
    }


def test_mask_and_callable_output_shape_configs_match_keras():
    fn = lambda t: t  # noqa: E731
    shape_fn = lambda s: s  # noqa: E731
    mask_fn = lambda i, m: m  # noqa: E731
    ours = Lambda(fn, output_shape=shape_fn, mask=mask_fn).get_config()
    theirs = keras.layers.Lambda(fn, output_shape=shape_fn, mask=mask_fn).get_config()
    assert _without_name(ours) == _without_name(theirs)
    arr = np.array([True, False])
    assert Lambda(fn, mask=arr).get_config()["mask"] == keras.layers.Lambda(fn, mask=arr).get_config()["mask"]
    with_array_arg = Lambda(scale, arguments={"factor": np.array([1.0, 2.0], "float32")}).get_config()
    keras_array_arg = keras.layers.Lambda(scale, arguments={"factor": np.array([1.0, 2.0], "float32")}).get_config()
    assert with_array_arg["arguments"] == keras_array_arg["arguments"]


def test_from_config_refuses_lambda_bytecode_in_safe_mode():
    config = Lambda(lambda t: t * 2).get_config()
    with pytest.raises(ValueError, match="safe_mode=False"):
        Lambda.from_config(config)
    with pytest.raises(ValueError, match="arbitrary code"):
        layers.deserialize({"module": "keras.layers", "class_name": "Lambda", "config": config,
                            "registered_name": None})
    # A lambda hidden in output_shape or mask is refused too.
    for kwargs in ({"output_shape": lambda s: s}, {"mask": lambda i, m: m}):
        config = Lambda(double, **kwargs).get_config()
        with pytest.raises(ValueError, match="Refusing"):
            Lambda.from_config(config, custom_objects={"double": double})


def test_unsafe_loading_three_ways():
    def make(k):
        return lambda t, bias=1.0: t * k + bias

    config = Lambda(make(3.0), output_shape=(2,)).get_config()
    x = np.ones((1, 2), "float32")
    loaded = Lambda.from_config(config, safe_mode=False)
    np.testing.assert_allclose(loaded(x), x * 3 + 1)
    assert loaded.compute_output_shape((None, 2)) == (None, 2)
    with SafeModeScope(False):
        assert not lambda_layer.in_safe_mode()
        np.testing.assert_allclose(Lambda.from_config(config)(x), x * 3 + 1)
        with SafeModeScope(None):
            assert not lambda_layer.in_safe_mode()
        with SafeModeScope(True):
            with pytest.raises(ValueError):
                Lambda.from_config(config)
    assert lambda_layer.in_safe_mode()
    lambda_layer.enable_unsafe_deserialization()
    np.testing.assert_allclose(Lambda.from_config(config)(x), x * 3 + 1)
    # An explicit safe_mode=True wins over the global switch.
    with pytest.raises(ValueError):
        Lambda.from_config(config, safe_mode=True)


def test_keras_config_loads_in_lamina_and_back():
    fn = lambda t: keras.ops.square(t) + 1  # noqa: E731 (uses the name `keras`)
    k_config = keras.layers.Lambda(fn).get_config()
    loaded = Lambda.from_config(k_config, safe_mode=False)
    x = np.array([[1.0, 2.0]], "float32")
    np.testing.assert_allclose(loaded(x), x**2 + 1)
    from keras.src.saving.serialization_lib import SafeModeScope as KerasSafeModeScope

    ours = Lambda(lambda t: t * 4.0, arguments={}).get_config()
    with KerasSafeModeScope(False):
        k_loaded = keras.layers.Lambda.from_config(ours)
    np.testing.assert_allclose(np.asarray(k_loaded(x)), x * 4)


def test_named_functions_round_trip():
    config = Lambda(scale, arguments={"factor": 2.0}).get_config()
    with pytest.raises(TypeError, match="register_keras_serializable"):
        Lambda.from_config(config)
    loaded = Lambda.from_config(config, custom_objects={"scale": scale})
    assert loaded.function is scale and loaded.arguments == {"factor": 2.0}
    with lamina.saving.custom_object_scope({"scale": scale}):
        assert Lambda.from_config(config).function is scale
    # lamina's own functions load by name, in safe mode.
    for fn in (ops.square, lamina.activations.relu):
        assert Lambda.from_config(Lambda(fn).get_config()).function is fn


def test_registered_function_round_trip():
    @lamina.saving.register_keras_serializable(package="lambda_test")
    def triple(x):
        return x * 3.0

    config = Lambda(triple).get_config()
    assert config["function"]["config"] == "lambda_test>triple"
    assert Lambda.from_config(config).function is triple


def test_numpy_arguments_and_mask_round_trip():
    layer = Lambda(scale, mask=np.array([True, False]), arguments={"factor": np.array([1.0, 2.0], "float32")})
    loaded = Lambda.from_config(layer.get_config(), custom_objects={"scale": scale})
    np.testing.assert_array_equal(loaded.mask, [True, False])
    np.testing.assert_allclose(loaded(np.ones((1, 2), "float32")), [[1.0, 2.0]])


def test_unserializable_callable():
    class Callable:
        def __call__(self, x):
            return x

    with pytest.raises(TypeError, match="cannot serialize"):
        Lambda(Callable()).get_config()


def test_lambda_in_sequential_and_auto_names():
    model = lamina.Sequential([lamina.Input(shape=(4,)), layers.Dense(3), Lambda(lambda t: t[:, :1])])
    assert model.output_shape == (None, 1)
    assert model.layers[-1].name == "lambda"
    assert repr(Lambda(double)) == "<Lambda name=lambda_1, built=True>"
    y = model(np.ones((2, 4), "float32"))
    assert y.shape == (2, 1)
