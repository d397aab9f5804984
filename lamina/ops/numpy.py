"""NumPy-style ops (`keras.ops.numpy` names), on arrays, Variables and symbolic tensors alike.

Values follow NumPy; result dtypes follow Keras 3 (for example the mean of integers is
`floatx()`, `argmax` is int32, and int8 matrix products accumulate in int32).

>>> from lamina import ops
>>> ops.sum(ops.ones((2, 3)), axis=1).tolist()
[3.0, 3.0]
"""

import builtins
import functools
import math as _math

import jax
import jax.numpy as jnp
import numpy as np

from lamina import config
from lamina.backend.dtypes import standardize_dtype
from lamina.backend.keras_tensor import KerasTensor, any_symbolic_tensors
from lamina.ops.dispatch import keras_op
from lamina.ops.operation import op_class


# -- helpers -------------------------------------------------------------------------------------
def _dt(dtype):
    return standardize_dtype(dtype) if dtype is not None else None


def _fdt(dtype):
    return standardize_dtype(dtype) if dtype is not None else config.floatx()


def _t(x):
    """`x` as an array; Python floats become `floatx()` as in Keras (not float64)."""
    if isinstance(x, (jax.Array, jax.core.Tracer)):
        return x
    if isinstance(x, float):
        return jnp.asarray(x, config.floatx())
    return jnp.asarray(x)


def _is_float(x):
    return jnp.issubdtype(x.dtype, jnp.inexact)


def _float(x):
    """Integers and booleans become `floatx()`; floats keep their precision."""
    x = _t(x)
    return x if _is_float(x) else x.astype(config.floatx())


def _weak(x):
    """The dtype-promotion stand-in for `x`: Python scalars stay weakly typed, as in Keras."""
    if isinstance(x, (bool, int, float)):
        return x
    return _t(x)


def _result(*xs):
    return jnp.result_type(*[_weak(x) for x in xs])


def _promote(*xs):
    """Arrays of the common (Keras) dtype of `xs`."""
    dtype = _result(*xs)
    return [_t(x).astype(dtype) for x in xs]


def _float_result(*xs):
    """The common dtype of `xs`, moved to `floatx()` when it is not a float."""
    dtype = jnp.result_type(*[_t(x) for x in xs])
    return dtype if jnp.issubdtype(dtype, jnp.inexact) else jnp.dtype(config.floatx())


def _with_spec(spec):
    """Like `keras_op`, but symbolic outputs come from `spec` (for data-dependent shapes)."""

    def deco(fn):
        wrapped = keras_op(fn)

        @functools.wraps(fn)
        def f(*args, **kwargs):
            if any_symbolic_tensors(args, kwargs):
                operation = op_class(fn)(wrapped)
                operation.compute_output_spec = spec
                return operation.symbolic_call(*args, **kwargs)
            return wrapped(*args, **kwargs)

        f.raw = fn
        return f

    return deco


# -- creation ------------------------------------------------------------------------------------
def ones(shape, dtype=None):
    """An array of ones (`floatx()` unless `dtype` is given).

    >>> from lamina import ops
    >>> ops.ones((2,)).tolist()
    [1.0, 1.0]
    """
    return jnp.ones(shape, _fdt(dtype))


def zeros(shape, dtype=None):
    """An array of zeros (`floatx()` unless `dtype` is given).

    >>> from lamina import ops
    >>> ops.zeros((2,), dtype="int32").tolist()
    [0, 0]
    """
    return jnp.zeros(shape, _fdt(dtype))


def empty(shape, dtype=None):
    """An array of the given shape; its values are unspecified (zeros here).

    >>> from lamina import ops
    >>> ops.empty((2, 3)).shape
    (2, 3)
    """
    return jnp.zeros(shape, _fdt(dtype))


def full(shape, fill_value, dtype=None):
    """An array filled with `fill_value` (`floatx()` unless `dtype` is given, as in Keras).

    >>> from lamina import ops
    >>> ops.full((2,), 7).tolist()
    [7.0, 7.0]
    """
    return jnp.full(shape, _t(fill_value), _fdt(dtype))


def eye(N, M=None, k=0, dtype=None):
    """A 2-D array with ones on the `k`-th diagonal.

    >>> from lamina import ops
    >>> ops.eye(2).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    return jnp.eye(N, M, k, dtype=_fdt(dtype))


def identity(n, dtype=None):
    """The `n x n` identity matrix.

    >>> from lamina import ops
    >>> ops.identity(2).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    return jnp.identity(n, dtype=_fdt(dtype))


