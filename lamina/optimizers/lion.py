"""`Lion`: steps of fixed size along the sign of an interpolated momentum.

>>> import numpy as np
>>> from lamina.backend import Variable
>>> from lamina.optimizers import Lion
>>> w = Variable(np.zeros(2), name="w")
>>> Lion(learning_rate=0.1).apply([np.array([3.0, -0.5])], [w])
>>> [round(float(x), 4) for x in w.numpy()]
[-0.1, 0.1]
"""

import jax.numpy as jnp

from lamina.optimizers.optimizer import Optimizer, register


@register
class Lion(Optimizer):
    """`w -= lr * sign(beta_1 * m + (1 - beta_1) * g); m = beta_2 * m + (1 - beta_2) * g`."""

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.99,
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
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                "Lion: `beta_1` must be in (0, 1]; with 0 the optimizer degenerates to sign SGD. "
                f"Received: beta_1={beta_1!r}"
            )

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = jnp.asarray(learning_rate, dtype)
        gradient = jnp.asarray(gradient, dtype)
        beta_1 = jnp.asarray(self.beta_1, dtype)
        beta_2 = jnp.asarray(self.beta_2, dtype)
        m = self._momentums[self._get_variable_index(variable)]
        self.assign_sub(variable, lr * jnp.sign(m.value * beta_1 + gradient * (1.0 - beta_1)))
        self.assign(m, m.value * beta_2 + gradient * (1.0 - beta_2))

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
