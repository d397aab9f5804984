"""`ops.adaptive_average_pool` / `ops.adaptive_max_pool` against a NumPy reference and `keras.ops`."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lamina
from lamina import ops

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(0)
MODES = ["adaptive_average_pool", "adaptive_max_pool"]
FORMATS = ["channels_last", "channels_first"]

# (input spatial shape, output_size): sizes that divide evenly, that don't, 1 and upsampling.
CASES = {
    1: [((7,), 3), ((10,), 4), ((8,), 8), ((5,), 1), ((5,), 8)],
    2: [((7, 10), (3, 4)), ((8, 5), (8, 1)), ((5, 7), 2), ((4, 6), (6, 4))],
    3: [((7, 4, 5), (3, 2, 1)), ((5, 6, 4), 2)],
}
# Each case in one data format (alternating), and the first case of each rank in both.
GRID = [
    (rank, spatial, out, fmt)
    for rank, cases in CASES.items()
    for i, (spatial, out) in enumerate(cases)
    for fmt in (FORMATS if i == 0 else [FORMATS[i % 2]])
]
# Gradients compile slowly on CPU (max pooling most): one uneven and one upsampling/even case per rank.
GRAD_GRID = [
    (1, (7,), 3, "channels_last"), (1, (5,), 8, "channels_first"),
    (2, (7, 10), (3, 4), "channels_last"), (2, (4, 6), (6, 4), "channels_first"),
    (3, (7, 4, 5), (3, 2, 1), "channels_first"),
]


def _input(spatial, data_format, channels=3):
    x = RNG.normal(size=(2,) + spatial + (channels,)).astype("float32")
    return x if data_format == "channels_last" else np.moveaxis(x, -1, 1).copy()


def _reference(x, output_size, data_format, mode):
    """Bin by bin, straight from the definition: bin i of n -> m is [floor(i*n/m), ceil((i+1)*n/m))."""
    if data_format == "channels_first":
        x = np.moveaxis(x, 1, -1)
    spatial = x.shape[1:-1]
    sizes = (output_size,) * len(spatial) if isinstance(output_size, int) else output_size
    reduce = np.mean if mode == "adaptive_average_pool" else np.max
    out = np.empty((x.shape[0],) + tuple(sizes) + (x.shape[-1],), x.dtype)
    for idx in itertools.product(*(range(m) for m in sizes)):
        box = tuple(slice(i * n // m, -(-(i + 1) * n // m)) for i, n, m in zip(idx, spatial, sizes))
        out[(slice(None),) + idx] = reduce(x[(slice(None),) + box], axis=tuple(range(1, len(spatial) + 1)))
    return out if data_format == "channels_last" else np.moveaxis(out, -1, 1)


def _close(a, b, tol=1e-5):
    assert tuple(np.shape(a)) == tuple(np.shape(b))
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("rank,spatial,out,data_format", GRID)
def test_matches_reference_and_keras(mode, rank, spatial, out, data_format):
    x = _input(spatial, data_format)
    # Jitted: one compile per case instead of one per primitive (much faster on CPU).
    ours = jax.jit(lambda v: getattr(ops, mode)(v, out, data_format))(x)
    _close(ours, _reference(x, out, data_format, mode))
    _close(ours, jax.jit(lambda v: getattr(keras.ops, mode)(v, out, data_format))(x))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("rank,spatial,out,data_format", GRAD_GRID)
def test_gradients_match_keras(mode, rank, spatial, out, data_format):
    x = _input(spatial, data_format)

    def grad(fn):
        return jax.jit(jax.grad(lambda v: jnp.sum(fn(v, out, data_format) ** 2)))(x)

    _close(grad(getattr(ops, mode)), grad(getattr(keras.ops, mode)), tol=1e-4)


@pytest.mark.parametrize("mode", MODES)
def test_max_gradient_goes_to_the_argmax_of_each_bin(mode):
    # Bins of 5 -> 3 are [0, 2), [1, 4), [3, 5): overlapping bins send gradient to a shared max twice.
    x = np.array([[[0.0], [5.0], [1.0], [2.0], [3.0]]], "float32")
    g = np.asarray(jax.grad(lambda v: jnp.sum(getattr(ops, mode)(v, 3)))(x))[0, :, 0]
    expected = [0, 2, 0, 0, 1] if mode == "adaptive_max_pool" else [1 / 2, 1 / 2 + 1 / 3, 1 / 3, 1 / 3 + 1 / 2, 1 / 2]
    np.testing.assert_allclose(g, expected, rtol=1e-6)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("n,m", [(7, 7), (3, 7), (13, 7), (12, 14)])
def test_keras_bin_rounding_bug_is_not_copied(mode, n, m):
    # Keras 3.15.1 (jax backend) computes the bin ends in float32, and `ceil(k*n/m)` can land one
    # past an exact integer: 7 -> 7 is not the identity there and 3 -> 7 gives NaN. The bins here
    # follow the definition (exact integer arithmetic), as PyTorch does.
    x = _input((n,), "channels_last")
    ours = getattr(ops, mode)(x, m)
    _close(ours, _reference(x, m, "channels_last", mode))
    theirs = np.asarray(getattr(keras.ops, mode)(x, m))
    assert not np.allclose(theirs, _reference(x, m, "channels_last", mode), equal_nan=False)
    if n == m:
        _close(ours, x)


def test_jit_and_default_data_format():
    x = _input((10, 7), "channels_last")
    jitted = jax.jit(lambda v: ops.adaptive_average_pool(v, (3, 4)))
    _close(jitted(x), _reference(x, (3, 4), "channels_last", "adaptive_average_pool"))
    _close(ops.adaptive_max_pool(x, (3, 4)), ops.adaptive_max_pool(x, (3, 4), data_format="channels_last"))


def test_dtypes_match_keras():
    x = np.arange(2 * 7 * 3).reshape(2, 7, 3)
    for dtype in ("int32", "uint8", "bfloat16"):
        for mode in MODES:
            ours = getattr(ops, mode)(x.astype(dtype), 3)
            theirs = getattr(keras.ops, mode)(x.astype(dtype), 3)
            assert str(ours.dtype) == str(theirs.dtype), (dtype, mode)
            _close(np.asarray(ours, "float32"), np.asarray(theirs, "float32"), tol=1e-2)


@pytest.mark.parametrize("mode", MODES)
def test_symbolic_shapes(mode):
    fn = getattr(ops, mode)
    assert fn(lamina.KerasTensor((None, None, 5, 3)), 2).shape == (None, 2, 2, 3)
    assert fn(lamina.KerasTensor((None, 3, None, 4, 6)), (1, 2, 3), "channels_first").shape == (None, 3, 1, 2, 3)
    assert fn(lamina.KerasTensor((4, 9, 2)), (5,)).shape == (4, 5, 2)
    # Integer inputs average to floatx (the symbolic dtype is what the eager call returns).
    assert ops.adaptive_average_pool(lamina.KerasTensor((2, 5, 3), dtype="int32"), 2).dtype == "float32"


def test_keras_symbolic_shape_bugs_are_not_copied():
    # Keras 3.15.1's symbolic shape keeps the first spatial axis for channels_last inputs, and
    # crashes on an int output_size; the eager result has neither problem.
    kt = keras.KerasTensor((None, 7, 5, 3))
    assert keras.ops.adaptive_max_pool(kt, (2, 2)).shape == (None, 7, 2, 2, 3)
    with pytest.raises(TypeError):
        keras.ops.adaptive_max_pool(kt, 2)
    assert ops.adaptive_max_pool(lamina.KerasTensor((None, 7, 5, 3)), (2, 2)).shape == (None, 2, 2, 3)
    assert ops.adaptive_max_pool(lamina.KerasTensor((None, 7, 5, 3)), 2).shape == (None, 2, 2, 3)


def test_works_on_variables_and_in_functional_graphs():
    x = _input((6, 6), "channels_last")
    v = lamina.Variable(x)
    _close(ops.adaptive_average_pool(v, 3), ops.adaptive_average_pool(x, 3))
    inputs = lamina.Input((6, 6, 3))
    model = lamina.Model(inputs, ops.adaptive_max_pool(inputs, (2, 3)))
    _close(model(x), _reference(x, (2, 3), "channels_last", "adaptive_max_pool"))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("output_size,error,match", [
    ((2, 2, 2), ValueError, r"`output_size` has 3 values but the inputs have 2 spatial"),
    ((2,), ValueError, r"has 1 values but the inputs have 2 spatial"),
    (0, ValueError, r"must be >= 1. Received: output_size=0"),
    ((3, -1), ValueError, r"must be >= 1. Received: output_size=\(3, -1\)"),
    ("2", TypeError, r"must be an int or a tuple of 2 ints .* Received: output_size='2'"),
    ((2.5, 2), TypeError, r"must be an int or a tuple of 2 ints"),
])
def test_bad_output_size(mode, output_size, error, match):
    with pytest.raises(error, match=match) as info:
        getattr(ops, mode)(np.ones((1, 4, 4, 1), "float32"), output_size)
    assert mode in str(info.value)


def test_keras_ignores_extra_output_sizes_but_we_reject_them():
    # Keras 3.15.1 silently uses only output_size[0] for 1D inputs; a wrong length is a mistake.
    x = np.ones((1, 6, 1), "float32")
    assert keras.ops.adaptive_average_pool(x, (2, 5)).shape == (1, 2, 1)
    with pytest.raises(ValueError, match="has 2 values but the inputs have 1 spatial"):
        ops.adaptive_average_pool(x, (2, 5))


@pytest.mark.parametrize("mode", MODES)
def test_bad_inputs(mode):
    with pytest.raises(ValueError, match=r"inputs must have rank 3, 4 or 5 .* Received: inputs.shape=\(4, 4\)"):
        getattr(ops, mode)(np.ones((4, 4)), 2)
    with pytest.raises(ValueError, match="spatial axis 0 of the inputs is empty"):
        getattr(ops, mode)(np.ones((1, 0, 3)), 2)
    with pytest.raises(ValueError, match="data_format must be"):
        getattr(ops, mode)(np.ones((1, 4, 3)), 2, data_format="nchw")
