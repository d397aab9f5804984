"""Convolution layers against real Keras 3: outputs, weights, configs, shapes, gradients, errors."""

import numpy as np
import pytest
from layer_parity import assert_layer_matches

import lamina
from lamina import layers

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.normal(size=shape).astype("float32")


CONV_CASES = [
    ("Conv1D", (4, 3), {}, (2, 9, 3)),
    ("Conv1D", (4, 3), {"padding": "causal", "dilation_rate": 2}, (2, 9, 3)),
    ("Conv1D", (4, 2), {"padding": "same", "strides": 2, "data_format": "channels_first"}, (2, 3, 9)),
    ("Conv1D", (6, 3), {"groups": 3, "use_bias": False, "activation": "tanh"}, (2, 8, 6)),
    ("Conv2D", (4, 3), {}, (2, 7, 7, 3)),
    ("Conv2D", (4, (3, 2)), {"strides": (2, 1), "padding": "same", "activation": "relu"}, (2, 7, 6, 3)),
    ("Conv2D", (4, 3), {"groups": 2, "data_format": "channels_first"}, (2, 4, 6, 6)),
    ("Conv2D", (2, 3), {"dilation_rate": 2, "padding": "same", "kernel_initializer": "he_normal"}, (1, 7, 7, 2)),
    ("Conv3D", (2, 2), {}, (1, 4, 4, 4, 2)),
    ("Conv3D", (2, 3), {"padding": "same", "data_format": "channels_first", "strides": 2}, (1, 2, 4, 4, 4)),
    ("Conv1DTranspose", (4, 3), {"strides": 2}, (2, 5, 3)),
    ("Conv1DTranspose", (4, 3), {"strides": 2, "padding": "same", "output_padding": 1}, (2, 5, 3)),
    ("Conv2DTranspose", (4, 3), {"strides": 2, "padding": "same"}, (2, 4, 4, 3)),
    ("Conv2DTranspose", (3, 2), {"dilation_rate": 2, "data_format": "channels_first"}, (2, 3, 4, 4)),
    ("Conv2DTranspose", (3, (3, 2)), {"strides": (2, 3), "output_padding": (1, 2), "activation": "relu"},
     (1, 3, 3, 2)),
    ("Conv3DTranspose", (2, 2), {"strides": 2}, (1, 2, 2, 2, 2)),
    ("SeparableConv1D", (4, 3), {"padding": "same"}, (2, 7, 3)),
    ("SeparableConv1D", (4, 3), {"depth_multiplier": 2, "strides": 2, "use_bias": False}, (2, 8, 3)),
    ("SeparableConv2D", (4, 3), {"depth_multiplier": 2}, (2, 6, 6, 3)),
    ("SeparableConv2D", (4, 3), {"data_format": "channels_first", "dilation_rate": 2, "padding": "same"},
     (2, 3, 6, 6)),
    ("DepthwiseConv1D", (3,), {"strides": 2, "depth_multiplier": 3}, (2, 7, 2)),
    ("DepthwiseConv1D", (3,), {"padding": "same", "data_format": "channels_first"}, (2, 3, 7)),
    ("DepthwiseConv2D", (3,), {"depth_multiplier": 2, "activation": "relu"}, (2, 6, 6, 3)),
    ("DepthwiseConv2D", ((3, 2),), {"data_format": "channels_first", "padding": "same", "strides": 2},
     (2, 3, 6, 6)),
]


@pytest.mark.parametrize("name,args,kwargs,shape", CONV_CASES, ids=[c[0] + str(i) for i, c in enumerate(CONV_CASES)])
def test_conv_layer_matches_keras(name, args, kwargs, shape):
    assert_layer_matches(keras, name, args, kwargs, _x(*shape))


