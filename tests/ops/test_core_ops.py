"""`lamina.ops` core ops (casting, indexing, scatter, control flow, rearrange) against NumPy and
`keras.ops`, and the common Keras 2 `lamina.backend` functions against NumPy."""

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from op_cases import ALL, Case, In, Results, case_params, check_keras, check_values, keras_params

import lamina
from lamina import backend as K
from lamina import ops

M = (3, 4)


def _np_scatter(indices, values, shape):
    out = np.zeros(shape, values.dtype)
    np.add.at(out, tuple(np.moveaxis(indices, -1, 0)), values)
    return out


def _np_scatter_update(inputs, indices, updates, reduction=None):
    out = inputs.copy()
    key = tuple(np.moveaxis(indices, -1, 0))
    if reduction is None:
        out[key] = updates
    else:
        {"add": np.add, "max": np.maximum, "min": np.minimum, "mul": np.multiply}[reduction].at(out, key, updates)
    return out


def _np_slice(x, start, shape):
    return x[tuple(slice(s, x.shape[i] if n == -1 else s + n) for i, (s, n) in enumerate(zip(start, shape)))]


def _np_slice_update(x, start, updates):
    out = x.copy()
    out[tuple(slice(s, s + n) for s, n in zip(start, updates.shape))] = updates
    return out


def _np_saturate_cast(x, dtype):
    info = np.iinfo(dtype) if np.issubdtype(np.dtype(dtype), np.integer) else np.finfo(dtype)
    return np.clip(x.astype("float64"), info.min, info.max).astype(dtype)


def _np_rearrange(x, pattern, **sizes):
    return {
        "b h w -> b w h": lambda: x.transpose(0, 2, 1),
        "b h w -> b (h w)": lambda: x.reshape(x.shape[0], -1),
        "b h w -> w (h b)": lambda: x.transpose(2, 1, 0).reshape(x.shape[2], -1),
        "b (h1 h2) w -> b h1 h2 w": lambda: x.reshape(x.shape[0], sizes["h1"], -1, x.shape[2]),
        "b h (w c) -> b c h w": lambda: x.reshape(x.shape[0], x.shape[1], -1, sizes["c"]).transpose(0, 3, 1, 2),
    }[pattern]()


IDX = np.array([[0, 1], [2, 3], [0, 1]], "int32")
CASES = [
    Case("cast", (In(M), "int32"), ref=lambda x, d: x.astype(d), dtypes=ALL),
    Case("cast", (In(M), "bfloat16"), ref=None, dtypes=("float32", "int32")),
    Case("cast", (In(M), "bool"), ref=lambda x, d: x.astype(d), dtypes=("float32", "int8")),
    Case("saturate_cast", (np.array([-300.0, -1.5, 0.5, 254.7, 1e6], "float32"), "uint8"), ref=_np_saturate_cast,
         none_batch=False),
    Case("saturate_cast", (np.array([-3e9, 3e9, 7.9], "float32"), "int32"), ref=_np_saturate_cast,
         none_batch=False),
    Case("saturate_cast", (np.array([-70000, 5, 70000], "int32"), "int16"), ref=_np_saturate_cast,
         none_batch=False),
    Case("saturate_cast", (np.array([1e5, -1e5, 2.5], "float32"), "float16"), ref=_np_saturate_cast,
         none_batch=False),
    Case("saturate_cast", (In(M), "int8"), ref=_np_saturate_cast, dtypes=("float16", "int32", "uint8", "bool")),
    Case("stop_gradient", (In(M),), ref=lambda x: x, dtypes=("float32", "int32")),
    Case("get_item", (In(M), (slice(None), 1)), ref=lambda x, k: x[k]),
    Case("get_item", (In((2, 3, 4)), (Ellipsis, slice(1, 3))), ref=lambda x, k: x[k]),
    Case("slice", (In(M), (1, 0), (2, 3)), ref=_np_slice, dtypes=("float32", "int32"), none_batch=False),
    Case("slice", (In((2, 3, 4)), (0, 1, 2), (2, -1, 2)), ref=_np_slice, none_batch=False),
    Case("slice_update", (In(M), (1, 1), In((2, 2))), ref=_np_slice_update, dtypes=("float32", "int32"),
         none_batch=False),
    Case("scatter", (IDX, In((3,)), (3, 4)), ref=_np_scatter, dtypes=("float32", "int32"), symbolic=False),
    Case("scatter", (np.array([[1], [0], [1]], "int32"), In((3, 4)), (2, 4)), ref=_np_scatter, symbolic=False),
    Case("scatter_update", (In(M), IDX[:2], In((2,))), ref=_np_scatter_update, dtypes=("float32", "int32")),
    Case("scatter_update", (In(M), np.array([[2], [0]], "int32"), In((2, 4))), ref=_np_scatter_update),
    *[Case("scatter_update", (In(M), IDX, In((3,))), {"reduction": r}, ref=_np_scatter_update)
      for r in ("add", "max", "min", "mul")],
    # (Keras's symbolic rearrange fails on unknown axes: see the lamina-only test below.)
    Case("rearrange", (In((2, 3, 4)), "b h w -> b w h"), ref=_np_rearrange, dtypes=("float32", "int32"),
         none_batch=False),
    Case("rearrange", (In((2, 3, 4)), "b h w -> b (h w)"), ref=_np_rearrange, none_batch=False),
    Case("rearrange", (In((2, 3, 4)), "b h w -> w (h b)"), ref=_np_rearrange, none_batch=False),
    Case("rearrange", (In((2, 6, 4)), "b (h1 h2) w -> b h1 h2 w"), {"h1": 3}, ref=_np_rearrange, none_batch=False),
    Case("rearrange", (In((2, 3, 8)), "b h (w c) -> b c h w"), {"c": 2}, ref=_np_rearrange, none_batch=False),
]


