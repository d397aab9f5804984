"""NumPy-style ops (`keras.ops` names), on arrays, Variables and symbolic tensors alike.

>>> from lamina import ops
>>> ops.sum(ops.ones((2, 3)), axis=1).tolist()
[3.0, 3.0]
"""

import builtins

import jax
import jax.numpy as jnp

from lamina import config
from lamina.backend.dtypes import standardize_dtype
from lamina.ops.dispatch import keras_op


def _dt(dtype):
    return standardize_dtype(dtype) if dtype is not None else None


def _fdt(dtype):
    return standardize_dtype(dtype) if dtype is not None else config.floatx()


def _float(x):
    x = jnp.asarray(x)
    return x if jnp.issubdtype(x.dtype, jnp.inexact) else x.astype(config.floatx())


# -- creation ------------------------------------------------------------------------------------
def ones(shape, dtype=None):
    return jnp.ones(shape, _fdt(dtype))


def zeros(shape, dtype=None):
    return jnp.zeros(shape, _fdt(dtype))


def full(shape, fill_value, dtype=None):
    return jnp.full(shape, fill_value, _dt(dtype))


def eye(N, M=None, k=0, dtype=None):
    return jnp.eye(N, M, k, dtype=_fdt(dtype))


def identity(n, dtype=None):
    return jnp.identity(n, dtype=_fdt(dtype))


