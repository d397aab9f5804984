"""`LossScaleOptimizer`: dynamic loss scaling for float16 training.

float16 gradients underflow; the loss is multiplied by a large scale before differentiation and
the gradients divided back. When a step produces non-finite gradients the update is skipped and
the scale halved; after `dynamic_growth_steps` good steps it doubles. `compile()` wraps the
optimizer in one automatically under the `mixed_float16` policy, as Keras does.

>>> from lamina import optimizers
>>> opt = optimizers.LossScaleOptimizer(optimizers.SGD(0.1), initial_scale=8.0)
>>> float(opt.scale_loss(2.0))
16.0
"""

import jax.numpy as jnp

from lamina.backend import state as _state
from lamina.backend.variable import Variable
from lamina.optimizers.optimizer import Optimizer
from lamina.saving.object_registry import register_builtin


@register_builtin("optimizers", "keras.optimizers")
class LossScaleOptimizer(Optimizer):
    def __init__(self, inner_optimizer, initial_scale=2.0**15, dynamic_growth_steps=2000, name=None, **kwargs):
        from lamina import optimizers

        super().__init__(learning_rate=0.0, name=name or "loss_scale_optimizer", **kwargs)
        self.inner_optimizer = optimizers.get(inner_optimizer)
        if initial_scale <= 0:
            raise ValueError(f"LossScaleOptimizer: initial_scale must be > 0. Received: {initial_scale}")
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = int(dynamic_growth_steps)
        with _state.name_scope(self.name, owner=self):
            self.step_counter = Variable(jnp.zeros((), "int32"), dtype="int32", trainable=False, name="step_counter")
            self.dynamic_scale = Variable(jnp.asarray(self.initial_scale, "float32"), trainable=False,
                                          name="dynamic_scale")

    def build(self, variables):
        self.inner_optimizer.build(variables) if not self.inner_optimizer.built else None
        self._trainable_variables = list(variables)
        self.built = True

    @property
    def variables(self):
        return [self.step_counter, self.dynamic_scale] + list(self.inner_optimizer.variables)

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.inner_optimizer.learning_rate = value

    def scale_loss(self, loss):
        return loss * self.dynamic_scale.value.astype(jnp.result_type(loss))

    def apply(self, grads, trainable_variables=None):
        grads = list(grads)
        if trainable_variables is None:
            trainable_variables = self.inner_optimizer._trainable_variables
        trainable_variables = list(trainable_variables)
        scale = self.dynamic_scale.value
        unscaled = [None if g is None else g / scale.astype(g.dtype) for g in grads]
        finite = jnp.all(jnp.stack([jnp.all(jnp.isfinite(g)) for g in unscaled if g is not None]))
        touched = trainable_variables + list(self.inner_optimizer.variables)
        before = [v.value for v in touched]
        safe = [None if g is None else jnp.where(finite, g, jnp.zeros_like(g)) for g in unscaled]
        self.inner_optimizer.apply(safe, trainable_variables)
        # Skip the whole update (weights and slots) on overflow.
        for v, old in zip(touched, before):
            v.assign(jnp.where(finite, v.value, old))
        count = self.step_counter.value + 1
        grow = finite & (count >= self.dynamic_growth_steps)
        self.dynamic_scale.assign(jnp.where(finite, jnp.where(grow, scale * 2.0, scale), scale / 2.0))
        self.step_counter.assign(jnp.where(finite & ~grow, count, 0))

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        from lamina.saving.serialization import serialize_keras_object

        return {"name": self.name, "inner_optimizer": serialize_keras_object(self.inner_optimizer),
                "initial_scale": self.initial_scale, "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina import optimizers

        config = dict(config)
        inner = config.pop("inner_optimizer")
        inner = optimizers.deserialize(inner) if isinstance(inner, dict) else optimizers.get(inner)
        return cls(inner, **{k: v for k, v in config.items() if k in ("initial_scale", "dynamic_growth_steps", "name")})
