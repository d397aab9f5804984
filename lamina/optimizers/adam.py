"""`Adam`: momentum plus per-coordinate scaling by a running mean of squared gradients.

>>> import numpy as np
>>> from lamina.backend import Variable
>>> from lamina.optimizers import Adam
>>> w = Variable(np.zeros(1), name="w")
>>> Adam(learning_rate=0.1).apply([np.array([3.0])], [w])
>>> round(float(w.numpy()[0]), 4)
-0.1
"""

import jax.numpy as jnp

from lamina.optimizers.optimizer import Optimizer, register


@register
class Adam(Optimizer):
    """`m += (g - m)(1 - beta_1); v += (g² - v)(1 - beta_2);
    w -= lr * sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + epsilon)`.
    `amsgrad=True` uses the running maximum of `v` instead of `v`."""

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
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
        self.amsgrad = amsgrad

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = jnp.asarray(learning_rate, dtype)
        gradient = jnp.asarray(gradient, dtype)
        step = jnp.asarray(self.iterations + 1).astype(dtype)
        beta_1_power = jnp.power(jnp.asarray(self.beta_1, dtype), step)
        beta_2_power = jnp.power(jnp.asarray(self.beta_2, dtype), step)
        index = self._get_variable_index(variable)
        m = self._momentums[index]
        v = self._velocities[index]
        alpha = lr * jnp.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        self.assign_add(m, (gradient - m.value) * (1 - self.beta_1))
        self.assign_add(v, (jnp.square(gradient) - v.value) * (1 - self.beta_2))
        if self.amsgrad:
            v_hat = self._velocity_hats[index]
            self.assign(v_hat, jnp.maximum(v_hat.value, v.value))
            v = v_hat
        self.assign_sub(variable, m.value * alpha / (jnp.sqrt(v.value) + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update({
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        })
        return config