def arange(start, stop=None, step=None, dtype=None):
    if step is None:
        step = 1
    return jnp.arange(start, stop, step, dtype=_dt(dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    return jnp.linspace(start, stop, num, endpoint=endpoint, retstep=retstep, dtype=_dt(dtype), axis=axis)


def tri(N, M=None, k=0, dtype=None):
    return jnp.tri(N, M, k, dtype=_fdt(dtype))


@keras_op
def ones_like(x, dtype=None):
    return jnp.ones_like(x, dtype=_dt(dtype))


@keras_op
def zeros_like(x, dtype=None):
    return jnp.zeros_like(x, dtype=_dt(dtype))


@keras_op
def full_like(x, fill_value, dtype=None):
    return jnp.full_like(x, fill_value, dtype=_dt(dtype))


@keras_op
def array(x, dtype=None):
    return jnp.array(x, dtype=_dt(dtype))


# -- elementwise arithmetic --------------------------------------------------------------------
def _binary(jfn, name):
    def f(x1, x2):
        return jfn(x1, x2)

    f.__name__ = name
    f.__doc__ = f"Elementwise `{name}` with broadcasting (as `numpy.{jfn.__name__}`)."
    return keras_op(f)


def _unary(jfn, name, to_float=False):
    def f(x):
        return jfn(_float(x) if to_float else x)

    f.__name__ = name
    f.__doc__ = f"Elementwise `{name}` (as `numpy.{jfn.__name__}`)."
    return keras_op(f)


add = _binary(jnp.add, "add")
subtract = _binary(jnp.subtract, "subtract")
multiply = _binary(jnp.multiply, "multiply")
floor_divide = _binary(jnp.floor_divide, "floor_divide")
mod = _binary(jnp.mod, "mod")
maximum = _binary(jnp.maximum, "maximum")
minimum = _binary(jnp.minimum, "minimum")
arctan2 = _binary(jnp.arctan2, "arctan2")
hypot = _binary(jnp.hypot, "hypot")
equal = _binary(jnp.equal, "equal")
not_equal = _binary(jnp.not_equal, "not_equal")
less = _binary(jnp.less, "less")
less_equal = _binary(jnp.less_equal, "less_equal")
greater = _binary(jnp.greater, "greater")
greater_equal = _binary(jnp.greater_equal, "greater_equal")
logical_and = _binary(jnp.logical_and, "logical_and")
logical_or = _binary(jnp.logical_or, "logical_or")
logical_xor = _binary(jnp.logical_xor, "logical_xor")
bitwise_and = _binary(jnp.bitwise_and, "bitwise_and")
bitwise_or = _binary(jnp.bitwise_or, "bitwise_or")
bitwise_xor = _binary(jnp.bitwise_xor, "bitwise_xor")
copysign = _binary(jnp.copysign, "copysign")
logaddexp = _binary(jnp.logaddexp, "logaddexp")
heaviside = _binary(jnp.heaviside, "heaviside")
outer = _binary(jnp.outer, "outer")
kron = _binary(jnp.kron, "kron")
inner = _binary(jnp.inner, "inner")

negative = _unary(jnp.negative, "negative")
absolute = _unary(jnp.abs, "absolute")
abs = absolute  # noqa: A001 - Keras name
square = _unary(jnp.square, "square")
sign = _unary(jnp.sign, "sign")
floor = _unary(jnp.floor, "floor")
ceil = _unary(jnp.ceil, "ceil")
round_ = None
trunc = _unary(jnp.trunc, "trunc")
logical_not = _unary(jnp.logical_not, "logical_not")
bitwise_not = _unary(jnp.bitwise_not, "bitwise_not")
isnan = _unary(jnp.isnan, "isnan")
isinf = _unary(jnp.isinf, "isinf")
isfinite = _unary(jnp.isfinite, "isfinite")
reciprocal = _unary(jnp.reciprocal, "reciprocal", True)
sqrt = _unary(jnp.sqrt, "sqrt", True)
rsqrt = _unary(jax.lax.rsqrt, "rsqrt", True)
exp = _unary(jnp.exp, "exp", True)
exp2 = _unary(jnp.exp2, "exp2", True)
expm1 = _unary(jnp.expm1, "expm1", True)
log = _unary(jnp.log, "log", True)
log2 = _unary(jnp.log2, "log2", True)
log10 = _unary(jnp.log10, "log10", True)
log1p = _unary(jnp.log1p, "log1p", True)
sin = _unary(jnp.sin, "sin", True)
cos = _unary(jnp.cos, "cos", True)
tan = _unary(jnp.tan, "tan", True)
arcsin = _unary(jnp.arcsin, "arcsin", True)
arccos = _unary(jnp.arccos, "arccos", True)
arctan = _unary(jnp.arctan, "arctan", True)
sinh = _unary(jnp.sinh, "sinh", True)
cosh = _unary(jnp.cosh, "cosh", True)
tanh = _unary(jnp.tanh, "tanh", True)
arcsinh = _unary(jnp.arcsinh, "arcsinh", True)
arccosh = _unary(jnp.arccosh, "arccosh", True)
arctanh = _unary(jnp.arctanh, "arctanh", True)
conj = conjugate = _unary(jnp.conjugate, "conjugate")
real = _unary(jnp.real, "real")
imag = _unary(jnp.imag, "imag")


@keras_op
def divide(x1, x2):
    return jnp.true_divide(x1, x2)


true_divide = divide


@keras_op
def divide_no_nan(x1, x2):
    safe = jnp.where(x2 == 0, 1, x2)
    return jnp.where(x2 == 0, 0, jnp.true_divide(x1, safe))


@keras_op
def power(x1, x2):
    return jnp.power(x1, x2)


@keras_op
def round(x, decimals=0):  # noqa: A001 - Keras name
    return jnp.round(x, decimals)


@keras_op
def clip(x, x_min, x_max):
    return jnp.clip(x, x_min, x_max)


@keras_op
def where(condition, x1=None, x2=None):
    if x1 is None and x2 is None:
        return jnp.nonzero(condition)
    return jnp.where(condition, x1, x2)


@keras_op
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    return jnp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


@keras_op
def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    return jnp.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


@keras_op
def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    return jnp.allclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


# -- linear algebra ------------------------------------------------------------------------------
@keras_op
def matmul(x1, x2):
    return jnp.matmul(x1, x2)


@keras_op
def dot(x1, x2):
    return jnp.dot(x1, x2)


@keras_op
def tensordot(x1, x2, axes=2):
    return jnp.tensordot(x1, x2, axes)


@keras_op
def einsum(subscripts, *operands, **kwargs):
    return jnp.einsum(subscripts, *operands, **kwargs)


@keras_op
def vdot(x1, x2):
    return jnp.vdot(x1, x2)


@keras_op
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    return jnp.cross(x1, x2, axisa, axisb, axisc, axis)


@keras_op
def trace(x, offset=0, axis1=0, axis2=1):
    return jnp.trace(x, offset, axis1, axis2)


@keras_op
def diag(x, k=0):
    return jnp.diag(x, k)


@keras_op
def diagonal(x, offset=0, axis1=0, axis2=1):
    return jnp.diagonal(x, offset, axis1, axis2)


@keras_op
def tril(x, k=0):
    return jnp.tril(x, k)


@keras_op
def triu(x, k=0):
    return jnp.triu(x, k)


# -- reductions ----------------------------------------------------------------------------------
def _reduction(jfn, name, to_float=False):
    def f(x, axis=None, keepdims=False):
        return jfn(_float(x) if to_float else x, axis=axis, keepdims=keepdims)

    f.__name__ = name
    f.__doc__ = f"Reduces by `{name}` over `axis` (all axes when None)."
    return keras_op(f)


sum = _reduction(jnp.sum, "sum")  # noqa: A001 - Keras name
prod = _reduction(jnp.prod, "prod")
mean = _reduction(jnp.mean, "mean", True)
max = _reduction(jnp.max, "max")  # noqa: A001
min = _reduction(jnp.min, "min")  # noqa: A001
amax = _reduction(jnp.max, "amax")
amin = _reduction(jnp.min, "amin")
all = _reduction(jnp.all, "all")  # noqa: A001
any = _reduction(jnp.any, "any")  # noqa: A001
median = _reduction(jnp.median, "median", True)


@keras_op
def var(x, axis=None, keepdims=False):
    return jnp.var(_float(x), axis=axis, keepdims=keepdims)


@keras_op
def std(x, axis=None, keepdims=False):
    return jnp.std(_float(x), axis=axis, keepdims=keepdims)


@keras_op
def average(x, axis=None, weights=None):
    return jnp.average(_float(x), axis=axis, weights=weights)


@keras_op
def logsumexp(x, axis=None, keepdims=False):
    return jax.nn.logsumexp(x, axis=axis, keepdims=keepdims)


@keras_op
def argmax(x, axis=None, keepdims=False):
    return jnp.argmax(x, axis=axis, keepdims=keepdims).astype("int32")


@keras_op
def argmin(x, axis=None, keepdims=False):
    return jnp.argmin(x, axis=axis, keepdims=keepdims).astype("int32")


@keras_op
def argsort(x, axis=-1):
    return jnp.argsort(x, axis=axis).astype("int32")


@keras_op
def sort(x, axis=-1):
    return jnp.sort(x, axis=axis)


@keras_op
def cumsum(x, axis=None, dtype=None):
    return jnp.cumsum(x, axis=axis, dtype=_dt(dtype))


@keras_op
def cumprod(x, axis=None, dtype=None):
    return jnp.cumprod(x, axis=axis, dtype=_dt(dtype))


@keras_op
def count_nonzero(x, axis=None):
    return jnp.count_nonzero(x, axis=axis).astype("int32")


@keras_op
def quantile(x, q, axis=None, method="linear", keepdims=False):
    return jnp.quantile(_float(x), q, axis=axis, method=method, keepdims=keepdims)


# -- shapes --------------------------------------------------------------------------------------
@keras_op
def reshape(x, newshape):
    if isinstance(newshape, int):
        newshape = (newshape,)
    newshape = tuple(-1 if d is None else d for d in newshape)
    return jnp.reshape(x, newshape)


@keras_op
def transpose(x, axes=None):
    return jnp.transpose(x, axes)


@keras_op
def expand_dims(x, axis):
    return jnp.expand_dims(x, axis)


@keras_op
def squeeze(x, axis=None):
    return jnp.squeeze(x, axis)


@keras_op
def concatenate(xs, axis=0):
    return jnp.concatenate(xs, axis=axis)


@keras_op
def stack(x, axis=0):
    return jnp.stack(x, axis=axis)


@keras_op
def hstack(xs):
    return jnp.hstack(xs)


@keras_op
def vstack(xs):
    return jnp.vstack(xs)


@keras_op
def split(x, indices_or_sections, axis=0):
    return jnp.split(x, indices_or_sections, axis=axis)


@keras_op
def tile(x, repeats):
    return jnp.tile(x, repeats)


@keras_op
def repeat(x, repeats, axis=None):
    return jnp.repeat(x, repeats, axis=axis)


@keras_op
def flip(x, axis=None):
    return jnp.flip(x, axis=axis)


@keras_op
def roll(x, shift, axis=None):
    return jnp.roll(x, shift, axis=axis)


@keras_op
def moveaxis(x, source, destination):
    return jnp.moveaxis(x, source, destination)


@keras_op
def swapaxes(x, axis1, axis2):
    return jnp.swapaxes(x, axis1, axis2)


@keras_op
def broadcast_to(x, shape):
    return jnp.broadcast_to(x, shape)


@keras_op
def ravel(x):
    return jnp.ravel(x)


@keras_op
def pad(x, pad_width, mode="constant", constant_values=None):
    if constant_values is not None:
        return jnp.pad(x, pad_width, mode=mode, constant_values=constant_values)
    return jnp.pad(x, pad_width, mode=mode)


@keras_op
def take(x, indices, axis=None):
    return jnp.take(x, jnp.asarray(indices), axis=axis)


@keras_op
def take_along_axis(x, indices, axis=None):
    return jnp.take_along_axis(x, indices, axis=axis)


@keras_op
def nonzero(x):
    return jnp.nonzero(x)


@keras_op
def unique(x):
    return jnp.unique(x)


@keras_op
def meshgrid(*x, indexing="xy"):
    return jnp.meshgrid(*x, indexing=indexing)


def size(x):
    import numpy as np

    return int(np.prod(x.shape))


def ndim(x):
    return len(x.shape)


@keras_op
def digitize(x, bins):
    return jnp.digitize(x, jnp.asarray(bins)).astype("int32")


@keras_op
def bincount(x, weights=None, minlength=0, sparse=False):
    return jnp.bincount(x, weights=weights, minlength=minlength, length=None)


@keras_op
def searchsorted(sorted_sequence, values, side="left"):
    return jnp.searchsorted(sorted_sequence, values, side=side).astype("int32")


@keras_op
def correlate(x1, x2, mode="valid"):
    return jnp.correlate(x1, x2, mode=mode)


@keras_op
def histogram(x, bins=10, range=None):  # noqa: A002
    return jnp.histogram(x, bins=bins, range=range)


del builtins, round_

__all__ = [
    "abs",
    "absolute",
    "add",
    "all",
    "allclose",
    "amax",
    "amin",
    "any",
    "arange",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "argmax",
    "argmin",
    "argsort",
    "array",
    "average",
    "bincount",
    "bitwise_and",
    "bitwise_not",
    "bitwise_or",
    "bitwise_xor",
    "broadcast_to",
    "ceil",
    "clip",
    "concatenate",
    "conj",
    "conjugate",
    "copysign",
    "correlate",
    "cos",
    "cosh",
    "count_nonzero",
    "cross",
    "cumprod",
    "cumsum",
    "diag",
    "diagonal",
    "digitize",
    "divide",
    "divide_no_nan",
    "dot",
    "einsum",
    "equal",
    "exp",
    "exp2",
    "expand_dims",
    "expm1",
    "eye",
    "flip",
    "floor",
    "floor_divide",
    "full",
    "full_like",
    "greater",
    "greater_equal",
    "heaviside",
    "histogram",
    "hstack",
    "hypot",
    "identity",
    "imag",
    "inner",
    "isclose",
    "isfinite",
    "isinf",
    "isnan",
    "kron",
    "less",
    "less_equal",
    "linspace",
    "log",
    "log10",
    "log1p",
    "log2",
    "logaddexp",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "logsumexp",
    "matmul",
    "max",
    "maximum",
    "mean",
    "median",
    "meshgrid",
    "min",
    "minimum",
    "mod",
    "moveaxis",
    "multiply",
    "nan_to_num",
    "ndim",
    "negative",
    "nonzero",
    "not_equal",
    "ones",
    "ones_like",
    "outer",
    "pad",
    "power",
    "prod",
    "quantile",
    "ravel",
    "real",
    "reciprocal",
    "repeat",
    "reshape",
    "roll",
    "round",
    "rsqrt",
    "searchsorted",
    "sign",
    "sin",
    "sinh",
    "size",
    "sort",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "subtract",
    "sum",
    "swapaxes",
    "take",
    "take_along_axis",
    "tan",
    "tanh",
    "tensordot",
    "tile",
    "trace",
    "transpose",
    "tri",
    "tril",
    "triu",
    "true_divide",
    "trunc",
    "unique",
    "var",
    "vdot",
    "vstack",
    "where",
    "zeros",
    "zeros_like",
]