@pytest.fixture(scope="module")
def results():
    return Results(CASES, keras)


@pytest.mark.parametrize("case", case_params(CASES))
def test_values_match_numpy(case, results):
    check_values(case, results)


@pytest.mark.parametrize("case", keras_params(CASES))
def test_matches_keras(case, results):
    check_keras(case, results)


# -- rearrange beyond what Keras parses ----------------------------------------------------------
@pytest.mark.parametrize("pattern,sizes,expected", [
    ("... w -> w ...", {}, lambda x: np.moveaxis(x, -1, 0)),
    ("b ... -> b (...)", {}, lambda x: x.reshape(2, -1)),
    ("b h w -> b 1 (h w) 1", {}, lambda x: x.reshape(2, 1, 12, 1)),
    ("b h w -> b () h w", {}, lambda x: x[:, None]),
    ("b (h w) c -> (b h) w c", {"w": 1}, lambda x: x.reshape(6, 1, 4)),
])
def test_rearrange_ellipsis_and_unit_axes(pattern, sizes, expected):
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_array_equal(ops.rearrange(x, pattern, **sizes), expected(x))


def test_rearrange_on_symbolic_tensor_with_unknown_batch():
    x = lamina.KerasTensor((None, 3, 8))
    assert ops.rearrange(x, "b h w -> (b h) w").shape == (None, 8)
    assert ops.rearrange(x, "b h w -> b w h").shape == (None, 8, 3)
    assert ops.rearrange(x, "b h (w c) -> b c h w", c=2).shape == (None, 2, 3, 4)


@pytest.mark.parametrize("pattern,sizes,match", [
    ("b h -> b", {}, "same axes"),
    ("b h w -> b h", {}, "same axes"),
    ("b h -> b h w", {}, "same axes"),
    ("b h h -> b h", {}, "twice"),
    ("b (h w) c -> b h w c", {}, "infer"),
    ("b (h w) c -> b h w c", {"h": 5}, "cannot split"),
    ("b h -> h b", {}, "names 2 axes"),
    ("b h w", {}, "left -> right"),
    ("b (h (w)) c -> b h w c", {}, "nested"),
    ("b h w -> b h w 2", {}, "anonymous axis 1"),
])
def test_rearrange_errors(pattern, sizes, match):
    with pytest.raises(ValueError, match=match):
        ops.rearrange(np.ones((2, 6, 4)), pattern, **sizes)


