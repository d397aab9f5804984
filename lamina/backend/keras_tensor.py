"""`KerasTensor`: a symbolic tensor, a shape and a dtype with no data.

Calling a layer or an op on one records a node in the graph instead of computing anything.

>>> import lamina as keras
>>> x = keras.Input(shape=(784,))
>>> x.shape, x.dtype
((None, 784), 'float32')
"""

from lamina.backend.dtypes import standardize_dtype

_NAMES = {}


def _auto_name(prefix):
    n = _NAMES.get(prefix, 0)
    _NAMES[prefix] = n + 1
    return prefix if n == 0 else f"{prefix}_{n}"


class KerasTensor:
    def __init__(self, shape, dtype="float32", sparse=False, name=None, record_history=True):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.name = name or _auto_name("keras_tensor")
        self._keras_history = None
        self._keras_mask = None

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return (
            f"<KerasTensor shape={self.shape}, dtype={self.dtype}, sparse={self.sparse}, "
            f"name={self.name}>"
        )

    def __hash__(self):
        return id(self)

    def __len__(self):
        raise TypeError(
            "A symbolic KerasTensor has no length: it holds no data. "
            f"Use `tensor.shape` ({self.shape}) instead."
        )

    def __iter__(self):
        raise TypeError(
            "A symbolic KerasTensor cannot be iterated: it holds no data. If you meant to split "
            "it, use `lamina.ops.unstack` or index it."
        )

    def __bool__(self):
        raise TypeError(
            "A symbolic KerasTensor has no truth value: it holds no data. Python `if`/`while` "
            "cannot branch on it; use `lamina.ops.where` or `lamina.ops.cond`."
        )

    def __array__(self, *args, **kwargs):
        raise TypeError(
            "A symbolic KerasTensor cannot be converted to a NumPy array: it holds no data. "
            "It is the input or output of a functional model; build a Model and call it on arrays."
        )

    def numpy(self):
        self.__array__()

    def reshape(self, *shape):
        from lamina import ops

        return ops.reshape(self, shape[0] if len(shape) == 1 else shape)

    def __getitem__(self, key):
        from lamina import ops

        return ops.get_item(self, key)

    @property
    def T(self):
        from lamina import ops

        return ops.transpose(self)


def _install_operators():
    # Deferred: ops imports this module.
    from lamina import ops

    binary = {
        "add": ops.add,
        "sub": ops.subtract,
        "mul": ops.multiply,
        "truediv": ops.divide,
        "floordiv": ops.floor_divide,
        "mod": ops.mod,
        "pow": ops.power,
        "matmul": ops.matmul,
        "and": ops.logical_and,
        "or": ops.logical_or,
        "xor": ops.logical_xor,
    }
    for name, fn in binary.items():
        setattr(KerasTensor, f"__{name}__", lambda self, other, fn=fn: fn(self, other))
        setattr(KerasTensor, f"__r{name}__", lambda self, other, fn=fn: fn(other, self))
    for name, fn in {
        "lt": ops.less,
        "le": ops.less_equal,
        "gt": ops.greater,
        "ge": ops.greater_equal,
    }.items():
        setattr(KerasTensor, f"__{name}__", lambda self, other, fn=fn: fn(self, other))
    KerasTensor.__neg__ = lambda self: ops.negative(self)
    KerasTensor.__abs__ = lambda self: ops.absolute(self)
    KerasTensor.__invert__ = lambda self: ops.logical_not(self)


def is_keras_tensor(x):
    return isinstance(x, KerasTensor)


def any_symbolic_tensors(args=(), kwargs=None):
    import jax

    leaves = jax.tree_util.tree_leaves((args, kwargs or {}), is_leaf=lambda x: isinstance(x, KerasTensor))
    return any(isinstance(x, KerasTensor) for x in leaves)
