"""`Optimizer`: the base of every optimizer, with Keras 3's variables, clipping and weight decay.

All optimizer state (the step counter, the learning rate, per-weight slots) lives in `Variable`s
and changes only through `assign*`, so the same `apply` runs eagerly and, inside a
`StatelessScope`, as part of a pure jitted training step.

>>> import numpy as np
>>> from lamina.backend import Variable
>>> from lamina.optimizers import SGD
>>> w = Variable(np.ones(2), name="w")
>>> opt = SGD(learning_rate=0.1)
>>> opt.apply([np.ones(2)], [w])
>>> [round(float(x), 4) for x in w.numpy()], int(opt.iterations.numpy())
([0.9, 0.9], 1)
"""

import difflib
import inspect
import numbers
import re
import warnings

import jax.numpy as jnp
import numpy as np

from lamina import config as _config
from lamina.backend import naming as _naming
from lamina.backend import state as _state
from lamina.backend.variable import Variable
from lamina.optimizers import clipping as _clipping
from lamina.optimizers.schedules.learning_rate_schedule import LearningRateSchedule
from lamina.optimizers.schedules.learning_rate_schedule import deserialize as _deserialize_schedule
from lamina.optimizers.schedules.learning_rate_schedule import serialize as _serialize_schedule
from lamina.saving.object_registry import register_builtin
from lamina.saving.serialization import serialize_keras_object

register = register_builtin("optimizers", "keras.optimizers")

# Keys that Keras 2 (tf.keras >= 2.11) wrote into optimizer configs and that have no meaning here.
_KERAS2_ONLY_CONFIG_KEYS = ("is_legacy_optimizer", "jit_compile")


def _value(x):
    return x.value if isinstance(x, Variable) else jnp.asarray(x)