@pytest.mark.parametrize("name", ["Conv2D", "SeparableConv2D"])
def test_regularizers_and_constraints_match_keras(name):
    kwargs = {"activity_regularizer": "l2"}
    if name == "Conv2D":
        kwargs.update(kernel_regularizer="l1", bias_regularizer="l2", kernel_constraint="max_norm")
    else:
        kwargs.update(depthwise_regularizer="l2", pointwise_regularizer="l1", pointwise_constraint="non_neg")
    x = _x(2, 5, 5, 3)
    k, lam = assert_layer_matches(keras, name, (4, 3), kwargs, x, grad=False)
    k(x)
    lam(x)
    np.testing.assert_allclose(
        sorted(float(v) for v in lam.losses), sorted(float(v) for v in k.losses), rtol=1e-5
    )


def test_causal_padding_does_not_look_ahead():
    layer = layers.Conv1D(1, 3, padding="causal", kernel_initializer="ones", use_bias=False)
    x = np.zeros((1, 6, 1), "float32")
    x[0, 4, 0] = 1.0
    y = np.asarray(layer(x))[0, :, 0]
    # A spike at step 4 reaches outputs 4, 5 (and 6 if it existed), never earlier ones.
    np.testing.assert_array_equal(y, [0, 0, 0, 0, 1, 1])


def test_kernel_layout_is_keras_hwio():
    layer = layers.Conv2D(8, (3, 2), groups=2)
    layer.build((None, 10, 10, 4))
    assert tuple(layer.kernel.shape) == (3, 2, 2, 8)
    t = layers.Conv2DTranspose(8, (3, 2))
    t.build((None, 10, 10, 4))
    assert tuple(t.kernel.shape) == (3, 2, 8, 4)


def test_seed_convnet_shapes_and_param_count():
    model = lamina.Sequential()
    model.add(lamina.Input(shape=(250, 250, 3)))
    model.add(layers.Conv2D(32, 5, strides=2, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(3))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(3))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(2))
    shapes = [tuple(layer.output.shape) for layer in model.layers]
    assert shapes == [
        (None, 123, 123, 32), (None, 121, 121, 32), (None, 40, 40, 32), (None, 38, 38, 32), (None, 36, 36, 32),
        (None, 12, 12, 32), (None, 10, 10, 32), (None, 8, 8, 32), (None, 4, 4, 32),
    ]
    assert model.count_params() == 48672


def _blog_cnn(lib):
    L = lib.layers
    return lib.Sequential([
        L.Conv2D(32, kernel_size=3, activation="relu", padding="same", input_shape=(28, 28, 1)),
        L.MaxPooling2D(),
        L.Conv2D(64, kernel_size=3, activation="relu", padding="same"),
        L.MaxPooling2D(),
        L.Flatten(),
        L.Dense(10, activation="softmax"),
    ])


def _vgg_block_model(lib):
    L = lib.layers
    return lib.Sequential([
        lib.Input(shape=(16, 16, 3)),
        L.Conv2D(16, (3, 3), activation="relu", padding="same"),
        L.Conv2D(16, (3, 3), activation="relu", padding="same"),
        L.MaxPooling2D((2, 2), strides=(2, 2)),
        L.Conv2D(32, (3, 3), activation="relu", padding="same"),
        L.Conv2D(32, (3, 3), activation="relu", padding="same"),
        L.MaxPooling2D((2, 2), strides=(2, 2)),
        L.Flatten(),
        L.Dense(64, activation="relu"),
        L.Dense(10),
    ])


@pytest.mark.parametrize("build", [_blog_cnn, _vgg_block_model])
def test_small_cnns_match_keras(build):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras warns about input_shape= on a layer
        km = build(keras)
    lm = build(lamina)
    assert [tuple(layer.output.shape) for layer in lm.layers] == [tuple(layer.output.shape) for layer in km.layers]
    assert lm.count_params() == km.count_params()
    lm.set_weights([np.asarray(w) for w in km.get_weights()])
    x = _x(2, *km.input_shape[1:])
    np.testing.assert_allclose(np.asarray(lm(x)), np.asarray(km(x)), rtol=1e-4, atol=1e-5)


