"""`Adamax`: Adam with the infinity norm in place of the squared-gradient average.

>>> import numpy as np
>>> from lamina.backend import Variable
>>> from lamina.optimizers import Adamax
>>> w = Variable(np.zeros(1), name="w")
>>> Adamax(learning_rate=0.1).apply([np.array([3.0])], [w])
>>> round(float(w.numpy()[0]), 4)
-0.1
"""

import jax.numpy as jnp

from lamina.optimizers.optimizer import Optimizer, register


@register
class Adamax(Optimizer):
    """`m += (g - m)(1 - beta_1); u = max(beta_2 * u, |g|);
    w -= lr * m / ((1 - beta_1^t) * (u + epsilon))`."""

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = jnp.asarray(learning_rate, dtype)
        gradient = jnp.asarray(gradient, dtype)
        step = jnp.asarray(self.iterations + 1).astype(dtype)
        beta_1_power = jnp.power(jnp.asarray(self.beta_1, dtype), step)
        index = self._get_variable_index(variable)
        m = self._m[index]
        u = self._u[index]
        self.assign_add(m, (gradient - m.value) * (1 - self.beta_1))
        self.assign(u, jnp.maximum(self.beta_2 * u.value, jnp.abs(gradient)))
        self.assign_sub(variable, lr * m.value / ((1 - beta_1_power) * (u.value + self.epsilon)))

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