def tri(N, M=None, k=0, dtype=None):
    """Ones at and below the `k`-th diagonal.

    >>> from lamina import ops
    >>> ops.tri(2).tolist()
    [[1.0, 0.0], [1.0, 1.0]]
    """
    return jnp.tri(N, M, k, dtype=_fdt(dtype))


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in `[start, stop)`; int32 for integer bounds, floatx otherwise.

    >>> from lamina import ops
    >>> ops.arange(3).tolist()
    [0, 1, 2]
    """
    if step is None:
        step = 1
    if dtype is None:
        bounds = [v for v in (start, stop, step) if v is not None]
        dtype = jnp.result_type(*[_weak(v) for v in bounds])
        if not jnp.issubdtype(dtype, jnp.inexact) and dtype != jnp.bool_:
            dtype = "int32"
        elif jnp.issubdtype(dtype, jnp.inexact) and builtins.all(
            isinstance(v, (int, float)) for v in bounds
        ):
            dtype = config.floatx()
    return jnp.arange(start, stop, step, dtype=_dt(dtype))


def _space_dtype(dtype, *bounds):
    if dtype is not None:
        return standardize_dtype(dtype)
    return _float_result(*bounds)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """`num` evenly spaced values from `start` to `stop`.

    >>> from lamina import ops
    >>> ops.linspace(0, 1, 3).tolist()
    [0.0, 0.5, 1.0]
    """
    return jnp.linspace(
        _t(start), _t(stop), num, endpoint=endpoint, retstep=retstep,
        dtype=_space_dtype(dtype, start, stop), axis=axis,
    )


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """`num` values spaced evenly on a log scale, from `base**start` to `base**stop`.

    >>> from lamina import ops
    >>> ops.logspace(0, 2, 3).tolist()
    [1.0, 10.0, 100.0]
    """
    return jnp.logspace(
        _t(start), _t(stop), num, endpoint=endpoint, base=base,
        dtype=_space_dtype(dtype, start, stop), axis=axis,
    )


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """`num` values forming a geometric progression from `start` to `stop`.

    >>> from lamina import ops
    >>> ops.geomspace(1, 100, 3).round().tolist()
    [1.0, 10.0, 100.0]
    """
    return jnp.geomspace(
        _t(start), _t(stop), num, endpoint=endpoint, dtype=_space_dtype(dtype, start, stop), axis=axis
    )


@keras_op
def ones_like(x, dtype=None):
    """Ones with the shape (and, unless `dtype` is given, the dtype) of `x`.

    >>> from lamina import ops
    >>> ops.ones_like(ops.zeros((2,))).tolist()
    [1.0, 1.0]
    """
    return jnp.ones_like(_t(x), dtype=_dt(dtype))


@keras_op
def zeros_like(x, dtype=None):
    """Zeros with the shape (and, unless `dtype` is given, the dtype) of `x`.

    >>> from lamina import ops
    >>> ops.zeros_like(ops.ones((2,))).tolist()
    [0.0, 0.0]
    """
    return jnp.zeros_like(_t(x), dtype=_dt(dtype))


@keras_op
def empty_like(x, dtype=None):
    """An array shaped like `x`; its values are unspecified (zeros here).

    >>> from lamina import ops
    >>> ops.empty_like(ops.ones((2, 2))).shape
    (2, 2)
    """
    return jnp.zeros_like(_t(x), dtype=_dt(dtype))


@keras_op
def full_like(x, fill_value, dtype=None):
    """`fill_value` with the shape (and, unless `dtype` is given, the dtype) of `x`.

    >>> from lamina import ops
    >>> ops.full_like(ops.zeros((2,)), 3).tolist()
    [3.0, 3.0]
    """
    return jnp.full_like(_t(x), fill_value, dtype=_dt(dtype))


@keras_op
def array(x, dtype=None):
    """`x` (nested lists, arrays, scalars) as an array.

    >>> from lamina import ops
    >>> ops.array([[1, 2]]).shape
    (1, 2)
    """
    return jnp.array(x, dtype=_dt(dtype))


@keras_op
def copy(x):
    """A copy of `x`.

    >>> from lamina import ops
    >>> ops.copy([1.0, 2.0]).tolist()
    [1.0, 2.0]
    """
    return jnp.array(_t(x), copy=True)


# -- window functions ----------------------------------------------------------------------------
def _window(jfn, name):
    def f(x):
        return jfn(int(x)).astype(config.floatx())

    f.__name__ = name
    f.__doc__ = (
        f"The {name.capitalize()} window of length `x` (as `numpy.{name}`), in `floatx()`.\n\n"
        f"    >>> from lamina import ops\n    >>> ops.{name}(4).shape\n    (4,)\n"
    )
    return keras_op(f)


bartlett = _window(jnp.bartlett, "bartlett")
blackman = _window(jnp.blackman, "blackman")
hamming = _window(jnp.hamming, "hamming")
hanning = _window(jnp.hanning, "hanning")


@keras_op
def kaiser(x, beta):
    """The Kaiser window of length `x` with shape parameter `beta`, in `floatx()`.

    >>> from lamina import ops
    >>> ops.kaiser(4, 2.0).shape
    (4,)
    """
    return jnp.kaiser(int(x), beta).astype(config.floatx())


# -- elementwise ---------------------------------------------------------------------------------
def _binary(jfn, name, example=("[1.0, 2.0], [3.0, 4.0]", "(2,)"), what="Elementwise"):
    def f(x1, x2):
        x1, x2 = _promote(x1, x2)
        return jfn(_t(x1), _t(x2))

    f.__name__ = name
    f.__doc__ = (
        f"{what} `{name}` of `x1` and `x2` with broadcasting (as `numpy.{jfn.__name__}`).\n\n"
        f"    >>> from lamina import ops\n    >>> ops.{name}({example[0]}).shape\n    {example[1]}\n"
    )
    return keras_op(f)


def _float_binary(jfn, name, weak=False):
    """A binary op whose result is float: Keras promotes integer inputs to `floatx()`.

    Keras turns Python floats into `floatx()` tensors for most of these (so float16 with 0.5
    gives float32), but keeps them weakly typed for some (`weak=True`: float16 stays float16).
    """

    def f(x1, x2):
        if weak:
            dtype = _result(x1, x2)
            if not jnp.issubdtype(dtype, jnp.inexact):
                dtype = jnp.dtype(config.floatx())
            return jfn(_t(x1).astype(dtype), _t(x2).astype(dtype))
        x1, x2 = _t(x1), _t(x2)
        dtype = _float_result(x1, x2)
        return jfn(x1.astype(dtype), x2.astype(dtype))

    f.__name__ = name
    f.__doc__ = (
        f"Elementwise `{name}` of `x1` and `x2` (as `numpy.{jfn.__name__}`); integers become "
        f"`floatx()`.\n\n"
        f"    >>> from lamina import ops\n    >>> ops.{name}([1.0, 2.0], [3.0, 4.0]).shape\n    (2,)\n"
    )
    return keras_op(f)


def _unary(jfn, name, to_float=False, example="[1.0, 2.0]"):
    def f(x):
        return jfn(_float(x) if to_float else _t(x))

    f.__name__ = name
    f.__doc__ = (
        f"Elementwise `{name}` of `x` (as `numpy.{jfn.__name__}`)"
        + ("; integers become `floatx()`" if to_float else "")
        + f".\n\n    >>> from lamina import ops\n    >>> ops.{name}({example}).shape\n    (2,)\n"
    )
    return keras_op(f)


add = _binary(jnp.add, "add")
subtract = _binary(jnp.subtract, "subtract")
multiply = _binary(jnp.multiply, "multiply")
floor_divide = _binary(jnp.floor_divide, "floor_divide")
mod = _binary(jnp.mod, "mod")
fmod = _binary(jnp.fmod, "fmod")
maximum = _binary(jnp.maximum, "maximum")
minimum = _binary(jnp.minimum, "minimum")
fmax = _binary(jnp.fmax, "fmax")
fmin = _binary(jnp.fmin, "fmin")
equal = _binary(jnp.equal, "equal")
not_equal = _binary(jnp.not_equal, "not_equal")
less = _binary(jnp.less, "less")
less_equal = _binary(jnp.less_equal, "less_equal")
greater = _binary(jnp.greater, "greater")
greater_equal = _binary(jnp.greater_equal, "greater_equal")
logical_and = _binary(jnp.logical_and, "logical_and")
logical_or = _binary(jnp.logical_or, "logical_or")
logical_xor = _binary(jnp.logical_xor, "logical_xor")
gcd = _binary(jnp.gcd, "gcd", ("[4, 6], [6, 9]", "(2,)"))
lcm = _binary(jnp.lcm, "lcm", ("[4, 6], [6, 9]", "(2,)"))
copysign = _binary(jnp.copysign, "copysign")
outer = _binary(jnp.outer, "outer", ("[1.0, 2.0], [3.0, 4.0, 5.0]", "(2, 3)"), "The outer product")
kron = _binary(jnp.kron, "kron", ("[1.0, 2.0], [3.0, 4.0, 5.0]", "(6,)"), "The Kronecker product")
arctan2 = _float_binary(jnp.arctan2, "arctan2")
hypot = _float_binary(jnp.hypot, "hypot", weak=True)
logaddexp = _float_binary(jnp.logaddexp, "logaddexp")
logaddexp2 = _float_binary(jnp.logaddexp2, "logaddexp2")
heaviside = _float_binary(jnp.heaviside, "heaviside", weak=True)
nextafter = _float_binary(jnp.nextafter, "nextafter")

negative = _unary(jnp.negative, "negative")
absolute = _unary(jnp.abs, "absolute")
abs = absolute  # noqa: A001 - Keras name
fabs = _unary(jnp.fabs, "fabs", True)
square = _unary(jnp.square, "square")
sign = _unary(jnp.sign, "sign")
signbit = _unary(jnp.signbit, "signbit")
floor = _unary(jnp.floor, "floor", True)
ceil = _unary(jnp.ceil, "ceil", True)
trunc = _unary(jnp.trunc, "trunc")
logical_not = _unary(jnp.logical_not, "logical_not")
bitwise_not = _unary(jnp.bitwise_not, "bitwise_not", example="[1, 2]")
bitwise_invert = _unary(jnp.bitwise_not, "bitwise_invert", example="[1, 2]")
isnan = _unary(jnp.isnan, "isnan")
isinf = _unary(jnp.isinf, "isinf")
isfinite = _unary(jnp.isfinite, "isfinite")
isneginf = _unary(jnp.isneginf, "isneginf")
isposinf = _unary(jnp.isposinf, "isposinf")
isreal = _unary(jnp.isreal, "isreal")
reciprocal = _unary(jnp.reciprocal, "reciprocal", True)
sqrt = _unary(jnp.sqrt, "sqrt", True)
cbrt = _unary(jnp.cbrt, "cbrt", True)
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
sinc = _unary(jnp.sinc, "sinc", True)
i0 = _unary(jnp.i0, "i0", True)
deg2rad = _unary(jnp.deg2rad, "deg2rad", True)
rad2deg = _unary(jnp.rad2deg, "rad2deg", True)
angle = _unary(jnp.angle, "angle", True)
conjugate = _unary(jnp.conjugate, "conjugate")
conj = _unary(jnp.conjugate, "conj")
real = _unary(jnp.real, "real")
imag = _unary(jnp.imag, "imag")


@keras_op
def rsqrt(x):
    """Elementwise `1 / sqrt(x)`; integers become `floatx()`.

    >>> from lamina import ops
    >>> ops.rsqrt([4.0]).tolist()
    [0.5]
    """
    return jax.lax.rsqrt(_float(x))


@keras_op
def divide(x1, x2):
    """True division `x1 / x2`; integers divide into `floatx()`.

    >>> from lamina import ops
    >>> ops.divide([1, 3], [2, 2]).tolist()
    [0.5, 1.5]
    """
    x1, x2 = _promote(x1, x2)
    if not _is_float(x1):
        x1, x2 = x1.astype(config.floatx()), x2.astype(config.floatx())
    return jnp.true_divide(x1, x2)


@keras_op
def true_divide(x1, x2):
    """Same as `divide`.

    >>> from lamina import ops
    >>> ops.true_divide([1.0], [4.0]).tolist()
    [0.25]
    """
    return divide.raw(x1, x2)


@keras_op
def divide_no_nan(x1, x2):
    """`x1 / x2`, but 0 wherever `x2` is 0.

    >>> from lamina import ops
    >>> ops.divide_no_nan([1.0, 2.0], [0.0, 4.0]).tolist()
    [0.0, 0.5]
    """
    x1, x2 = _promote(x1, x2)
    if not _is_float(x1):
        x1, x2 = x1.astype(config.floatx()), x2.astype(config.floatx())
    safe = jnp.where(x2 == 0, jnp.ones_like(x2), x2)
    return jnp.where(x2 == 0, jnp.zeros_like(x1 / safe), x1 / safe)


@keras_op
def power(x1, x2):
    """Elementwise `x1 ** x2`.

    >>> from lamina import ops
    >>> ops.power([2.0, 3.0], 2).tolist()
    [4.0, 9.0]
    """
    x1, x2 = _promote(x1, x2)
    return jnp.power(x1, x2)


def _bitwise(jfn, name, doc):
    # Keras names these arguments (x, y), not (x1, x2).
    def f(x, y):
        x, y = _promote(x, y)
        return jfn(x, y)

    f.__name__ = name
    f.__doc__ = f"{doc}\n\n    >>> from lamina import ops\n    >>> ops.{name}([4], 1).shape\n    (1,)\n"
    return keras_op(f)


def _shift(jfn, name):
    return _bitwise(jfn, name, f"Elementwise bit shift `{name}` of integer `x` by `y` bits.")


bitwise_and = _bitwise(jnp.bitwise_and, "bitwise_and", "Elementwise bitwise AND of integers or booleans.")
bitwise_or = _bitwise(jnp.bitwise_or, "bitwise_or", "Elementwise bitwise OR of integers or booleans.")
bitwise_xor = _bitwise(jnp.bitwise_xor, "bitwise_xor", "Elementwise bitwise XOR of integers or booleans.")


left_shift = _shift(jnp.left_shift, "left_shift")
right_shift = _shift(jnp.right_shift, "right_shift")
bitwise_left_shift = _shift(jnp.left_shift, "bitwise_left_shift")
bitwise_right_shift = _shift(jnp.right_shift, "bitwise_right_shift")


@keras_op
def ldexp(x1, x2):
    """`x1 * 2**x2`; `x2` must be an integer array, the result is float.

    >>> from lamina import ops
    >>> ops.ldexp([1.0, 3.0], [2, 1]).tolist()
    [4.0, 6.0]
    """
    x1, x2 = _t(x1), _t(x2)
    if _is_float(x2):
        raise TypeError(
            f"ldexp() expects an integer exponent `x2`. Received: x2.dtype={x2.dtype}. "
            "Cast it with `ops.cast(x2, 'int32')`."
        )
    return jnp.ldexp(_float(x1), x2.astype("int32"))


@keras_op
def round(x, decimals=0):  # noqa: A001 - Keras name
    """Rounds to `decimals` decimals (halves to even, as NumPy).

    >>> from lamina import ops
    >>> ops.round([0.5, 1.5, 2.5]).tolist()
    [0.0, 2.0, 2.0]
    """
    x = _t(x)
    if not _is_float(x) and decimals < 0:
        # Integer rounding to tens/hundreds: round in float, keep the integer dtype.
        return jnp.round(x.astype(config.floatx()), decimals).astype(x.dtype)
    return jnp.round(x, decimals)


@keras_op
def clip(x, x_min, x_max):
    """Limits values to `[x_min, x_max]`; booleans become int32 (as Keras).

    >>> from lamina import ops
    >>> ops.clip([-1.0, 0.5, 2.0], 0, 1).tolist()
    [0.0, 0.5, 1.0]
    """
    x = _t(x)
    if x.dtype == jnp.bool_:
        x = x.astype("int32")
    dtype = _result(x, x_min, x_max)
    return jnp.clip(x.astype(dtype), x_min, x_max).astype(dtype)


@keras_op
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replaces NaN by `nan` and infinities by `posinf`/`neginf` (the dtype's limits by default).

    >>> from lamina import ops
    >>> ops.nan_to_num([float("nan"), 1.0]).tolist()
    [0.0, 1.0]
    """
    return jnp.nan_to_num(_t(x), nan=nan, posinf=posinf, neginf=neginf)


