"""`Nadam`: Adam with Nesterov momentum (Dozat's momentum schedule, as in Keras).

>>> import numpy as np
>>> from lamina.backend import Variable
>>> from lamina.optimizers import Nadam
>>> w = Variable(np.zeros(1), name="w")
>>> Nadam(learning_rate=0.1).apply([np.array([3.0])], [w])
>>> float(w.numpy()[0]) < 0
True
"""

import jax.numpy as jnp

from lamina import config as _config
from lamina.optimizers.optimizer import Optimizer, register


@register
class Nadam(Optimizer):
    """Adam whose momentum term looks one step ahead, with the momentum coefficient
    `mu_t = beta_1 * (1 - 0.5 * 0.96**t)` and its running product kept in a slot."""

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
        dtype = var_list[0].dtype if var_list else _config.floatx()
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        # Keras creates this one as an unnamed (and trainable) Variable; lamina names it and
        # keeps it non-trainable. Its position, last, is the same, so saved weights line up.
        self._u_product = self.add_variable((), initializer=1.0, dtype=dtype, name="u_product")

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        # The product of the momentum coefficients is advanced once per step, not per variable.
        dtype = self._u_product.dtype
        step = jnp.asarray(self.iterations + 1).astype(dtype)
        mu_t = self.beta_1 * (1.0 - 0.5 * jnp.power(jnp.asarray(0.96, dtype), step))
        self.assign(self._u_product, self._u_product.value * mu_t)
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = jnp.asarray(learning_rate, dtype)
        gradient = jnp.asarray(gradient, dtype)
        step = jnp.asarray(self.iterations + 1).astype(dtype)
        decay = jnp.asarray(0.96, dtype)
        beta_1 = jnp.asarray(self.beta_1, dtype)
        beta_2 = jnp.asarray(self.beta_2, dtype)
        u_t = beta_1 * (1.0 - 0.5 * jnp.power(decay, step))
        u_t_1 = beta_1 * (1.0 - 0.5 * jnp.power(decay, step + 1))
        u_product_t = self._u_product.value.astype(dtype)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = jnp.power(beta_2, step)
        index = self._get_variable_index(variable)
        m = self._momentums[index]
        v = self._velocities[index]
        self.assign_add(m, (gradient - m.value) * (1 - beta_1))
        self.assign_add(v, (jnp.square(gradient) - v.value) * (1 - beta_2))
        m_hat = u_t_1 * m.value / (1 - u_product_t_1) + (1 - u_t) * gradient / (1 - u_product_t)
        v_hat = v.value / (1 - beta_2_power)
        self.assign_sub(variable, m_hat * lr / (jnp.sqrt(v_hat) + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
