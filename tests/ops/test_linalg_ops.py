"""`lamina.ops.linalg` against NumPy (values, up to sign/order conventions) and `keras.ops.linalg`."""

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest
from op_cases import Case, In, Results, case_params, check_keras, check_values, keras_params

from lamina import ops
from lamina.ops import linalg

SPD = In((3, 3), "spd")  # (no unknown-batch variant: a (None, 3) matrix is not square)
BSPD = In((2, 3, 3), "spd")


def _np_cholesky_upper(x, upper=False):
    factor = np.linalg.cholesky(x)
    return np.swapaxes(factor, -1, -2) if upper else factor


def _np_cholesky_inverse(x, upper=False):
    a = np.swapaxes(x, -1, -2) @ x if upper else x @ np.swapaxes(x, -1, -2)
    return np.linalg.inv(a)


def _np_lu_factor(x):
    # Doolittle with partial pivoting, LAPACK's getrf layout (pivots are row swaps, 0-based).
    a = x.astype("float64").copy()
    n = a.shape[0]
    piv = np.zeros(n, "int32")
    for k in range(n):
        p = k + int(np.argmax(np.abs(a[k:, k])))
        piv[k] = p
        a[[k, p]] = a[[p, k]]
        a[k + 1 :, k] /= a[k, k]
        a[k + 1 :, k + 1 :] -= np.outer(a[k + 1 :, k], a[k, k + 1 :])
    return a, piv


TRI = np.tril(np.random.default_rng(7).normal(size=(3, 3))).astype("float32") + 3 * np.eye(3, dtype="float32")

CASES = [
    Case("linalg.cholesky", (SPD,), ref=np.linalg.cholesky, dtypes=("float32", "int32"), tol=1e-4, none_batch=False),
    # Keras's JAX backend has no float16 decompositions; lamina computes them in float32.
    Case("linalg.cholesky", (SPD,), ref=lambda x: np.linalg.cholesky(x.astype("float32")), dtypes=("float16",),
         keras=False, symbolic=False),
    Case("linalg.inv", (SPD,), ref=lambda x: np.linalg.inv(x.astype("float32")), dtypes=("bfloat16",),
         keras=False, symbolic=False),
    Case("linalg.cholesky", (BSPD,), {"upper": True}, ref=_np_cholesky_upper, tol=1e-4),
    Case("linalg.cholesky_inverse", (TRI,), ref=_np_cholesky_inverse, tol=1e-4, none_batch=False),
    Case("linalg.cholesky_inverse", (TRI.T.copy(),), {"upper": True}, ref=_np_cholesky_inverse, tol=1e-4,
         none_batch=False),
    Case("linalg.det", (In((3, 3)),), ref=np.linalg.det, dtypes=("float32", "int32", "float16"), tol=1e-4, none_batch=False),
    Case("linalg.det", (In((2, 3, 3)),), ref=np.linalg.det, tol=1e-4),
    Case("linalg.inv", (SPD,), ref=np.linalg.inv, dtypes=("float32", "int32"), tol=1e-4, none_batch=False),
    Case("linalg.inv", (BSPD,), ref=np.linalg.inv, tol=1e-4),
    Case("linalg.eigh", (SPD,), ref=None, dtypes=("float32", "int32"), tol=1e-4, values=False, none_batch=False),
    Case("linalg.eig", (SPD,), ref=None, tol=1e-4, values=False, none_batch=False),
    Case("linalg.lu_factor", (In((3, 3)),), ref=_np_lu_factor, dtypes=("float32", "int32"), tol=1e-4,
         none_batch=False),
    Case("linalg.lu_factor", (In((2, 3, 3)),), ref=None, tol=1e-4),
    Case("linalg.lstsq", (In((5, 3)), In((5, 2))), ref=lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0], tol=1e-4,
         none_batch=False),
    Case("linalg.lstsq", (In((4, 2)), In((4,))), ref=lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0], tol=1e-4,
         none_batch=False, dtypes=(("float32", "float32"), ("int32", "int32"))),
    Case("linalg.matrix_rank", (np.array([[1.0, 2.0], [2.0, 4.0]], "float32"),), ref=np.linalg.matrix_rank,
         none_batch=False),
    Case("linalg.matrix_rank", (In((2, 4, 3)),), ref=np.linalg.matrix_rank, dtypes=("float32", "int32")),
    Case("linalg.matrix_rank", (np.diag([1.0, 0.1, 0.001]).astype("float32"),), {"tol": 0.01},
         ref=lambda x, tol: np.linalg.matrix_rank(x, tol=tol), none_batch=False),
    Case("linalg.norm", (In((3, 4)),), ref=np.linalg.norm, dtypes=("float32", "int32", "float16", "bool")),
    *[Case("linalg.norm", (In((3, 4)),), kw, ref=np.linalg.norm, tol=1e-4) for kw in (
        {"ord": "fro"}, {"ord": "nuc"}, {"ord": 2}, {"ord": -2}, {"ord": 1}, {"ord": -1},
        {"ord": np.inf}, {"ord": -np.inf}, {"axis": 1}, {"ord": 1, "axis": 0}, {"ord": 3, "axis": 1},
        {"ord": 0, "axis": -1}, {"ord": np.inf, "axis": 1, "keepdims": True}, {"axis": (0, 1), "keepdims": True},
    )],
    Case("linalg.norm", (In((2, 3, 4)),), {"axis": (1, 2)}, ref=np.linalg.norm, tol=1e-4),
    Case("linalg.pinv", (In((4, 3)),), ref=np.linalg.pinv, dtypes=("float32", "int32"), tol=1e-4, none_batch=False),
    Case("linalg.pinv", (In((2, 3, 4)),), ref=np.linalg.pinv, tol=1e-4),
    Case("linalg.qr", (In((4, 3)),), ref=None, dtypes=("float32", "int32"), tol=1e-4, none_batch=False),
    Case("linalg.qr", (In((2, 4, 3)),), {"mode": "complete"}, ref=None, tol=1e-4),
    Case("linalg.solve", (SPD, In((3, 2))), ref=np.linalg.solve, tol=1e-4, none_batch=False,
         dtypes=(("float32", "float32"), ("int32", "int32"))),
    Case("linalg.solve", (BSPD, In((2, 3, 1))), ref=np.linalg.solve, tol=1e-4),
    Case("linalg.solve_triangular", (TRI, In((3, 2))), {"lower": True},
         ref=lambda a, b, lower: np.linalg.solve(np.tril(a), b), tol=1e-4, none_batch=False),
    Case("linalg.solve_triangular", (TRI.T.copy(), In((3,))), ref=lambda a, b: np.linalg.solve(np.triu(a), b),
         tol=1e-4, none_batch=False),
    Case("linalg.svd", (In((4, 3)),), {"compute_uv": False}, ref=lambda x, compute_uv: np.linalg.svd(x, compute_uv=False),
         dtypes=("float32", "int32"), tol=1e-4, none_batch=False),
    Case("linalg.svd", (In((2, 4, 3)),), ref=None, tol=1e-4, values=False),
    Case("linalg.svd", (In((2, 4, 3)),), {"full_matrices": False}, ref=None, tol=1e-4, values=False),
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