@keras_op
def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Elementwise `|x1 - x2| <= atol + rtol * |x2|`.

    >>> from lamina import ops
    >>> ops.isclose([1.0, 2.0], [1.0, 2.1]).tolist()
    [True, False]
    """
    x1, x2 = _promote(x1, x2)
    return jnp.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


@keras_op
def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Whether `isclose` holds everywhere.

    >>> from lamina import ops
    >>> bool(ops.allclose([1.0, 2.0], [1.0, 2.0]))
    True
    """
    x1, x2 = _promote(x1, x2)
    return jnp.allclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


@keras_op
def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of `x1` occurs in `x2`.

    >>> from lamina import ops
    >>> ops.isin([1, 2, 3], [2, 3]).tolist()
    [False, True, True]
    """
    return jnp.isin(_t(x1), _t(x2), assume_unique=assume_unique, invert=invert)


@keras_op
def where(condition, x1=None, x2=None):
    """`x1` where `condition` holds, else `x2`; with only `condition`, the indices where it holds.

    >>> from lamina import ops
    >>> ops.where([True, False], 1.0, 2.0).tolist()
    [1.0, 2.0]
    """
    if (x1 is None) != (x2 is None):
        raise ValueError(
            "where() takes either both `x1` and `x2` or neither. "
            f"Received: x1={'None' if x1 is None else 'a value'}, "
            f"x2={'None' if x2 is None else 'a value'}."
        )
    condition = _t(condition)
    if x1 is None:
        return tuple(i.astype("int32") for i in jnp.nonzero(condition))
    x1, x2 = _promote(x1, x2)
    return jnp.where(condition.astype(bool), x1, x2)


@keras_op
def select(condlist, choicelist, default=0):
    """Picks, elementwise, from the first `choicelist` entry whose condition holds.

    >>> from lamina import ops
    >>> x = ops.arange(4)
    >>> ops.select([x < 1, x > 2], [x, x * 10], default=-1).tolist()
    [0, -1, -1, 30]
    """
    choices = _promote(*choicelist)
    return jnp.select([_t(c).astype(bool) for c in condlist], choices, default)


# -- linear algebra ------------------------------------------------------------------------------
def _int8_accumulate(fn, *xs):
    """Products of int8 arrays accumulate in int32 (Keras's quantized-matmul rule); other
    inputs are promoted to their common dtype."""
    xs = [_t(x) for x in xs]
    if builtins.all(x.dtype == jnp.int8 for x in xs):
        return fn(*[x.astype("int32") for x in xs])
    return fn(*_promote(*xs))


@keras_op
def matmul(x1, x2):
    """Matrix product (batched over leading axes, as `numpy.matmul`).

    >>> from lamina import ops
    >>> ops.matmul(ops.ones((2, 3)), ops.ones((3, 4))).shape
    (2, 4)
    """
    return _int8_accumulate(jnp.matmul, x1, x2)


@keras_op
def dot(x1, x2):
    """Dot product (as `numpy.dot`).

    >>> from lamina import ops
    >>> float(ops.dot([1.0, 2.0], [3.0, 4.0]))
    11.0
    """
    x1, x2 = _promote(x1, x2)
    return jnp.dot(x1, x2)


@keras_op
def tensordot(x1, x2, axes=2):
    """Sum of products over `axes` (as `numpy.tensordot`).

    >>> from lamina import ops
    >>> ops.tensordot(ops.ones((2, 3)), ops.ones((3, 4)), axes=1).shape
    (2, 4)
    """
    x1, x2 = _promote(x1, x2)
    return jnp.tensordot(x1, x2, axes)


@keras_op
def inner(x1, x2):
    """Inner product over the last axes (as `numpy.inner`).

    >>> from lamina import ops
    >>> float(ops.inner([1.0, 2.0], [3.0, 4.0]))
    11.0
    """
    x1, x2 = _promote(x1, x2)
    return jnp.inner(x1, x2)


@keras_op
def vdot(x1, x2):
    """Dot product of the flattened inputs (conjugating `x1`).

    >>> from lamina import ops
    >>> float(ops.vdot([[1.0, 2.0]], [[3.0, 4.0]]))
    11.0
    """
    x1, x2 = _promote(x1, x2)
    return jnp.vdot(x1, x2)


@keras_op
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation (as `numpy.einsum`).

    >>> from lamina import ops
    >>> ops.einsum("ij,jk->ik", ops.ones((2, 3)), ops.ones((3, 4))).shape
    (2, 4)
    """
    return _int8_accumulate(lambda *xs: jnp.einsum(subscripts, *xs, **kwargs), *operands)


@keras_op
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors (or 2-vectors) along the given axes.

    >>> from lamina import ops
    >>> ops.cross([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]).tolist()
    [0.0, 0.0, 1.0]
    """
    x1, x2 = _promote(x1, x2)
    return jnp.cross(x1, x2, axisa, axisb, axisc, axis)


@keras_op
def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along a diagonal; small integers and booleans sum in int32.

    >>> from lamina import ops
    >>> float(ops.trace(ops.eye(3)))
    3.0
    """
    x = _t(x)
    dtype = None
    if x.dtype == jnp.bool_ or x.dtype in (jnp.int8, jnp.int16):
        dtype = "int32"
    elif x.dtype in (jnp.uint8, jnp.uint16):
        dtype = "uint32"
    return jnp.trace(x, offset, axis1, axis2, dtype=dtype)


@keras_op
def diag(x, k=0):
    """The `k`-th diagonal of a matrix, or a diagonal matrix built from a vector.

    >>> from lamina import ops
    >>> ops.diag([1.0, 2.0]).tolist()
    [[1.0, 0.0], [0.0, 2.0]]
    """
    return jnp.diag(_t(x), k)


@keras_op
def diagflat(x, k=0):
    """A matrix with the flattened `x` on its `k`-th diagonal.

    >>> from lamina import ops
    >>> ops.diagflat([[1, 2]]).shape
    (2, 2)
    """
    return jnp.diagflat(_t(x), k)


@keras_op
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal of the `axis1`/`axis2` planes.

    >>> from lamina import ops
    >>> ops.diagonal(ops.eye(2)).tolist()
    [1.0, 1.0]
    """
    return jnp.diagonal(_t(x), offset, axis1, axis2)


@keras_op
def tril(x, k=0):
    """Zeros above the `k`-th diagonal.

    >>> from lamina import ops
    >>> ops.tril(ops.ones((2, 2))).tolist()
    [[1.0, 0.0], [1.0, 1.0]]
    """
    return jnp.tril(_t(x), k)


@keras_op
def triu(x, k=0):
    """Zeros below the `k`-th diagonal.

    >>> from lamina import ops
    >>> ops.triu(ops.ones((2, 2))).tolist()
    [[1.0, 1.0], [0.0, 1.0]]
    """
    return jnp.triu(_t(x), k)


@keras_op
def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of the vector `x` (columns are powers of `x`).

    >>> from lamina import ops
    >>> ops.vander([1, 2, 3], 2).tolist()
    [[1, 1], [2, 1], [3, 1]]
    """
    x = _t(x)
    if x.ndim != 1:
        raise ValueError(f"vander() expects a 1-D `x`. Received: x.shape={x.shape}")
    if x.dtype == jnp.bool_:
        x = x.astype(config.floatx())
    return jnp.vander(x, N, increasing)


@keras_op
def slogdet(x):
    """`(sign, log|det|)` of square matrices (integers become `floatx()`).

    >>> from lamina import ops
    >>> sign, logabsdet = ops.slogdet(ops.eye(2) * 2)
    >>> float(sign), f"{float(logabsdet):.4f}"
    (1.0, '1.3863')
    """
    return tuple(jnp.linalg.slogdet(_float(x)))


# -- reductions ----------------------------------------------------------------------------------
def _sum_dtype(dtype):
    """Keras's accumulator for sums/products: small ints and bools grow to (u)int32."""
    if dtype == jnp.bool_ or dtype in (jnp.int8, jnp.int16):
        return jnp.dtype("int32")
    if dtype in (jnp.uint8, jnp.uint16):
        return jnp.dtype("uint32")
    return dtype


@keras_op
def sum(x, axis=None, keepdims=False):  # noqa: A001 - Keras name
    """Sum over `axis` (all axes when None); booleans and small ints sum in int32.

    >>> from lamina import ops
    >>> float(ops.sum([1.0, 2.0]))
    3.0
    """
    x = _t(x)
    return jnp.sum(x, axis=axis, keepdims=keepdims, dtype=_sum_dtype(x.dtype))


@keras_op
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over `axis`; booleans and small ints multiply in int32.

    >>> from lamina import ops
    >>> float(ops.prod([2.0, 3.0]))
    6.0
    """
    x = _t(x)
    return jnp.prod(x, axis=axis, keepdims=keepdims, dtype=_dt(dtype) or _sum_dtype(x.dtype))


def _mean_dtype(x):
    return x.dtype if _is_float(x) else jnp.dtype(config.floatx())


def _reduce_in_float32(fn, x, *args, **kwargs):
    """Reduces half-precision floats in float32, returning the input precision (as Keras)."""
    x = _t(x)
    out_dtype = _mean_dtype(x)
    compute = "float32" if out_dtype in (jnp.float16, jnp.bfloat16) else out_dtype
    return fn(x.astype(compute), *args, **kwargs).astype(out_dtype)


@keras_op
def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over `axis`; integers average into `floatx()`.

    >>> from lamina import ops
    >>> float(ops.mean([1, 2]))
    1.5
    """
    return _reduce_in_float32(jnp.mean, x, axis=axis, keepdims=keepdims)


@keras_op
def var(x, axis=None, keepdims=False):
    """Variance over `axis`; integers become `floatx()`.

    >>> from lamina import ops
    >>> float(ops.var([1.0, 3.0]))
    1.0
    """
    return _reduce_in_float32(jnp.var, x, axis=axis, keepdims=keepdims)


@keras_op
def std(x, axis=None, keepdims=False):
    """Standard deviation over `axis`; integers become `floatx()`.

    >>> from lamina import ops
    >>> float(ops.std([1.0, 3.0]))
    1.0
    """
    return _reduce_in_float32(jnp.std, x, axis=axis, keepdims=keepdims)


@keras_op
def median(x, axis=None, keepdims=False):
    """Median over `axis`; integers become `floatx()`.

    >>> from lamina import ops
    >>> float(ops.median([3.0, 1.0, 2.0]))
    2.0
    """
    return _reduce_in_float32(jnp.median, x, axis=axis, keepdims=keepdims)


def _check_method(method):
    methods = ("linear", "lower", "higher", "midpoint", "nearest")
    if method not in methods:
        raise ValueError(f"`method` must be one of {methods}. Received: method={method!r}")


@keras_op
def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The `q`-th quantiles (`q` in [0, 1]) over `axis`.

    >>> from lamina import ops
    >>> float(ops.quantile([1.0, 2.0, 3.0], 0.5))
    2.0
    """
    _check_method(method)
    return _reduce_in_float32(jnp.quantile, x, _t(q), axis=axis, method=method, keepdims=keepdims)


@keras_op
def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The `q`-th percentiles (`q` in [0, 100]) over `axis`.

    >>> from lamina import ops
    >>> float(ops.percentile([1.0, 2.0, 3.0], 50))
    2.0
    """
    _check_method(method)
    return _reduce_in_float32(jnp.percentile, x, _t(q), axis=axis, method=method, keepdims=keepdims)


@keras_op
def average(x, axis=None, weights=None):
    """Weighted average over `axis` (`weights` broadcast along it); integers become `floatx()`.

    >>> from lamina import ops
    >>> float(ops.average([1.0, 3.0], weights=[3.0, 1.0]))
    1.5
    """
    x = _t(x)
    if weights is None:
        return mean.raw(x, axis=axis)
    weights = _t(weights)
    dtype = _float_result(x, weights)
    return jnp.average(x.astype(dtype), axis=axis, weights=weights.astype(dtype))


def _extremum(jfn, name):
    def f(x, axis=None, keepdims=False, initial=None):
        return jfn(_t(x), axis=axis, keepdims=keepdims, initial=initial)

    f.__name__ = name
    f.__doc__ = (
        f"The {name[-3:]}imum over `axis` (all axes when None); `initial` also takes part.\n\n"
        f"    >>> from lamina import ops\n    >>> float(ops.{name}([1.0, 3.0, 2.0]))\n"
        f"    {3.0 if 'max' in name else 1.0}\n"
    )
    return keras_op(f)


max = _extremum(jnp.max, "max")  # noqa: A001 - Keras name
min = _extremum(jnp.min, "min")  # noqa: A001


def _plain_reduction(jfn, name, doc):
    def f(x, axis=None, keepdims=False):
        return jfn(_t(x), axis=axis, keepdims=keepdims)

    f.__name__ = name
    f.__doc__ = doc
    return keras_op(f)


amax = _plain_reduction(jnp.max, "amax", """The maximum over `axis`.

    >>> from lamina import ops
    >>> float(ops.amax([1.0, 3.0]))
    3.0
    """)
amin = _plain_reduction(jnp.min, "amin", """The minimum over `axis`.

    >>> from lamina import ops
    >>> float(ops.amin([1.0, 3.0]))
    1.0
    """)
all = _plain_reduction(jnp.all, "all", """Whether every element over `axis` is truthy.

    >>> from lamina import ops
    >>> bool(ops.all([True, False]))
    False
    """)  # noqa: A001
any = _plain_reduction(jnp.any, "any", """Whether some element over `axis` is truthy.

    >>> from lamina import ops
    >>> bool(ops.any([True, False]))
    True
    """)  # noqa: A001
ptp = _plain_reduction(jnp.ptp, "ptp", """The range (max - min) over `axis`.

    >>> from lamina import ops
    >>> float(ops.ptp([1.0, 4.0, 2.0]))
    3.0
    """)


@keras_op
def logsumexp(x, axis=None, keepdims=False):
    """`log(sum(exp(x)))` over `axis`, computed stably.

    >>> from lamina import ops
    >>> f"{float(ops.logsumexp([0.0, 0.0])):.4f}"
    '0.6931'
    """
    return jax.nn.logsumexp(_float(x), axis=axis, keepdims=keepdims)


@keras_op
def count_nonzero(x, axis=None):
    """The number of non-zero elements over `axis` (int32).

    >>> from lamina import ops
    >>> int(ops.count_nonzero([0, 1, 2]))
    2
    """
    return jnp.count_nonzero(_t(x), axis=axis).astype("int32")


# -- NaN-ignoring reductions ---------------------------------------------------------------------
@keras_op
def nansum(x, axis=None, keepdims=False):
    """Sum over `axis`, treating NaN as 0.

    >>> from lamina import ops
    >>> float(ops.nansum([1.0, float("nan"), 2.0]))
    3.0
    """
    x = _t(x)
    return jnp.nansum(x, axis=axis, keepdims=keepdims, dtype=_sum_dtype(x.dtype))


@keras_op
def nanprod(x, axis=None, keepdims=False):
    """Product over `axis`, treating NaN as 1.

    >>> from lamina import ops
    >>> float(ops.nanprod([2.0, float("nan"), 3.0]))
    6.0
    """
    x = _t(x)
    return jnp.nanprod(x, axis=axis, keepdims=keepdims, dtype=_sum_dtype(x.dtype))


def _nan_reduction(jfn, name, doc, to_float=True):
    def f(x, axis=None, keepdims=False):
        if to_float:
            return _reduce_in_float32(jfn, x, axis=axis, keepdims=keepdims)
        return jfn(_t(x), axis=axis, keepdims=keepdims)

    f.__name__ = name
    f.__doc__ = doc
    return keras_op(f)


nanmean = _nan_reduction(jnp.nanmean, "nanmean", """Mean over `axis`, ignoring NaN.

    >>> from lamina import ops
    >>> float(ops.nanmean([1.0, float("nan"), 3.0]))
    2.0
    """)
nanvar = _nan_reduction(jnp.nanvar, "nanvar", """Variance over `axis`, ignoring NaN.

    >>> from lamina import ops
    >>> float(ops.nanvar([1.0, float("nan"), 3.0]))
    1.0
    """)
nanstd = _nan_reduction(jnp.nanstd, "nanstd", """Standard deviation over `axis`, ignoring NaN.

    >>> from lamina import ops
    >>> float(ops.nanstd([1.0, float("nan"), 3.0]))
    1.0
    """)
nanmedian = _nan_reduction(jnp.nanmedian, "nanmedian", """Median over `axis`, ignoring NaN.

    >>> from lamina import ops
    >>> float(ops.nanmedian([1.0, float("nan"), 3.0]))
    2.0
    """)
nanmax = _nan_reduction(jnp.nanmax, "nanmax", """Maximum over `axis`, ignoring NaN.

    >>> from lamina import ops
    >>> float(ops.nanmax([1.0, float("nan"), 3.0]))
    3.0
    """, to_float=False)
nanmin = _nan_reduction(jnp.nanmin, "nanmin", """Minimum over `axis`, ignoring NaN.

    >>> from lamina import ops
    >>> float(ops.nanmin([1.0, float("nan"), 3.0]))
    1.0
    """, to_float=False)


@keras_op
def nanargmax(x, axis=None, keepdims=False):
    """Index of the maximum over `axis`, ignoring NaN (int32).

    >>> from lamina import ops
    >>> int(ops.nanargmax([1.0, float("nan"), 3.0]))
    2
    """
    return jnp.nanargmax(_t(x), axis=axis, keepdims=keepdims).astype("int32")


@keras_op
def nanargmin(x, axis=None, keepdims=False):
    """Index of the minimum over `axis`, ignoring NaN (int32).

    >>> from lamina import ops
    >>> int(ops.nanargmin([1.0, float("nan"), 3.0]))
    0
    """
    return jnp.nanargmin(_t(x), axis=axis, keepdims=keepdims).astype("int32")


@keras_op
def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """The `q`-th quantiles over `axis`, ignoring NaN.

    >>> from lamina import ops
    >>> float(ops.nanquantile([1.0, float("nan"), 3.0], 0.5))
    2.0
    """
    _check_method(method)
    return _reduce_in_float32(jnp.nanquantile, x, _t(q), axis=axis, method=method, keepdims=keepdims)


@keras_op
def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """The `q`-th percentiles over `axis`, ignoring NaN.

    >>> from lamina import ops
    >>> float(ops.nanpercentile([1.0, float("nan"), 3.0], 50))
    2.0
    """
    _check_method(method)
    return _reduce_in_float32(
        jnp.nanpercentile, x, _t(q), axis=axis, method=method, keepdims=keepdims
    )


# -- cumulative, sorting, searching --------------------------------------------------------------
def _cum_dtype(x, dtype):
    if dtype is not None:
        return standardize_dtype(dtype)
    return "int32" if x.dtype == jnp.bool_ else x.dtype


@keras_op
def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along `axis` (of the flattened array when None).

    >>> from lamina import ops
    >>> ops.cumsum([1, 2, 3]).tolist()
    [1, 3, 6]
    """
    x = _t(x)
    return jnp.cumsum(x, axis=axis, dtype=_cum_dtype(x, dtype))


@keras_op
def cumprod(x, axis=None, dtype=None):
    """Cumulative product along `axis` (of the flattened array when None).

    >>> from lamina import ops
    >>> ops.cumprod([1, 2, 3]).tolist()
    [1, 2, 6]
    """
    x = _t(x)
    return jnp.cumprod(x, axis=axis, dtype=_cum_dtype(x, dtype))


@keras_op
def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum treating NaN as 0.

    >>> from lamina import ops
    >>> ops.nancumsum([1.0, float("nan"), 2.0]).tolist()
    [1.0, 1.0, 3.0]
    """
    x = _t(x)
    return jnp.nancumsum(x, axis=axis, dtype=_cum_dtype(x, dtype))


@keras_op
def nancumprod(x, axis=None, dtype=None):
    """Cumulative product treating NaN as 1.

    >>> from lamina import ops
    >>> ops.nancumprod([2.0, float("nan"), 3.0]).tolist()
    [2.0, 2.0, 6.0]
    """
    x = _t(x)
    return jnp.nancumprod(x, axis=axis, dtype=_cum_dtype(x, dtype))


@keras_op
def diff(a, n=1, axis=-1):
    """The `n`-th discrete difference along `axis`.

    >>> from lamina import ops
    >>> ops.diff([1, 4, 9]).tolist()
    [3, 5]
    """
    return jnp.diff(_t(a), n=n, axis=axis)


@keras_op
def argmax(x, axis=None, keepdims=False):
    """Index of the maximum over `axis` (of the flattened array when None), int32.

    >>> from lamina import ops
    >>> int(ops.argmax([1.0, 3.0, 2.0]))
    1
    """
    return jnp.argmax(_t(x), axis=axis, keepdims=keepdims).astype("int32")


@keras_op
def argmin(x, axis=None, keepdims=False):
    """Index of the minimum over `axis` (of the flattened array when None), int32.

    >>> from lamina import ops
    >>> int(ops.argmin([1.0, 3.0, 0.0]))
    2
    """
    return jnp.argmin(_t(x), axis=axis, keepdims=keepdims).astype("int32")


@keras_op
def argsort(x, axis=-1):
    """Indices that sort `x` along `axis` (int32).

    >>> from lamina import ops
    >>> ops.argsort([3.0, 1.0, 2.0]).tolist()
    [1, 2, 0]
    """
    return jnp.argsort(_t(x), axis=axis).astype("int32")


@keras_op
def argpartition(x, kth, axis=-1):
    """Indices that partition `x` around its `kth` smallest element along `axis` (int32).

    >>> from lamina import ops
    >>> int(ops.argpartition([3.0, 1.0, 2.0], 0)[0])
    1
    """
    x = _t(x)
    # A full argsort is a valid partition and is stable, so ties come out in index order.
    moved = jnp.moveaxis(x, axis, -1)
    if not 0 <= (kth if kth >= 0 else kth + moved.shape[-1]) < moved.shape[-1]:
        raise ValueError(
            f"argpartition() got `kth` outside the axis of length {moved.shape[-1]}. Received: kth={kth}"
        )
    return jnp.moveaxis(jnp.argsort(moved, axis=-1, stable=True), -1, axis).astype("int32")


@keras_op
def sort(x, axis=-1):
    """`x` sorted along `axis`.

    >>> from lamina import ops
    >>> ops.sort([3.0, 1.0, 2.0]).tolist()
    [1.0, 2.0, 3.0]
    """
    return jnp.sort(_t(x), axis=axis)


@keras_op
def searchsorted(sorted_sequence, values, side="left"):
    """Where `values` would be inserted to keep the 1-D `sorted_sequence` sorted (int32).

    >>> from lamina import ops
    >>> ops.searchsorted([1.0, 2.0, 3.0], [2.5]).tolist()
    [2]
    """
    sorted_sequence = _t(sorted_sequence)
    if sorted_sequence.ndim != 1:
        raise ValueError(
            "searchsorted() expects a 1-D `sorted_sequence`. "
            f"Received: sorted_sequence.shape={sorted_sequence.shape}"
        )
    return jnp.searchsorted(sorted_sequence, _t(values), side=side).astype("int32")


@keras_op
def digitize(x, bins):
    """The index of the bin each value of `x` falls in (int32).

    >>> from lamina import ops
    >>> ops.digitize([0.5, 1.5, 2.5], [1.0, 2.0]).tolist()
    [0, 1, 2]
    """
    return jnp.digitize(_t(x), _t(bins)).astype("int32")


def _bincount_spec(x, weights=None, minlength=0, sparse=False):
    x = x if isinstance(x, KerasTensor) else _t(x)
    dtype = "int32"
    if weights is not None:
        dtype = standardize_dtype(weights.dtype)
    shape = (None,) if len(x.shape) == 1 else (x.shape[0], None)
    return KerasTensor(shape, dtype=dtype)


@_with_spec(_bincount_spec)
def bincount(x, weights=None, minlength=0, sparse=False):
    """Counts each non-negative integer of `x` (per row for 2-D `x`), weighted by `weights`.

    >>> from lamina import ops
    >>> ops.bincount([0, 1, 1, 3]).tolist()
    [1, 2, 0, 1]
    """
    if sparse:
        raise ValueError("bincount() on JAX has no sparse output. Received: sparse=True")
    x = _t(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"bincount() expects a 1-D or 2-D `x`. Received: x.shape={x.shape}")
    length = builtins.max(int(minlength), int(jnp.max(x)) + 1 if x.size else 0)
    if weights is not None:
        weights = _t(weights)
        dtype = weights.dtype
    else:
        weights = jnp.ones(x.shape, "int32")
        dtype = jnp.dtype("int32")

    def count(row, w):
        return jnp.zeros((length,), dtype).at[row].add(w.astype(dtype))

    if x.ndim == 1:
        return count(x, weights)
    return jax.vmap(count)(x, weights)


def _histogram_spec(x, bins=10, range=None):  # noqa: A002
    dtype = x.dtype if "float" in x.dtype else config.floatx()
    return (KerasTensor((bins,), dtype=dtype), KerasTensor((bins + 1,), dtype=dtype))


@_with_spec(_histogram_spec)
def histogram(x, bins=10, range=None):  # noqa: A002 - Keras name
    """`(counts, bin_edges)` of the 1-D `x` over `bins` equal-width bins.

    >>> from lamina import ops
    >>> counts, edges = ops.histogram([0.0, 0.5, 1.0], bins=2)
    >>> counts.tolist(), edges.tolist()
    ([1.0, 2.0], [0.0, 0.5, 1.0])
    """
    x = _t(x)
    if x.ndim != 1:
        raise ValueError(f"histogram() expects a 1-D `x`. Received: x.shape={x.shape}")
    if range is not None and (len(range) != 2 or range[0] > range[1]):
        raise ValueError(f"`range` must be (min, max) with min <= max. Received: range={range}")
    counts, edges = jnp.histogram(x, bins=bins, range=range)
    # Keras returns the counts as floats (in the input's float type).
    dtype = _float(x).dtype
    return counts.astype(dtype), edges.astype(dtype)


# -- shapes --------------------------------------------------------------------------------------
@keras_op
def reshape(x, newshape):
    """`x` with a new shape (one dimension may be -1 or None, inferred).

    >>> from lamina import ops
    >>> ops.reshape(ops.ones((2, 3)), (3, -1)).shape
    (3, 2)
    """
    if isinstance(newshape, int):
        newshape = (newshape,)
    newshape = tuple(-1 if d is None else d for d in newshape)
    return jnp.reshape(_t(x), newshape)


@keras_op
def transpose(x, axes=None):
    """`x` with its axes permuted (reversed when `axes` is None).

    >>> from lamina import ops
    >>> ops.transpose(ops.ones((2, 3))).shape
    (3, 2)
    """
    return jnp.transpose(_t(x), axes)


@keras_op
def expand_dims(x, axis):
    """`x` with a new axis of length 1 at `axis` (or several, for a tuple).

    >>> from lamina import ops
    >>> ops.expand_dims(ops.ones((2,)), 0).shape
    (1, 2)
    """
    return jnp.expand_dims(_t(x), axis)


@keras_op
def squeeze(x, axis=None):
    """`x` without its length-1 axes (only `axis` when given).

    >>> from lamina import ops
    >>> ops.squeeze(ops.ones((1, 2, 1))).shape
    (2,)
    """
    return jnp.squeeze(_t(x), axis)


@keras_op
def ravel(x):
    """`x` flattened to 1-D.

    >>> from lamina import ops
    >>> ops.ravel(ops.ones((2, 3))).shape
    (6,)
    """
    return jnp.ravel(_t(x))


@keras_op
def concatenate(xs, axis=0):
    """Joins arrays along an existing axis (promoting to their common dtype).

    >>> from lamina import ops
    >>> ops.concatenate([ops.ones((2, 1)), ops.zeros((2, 2))], axis=1).shape
    (2, 3)
    """
    return jnp.concatenate(_promote(*xs), axis=axis)


@keras_op
def append(x1, x2, axis=None):
    """`x2` appended to `x1` along `axis` (both flattened when None).

    >>> from lamina import ops
    >>> ops.append([1, 2], [3]).tolist()
    [1, 2, 3]
    """
    x1, x2 = _promote(x1, x2)
    return jnp.append(x1, x2, axis=axis)


@keras_op
def stack(x, axis=0):
    """Joins arrays along a new axis.

    >>> from lamina import ops
    >>> ops.stack([ops.ones((2,)), ops.zeros((2,))]).shape
    (2, 2)
    """
    return jnp.stack(_promote(*x), axis=axis)


@keras_op
def hstack(xs):
    """Joins arrays column-wise (along axis 1, or 0 for 1-D arrays).

    >>> from lamina import ops
    >>> ops.hstack([ops.ones((2, 1)), ops.ones((2, 1))]).shape
    (2, 2)
    """
    return jnp.hstack(_promote(*xs))


@keras_op
def vstack(xs):
    """Joins arrays row-wise (along axis 0).

    >>> from lamina import ops
    >>> ops.vstack([ops.ones((1, 2)), ops.ones((1, 2))]).shape
    (2, 2)
    """
    return jnp.vstack(_promote(*xs))


@keras_op
def dstack(xs):
    """Joins arrays depth-wise (along axis 2).

    >>> from lamina import ops
    >>> ops.dstack([ops.ones((2, 2)), ops.ones((2, 2))]).shape
    (2, 2, 2)
    """
    return jnp.dstack(_promote(*xs))


def _split_impl(jfn, x, indices_or_sections, axis):
    x = _t(x)
    return list(jfn(x, indices_or_sections, axis=axis))


@keras_op
def split(x, indices_or_sections, axis=0):
    """Splits into equal sections (an int) or at the given indices along `axis`.

    >>> from lamina import ops
    >>> [p.shape for p in ops.split(ops.ones((4, 2)), 2)]
    [(2, 2), (2, 2)]
    """
    return _split_impl(jnp.split, x, indices_or_sections, axis)


@keras_op
def array_split(x, indices_or_sections, axis=0):
    """Like `split`, but sections may differ in size by one.

    >>> from lamina import ops
    >>> [p.shape for p in ops.array_split(ops.ones((5,)), 2)]
    [(3,), (2,)]
    """
    return _split_impl(jnp.array_split, x, indices_or_sections, axis)


@keras_op
def hsplit(x, indices_or_sections):
    """Splits along axis 1 (axis 0 for 1-D arrays).

    >>> from lamina import ops
    >>> [p.shape for p in ops.hsplit(ops.ones((2, 4)), 2)]
    [(2, 2), (2, 2)]
    """
    x = _t(x)
    return _split_impl(jnp.split, x, indices_or_sections, 1 if x.ndim > 1 else 0)


@keras_op
def vsplit(x, indices_or_sections):
    """Splits along axis 0.

    >>> from lamina import ops
    >>> [p.shape for p in ops.vsplit(ops.ones((4, 2)), 2)]
    [(2, 2), (2, 2)]
    """
    return _split_impl(jnp.split, x, indices_or_sections, 0)


@keras_op
def dsplit(x, indices_or_sections):
    """Splits along axis 2.

    >>> from lamina import ops
    >>> [p.shape for p in ops.dsplit(ops.ones((1, 1, 4)), 2)]
    [(1, 1, 2), (1, 1, 2)]
    """
    return _split_impl(jnp.split, x, indices_or_sections, 2)


@keras_op
def tile(x, repeats):
    """`x` repeated `repeats` times along each axis.

    >>> from lamina import ops
    >>> ops.tile([1, 2], 2).tolist()
    [1, 2, 1, 2]
    """
    return jnp.tile(_t(x), repeats)


@keras_op
def repeat(x, repeats, axis=None):
    """Each element repeated `repeats` times along `axis` (flattened when None).

    >>> from lamina import ops
    >>> ops.repeat([1, 2], 2).tolist()
    [1, 1, 2, 2]
    """
    if isinstance(repeats, (list, tuple)):
        repeats = np.asarray(repeats)  # static, so the output length is known when tracing
    return jnp.repeat(_t(x), repeats, axis=axis)


@keras_op
def flip(x, axis=None):
    """`x` reversed along `axis` (all axes when None).

    >>> from lamina import ops
    >>> ops.flip([1, 2, 3]).tolist()
    [3, 2, 1]
    """
    return jnp.flip(_t(x), axis=axis)


@keras_op
def fliplr(x):
    """`x` reversed along axis 1.

    >>> from lamina import ops
    >>> ops.fliplr([[1, 2]]).tolist()
    [[2, 1]]
    """
    return jnp.fliplr(_t(x))


@keras_op
def flipud(x):
    """`x` reversed along axis 0.

    >>> from lamina import ops
    >>> ops.flipud([[1], [2]]).tolist()
    [[2], [1]]
    """
    return jnp.flipud(_t(x))


@keras_op
def rot90(array, k=1, axes=(0, 1)):
    """`array` rotated by `k` quarter turns in the plane of `axes`.

    >>> from lamina import ops
    >>> ops.rot90([[1, 2], [3, 4]]).tolist()
    [[2, 4], [1, 3]]
    """
    array = _t(array)
    if array.ndim < 2:
        raise ValueError(f"rot90() expects at least 2 dimensions. Received: array.shape={array.shape}")
    return jnp.rot90(array, k=k, axes=tuple(axes))


@keras_op
def roll(x, shift, axis=None):
    """Elements shifted by `shift` along `axis`, wrapping around.

    >>> from lamina import ops
    >>> ops.roll([1, 2, 3], 1).tolist()
    [3, 1, 2]
    """
    return jnp.roll(_t(x), shift, axis=axis)


@keras_op
def moveaxis(x, source, destination):
    """`x` with axes moved from `source` to `destination`.

    >>> from lamina import ops
    >>> ops.moveaxis(ops.ones((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    return jnp.moveaxis(_t(x), source, destination)


@keras_op
def swapaxes(x, axis1, axis2):
    """`x` with two axes exchanged.

    >>> from lamina import ops
    >>> ops.swapaxes(ops.ones((2, 3)), 0, 1).shape
    (3, 2)
    """
    return jnp.swapaxes(_t(x), axis1, axis2)


@keras_op
def broadcast_to(x, shape):
    """`x` broadcast to `shape`.

    >>> from lamina import ops
    >>> ops.broadcast_to([1, 2], (3, 2)).shape
    (3, 2)
    """
    return jnp.broadcast_to(_t(x), shape)


@keras_op
def pad(x, pad_width, mode="constant", constant_values=None):
    """`x` padded by `pad_width` (per-axis `(before, after)`), as `numpy.pad`.

    >>> from lamina import ops
    >>> ops.pad([1, 2], 1).tolist()
    [0, 1, 2, 0]
    """
    modes = ("constant", "edge", "linear_ramp", "maximum", "mean", "median", "minimum",
             "reflect", "symmetric", "wrap", "empty")
    if mode not in modes:
        raise ValueError(f"`mode` must be one of {modes}. Received: mode={mode!r}")
    if constant_values is not None:
        if mode != "constant":
            raise ValueError(
                "pad() takes `constant_values` only with mode='constant'. "
                f"Received: mode={mode!r}, constant_values={constant_values!r}"
            )
        return jnp.pad(_t(x), pad_width, mode=mode, constant_values=constant_values)
    return jnp.pad(_t(x), pad_width, mode=mode)


@keras_op
def take(x, indices, axis=None):
    """Elements of `x` at `indices` along `axis` (of the flattened `x` when None).

    >>> from lamina import ops
    >>> ops.take([10, 20, 30], [2, 0]).tolist()
    [30, 10]
    """
    indices = _t(indices)
    return jnp.take(_t(x), indices, axis=axis)


@keras_op
def take_along_axis(x, indices, axis=None):
    """Elements of `x` at matching `indices` along `axis`.

    >>> from lamina import ops
    >>> ops.take_along_axis([[10, 20]], [[1]], axis=1).tolist()
    [[20]]
    """
    return jnp.take_along_axis(_t(x), _t(indices), axis=axis)


def _nonzero_spec(x):
    return tuple(KerasTensor((None,), dtype="int32") for _ in x.shape)


@_with_spec(_nonzero_spec)
def nonzero(x):
    """A tuple (one per axis) of the indices of the non-zero elements (int32).

    >>> from lamina import ops
    >>> ops.nonzero([0, 3, 0, 4])[0].tolist()
    [1, 3]
    """
    return tuple(i.astype("int32") for i in jnp.nonzero(_t(x)))


def _where_spec(condition, x1=None, x2=None):
    if x1 is None and x2 is None:
        return _nonzero_spec(condition)
    from lamina.backend.symbolic import compute_output_spec

    return compute_output_spec(where.raw, condition, x1, x2)


where = _with_spec(_where_spec)(where.raw)


def _unique_spec(x, sorted=True, return_index=False, return_inverse=False,  # noqa: A002
                 return_counts=False, axis=None, size=None, fill_value=None):
    length = size
    if axis is None:
        values = KerasTensor((length,), dtype=x.dtype)
    else:
        shape = list(x.shape)
        shape[axis] = length
        values = KerasTensor(tuple(shape), dtype=x.dtype)
    outs = [values]
    if return_index:
        outs.append(KerasTensor((length,), dtype="int32"))
    if return_inverse:
        n = None if builtins.any(d is None for d in x.shape) else int(np.prod(x.shape))
        outs.append(KerasTensor((n if axis is None else x.shape[axis],), dtype="int32"))
    if return_counts:
        outs.append(KerasTensor((length,), dtype="int32"))
    return outs[0] if len(outs) == 1 else tuple(outs)


@_with_spec(_unique_spec)
def unique(x, sorted=True, return_index=False, return_inverse=False,  # noqa: A002 - Keras name
           return_counts=False, axis=None, size=None, fill_value=None):
    """The sorted unique values of `x`, optionally with first indices, inverse and counts.

    >>> from lamina import ops
    >>> ops.unique([3, 1, 3]).tolist()
    [1, 3]
    """
    if not sorted:
        raise ValueError(
            "unique() on JAX always returns sorted values. Received: sorted=False; use sorted=True."
        )
    result = jnp.unique(
        _t(x), return_index=return_index, return_inverse=return_inverse,
        return_counts=return_counts, axis=axis, size=size, fill_value=fill_value,
    )
    if not isinstance(result, tuple):
        return result
    values, *rest = result
    rest = [r.astype("int32") for r in rest]
    if return_inverse and axis is None:
        inverse = int(bool(return_index))
        rest[inverse] = jnp.ravel(rest[inverse])
    return (values, *rest)


@keras_op
def unravel_index(indices, shape):
    """Converts flat `indices` into a tuple of coordinate arrays for `shape`.

    >>> from lamina import ops
    >>> [int(i) for i in ops.unravel_index(5, (2, 3))]
    [1, 2]
    """
    indices = _t(indices)
    if not jnp.issubdtype(indices.dtype, jnp.integer):
        raise TypeError(f"unravel_index() expects integer `indices`. Received: dtype={indices.dtype}")
    return tuple(i.astype(indices.dtype) for i in jnp.unravel_index(indices, shape))


@keras_op
def meshgrid(*x, indexing="xy"):
    """Coordinate matrices from coordinate vectors (`indexing` is 'xy' or 'ij').

    >>> from lamina import ops
    >>> [g.shape for g in ops.meshgrid([1, 2, 3], [4, 5])]
    [(2, 3), (2, 3)]
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"`indexing` must be 'xy' or 'ij'. Received: indexing={indexing!r}")
    return jnp.meshgrid(*[_t(v) for v in x], indexing=indexing)


