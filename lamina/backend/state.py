"""Where variable values live while a pure function runs.

Layers read and write `Variable`s. To run a layer as a pure, jittable function we open a
`StatelessScope` that maps variables to values: reads return the mapped value (a tracer inside
`jit`) and writes are recorded in the scope instead of touching the variable. The trainer pulls the
recorded writes out as the new state. This is the single mechanism that lets user layers written in
the plain Keras style (`ops.matmul(x, self.kernel)`, `self.moving_mean.assign(...)`) run inside
compiled training steps.
"""

import threading

_local = threading.local()


def _stack(name):
    s = getattr(_local, name, None)
    if s is None:
        s = []
        setattr(_local, name, s)
    return s


class StatelessScope:
    """Maps variables to values for reads, and records assignments.

    >>> import jax.numpy as jnp
    >>> from lamina.backend import Variable, StatelessScope
    >>> v = Variable(jnp.zeros(2), name="v")
    >>> with StatelessScope([(v, jnp.ones(2))]) as scope:
    ...     v.assign(v.value + 1)
    >>> float(v.numpy()[0]), float(scope.get_current_value(v)[0])
    (0.0, 2.0)
    """

    def __init__(self, state_mapping=None):
        self._values = {}
        self._vars = {}
        self._assigned = {}
        for var, value in state_mapping or ():
            self._values[id(var)] = value
            self._vars[id(var)] = var

    def add_update(self, var, value):
        self._values[id(var)] = value
        self._vars[id(var)] = var
        self._assigned[id(var)] = var

    def get_current_value(self, var):
        return self._values.get(id(var))

    def assigned_variables(self):
        return list(self._assigned.values())

    def __enter__(self):
        _stack("stateless").append(self)
        return self

    def __exit__(self, *exc):
        _stack("stateless").pop()
        return False


def get_stateless_scope():
    s = _stack("stateless")
    return s[-1] if s else None


def in_stateless_scope():
    return bool(_stack("stateless"))


class name_scope:
    """Prefixes variable paths, as Keras does (`'sequential/dense/kernel'`).

    A scope opened by `owner` is not opened again by the same owner directly inside itself, so a
    layer's `add_weight` inside its own `build` does not give `dense/dense/kernel`.
    """

    def __init__(self, name, owner=None):
        self.name = name
        self.owner = owner
        self._pushed = False

    def __enter__(self):
        stack = _stack("names")
        top = stack[-1] if stack else None
        if self.owner is None or top is None or top.owner is not self.owner:
            stack.append(self)
            self._pushed = True
        return self

    def __exit__(self, *exc):
        if self._pushed:
            _stack("names").pop()
            self._pushed = False
        return False


def current_path():
    return "/".join(s.name for s in _stack("names"))


class CallContext:
    """Carries `training` from an outer call to the layers nested inside it."""

    def __init__(self, training=None):
        self.training = training


def get_call_context():
    s = _stack("calls")
    return s[-1] if s else None


def push_call_context(ctx):
    _stack("calls").append(ctx)


def pop_call_context():
    _stack("calls").pop()


class SymbolicScope:
    """Active while shapes are threaded through a model (no data)."""

    def __enter__(self):
        _stack("symbolic").append(self)
        return self

    def __exit__(self, *exc):
        _stack("symbolic").pop()
        return False


def in_symbolic_scope():
    return bool(_stack("symbolic"))


class AutocastScope:
    """Inside a mixed-precision layer's call, float variables read as the compute dtype."""

    def __init__(self, dtype):
        self.dtype = dtype

    def __enter__(self):
        _stack("autocast").append(self.dtype)
        return self

    def __exit__(self, *exc):
        _stack("autocast").pop()
        return False


def autocast_dtype():
    s = _stack("autocast")
    return s[-1] if s else None