# -- decompositions: check what they promise (sign and order conventions vary by LAPACK) ----------
RNG = np.random.default_rng(8)


@jax.jit
def _decompositions(a, spd):
    return {
        "qr": linalg.qr(a), "qr_complete": linalg.qr(a, mode="complete"),
        "svd": linalg.svd(a), "svd_reduced": linalg.svd(a, full_matrices=False),
        "eigh": linalg.eigh(spd), "eig": linalg.eig(spd), "lu": linalg.lu_factor(spd),
    }


def test_decompositions_reconstruct_their_input():
    a = RNG.normal(size=(2, 5, 3)).astype("float32")
    b = RNG.normal(size=(2, 3, 3))
    spd = (b @ np.swapaxes(b, -1, -2) + 3 * np.eye(3)).astype("float32")
    out = jax.tree_util.tree_map(np.asarray, _decompositions(a, spd))
    q, r = out["qr"]
    np.testing.assert_allclose(q @ r, a, atol=1e-4)
    np.testing.assert_allclose(np.swapaxes(q, -1, -2) @ q, np.broadcast_to(np.eye(3), (2, 3, 3)), atol=1e-5)
    np.testing.assert_allclose(np.triu(r), r, atol=0)
    q, r = out["qr_complete"]
    assert q.shape == (2, 5, 5) and r.shape == (2, 5, 3)
    np.testing.assert_allclose(q @ r, a, atol=1e-4)
    u, s, vh = out["svd"]
    assert u.shape == (2, 5, 5) and vh.shape == (2, 3, 3)
    np.testing.assert_allclose((u[..., :3] * s[:, None, :]) @ vh, a, atol=1e-4)
    np.testing.assert_allclose(s, np.linalg.svd(a, compute_uv=False), rtol=1e-4)
    u, s, vh = out["svd_reduced"]
    assert u.shape == (2, 5, 3)
    w, v = out["eigh"]
    np.testing.assert_allclose(w, np.linalg.eigvalsh(spd), rtol=1e-4)
    np.testing.assert_allclose(v @ (w[..., None] * np.swapaxes(v, -1, -2)), spd, atol=1e-4)
    w, v = out["eig"]
    assert w.dtype == np.complex64
    np.testing.assert_allclose(spd.astype("complex64") @ v, v * w[:, None, :], atol=1e-4)
    lu, piv = out["lu"]
    for i in range(2):
        expected_lu, expected_piv = _np_lu_factor(spd[i])
        np.testing.assert_allclose(lu[i], expected_lu, atol=1e-4)
        np.testing.assert_array_equal(piv[i], expected_piv)


def test_jvp_matches_jax():
    out, tangent = linalg.jvp(lambda x: jnp.sin(x) * 2, (np.float32(0.5),), (np.float32(1.0),))
    np.testing.assert_allclose([out, tangent], [2 * np.sin(0.5), 2 * np.cos(0.5)], rtol=1e-6)
    out, tangent, aux = linalg.jvp(lambda x: (x**2, x + 1), (3.0,), (1.0,), has_aux=True)
    assert (float(out), float(tangent), float(aux)) == (9.0, 6.0, 4.0)
    k_out, k_tangent, k_aux = keras.ops.linalg.jvp(lambda x: (x**2, x + 1), (3.0,), (1.0,), has_aux=True)
    assert (float(k_out), float(k_tangent), float(k_aux)) == (9.0, 6.0, 4.0)


def test_top_level_names_are_the_linalg_functions():
    for name in ("cholesky", "det", "inv", "norm", "qr", "solve", "svd"):
        assert getattr(ops.linalg, name) is getattr(linalg, name)


def test_cholesky_of_non_positive_definite_input_is_an_error():
    with pytest.raises(ValueError, match="positive-definite"):
        linalg.cholesky(-np.eye(2, dtype="float32"))


@pytest.mark.parametrize("call,match", [
    (lambda: linalg.inv(np.ones((2, 3))), "square"),
    (lambda: linalg.solve(np.ones((2, 3)), np.ones(2)), "square"),
    (lambda: linalg.qr(np.ones((2, 2)), mode="r"), "mode="),
    (lambda: linalg.lstsq(np.ones((3, 2)), np.ones(4)), "shape"),
])
def test_errors_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