@register
class Optimizer:
    """Base class of optimizers: subclasses write `build` (to add slots) and `update_step`.

    Arguments common to every optimizer:
        learning_rate: a float, a `LearningRateSchedule` (called with the step count), or a
            callable taking no argument. Keras 2's `lr=` is accepted as an alias.
        weight_decay: if set, each step first does `w -= w * weight_decay * learning_rate`.
        clipnorm / clipvalue / global_clipnorm: clip each gradient by its norm, each element by
            value, or all gradients by their global norm (at most one of the three).
        use_ema, ema_momentum, ema_overwrite_frequency: keep an exponential moving average of
            the weights (and copy it into them every `ema_overwrite_frequency` steps).
        loss_scale_factor: `scale_loss` multiplies the loss by it; gradients are divided by it.
        gradient_accumulation_steps: update only every N steps, with the mean gradient.
        name: prefix of the optimizer's variable paths (default: the snake-cased class name).
        decay: Keras 2's time-based decay, `lr / (1 + decay * iterations)`.

    A custom optimizer:

    >>> import numpy as np
    >>> from lamina import ops
    >>> from lamina.backend import Variable
    >>> class SignSGD(Optimizer):
    ...     def update_step(self, gradient, variable, learning_rate):
    ...         lr = ops.cast(learning_rate, variable.dtype)
    ...         self.assign_sub(variable, lr * ops.sign(gradient))
    >>> w = Variable(np.zeros(2), name="w")
    >>> SignSGD(learning_rate=0.5).apply([np.array([2.0, -3.0])], [w])
    >>> w.numpy().tolist()
    [-0.5, 0.5]
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        self._lock = False
        if "lr" in kwargs:
            learning_rate = kwargs.pop("lr")
        decay = kwargs.pop("decay", None)
        if kwargs:
            self._raise_unknown_kwargs(kwargs)
        self.decay = _check_number("decay", decay or 0.0, minimum=0.0)

        self.name = name or _naming.uniquify(_naming.to_snake_case(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self._check_arguments()

        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._trainable_variables_indices = {}
        self._exclude_from_weight_decay = set()
        self._exclude_from_weight_decay_pattern = None
        # The JAX backend of Keras 3 counts steps in int32 (int64 needs jax x64 mode).
        self._iterations = self.add_variable((), initializer="zeros", dtype="int32", name="iteration")
        self._learning_rate = self._make_learning_rate(learning_rate)

    # -- argument checks ---------------------------------------------------------------------
    def _raise_unknown_kwargs(self, kwargs):
        valid = set()
        for klass in type(self).__mro__:
            if "__init__" in vars(klass):
                valid |= set(inspect.signature(klass.__init__).parameters)
        valid -= {"self", "kwargs"}
        valid |= {"lr", "decay"}
        parts = []
        for key, value in kwargs.items():
            close = difflib.get_close_matches(key, sorted(valid), n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            parts.append(f"{key}={value!r}{hint}")
        raise ValueError(
            f"{type(self).__name__}() got unknown keyword argument(s): {', '.join(parts)}. "
            f"Valid arguments are: {', '.join(sorted(valid))}."
        )

    def _check_arguments(self):
        steps = self.gradient_accumulation_steps
        if steps is not None and (not isinstance(steps, numbers.Integral) or steps < 2):
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2 (or None to update on "
                f"every step). Received: gradient_accumulation_steps={steps!r}"
            )
        if self.use_ema:
            if not 0 <= self.ema_momentum <= 1:
                raise ValueError(
                    "`ema_momentum` must be in the range [0, 1]. "
                    f"Received: ema_momentum={self.ema_momentum!r}"
                )
            freq = self.ema_overwrite_frequency
            if freq and (not isinstance(freq, numbers.Integral) or freq < 1):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. "
                    f"Received: ema_overwrite_frequency={freq!r}"
                )
        clip = {"clipnorm": self.clipnorm, "clipvalue": self.clipvalue,
                "global_clipnorm": self.global_clipnorm}
        if sum(v is not None for v in clip.values()) > 1:
            received = ", ".join(f"{k}={v!r}" for k, v in clip.items())
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: {received}. Keep one of them."
            )

    def _make_learning_rate(self, learning_rate):
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            return learning_rate
        if isinstance(learning_rate, Variable):
            learning_rate = learning_rate.numpy()
        if isinstance(learning_rate, (np.ndarray, jnp.ndarray)) and np.ndim(learning_rate) == 0:
            learning_rate = learning_rate.item()
        if isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real):
            raise ValueError(
                f"{type(self).__name__}: `learning_rate` must be a float, a "
                "`LearningRateSchedule`, or a callable taking no argument that returns the "
                f"learning rate. Received: learning_rate={learning_rate!r}"
            )
        return self.add_variable(
            (), initializer=float(learning_rate), dtype=_config.floatx(), name="learning_rate"
        )

    def __setattr__(self, name, value):
        if name != "_lock" and "_lock" not in self.__dict__:
            raise RuntimeError(
                f"In optimizer '{type(self).__name__}', `super().__init__()` was not called "
                "before setting attributes. Call it as the first statement of `__init__()`."
            )
        # A Variable attached as an attribute is optimizer state: track it like Keras does.
        if isinstance(value, Variable) and "_variables" in self.__dict__:
            self._track_variable(value)
        super().__setattr__(name, value)

    # -- variables ---------------------------------------------------------------------------
    def _track_variable(self, variable):
        if all(v is not variable for v in self._variables):
            self._variables.append(variable)

    def _untrack_variable(self, variable):
        self._variables = [v for v in self._variables if v is not variable]

    @property
    def variables(self):
        """All optimizer state, in creation order: iteration, learning_rate, then the slots."""
        return self._variables[:]

    @property
    def iterations(self):
        """The step counter (optimizer steps, i.e. divided by `gradient_accumulation_steps`)."""
        if self.gradient_accumulation_steps:
            return jnp.floor_divide(self._iterations.value, self.gradient_accumulation_steps)
        return self._iterations

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none",
                     layout=None, name=None):
        """Creates a non-trainable optimizer variable with path `<optimizer name>/<name>`."""
        shape = tuple(shape)
        dtype = dtype or _config.floatx()
        if isinstance(initializer, numbers.Number) and not isinstance(initializer, bool):
            value = jnp.full(shape, initializer, dtype=dtype)
        elif isinstance(initializer, str) and initializer == "zeros":
            # NumPy zeros: one transfer, no XLA kernel compiled per slot shape.
            value = np.zeros(shape, dtype=np.dtype(dtype) if dtype != 'bfloat16' else np.float32)
        else:
            from lamina import initializers as _initializers

            value = _initializers.get(initializer)(shape, dtype=dtype)
        with _state.name_scope(self.name, owner=self):
            variable = Variable(
                value, shape=shape, dtype=dtype, trainable=False, aggregation=aggregation,
                name=name,
            )
        self._track_variable(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot shaped like `reference_variable`, named `<its path with '_'>_<name>`."""
        prefix = getattr(reference_variable, "path", None) or str(reference_variable.name)
        full_name = f"{prefix.replace('/', '_').replace(':', '_')}_{name or 'var'}"
        return self.add_variable(
            reference_variable.shape, initializer=initializer, dtype=reference_variable.dtype,
            name=full_name,
        )

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One slot per variable for each name in `name` (a string or a list), interleaved.

        Returns a list (or, when `name` is a list, a tuple of lists) aligned with
        `trainable_variables`; variables marked `overwrite_with_gradient` get `None`.
        """
        names = [name] if isinstance(name, str) else list(name)
        if isinstance(initializer, (list, tuple)):
            initializers = list(initializer)
        else:
            initializers = [initializer] * len(names)
        if len(initializers) != len(names):
            raise ValueError(
                "add_optimizer_variables() needs one initializer per name. "
                f"Received: name={name!r}, initializer={initializer!r}"
            )
        slots = tuple([] for _ in names)
        for variable in trainable_variables:
            for i, (slot_name, init) in enumerate(zip(names, initializers)):
                if getattr(variable, "overwrite_with_gradient", False):
                    slots[i].append(None)
                else:
                    slots[i].append(
                        self.add_variable_from_reference(variable, slot_name, initializer=init)
                    )
        return slots[0] if isinstance(name, str) else slots

    def build(self, variables):
        """Creates the optimizer state for `variables` (the model's trainable variables)."""
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(
                variables, "average"
            )
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = self.add_optimizer_variables(
                variables, "gradient_accumulator"
            )
        for i, variable in enumerate(variables):
            self._trainable_variables_indices[id(variable)] = i
        self._trainable_variables = list(variables)
        self.built = True

    def _get_variable_index(self, variable):
        return self._trainable_variables_indices[id(variable)]

    def _check_variables_are_known(self, variables):
        for v in variables:
            if id(v) not in self._trainable_variables_indices:
                raise ValueError(
                    f"Unknown variable: {v}. This optimizer was built for a different list of "
                    "variables and can only update those. Create a new optimizer instance for "
                    "a new set of variables."
                )

    def assign(self, variable, value):
        variable.assign(value)

    def assign_add(self, variable, value):
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        variable.assign_sub(value)

    def set_weights(self, weights):
        """Sets every optimizer variable from a list of arrays (same order as `variables`)."""
        if not self.built:
            raise ValueError(
                "set_weights() was called on an optimizer that is not built yet. Call "
                "`optimizer.build(trainable_variables)` first to create its variables."
            )
        for variable, weight in zip(self._variables, weights):
            if tuple(variable.shape) != tuple(np.shape(weight)):
                raise ValueError(
                    f"set_weights(): optimizer variable '{variable.path}' has shape "
                    f"{variable.shape}, the given weight has shape {np.shape(weight)}."
                )
            variable.assign(weight)

    def save_own_variables(self, store):
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        if len(store.keys()) != len(self.variables):
            warnings.warn(
                f"Skipping variable loading for optimizer '{self.name}': it has "
                f"{len(self.variables)} variables but the saved optimizer has "
                f"{len(store.keys())}."
                + (" The optimizer was not built yet." if not self.built else ""),
                stacklevel=2,
            )
            return
        for i, variable in enumerate(self.variables):
            variable.assign(store[str(i)])

    # -- learning rate -----------------------------------------------------------------------
    @property
    def learning_rate(self):
        """The current learning rate (the Variable, or the schedule's value at this step)."""
        return self._get_current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        previous = self._learning_rate if isinstance(self._learning_rate, Variable) else None
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        elif isinstance(self._learning_rate, LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` as its "
                "`learning_rate`, so its learning rate cannot be set. Create the optimizer with "
                f"a float `learning_rate` to make it settable. Received: {learning_rate!r}"
            )
        elif previous is None:
            self._learning_rate = self._make_learning_rate(learning_rate)
        else:
            previous.assign(_value(learning_rate))
        if previous is not None and self._learning_rate is not previous:
            self._untrack_variable(previous)

    # Keras 2 spelling.
    lr = learning_rate

    def _get_current_learning_rate(self):
        if isinstance(self._learning_rate, LearningRateSchedule):
            return self._learning_rate(self._iterations)
        if isinstance(self._learning_rate, Variable):
            return self._learning_rate
        if callable(self._learning_rate):
            return self._learning_rate()
        return self._learning_rate

    def _step_learning_rate(self):
        """The learning rate this step uses, with Keras 2's time-based `decay` applied."""
        lr = _value(self.learning_rate)
        if self.decay:
            steps = self._iterations.value.astype(lr.dtype)
            lr = lr / (1.0 + self.decay * steps)
        return lr

    # -- applying gradients ------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """Applies `[(gradient, variable), ...]`; returns the `iterations` variable."""
        grads_and_vars = list(grads_and_vars)
        if not grads_and_vars:
            return self._iterations
        grads, variables = zip(*grads_and_vars)
        self.apply(grads, variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Updates `trainable_variables` (default: those it was built with) from `grads`.

        The first call with `trainable_variables` builds the optimizer. `None` gradients are
        skipped (with a warning). Inside a `StatelessScope` the new values are recorded in the
        scope instead of being written to the variables.
        """
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "apply() was called with gradients only, but the optimizer is not built. "
                    "Pass `trainable_variables` too, or call `optimizer.build(variables)` first."
                )
            if len(grads) != len(self._trainable_variables):
                raise ValueError(
                    f"apply() received {len(grads)} gradients, but the optimizer was built "
                    f"for {len(self._trainable_variables)} variables. Pass one gradient per "
                    "variable (None for variables without a gradient)."
                )
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if len(grads) != len(trainable_variables):
                raise ValueError(
                    f"apply() received {len(grads)} gradients for {len(trainable_variables)} "
                    "variables. Pass exactly one gradient per variable."
                )
            if not self.built:
                if _state.in_stateless_scope():
                    # Slots created here would be missing from the scope's mapping, so their
                    # updates could not be read back: the state would be silently lost.
                    raise ValueError(
                        f"Optimizer '{self.name}' is not built, and apply() was called inside a "
                        "StatelessScope (e.g. in a jitted training step). Call "
                        "`optimizer.build(trainable_variables)` eagerly first, then map "
                        "`optimizer.variables` in the scope."
                    )
                with _state.name_scope(self.name, owner=self):
                    self.build(trainable_variables)
                self.built = True
            self._check_variables_are_known(trainable_variables)

        with _state.name_scope(self.name, owner=self):
            grads, trainable_variables = self._filter_empty_gradients(grads, trainable_variables)
            grads, trainable_variables = self._overwrite_variables_directly_with_gradients(
                grads, trainable_variables
            )
            if grads:
                if self.loss_scale_factor is not None:
                    grads = [g / self.loss_scale_factor for g in grads]
                self._backend_apply_gradients(grads, trainable_variables)
                for variable in trainable_variables:
                    if getattr(variable, "constraint", None) is not None:
                        variable.assign(variable.constraint(variable))
        self._iterations.assign_add(1)

    def _filter_empty_gradients(self, grads, variables):
        kept = [(_value(g), v) for g, v in zip(grads, variables) if g is not None]
        if not kept:
            raise ValueError(
                "No gradients provided for any variable: every gradient is None. Check that "
                "the loss depends on the trainable variables."
            )
        missing = [v.path for g, v in zip(grads, variables) if g is None]
        if missing:
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss. "
                "If using `model.compile()`, did you forget to provide a `loss` argument?"
            )
        return [g for g, _ in kept], [v for _, v in kept]

    def _overwrite_variables_directly_with_gradients(self, grads, variables):
        # Variables flagged `overwrite_with_gradient` (e.g. float8 scaling factors) take the
        # gradient as their new value and skip the optimizer entirely.
        flags = [getattr(v, "overwrite_with_gradient", False) for v in variables]
        if not any(flags):
            return grads, variables
        for g, v, flag in zip(grads, variables, flags):
            if not flag:
                continue
            if self.gradient_accumulation_steps:
                is_update = self._is_accumulation_update_step()
                acc = self._accumulated_gradients[self._get_variable_index(v)]
                g_max = jnp.maximum(g, acc.value)
                v.assign(jnp.where(is_update, g_max, v.value))
                acc.assign(jnp.where(is_update, jnp.zeros_like(g_max), g_max))
            else:
                v.assign(g)
        keep = [not f for f in flags]
        return ([g for g, k in zip(grads, keep) if k], [v for v, k in zip(variables, keep) if k])

    def _is_accumulation_update_step(self):
        return (self._iterations.value + 1) % self.gradient_accumulation_steps == 0

    def _backend_apply_gradients(self, grads, trainable_variables):
        # Everything is computed for both outcomes and selected with `where`, so no Python
        # branch depends on a (possibly traced) value.
        if self.gradient_accumulation_steps:
            steps = self.gradient_accumulation_steps
            is_update = self._is_accumulation_update_step()
            accumulators = [
                self._accumulated_gradients[self._get_variable_index(v)]
                for v in trainable_variables
            ]
            old_trainable = [v.value for v in trainable_variables]
            old_state = [v.value for v in self._variables]
            summed = [g + acc.value for g, acc in zip(grads, accumulators)]
            grads = [jnp.where(is_update, s / steps, g) for s, g in zip(summed, grads)]
            self._clip_decay_and_update(grads, trainable_variables)
            for v, old in zip(trainable_variables, old_trainable):
                v.assign(jnp.where(is_update, v.value, old))
            for v, old in zip(self._variables, old_state):
                v.assign(jnp.where(is_update, v.value, old))
            for acc, s in zip(accumulators, summed):
                acc.assign(jnp.where(is_update, jnp.zeros_like(s), s))
        else:
            self._clip_decay_and_update(grads, trainable_variables)
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            if self.ema_overwrite_frequency:
                overwrite = (_value(self.iterations) + 1) % self.ema_overwrite_frequency == 0
                for var, average in zip(
                    self._trainable_variables, self._model_variables_moving_average
                ):
                    if average is not None:
                        var.assign(jnp.where(overwrite, average.value, var.value))

    def _clip_decay_and_update(self, grads, trainable_variables):
        learning_rate = self._step_learning_rate()
        grads = self._clip_gradients(grads)
        self._apply_weight_decay(trainable_variables, learning_rate)
        self._backend_update_step(grads, trainable_variables, learning_rate)

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        for grad, variable in zip(grads, trainable_variables):
            self.update_step(grad, variable, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        """Updates one `variable` (and its slots) from its `gradient`. Subclasses implement it."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `update_step(gradient, variable, "
            "learning_rate)`."
        )

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """Pure version of `apply`: takes and returns values instead of updating Variables.

        `optimizer_variables` and `trainable_variables` are arrays aligned with `self.variables`
        and with the variables the optimizer was built with. Returns
        `(new_trainable_values, new_optimizer_values)`. Safe inside `jax.jit`.
        """
        if not self.built:
            raise ValueError(
                f"stateless_apply() needs a built {type(self).__name__}: call "
                "`optimizer.build(trainable_variables)` first to create its variables."
            )
        if len(optimizer_variables) != len(self._variables):
            raise ValueError(
                "stateless_apply(): `optimizer_variables` must hold one value per entry of "
                f"`optimizer.variables` ({len(self._variables)}). "
                f"Received: {len(optimizer_variables)} values."
            )
        if len(trainable_variables) != len(self._trainable_variables):
            raise ValueError(
                "stateless_apply(): `trainable_variables` must hold one value per variable the "
                f"optimizer was built with ({len(self._trainable_variables)}). "
                f"Received: {len(trainable_variables)} values."
            )
        mapping = list(zip(self._trainable_variables, trainable_variables))
        mapping += list(zip(self._variables, optimizer_variables))
        with _state.StatelessScope(mapping) as scope:
            self.apply(grads)
        return (
            [scope.get_current_value(v) for v in self._trainable_variables],
            [scope.get_current_value(v) for v in self._variables],
        )

    def scale_loss(self, loss):
        """Multiplies `loss` by `loss_scale_factor` (if set) before gradients are taken."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    # -- clipping, weight decay, EMA ---------------------------------------------------------
    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [_clipping.clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return _clipping.clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            return [_clipping.clip_by_value(g, self.clipvalue) for g in grads]
        return grads

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempts variables from weight decay: those in `var_list`, and those whose name
        contains any of the strings (regular expressions) in `var_names`.

        >>> from lamina.optimizers import AdamW
        >>> opt = AdamW()
        >>> opt.exclude_from_weight_decay(var_names=["bias"])
        """
        self._exclude_from_weight_decay = {id(v) for v in var_list or ()}
        names = sorted(set(var_names or ()))
        self._exclude_from_weight_decay_pattern = re.compile("|".join(names)) if names else None

    def _use_weight_decay(self, variable):
        if id(variable) in self._exclude_from_weight_decay:
            return False
        pattern = self._exclude_from_weight_decay_pattern
        return pattern is None or pattern.search(variable.name) is None

    def _apply_weight_decay(self, variables, learning_rate):
        if self.weight_decay is None:
            return
        for variable in variables:
            if self._use_weight_decay(variable):
                lr = learning_rate.astype(variable.dtype)
                wd = jnp.asarray(self.weight_decay, variable.dtype)
                variable.assign(variable.value - variable.value * wd * lr)

    def _update_model_variables_moving_average(self, trainable_variables):
        not_first_step = _value(self.iterations) != 0
        for var, average in zip(trainable_variables, self._model_variables_moving_average):
            if average is None:
                continue
            momentum = not_first_step.astype(var.dtype) * self.ema_momentum
            average.assign(momentum * average.value + (1 - momentum) * var.value)

    def _overwrite_model_variables_with_average_value(self, trainable_variables):
        averages = self._model_variables_moving_average
        if len(trainable_variables) != len(averages):
            raise ValueError(
                f"Cannot overwrite {len(trainable_variables)} model variables with the moving "
                f"averages of {len(averages)} variables stored in the optimizer. Pass the "
                "variables the optimizer was built with."
            )
        for var, average in zip(trainable_variables, averages):
            if average is not None:
                var.assign(average.value)

    def finalize_variable_values(self, var_list):
        """At the end of training: with `use_ema=True`, sets each variable to its average."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(var_list)

    # -- config ------------------------------------------------------------------------------
    def get_config(self):
        """The constructor arguments, with Keras 3's keys (learning rate as a float or dict)."""
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            learning_rate = _serialize_schedule(lr)
        elif isinstance(lr, Variable):
            learning_rate = float(lr.numpy())
        elif callable(lr):
            learning_rate = serialize_keras_object(lr)
        else:
            learning_rate = float(lr)
        config = {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }
        # Keras 3 has no `decay`; written only when used, so plain configs stay Keras-readable.
        if self.decay:
            config["decay"] = self.decay
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Creates an optimizer from `get_config()` output (Keras 2 or Keras 3 configs)."""
        config = dict(config)
        for key in _KERAS2_ONLY_CONFIG_KEYS:
            config.pop(key, None)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = _deserialize_schedule(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _check_number(arg, value, minimum=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"`{arg}` must be a number. Received: {arg}={value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"`{arg}` must be >= {minimum}. Received: {arg}={value!r}")
    return float(value)