def test_channels_first_conv_is_channels_last_conv_with_moved_axes():
    last = layers.Conv2D(3, 3, strides=2, padding="same")
    first = layers.Conv2D(3, 3, strides=2, padding="same", data_format="channels_first")
    x = _x(2, 7, 7, 2)
    y_last = last(x)
    first(np.moveaxis(x, -1, 1))
    first.set_weights(last.get_weights())
    np.testing.assert_allclose(np.moveaxis(np.asarray(first(np.moveaxis(x, -1, 1))), 1, -1), y_last, atol=1e-5)


def test_works_inside_jit_and_model():
    inputs = lamina.Input(shape=(8, 8, 3))
    outputs = layers.Conv2D(4, 3)(inputs)
    model = lamina.Model(inputs, outputs)
    x = _x(2, 8, 8, 3)
    np.testing.assert_allclose(np.asarray(model(x)), np.asarray(model.layers[-1](x)), atol=1e-6)


@pytest.mark.parametrize("make,shape,match", [
    (lambda: layers.Conv2D(4, 3), (2, 28, 28), r'expected ndim=4, found ndim=3\. Full shape received: \(2, 28, 28\)'),
    (lambda: layers.Conv1D(4, 3), (2, 5, 5, 3), "expected ndim=3, found ndim=4"),
    (lambda: layers.Conv2D(4, 5), (2, 3, 3, 1), "kernel .* is larger than the input"),
    (lambda: layers.Conv2D(4, 3, dilation_rate=3), (2, 6, 6, 1), "larger than the input"),
    (lambda: layers.DepthwiseConv2D(5), (2, 3, 3, 1), "larger than the input"),
    (lambda: layers.Conv2D(4, 3, groups=2), (2, 5, 5, 3), "divisible by `groups`"),
])
def test_bad_inputs_raise_clear_errors(make, shape, match):
    with pytest.raises(ValueError, match=match):
        make()(_x(*shape))


def test_wrong_rank_in_sequential_names_the_layer():
    model = lamina.Sequential([layers.Conv2D(4, 3, name="my_conv")])
    with pytest.raises(ValueError, match='layer "my_conv".*expected ndim=4'):
        model.build((None, 28, 28))


def test_channel_change_after_build_is_rejected():
    layer = layers.Conv2D(4, 3)
    layer(_x(1, 5, 5, 3))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        layer(_x(1, 5, 5, 2))


@pytest.mark.parametrize("make,match", [
    (lambda: layers.Conv2D(4, 3, padding="full"), r"`padding` argument must be one of \['valid', 'same'\]"),
    (lambda: layers.Conv1D(4, 3, padding="CAUSALX"), "padding"),
    (lambda: layers.Conv1D(4, 3, padding="causal") and layers.Conv2D(4, 3, padding="causal"), "causal"),
    (lambda: layers.Conv2D(0, 3), "filters=0"),
    (lambda: layers.Conv2D(4, (3, 3, 3)), "kernel_size"),
    (lambda: layers.Conv2D(4, 0), "kernel_size"),
    (lambda: layers.Conv2D(5, 3, groups=2), "groups=2"),
    (lambda: layers.Conv2D(4, 3, strides=2, dilation_rate=2), "dilation_rate"),
    (lambda: layers.Conv2DTranspose(4, 3, strides=2, output_padding=2), "output_padding"),
    (lambda: layers.SeparableConv2D(4, 3, depth_multiplier=0), "depth_multiplier"),
    (lambda: layers.Conv2D(4, 3, data_format="NHWC"), "data_format"),
])
def test_bad_arguments_raise_clear_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_padding_is_case_insensitive_like_keras():
    assert layers.Conv2D(2, 3, padding="SAME").padding == "same"
    assert layers.Conv1D(2, 3, padding="Causal").padding == "causal"


def test_aliases_are_the_same_classes():
    assert layers.Convolution2D is layers.Conv2D
    assert layers.Convolution2DTranspose is layers.Conv2DTranspose
    assert layers.SeparableConvolution1D is layers.SeparableConv1D


def test_serialization_round_trip_through_registry():
    layer = layers.Conv2D(4, 3, activation="relu", kernel_regularizer="l2", name="c")
    clone = layers.deserialize(layers.serialize(layer))
    assert type(clone) is layers.Conv2D
    assert clone.get_config() == layer.get_config()
