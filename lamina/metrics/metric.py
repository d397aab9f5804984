"""`Metric`: a stateful accumulator whose state lives in Variables, so it also runs purely.

Every update goes through `Variable.assign*`. Eagerly that changes the variables; inside a
`StatelessScope` (which is how a jitted train step runs) the writes are recorded in the scope, and
`stateless_update_state` hands them back as new values.

>>> import jax.numpy as jnp
>>> from lamina.metrics import Metric
>>> class Count(Metric):
...     def __init__(self, name="count"):
...         super().__init__(name=name)
...         self.n = self.add_variable(shape=(), initializer="zeros", name="n")
...     def update_state(self, values):
...         self.n.assign_add(jnp.size(values))
...     def result(self):
...         return self.n.value
>>> m = Count()
>>> m.update_state(jnp.ones(3)); float(m.result())
3.0
"""

import jax.numpy as jnp
import numpy as np

from lamina import config
from lamina.backend.dtype_policy import DTypePolicy
from lamina.backend.naming import to_snake_case, uniquify
from lamina.backend.state import StatelessScope, name_scope
from lamina.backend.variable import Variable


def _in_scope():
    from lamina.backend import state

    return state.in_stateless_scope()


def _zeros(shape, dtype=None):
    # NumPy zeros: no XLA kernel compiled per shape when metrics are created or reset.
    return np.zeros(shape, np.dtype(dtype) if dtype not in (None, "bfloat16") else np.float32)


def _ones(shape, dtype=None):
    return jnp.ones(shape, dtype)


def _get_initializer(initializer):
    if initializer is None or initializer in ("zeros", "Zeros", "zero"):
        return _zeros
    if initializer in ("ones", "Ones", "one"):
        return _ones
    if isinstance(initializer, str):
        from lamina import initializers

        return initializers.get(initializer)
    return initializer


def _contains(items, obj):
    # Variables compare elementwise with ==, so membership is by identity.
    return any(x is obj for x in items)


class Metric:
    """Base class for metrics.

    Args:
        dtype: dtype (or dtype policy) of the metric's computation; defaults to `floatx()`.
        name: name of the metric (default: the snake-cased class name, made unique).

    Subclasses create their state with `add_variable` in `__init__` and implement
    `update_state(...)` and `result()`. The default `reset_state` zeroes every variable.
    """

    def __init__(self, dtype=None, name=None):
        self.name = name or uniquify(to_snake_case(type(self).__name__))
        self._dtype_policy = DTypePolicy(dtype or config.floatx())
        self._dtype = self._dtype_policy.compute_dtype
        self._metrics = []
        self._variables = []

    # -- state -------------------------------------------------------------------------------
    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """Creates a non-trainable state Variable named `<metric name>/<name>`."""
        self._check_super_called()
        with name_scope(self.name.replace("/", ">")):
            variable = Variable(
                _get_initializer(initializer),
                shape=tuple(shape),
                dtype=dtype,
                trainable=False,
                aggregation=aggregation,
                synchronization="on_read",
                name=name,
            )
        self._track(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Same as `add_variable`, with Keras's `add_weight` argument order and defaults."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        """This metric's state variables, then those of the metrics it holds."""
        variables = list(self._variables)
        for metric in self._metrics:
            variables.extend(metric.variables)
        return variables

    def _track(self, value):
        if isinstance(value, Variable) and not _contains(self._variables, value):
            self._variables.append(value)
        elif isinstance(value, Metric) and not _contains(self._metrics, value):
            self._metrics.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, (Variable, Metric)):
                    self._track(item)

    def __setattr__(self, name, value):
        if "_variables" in self.__dict__ and name not in ("_variables", "_metrics"):
            self._track(value)
        super().__setattr__(name, value)

    def _check_super_called(self):
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__}.__init__() did not call `super().__init__()`, so the "
                "metric cannot hold state yet. Call `super().__init__(name=..., dtype=...)` first "
                "in your `__init__`."
            )

    # -- the stateful API ----------------------------------------------------------------------
    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement `update_state()`.")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement `result()`.")

    def reset_state(self):
        """Sets every state variable back to zeros."""
        for v in self.variables:
            v.assign(_zeros(v.shape, v.dtype) if not _in_scope() else jnp.zeros(v.shape, v.dtype))

    def __call__(self, *args, **kwargs):
        """Updates the state with one batch and returns the result so far."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    # -- the pure API (what a jitted step uses) ------------------------------------------------
    def _check_values(self, metric_variables):
        if len(metric_variables) != len(self.variables):
            raise ValueError(
                "Argument `metric_variables` must be a list of values corresponding 1:1 to "
                f"{type(self).__name__}().variables. Received a list of length "
                f"{len(metric_variables)}, expected {len(self.variables)}."
            )

    def _new_values(self, scope):
        out = []
        for v in self.variables:
            new = scope.get_current_value(v)
            out.append(new if new is not None else v.value)
        return out

    def stateless_update_state(self, metric_variables, *args, **kwargs):
        """Pure `update_state`: takes and returns the list of state values (order of `variables`).

        >>> import jax, jax.numpy as jnp
        >>> from lamina.metrics import Mean
        >>> m = Mean()
        >>> step = jax.jit(lambda state, x: m.stateless_update_state(state, x))
        >>> state = step([v.value for v in m.variables], jnp.array([1.0, 3.0]))
        >>> float(m.stateless_result(state))
        2.0
        """
        self._check_values(metric_variables)
        mapping = list(zip(self.variables, metric_variables))
        with StatelessScope(state_mapping=mapping) as scope:
            self.update_state(*args, **kwargs)
        return self._new_values(scope)

    def stateless_result(self, metric_variables):
        """Pure `result`: computes the result from the given state values."""
        self._check_values(metric_variables)
        with StatelessScope(state_mapping=list(zip(self.variables, metric_variables))):
            return self.result()

    def stateless_reset_state(self):
        """Pure `reset_state`: returns the reset state values, leaving the variables untouched."""
        with StatelessScope() as scope:
            self.reset_state()
        return self._new_values(scope)

    # -- config --------------------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"

    __str__ = __repr__
