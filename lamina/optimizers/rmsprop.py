"""`RMSprop`: divides the gradient by a running root-mean-square of recent gradients.

>>> import numpy as np
>>> from lamina.backend import Variable
>>> from lamina.optimizers import RMSprop
>>> w = Variable(np.zeros(1), name="w")
>>> RMSprop(learning_rate=0.1, rho=0.0).apply([np.array([5.0])], [w])
>>> round(float(w.numpy()[0]), 4)
-0.1
"""

import jax.numpy as jnp

from lamina.optimizers.optimizer import Optimizer, register


@register
class RMSprop(Optimizer):
    """`v = rho * v + (1 - rho) * g**2; w -= lr * g / sqrt(v + epsilon)`. `centered=True`
    subtracts the squared running mean of `g` from `v`; `momentum > 0` adds a momentum slot."""

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered=False,
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
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = jnp.asarray(learning_rate, dtype)
        gradient = jnp.asarray(gradient, dtype)
        index = self._get_variable_index(variable)
        velocity = self._velocities[index]
        rho = self.rho
        self.assign(velocity, rho * velocity.value + (1 - rho) * jnp.square(gradient))
        if self.centered:
            average = self._average_gradients[index]
            self.assign(average, rho * average.value + (1 - rho) * gradient)
            denominator = velocity.value - jnp.square(average.value) + self.epsilon
        else:
            denominator = velocity.value + self.epsilon
        increment = lr * gradient / jnp.sqrt(denominator)
        if self.momentum > 0:
            m = self._momentums[index]
            self.assign(m, self.momentum * m.value + increment)
            self.assign_sub(variable, m.value)
        else:
            self.assign_sub(variable, increment)

    def get_config(self):
        config = super().get_config()
        config.update({
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        })
        return config
