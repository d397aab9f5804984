"""`lamina.ops` convolution and pooling against `keras.ops` (jax backend), plus gradients and errors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lamina
from lamina import ops

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(0)


def _input(rank, data_format, channels=4, size=6):
    x = RNG.normal(size=(2,) + (size,) * rank + (channels,)).astype("float32")
    return x if data_format == "channels_last" else np.moveaxis(x, -1, 1).copy()


def _close(a, b, tol=1e-5):
    assert tuple(np.shape(a)) == tuple(np.shape(b))
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


GRID = [
    (rank, fmt, pad, s, d)
    for rank in (1, 2, 3)
    for fmt in ("channels_last", "channels_first")
    for pad in ("valid", "same")
    for s, d in ((1, 1), (2, 1), (1, 2))
    if rank < 3 or (fmt, s) == ("channels_last", 1)  # 3D: a few cases only (XLA conv is slow on CPU)
]


@pytest.mark.parametrize("rank,fmt,pad,s,d", GRID)
def test_conv_family_matches_keras(rank, fmt, pad, s, d):
    x = _input(rank, fmt, size=5 if rank == 3 else 7)
    grouped = RNG.normal(size=(3,) * rank + (2, 6)).astype("float32")  # 4 channels / 2 = 2 groups
    _close(ops.conv(x, grouped, s, pad, fmt, d), keras.ops.conv(x, grouped, s, pad, fmt, d))
    depthwise = RNG.normal(size=(3,) * rank + (4, 2)).astype("float32")
    _close(ops.depthwise_conv(x, depthwise, s, pad, fmt, d), keras.ops.depthwise_conv(x, depthwise, s, pad, fmt, d))
    pointwise = RNG.normal(size=(1,) * rank + (8, 5)).astype("float32")
    _close(
        ops.separable_conv(x, depthwise, pointwise, s, pad, fmt, d),
        keras.ops.separable_conv(x, depthwise, pointwise, s, pad, fmt, d),
    )


@pytest.mark.parametrize("rank", [1, 2])
@pytest.mark.parametrize("fmt", ["channels_last", "channels_first"])
@pytest.mark.parametrize("pad", ["valid", "same"])
@pytest.mark.parametrize("kernel,stride,out_pad,dilation", [
    (3, 1, None, 1), (2, 2, None, 1), (3, 2, None, 1), (3, 2, 1, 1), (2, 3, 0, 1), (3, 2, 0, 1), (3, 1, None, 2),
])
def test_conv_transpose_matches_keras(rank, fmt, pad, kernel, stride, out_pad, dilation):
    x = _input(rank, fmt, size=5)
    k = RNG.normal(size=(kernel,) * rank + (3, 4)).astype("float32")
    _close(
        ops.conv_transpose(x, k, stride, pad, out_pad, fmt, dilation),
        keras.ops.conv_transpose(x, k, stride, pad, out_pad, fmt, dilation),
    )


def test_conv_transpose_3d_matches_keras():
    x = _input(3, "channels_last", size=3)
    k = RNG.normal(size=(2, 2, 2, 3, 4)).astype("float32")
    _close(ops.conv_transpose(x, k, 2, "same"), keras.ops.conv_transpose(x, k, 2, "same"))


@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("fmt", ["channels_last", "channels_first"])
@pytest.mark.parametrize("pad", ["valid", "same"])
@pytest.mark.parametrize("pool,stride", [(2, 2), (3, 2), (2, 1), (3, 3)])
def test_pooling_matches_keras(rank, fmt, pad, pool, stride):
    x = _input(rank, fmt, size=5 if rank == 3 else 7)
    # Keras's ops want per-axis tuples here (an int strides=None is mishandled there).
    kp, ks = (pool,) * rank, (stride,) * rank
    _close(ops.max_pool(x, pool, stride, pad, fmt), keras.ops.max_pool(x, kp, ks, pad, fmt))
    _close(ops.average_pool(x, pool, stride, pad, fmt), keras.ops.average_pool(x, kp, ks, pad, fmt))


def test_pool_strides_default_to_pool_size():
    x = _input(2, "channels_last")
    _close(ops.max_pool(x, 3), ops.max_pool(x, 3, 3))
    _close(ops.average_pool(x, (2, 3)), ops.average_pool(x, (2, 3), (2, 3)))


def test_average_pool_same_divides_by_real_elements_only():
    x = np.arange(1.0, 6.0, dtype="float32").reshape(1, 5, 1)
    y = np.asarray(ops.average_pool(x, 2, 2, "same"))[0, :, 0]
    # Windows [1, 2], [3, 4] and [5, <padding>]: the last window averages one real value.
    np.testing.assert_allclose(y, [np.mean(x[0, 0:2, 0]), np.mean(x[0, 2:4, 0]), x[0, 4, 0]])


def test_conv_gradients_match_keras():
    x = _input(2, "channels_last")
    k = RNG.normal(size=(3, 3, 4, 2)).astype("float32")

    def lam(x, k):
        return jnp.sum(jnp.sin(ops.conv(x, k, 2, "same")))

    def ker(x, k):
        return jnp.sum(jnp.sin(keras.ops.conv(x, k, 2, "same")))

    for a, b in zip(jax.grad(lam, argnums=(0, 1))(x, k), jax.grad(ker, argnums=(0, 1))(x, k)):
        _close(a, b, 1e-4)


@pytest.mark.parametrize("pool", ["max_pool", "average_pool"])
def test_pooling_gradients_under_jit_match_keras(pool):
    # reduce_window is only differentiable when JAX recognises its monoid (concrete init value).
    x = _input(2, "channels_last")

    def loss(op):
        return jax.jit(jax.grad(lambda v: jnp.sum(jnp.sin(op(v, (3, 3), (2, 2), "same")))))

    _close(loss(getattr(ops, pool))(x), loss(getattr(keras.ops, pool))(x), 1e-5)


def test_conv_transpose_is_the_adjoint_of_conv():
    # <conv(x, k), y> == <x, conv_transpose(y, k)>: Keras's transpose kernel layout
    # (..., filters, in_channels) is the forward kernel (..., in_channels, filters) itself.
    x = _input(2, "channels_last", channels=3)
    k = RNG.normal(size=(3, 3, 3, 5)).astype("float32")
    y = RNG.normal(size=(2, 2, 2, 5)).astype("float32")
    forward = np.sum(np.asarray(ops.conv(x, k, 2, "valid")) * y)
    back = np.asarray(ops.conv_transpose(y, k, 2, "valid", output_padding=1))
    assert back.shape == x.shape
    np.testing.assert_allclose(forward, np.sum(x * back), rtol=1e-4)


def test_ops_work_on_symbolic_tensors_and_variables():
    x = lamina.layers.Input(shape=(8, 8, 3))
    assert ops.conv(x, np.ones((3, 3, 3, 4), "float32")).shape == (None, 6, 6, 4)
    assert ops.average_pool(x, 2, padding="same").shape == (None, 4, 4, 3)
    kernel = lamina.Variable(np.ones((2, 2, 3, 1), "float32"))
    assert ops.conv(np.ones((1, 4, 4, 3), "float32"), kernel).shape == (1, 3, 3, 1)


@pytest.mark.parametrize("call,match", [
    (lambda: ops.conv(np.ones((1, 5, 5, 3)), np.ones((3, 3, 2, 4))), "input channels"),
    (lambda: ops.conv(np.ones((1, 5, 5, 3)), np.ones((3, 3, 3, 4)), padding="full"), "padding"),
    (lambda: ops.conv(np.ones((5, 5)), np.ones((3, 3, 3, 4))), "rank 3, 4 or 5"),
    (lambda: ops.depthwise_conv(np.ones((1, 5, 5, 3)), np.ones((3, 3, 2, 1))), "kernel must have shape"),
    (lambda: ops.conv_transpose(np.ones((1, 5, 5, 3)), np.ones((3, 3, 3, 2))), "kernel must have shape"),
    (lambda: ops.max_pool(np.ones((1, 5, 5, 3)), (2, 2, 2)), "pool_size"),
    (lambda: ops.conv(np.ones((1, 5, 5, 3)), np.ones((3, 3, 3, 4)), strides=0), "strides"),
])
def test_errors_name_the_problem(call, match):
    with pytest.raises(ValueError, match=match):
        call()
