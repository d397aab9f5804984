"""`Adadelta`: steps scaled by the ratio of running RMS of past updates to that of gradients.

>>> import numpy as np
>>> from lamina.backend import Variable
>>> from lamina.optimizers import Adadelta
>>> w = Variable(np.zeros(1), name="w")
>>> Adadelta(learning_rate=1.0).apply([np.array([1.0])], [w])
>>> float(w.numpy()[0]) < 0
True
"""

import jax.numpy as jnp

from lamina.optimizers.optimizer import Optimizer, register


@register
class Adadelta(Optimizer):
    """`E[g²] = rho E[g²] + (1-rho) g²; d = -sqrt(E[d²] + eps) / sqrt(E[g²] + eps) * g;
    E[d²] = rho E[d²] + (1-rho) d²; w += lr * d`."""

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.95,
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
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"]
        )

    def update_step(self, grad, variable, learning_rate):
        dtype = variable.dtype
        lr = jnp.asarray(learning_rate, dtype)
        grad = jnp.asarray(grad, dtype)
        index = self._get_variable_index(variable)
        acc_grad = self._accumulated_grads[index]
        acc_delta = self._accumulated_delta_vars[index]
        rho = self.rho

        def rms(x):
            return jnp.sqrt(x + self.epsilon)

        self.assign(acc_grad, rho * acc_grad.value + (1 - rho) * jnp.square(grad))
        delta = -(rms(acc_delta.value) * grad) / rms(acc_grad.value)
        self.assign(acc_delta, rho * acc_delta.value + (1 - rho) * jnp.square(delta))
        self.assign_add(variable, lr * delta)

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