@keras_op
def view(x, dtype=None):
    """The bits of `x` reinterpreted as `dtype` (the last axis rescales with the item size).

    >>> from lamina import ops
    >>> ops.view(ops.zeros((2,), dtype="int32"), "float32").tolist()
    [0.0, 0.0]
    """
    x = _t(x)
    if dtype is None:
        return x
    return x.view(standardize_dtype(dtype))


def size(x):
    """The number of elements of `x` (also for symbolic tensors with known shapes).

    >>> from lamina import ops
    >>> ops.size(ops.ones((2, 3)))
    6
    """
    shape = x.shape if hasattr(x, "shape") else np.shape(x)
    if builtins.any(d is None for d in shape):
        return None
    return _math.prod(shape)


def ndim(x):
    """The number of axes of `x`.

    >>> from lamina import ops
    >>> ops.ndim(ops.ones((2, 3)))
    2
    """
    return len(x.shape) if hasattr(x, "shape") else np.ndim(x)


@keras_op
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D sequences (`mode` 'valid', 'same' or 'full').

    >>> from lamina import ops
    >>> ops.correlate([1.0, 2.0, 3.0], [0.0, 1.0]).tolist()
    [2.0, 3.0]
    """
    x1, x2 = _t(x1), _t(x2)
    dtype = _float_result(x1, x2)
    return jnp.correlate(x1.astype(dtype), x2.astype(dtype), mode=mode)


@keras_op
def corrcoef(x):
    """Pearson correlation coefficients between the rows of `x`.

    >>> from lamina import ops
    >>> ops.corrcoef([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]]).shape
    (2, 2)
    """
    return jnp.corrcoef(_float(x))


@keras_op
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of `y` along `axis` by the trapezoidal rule (sample points `x` or spacing `dx`).

    >>> from lamina import ops
    >>> float(ops.trapezoid([1.0, 2.0, 3.0]))
    4.0
    """
    y = _float(y)
    if x is not None:
        x = _t(x).astype(y.dtype)
    return jnp.trapezoid(y, x=x, dx=dx, axis=axis)


