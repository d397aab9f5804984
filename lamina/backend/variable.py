"""`Variable`: a named, mutable holder of one array, readable from pure functions.

>>> import numpy as np
>>> from lamina.backend import Variable
>>> v = Variable(np.zeros((2, 3)), name="kernel")
>>> v
<KerasVariable shape=(2, 3), dtype=float32, path=kernel>
>>> v.assign(np.ones((2, 3))); float(v.numpy().sum())
6.0
"""

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend import state as _state
from lamina.backend.dtypes import standardize_dtype

_AUTO_NAMES = {}
# Bumped whenever a Variable is created: caches keyed on a model's variables (the jitted forward)
# re-check the model only then, instead of walking it on every call.
CREATION_COUNT = [0]
_FLOATS = ("float16", "bfloat16", "float32", "float64")


def _auto_name(prefix):
    n = _AUTO_NAMES.get(prefix, 0)
    _AUTO_NAMES[prefix] = n + 1
    return prefix if n == 0 else f"{prefix}_{n}"


class Variable:
    def __init__(
        self,
        initializer,
        shape=None,
        dtype=None,
        trainable=True,
        autocast=True,
        aggregation="none",
        synchronization="auto",
        name=None,
    ):
        CREATION_COUNT[0] += 1
        name = name or _auto_name("variable")
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Variable name must be a string without '/'. "
                f"Received: name={name!r}"
            )
        self.name = name
        parent = _state.current_path()
        self.path = f"{parent}/{name}" if parent else name
        self.trainable = bool(trainable)
        self.autocast = autocast
        self.aggregation = aggregation
        self.synchronization = synchronization
        self._constraint = None
        self.regularizer = None
        # Initial values are computed eagerly even when a layer is built inside a shape trace.
        with jax.ensure_compile_time_eval():
            self._init_value(initializer, shape, dtype, name)
        self._shape = tuple(int(d) for d in self._value.shape)

    def _init_value(self, initializer, shape, dtype, name):
        if callable(initializer) and not hasattr(initializer, "shape"):
            if shape is None:
                raise ValueError(
                    f"Variable '{name}': an initializer function needs a `shape`. "
                    "Pass shape=(...) or an array as the initial value."
                )
            self._dtype = standardize_dtype(dtype)
            value = initializer(tuple(shape), dtype=self._dtype)
        else:
            value = initializer
            if dtype is None:
                dtype = getattr(value, "dtype", None)
                if dtype is not None and standardize_dtype(dtype) == "float64":
                    dtype = None
            self._dtype = standardize_dtype(dtype) if dtype is not None else standardize_dtype(None)
        self._value = jnp.asarray(value, dtype=self._dtype)
        if shape is not None and tuple(self._value.shape) != tuple(shape):
            raise ValueError(
                f"Variable '{name}': the initial value has shape {tuple(self._value.shape)}, "
                f"but shape={tuple(shape)} was requested."
            )

    # -- reading -----------------------------------------------------------------------------
    @property
    def value(self):
        scope = _state.get_stateless_scope()
        v = scope.get_current_value(self) if scope is not None else None
        if v is None:
            v = self._value
        if self.autocast:
            cast_to = _state.autocast_dtype()
            if cast_to is not None and cast_to != self._dtype and self._dtype in _FLOATS:
                return v.astype(cast_to)
        return v

    @property
    def shape(self):
        return self._shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def ndim(self):
        return len(self._shape)

    @property
    def constraint(self):
        return self._constraint

    @constraint.setter
    def constraint(self, c):
        self._constraint = c

    def numpy(self):
        return np.asarray(self.value)

    def __array__(self, dtype=None, copy=None):
        a = np.asarray(self.value)
        return a.astype(dtype) if dtype is not None else a

    def __jax_array__(self):
        return self.value

    def __len__(self):
        return self._shape[0]

    def __repr__(self):
        return f"<KerasVariable shape={self.shape}, dtype={self.dtype}, path={self.path}>"

    # -- writing -----------------------------------------------------------------------------
    def assign(self, value):
        value = jnp.asarray(value._value if isinstance(value, Variable) else value, dtype=self._dtype)
        if tuple(value.shape) != self._shape:
            raise ValueError(
                f"Cannot assign to variable '{self.path}': it has shape {self._shape}, "
                f"the new value has shape {tuple(value.shape)}. Assign a value of the same shape."
            )
        scope = _state.get_stateless_scope()
        if scope is not None:
            scope.add_update(self, value)
        else:
            self._value = value
        return value

    def _raw_value(self):
        scope = _state.get_stateless_scope()
        v = scope.get_current_value(self) if scope is not None else None
        return self._value if v is None else v

    def assign_add(self, value):
        return self.assign(self._raw_value() + jnp.asarray(value, self._dtype))

    def assign_sub(self, value):
        return self.assign(self._raw_value() - jnp.asarray(value, self._dtype))

    # Direct write of a concrete value, bypassing any scope (used when the trainer writes back).
    def _direct_assign(self, value):
        self._value = value

    # -- arithmetic: a variable behaves like its value --------------------------------------------
    def _v(self):
        return self.value

    def __getitem__(self, idx):
        return self.value[idx]

    def __neg__(self):
        return -self.value

    def __pos__(self):
        return self.value

    def __abs__(self):
        return jnp.abs(self.value)

    def __bool__(self):
        return bool(self.value)

    def __float__(self):
        return float(self.value)

    def __int__(self):
        return int(self.value)

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return jnp.equal(self.value, _unwrap(other))

    def __ne__(self, other):
        return jnp.not_equal(self.value, _unwrap(other))

    def astype(self, dtype):
        return self.value.astype(standardize_dtype(dtype))

    @property
    def T(self):
        return self.value.T


def _unwrap(x):
    return x.value if isinstance(x, Variable) else x


def _binary(op, reflected=False):
    def method(self, other):
        other = _unwrap(other)
        return op(other, self.value) if reflected else op(self.value, other)

    return method


for _name, _op in {
    "add": jnp.add,
    "sub": jnp.subtract,
    "mul": jnp.multiply,
    "truediv": jnp.true_divide,
    "floordiv": jnp.floor_divide,
    "mod": jnp.mod,
    "pow": jnp.power,
    "matmul": jnp.matmul,
    "and": jnp.logical_and,
    "or": jnp.logical_or,
}.items():
    setattr(Variable, f"__{_name}__", _binary(_op))
    setattr(Variable, f"__r{_name}__", _binary(_op, reflected=True))
for _name, _op in {"lt": jnp.less, "le": jnp.less_equal, "gt": jnp.greater, "ge": jnp.greater_equal}.items():
    setattr(Variable, f"__{_name}__", _binary(_op))

def is_variable(x):
    return isinstance(x, Variable)
