"""The decorator that makes an array function also work on symbolic tensors and Variables."""

import functools

from lamina.backend.keras_tensor import KerasTensor
from lamina.backend.variable import Variable
from lamina.ops.operation import op_class


def _unwrap(x):
    if isinstance(x, Variable):
        return x.value
    if isinstance(x, (list, tuple)) and any(isinstance(e, Variable) for e in x):
        return type(x)(e.value if isinstance(e, Variable) else e for e in x)
    return x


def _symbolic(x):
    if isinstance(x, KerasTensor):
        return True
    if isinstance(x, (list, tuple)):
        return any(isinstance(e, KerasTensor) for e in x)
    return False


def keras_op(fn):
    """Wraps `fn(arrays...)`: unwraps Variables, and records a graph node on KerasTensors."""

    def plain(*args, **kwargs):
        return fn(*[_unwrap(a) for a in args], **{k: _unwrap(v) for k, v in kwargs.items()})

    plain.__name__ = fn.__name__

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if any(_symbolic(a) for a in args) or any(_symbolic(v) for v in kwargs.values()):
            return op_class(fn)(plain)(*args, **kwargs)
        return plain(*args, **kwargs)

    wrapper.raw = fn
    return wrapper