def vectorize(pyfunc, *, excluded=None, signature=None):
    """`pyfunc` mapped over array elements (or core dimensions, with `signature`).

    >>> from lamina import ops
    >>> ops.vectorize(lambda a, b: a + b)(ops.ones((2,)), 1.0).tolist()
    [2.0, 2.0]
    """
    return jnp.vectorize(pyfunc, excluded=excluded or set(), signature=signature)


@keras_op
def get_item(x, key):
    """`x[key]`.

    >>> from lamina import ops
    >>> ops.get_item(ops.arange(4), 2).tolist()
    2
    """
    return _t(x)[key]

__all__ = [
    "abs",
    "absolute",
    "add",
    "all",
    "allclose",
    "amax",
    "amin",
    "angle",
    "any",
    "append",
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
    "argpartition",
    "argsort",
    "array",
    "array_split",
    "average",
    "bartlett",
    "bincount",
    "bitwise_and",
    "bitwise_invert",
    "bitwise_left_shift",
    "bitwise_not",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "blackman",
    "broadcast_to",
    "cbrt",
    "ceil",
    "clip",
    "concatenate",
    "conj",
    "conjugate",
    "copy",
    "copysign",
    "corrcoef",
    "correlate",
    "cos",
    "cosh",
    "count_nonzero",
    "cross",
    "cumprod",
    "cumsum",
    "deg2rad",
    "diag",
    "diagflat",
    "diagonal",
    "diff",
    "digitize",
    "divide",
    "divide_no_nan",
    "dot",
    "dsplit",
    "dstack",
    "einsum",
    "empty",
    "empty_like",
    "equal",
    "exp",
    "exp2",
    "expand_dims",
    "expm1",
    "eye",
    "fabs",
    "flip",
    "fliplr",
    "flipud",
    "floor",
    "floor_divide",
    "fmax",
    "fmin",
    "fmod",
    "full",
    "full_like",
    "gcd",
    "geomspace",
    "get_item",
    "greater",
    "greater_equal",
    "hamming",
    "hanning",
    "heaviside",
    "histogram",
    "hsplit",
    "hstack",
    "hypot",
    "i0",
    "identity",
    "imag",
    "inner",
    "isclose",
    "isfinite",
    "isin",
    "isinf",
    "isnan",
    "isneginf",
    "isposinf",
    "isreal",
    "kaiser",
    "kron",
    "lcm",
    "ldexp",
    "left_shift",
    "less",
    "less_equal",
    "linspace",
    "log",
    "log10",
    "log1p",
    "log2",
    "logaddexp",
    "logaddexp2",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "logspace",
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
    "nanargmax",
    "nanargmin",
    "nancumprod",
    "nancumsum",
    "nanmax",
    "nanmean",
    "nanmedian",
    "nanmin",
    "nanpercentile",
    "nanprod",
    "nanquantile",
    "nanstd",
    "nansum",
    "nanvar",
    "ndim",
    "negative",
    "nextafter",
    "nonzero",
    "not_equal",
    "ones",
    "ones_like",
    "outer",
    "pad",
    "percentile",
    "power",
    "prod",
    "ptp",
    "quantile",
    "rad2deg",
    "ravel",
    "real",
    "reciprocal",
    "repeat",
    "reshape",
    "right_shift",
    "roll",
    "rot90",
    "round",
    "rsqrt",
    "searchsorted",
    "select",
    "sign",
    "signbit",
    "sin",
    "sinc",
    "sinh",
    "size",
    "slogdet",
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
    "trapezoid",
    "tri",
    "tril",
    "triu",
    "true_divide",
    "trunc",
    "unique",
    "unravel_index",
    "vander",
    "var",
    "vdot",
    "vectorize",
    "view",
    "vsplit",
    "vstack",
    "where",
    "zeros",
    "zeros_like",
]