# -- conversion ----------------------------------------------------------------------------------
def test_convert_to_tensor_matches_keras_dtypes():
    for value in ([1.0, 2.0], [1, 2], 3.5, 7, True, np.ones(2, "float64"), np.ones(2, "int64"),
                  np.ones(2, "float16")):
        ours = ops.convert_to_tensor(value)
        theirs = keras.ops.convert_to_tensor(value)
        assert ours.dtype == theirs.dtype, value
        np.testing.assert_array_equal(ours, theirs)
    assert ops.convert_to_tensor([1, 2], dtype="float16").dtype == jnp.float16
    v = lamina.Variable(np.ones(3, "float32"))
    assert ops.is_tensor(ops.convert_to_tensor(v))
    with pytest.raises(TypeError, match="strings"):
        ops.convert_to_tensor(["a"])
    with pytest.raises(ValueError, match="sparse"):
        ops.convert_to_tensor([1.0], sparse=True)


def test_convert_to_numpy_is_tensor_shape_dtype():
    x = ops.ones((2, 3))
    v = lamina.Variable(np.zeros((2,), "int32"))
    assert isinstance(ops.convert_to_numpy(x), np.ndarray)
    np.testing.assert_array_equal(ops.convert_to_numpy(v), [0, 0])
    assert ops.is_tensor(x) and not ops.is_tensor(np.ones(2)) and not ops.is_tensor(v)
    assert ops.is_tensor(x) == keras.ops.is_tensor(x) and ops.is_tensor(np.ones(2)) == keras.ops.is_tensor(np.ones(2))
    assert ops.shape(x) == (2, 3) and ops.shape(lamina.KerasTensor((None, 3))) == (None, 3)
    assert ops.dtype(x) == "float32" and ops.dtype(v) == "int32" and ops.dtype([1, 2]) == "int32"
    with pytest.raises(ValueError, match="symbolic"):
        ops.convert_to_numpy(lamina.KerasTensor((2,)))


def test_stop_gradient_blocks_gradients():
    grad = jax.grad(lambda x: ops.sum(ops.stop_gradient(x) * x))(np.arange(3.0, dtype="float32"))
    np.testing.assert_allclose(grad, [0.0, 1.0, 2.0])


def test_unstack():
    x = np.arange(12, dtype="float32").reshape(3, 4)
    for axis in (0, 1, -1):
        ours, theirs = ops.unstack(x, axis=axis), keras.ops.unstack(x, axis=axis)
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            np.testing.assert_array_equal(a, b)
    parts = ops.unstack(lamina.KerasTensor((None, 2)), axis=1)
    assert [p.shape for p in parts] == [(None,), (None,)]
    with pytest.raises(ValueError, match="num"):
        ops.unstack(x, num=2)
    with pytest.raises(ValueError, match="unknown length"):
        ops.unstack(lamina.KerasTensor((None, 2)))


# -- control flow --------------------------------------------------------------------------------
def test_cond_and_switch_match_keras():
    x = np.array([1.0, -2.0], "float32")
    for pred in (True, False):
        np.testing.assert_array_equal(
            ops.cond(pred, lambda: x * 2, lambda: x - 1), keras.ops.cond(pred, lambda: x * 2, lambda: x - 1)
        )
    branches = [lambda a: a + 1, lambda a: a * 10, lambda a: -a]
    for index in (0, 1, 2, 5, -1):
        np.testing.assert_array_equal(ops.switch(index, branches, x), keras.ops.switch(index, branches, x))


def test_cond_inside_jit():
    f = jax.jit(lambda p, x: ops.cond(p, lambda: x + 1, lambda: x - 1))
    assert float(f(True, 1.0)) == 2.0 and float(f(False, 1.0)) == 0.0


def test_loops_match_python_and_keras():
    def body(i, s):
        return i + 1, s + i

    assert ops.while_loop(lambda i, s: i < 5, body, (0, 0)) == keras.ops.while_loop(lambda i, s: i < 5, body, (0, 0))
    out = ops.while_loop(lambda i, s: i < 100, body, [0, 0], maximum_iterations=4)
    assert [int(v) for v in out] == [4, 6] and isinstance(out, (list, tuple))
    assert int(ops.while_loop(lambda i: i < 10, lambda i: i + 3, 0)) == 12
    assert int(ops.fori_loop(0, 5, lambda i, v: v + i * i, 0)) == sum(i * i for i in range(5))


