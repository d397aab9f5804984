"""Linear-algebra ops (`keras.ops.linalg` names), batched over leading axes.

Integer inputs are computed in `floatx()`; half-precision floats are computed in float32 (the
JAX decompositions need it) and returned in their own precision.

>>> from lamina.ops import linalg
>>> float(linalg.det([[2.0, 0.0], [0.0, 3.0]]))
6.0
"""

import jax
import jax.numpy as jnp

from lamina import config
from lamina.ops.dispatch import keras_op
from lamina.ops.numpy import _t  # the shared conversion (Python floats -> floatx)


def _float(*xs):
    """`xs` in a float dtype the decompositions accept, and the dtype to return."""
    xs = [_t(x) for x in xs]
    dtype = jnp.result_type(*xs)
    if not jnp.issubdtype(dtype, jnp.inexact):
        dtype = jnp.dtype(config.floatx())
    compute = jnp.float32 if dtype in (jnp.float16, jnp.bfloat16) else dtype
    return [x.astype(compute) for x in xs], dtype


def _square(x, name):
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(
            f"{name}() expects (batches of) square matrices, shape (..., M, M). "
            f"Received: x.shape={x.shape}"
        )


@keras_op
def cholesky(x, upper=False):
    """The Cholesky factor of symmetric positive-definite `x`: lower `L` with `L @ L.T == x`
    (or upper `U = L.T` when `upper=True`).

    >>> from lamina.ops import linalg
    >>> linalg.cholesky([[4.0, 0.0], [0.0, 9.0]]).tolist()
    [[2.0, 0.0], [0.0, 3.0]]
    """
    (x,), dtype = _float(x)
    _square(x, "cholesky")
    factor = jnp.linalg.cholesky(x)
    if not isinstance(factor, jax.core.Tracer) and bool(jnp.any(jnp.isnan(factor))):
        raise ValueError(
            "cholesky() failed: the input is not a symmetric positive-definite matrix (the "
            "factorization produced NaN). Check that `x` is symmetric with positive eigenvalues, "
            "or add a small multiple of the identity to it."
        )
    if upper:
        factor = jnp.swapaxes(factor, -1, -2).conj()
    return factor.astype(dtype)


@keras_op
def cholesky_inverse(x, upper=False):
    """The inverse of `A` from its Cholesky factor `x` (`A = x @ x.T`, or `x.T @ x` if `upper`).

    >>> from lamina.ops import linalg
    >>> linalg.cholesky_inverse([[2.0, 0.0], [0.0, 4.0]]).tolist()
    [[0.25, 0.0], [0.0, 0.0625]]
    """
    (x,), dtype = _float(x)
    _square(x, "cholesky_inverse")
    lower = jnp.swapaxes(x, -1, -2).conj() if upper else x
    eye = jnp.broadcast_to(jnp.eye(x.shape[-1], dtype=x.dtype), x.shape)
    # inv(A) = inv(L).T @ inv(L): two triangular solves, no general inverse.
    linv = jax.scipy.linalg.solve_triangular(lower, eye, lower=True)
    return (jnp.swapaxes(linv, -1, -2).conj() @ linv).astype(dtype)


@keras_op
def det(x):
    """The determinant of (batches of) square matrices.

    >>> from lamina.ops import linalg
    >>> float(linalg.det([[1.0, 2.0], [3.0, 4.0]]))
    -2.0
    """
    (x,), dtype = _float(x)
    _square(x, "det")
    return jnp.linalg.det(x).astype(dtype)


@keras_op
def inv(x):
    """The inverse of (batches of) square matrices.

    >>> from lamina.ops import linalg
    >>> linalg.inv([[2.0, 0.0], [0.0, 4.0]]).tolist()
    [[0.5, 0.0], [0.0, 0.25]]
    """
    (x,), dtype = _float(x)
    _square(x, "inv")
    return jnp.linalg.inv(x).astype(dtype)


@keras_op
def eig(x):
    """`(eigenvalues, eigenvectors)` of general square matrices, as complex arrays.

    >>> from lamina.ops import linalg
    >>> w, v = linalg.eig([[2.0, 0.0], [0.0, 3.0]])
    >>> sorted(w.real.tolist())
    [2.0, 3.0]
    """
    (x,), _ = _float(x)
    _square(x, "eig")
    w, v = jnp.linalg.eig(x)
    return w, v


@keras_op
def eigh(x):
    """`(eigenvalues, eigenvectors)` of symmetric (Hermitian) matrices, eigenvalues ascending.

    >>> from lamina.ops import linalg
    >>> w, v = linalg.eigh([[2.0, 0.0], [0.0, 1.0]])
    >>> w.tolist()
    [1.0, 2.0]
    """
    (x,), dtype = _float(x)
    _square(x, "eigh")
    w, v = jnp.linalg.eigh(x)
    return w.astype(dtype), v.astype(dtype)


@keras_op
def lu_factor(x):
    """`(lu, pivots)`: the packed LU factorization with partial pivoting (pivots int32).

    >>> from lamina.ops import linalg
    >>> lu, pivots = linalg.lu_factor([[1.0, 2.0], [3.0, 4.0]])
    >>> pivots.tolist()
    [1, 1]
    """
    (x,), dtype = _float(x)
    _square(x, "lu_factor")
    lu, pivots = jax.scipy.linalg.lu_factor(x)
    return lu.astype(dtype), pivots.astype("int32")


