"""`Adagrad`: per-coordinate learning rates that shrink with the sum of squared gradients.

>>> import numpy as np
>>> from lamina.backend import Variable
>>> from lamina.optimizers import Adagrad
>>> w = Variable(np.zeros(1), name="w")
>>> Adagrad(learning_rate=1.0, initial_accumulator_value=0.0).apply([np.array([2.0])], [w])
>>> round(float(w.numpy()[0]), 4)
-1.0
"""

import jax.numpy as jnp

from lamina.optimizers.optimizer import Optimizer, register


@register
class Adagrad(Optimizer):
    """`acc += g**2; w -= lr * g / sqrt(acc + epsilon)`, `acc` starting at
    `initial_accumulator_value`."""

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value=0.1,
        epsilon=1e-7,
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
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            name=name,
            **kwargs,
        )
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(
            var_list, "accumulator", initializer=float(self.initial_accumulator_value)
        )

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = jnp.asarray(learning_rate, dtype)
        gradient = jnp.asarray(gradient, dtype)
        accumulator = self._accumulators[self._get_variable_index(variable)]
        self.assign_add(accumulator, jnp.square(gradient))
        self.assign_sub(variable, lr * gradient / jnp.sqrt(accumulator.value + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update({
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        })
        return config