def test_scan_map_associative_scan_vectorized_map():
    xs = np.arange(1.0, 6.0, dtype="float32")
    carry, ys = ops.scan(lambda c, x: (c * x, c + x), 1.0, xs)
    k_carry, k_ys = keras.ops.scan(lambda c, x: (c * x, c + x), 1.0, xs)
    np.testing.assert_allclose(carry, k_carry)
    np.testing.assert_allclose(ys, k_ys)
    carry, ys = ops.scan(lambda c, x: (c + 1, c), 0, None, length=3, reverse=True)
    assert int(carry) == 3 and np.asarray(ys).tolist() == [2, 1, 0]
    np.testing.assert_allclose(ops.map(lambda x: x**2, xs), xs**2)
    np.testing.assert_allclose(ops.associative_scan(lambda a, b: a + b, xs), np.cumsum(xs))
    np.testing.assert_allclose(ops.associative_scan(jnp.maximum, xs[::-1], reverse=True), np.maximum.accumulate(xs[::-1][::-1])[::-1])
    m = np.arange(6.0, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(ops.associative_scan(lambda a, b: a * b, m, axis=1), np.cumprod(m, axis=1))
    np.testing.assert_allclose(
        ops.associative_scan(lambda a, b: a * b, m, axis=1), keras.ops.associative_scan(lambda a, b: a * b, m, axis=1)
    )
    np.testing.assert_allclose(ops.vectorized_map(lambda r: r.sum(), m), m.sum(axis=1))


def test_custom_gradient_uses_the_given_gradient():
    @ops.custom_gradient
    def log1pexp(x):
        e = ops.exp(x)

        def grad(upstream):
            return upstream * (1.0 - 1.0 / (1.0 + e))

        return ops.log(1.0 + e), grad

    g = jax.grad(lambda x: log1pexp(x))(100.0)
    assert np.isfinite(float(g)) and abs(float(g) - 1.0) < 1e-6


def test_scatter_update_rejects_unknown_reduction():
    with pytest.raises(ValueError, match="reduction"):
        ops.scatter_update(np.zeros(3), [[0]], [1.0], reduction="mean")


# -- the Keras 2 backend functions ---------------------------------------------------------------
X = np.random.default_rng(12).normal(size=(3, 4)).astype("float32")
Y = np.random.default_rng(13).normal(size=(4, 2)).astype("float32")
BACKEND = [
    ("mean", lambda: K.mean(X, axis=1), X.mean(axis=1)),
    ("mean keepdims", lambda: K.mean(X, axis=0, keepdims=True), X.mean(axis=0, keepdims=True)),
    ("sum", lambda: K.sum(X), X.sum()),
    ("sum axis", lambda: K.sum(X, axis=-1), X.sum(axis=-1)),
    ("square", lambda: K.square(X), X**2),
    ("sqrt", lambda: K.sqrt(np.abs(X)), np.sqrt(np.abs(X))),
    ("sqrt clips negatives", lambda: K.sqrt(X), np.sqrt(np.maximum(X, 0))),
    ("abs", lambda: K.abs(X), np.abs(X)),
    ("clip", lambda: K.clip(X, -0.5, 0.5), np.clip(X, -0.5, 0.5)),
    ("exp", lambda: K.exp(X), np.exp(X)),
    ("log", lambda: K.log(np.abs(X)), np.log(np.abs(X))),
    ("max", lambda: K.max(X, axis=0), X.max(axis=0)),
    ("min", lambda: K.min(X), X.min()),
    ("dot", lambda: K.dot(X, Y), X @ Y),
    ("concatenate", lambda: K.concatenate([X, X]), np.concatenate([X, X], axis=-1)),
    ("concatenate axis 0", lambda: K.concatenate([X, X], axis=0), np.concatenate([X, X])),
    ("reshape", lambda: K.reshape(X, (2, 6)), X.reshape(2, 6)),
    ("cast", lambda: K.cast(X * 3, "int32"), (X * 3).astype("int32")),
]


@pytest.mark.parametrize("name,call,expected", BACKEND, ids=[b[0] for b in BACKEND])
def test_keras2_backend_functions_match_numpy(name, call, expected):
    out = call()
    assert out.dtype == expected.dtype
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-5, atol=1e-6)


def test_keras2_backend_settings():
    assert K.epsilon() == 1e-7 and K.floatx() == "float32" and K.backend() == "jax"
    assert K.int_shape(X) == (3, 4) and K.ndim(X) == 2


def test_keras2_backend_variable():
    v = K.variable(X)
    np.testing.assert_allclose(K.get_value(v), X)
    np.testing.assert_allclose(K.mean(v), X.mean(), rtol=1e-6)
