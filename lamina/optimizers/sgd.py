"""`SGD`: gradient descent, optionally with (Nesterov) momentum.

>>> import numpy as np
>>> from lamina.backend import Variable
>>> from lamina.optimizers import SGD
>>> w = Variable(np.zeros(1), name="w")
>>> opt = SGD(learning_rate=0.1, momentum=0.9)
>>> for _ in range(2):
...     opt.apply([np.ones(1)], [w])
>>> round(float(w.numpy()[0]), 4)
-0.29
"""

import numbers

import jax.numpy as jnp

from lamina.optimizers.optimizer import Optimizer, register


@register
class SGD(Optimizer):
    """`velocity = momentum * velocity - lr * g; w += velocity` (plain `w -= lr * g` when
    `momentum=0`). With `nesterov=True`, `w += momentum * velocity - lr * g`."""

    def __init__(
        self,
        learning_rate=0.01,
        momentum=0.0,
        nesterov=False,
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
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real) or not (
            0 <= momentum <= 1
        ):
            raise ValueError(
                f"SGD: `momentum` must be a float in [0, 1]. Received: momentum={momentum!r}"
            )
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(variables, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = jnp.asarray(learning_rate, dtype)
        gradient = jnp.asarray(gradient, dtype)
        if self.momentum == 0:
            self.assign_sub(variable, gradient * lr)
            return
        m = self.momentums[self._get_variable_index(variable)]
        momentum = jnp.asarray(self.momentum, dtype)
        self.assign(m, m.value * momentum - gradient * lr)
        if self.nesterov:
            self.assign_add(variable, m.value * momentum - gradient * lr)
        else:
            self.assign_add(variable, m.value)

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