@keras_op
def lstsq(a, b, rcond=None):
    """The least-squares solution `x` of `a @ x = b` (for 2-D `a`).

    >>> from lamina.ops import linalg
    >>> linalg.lstsq([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]], [1.0, 4.0, 0.0]).tolist()
    [1.0, 2.0]
    """
    (a, b), dtype = _float(a, b)
    if a.ndim != 2 or b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise ValueError(
            "lstsq() expects `a` of shape (M, N) and `b` of shape (M,) or (M, K). "
            f"Received: a.shape={a.shape}, b.shape={b.shape}"
        )
    return jnp.linalg.lstsq(a, b, rcond=rcond)[0].astype(dtype)


@keras_op
def matrix_rank(x, tol=None):
    """The rank of (batches of) matrices: the number of singular values above `tol` (int32).

    >>> from lamina.ops import linalg
    >>> int(linalg.matrix_rank([[1.0, 2.0], [2.0, 4.0]]))
    1
    """
    (x,), _ = _float(x)
    if tol is None:
        return jnp.linalg.matrix_rank(x).astype("int32")
    # `tol` is an absolute threshold on the singular values, as in NumPy.
    return jnp.sum(jnp.linalg.svd(x, compute_uv=False) > tol, axis=-1).astype("int32")


@keras_op
def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 - Keras name
    """The vector or matrix norm of `x` (as `numpy.linalg.norm`).

    >>> from lamina.ops import linalg
    >>> float(linalg.norm([3.0, 4.0]))
    5.0
    """
    x = _t(x)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        x = x.astype(config.floatx())
    if isinstance(axis, list):
        axis = tuple(axis)
    return jnp.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)


@keras_op
def pinv(x, rcond=None):
    """The Moore-Penrose pseudo-inverse of (batches of) matrices.

    >>> from lamina.ops import linalg
    >>> linalg.pinv([[2.0, 0.0], [0.0, 0.0]]).tolist()
    [[0.5, 0.0], [0.0, 0.0]]
    """
    (x,), dtype = _float(x)
    return jnp.linalg.pinv(x, rtol=rcond).astype(dtype)


@keras_op
def qr(x, mode="reduced"):
    """`(q, r)`: the QR decomposition (`mode` 'reduced' or 'complete').

    >>> from lamina.ops import linalg
    >>> q, r = linalg.qr([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    >>> q.shape, r.shape
    ((3, 2), (2, 2))
    """
    if mode not in ("reduced", "complete"):
        raise ValueError(f"`mode` must be 'reduced' or 'complete'. Received: mode={mode!r}")
    (x,), dtype = _float(x)
    q, r = jnp.linalg.qr(x, mode=mode)
    return q.astype(dtype), r.astype(dtype)


@keras_op
def solve(a, b):
    """The solution `x` of the square system `a @ x = b`.

    >>> from lamina.ops import linalg
    >>> linalg.solve([[2.0, 0.0], [0.0, 4.0]], [2.0, 8.0]).tolist()
    [1.0, 2.0]
    """
    (a, b), dtype = _float(a, b)
    _square(a, "solve")
    return jnp.linalg.solve(a, b).astype(dtype)


@keras_op
def solve_triangular(a, b, lower=False):
    """The solution `x` of `a @ x = b` for triangular `a` (upper unless `lower=True`).

    >>> from lamina.ops import linalg
    >>> linalg.solve_triangular([[2.0, 1.0], [0.0, 1.0]], [3.0, 1.0]).tolist()
    [1.0, 1.0]
    """
    (a, b), dtype = _float(a, b)
    _square(a, "solve_triangular")
    return jax.scipy.linalg.solve_triangular(a, b, lower=lower).astype(dtype)


@keras_op
def svd(x, full_matrices=True, compute_uv=True):
    """`(u, s, vh)` with `x = u @ diag(s) @ vh` (just `s` when `compute_uv=False`).

    >>> from lamina.ops import linalg
    >>> linalg.svd([[3.0, 0.0], [0.0, 2.0]], compute_uv=False).tolist()
    [3.0, 2.0]
    """
    (x,), dtype = _float(x)
    if not compute_uv:
        return jnp.linalg.svd(x, compute_uv=False).astype(dtype)
    u, s, vh = jnp.linalg.svd(x, full_matrices=full_matrices)
    return u.astype(dtype), s.astype(dtype), vh.astype(dtype)


def jvp(fun, primals, tangents, has_aux=False):
    """`(fun(*primals), J @ tangents)`: a forward-mode Jacobian-vector product.

    >>> from lamina.ops import linalg
    >>> out, tangent = linalg.jvp(lambda x: x * x, (3.0,), (1.0,))
    >>> float(out), float(tangent)
    (9.0, 6.0)
    """
    return jax.jvp(fun, tuple(primals), tuple(tangents), has_aux=has_aux)

__all__ = [
    "cholesky",
    "cholesky_inverse",
    "det",
    "eig",
    "eigh",
    "inv",
    "jvp",
    "lstsq",
    "lu_factor",
    "matrix_rank",
    "norm",
    "pinv",
    "qr",
    "solve",
    "solve_triangular",
    "svd",
]
