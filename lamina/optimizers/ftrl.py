"""`Ftrl`: Follow The Regularized Leader, suited to large sparse linear models.

>>> import numpy as np
>>> from lamina.backend import Variable
>>> from lamina.optimizers import Ftrl
>>> w = Variable(np.zeros(1), name="w")
>>> Ftrl(learning_rate=0.1, l1_regularization_strength=10.0).apply([np.array([1.0])], [w])
>>> float(w.numpy()[0])
0.0
"""

import jax.numpy as jnp

from lamina.optimizers.optimizer import Optimizer, register


@register
class Ftrl(Optimizer):
    """FTRL-Proximal (McMahan et al., 2013) with L1, L2 and L2-shrinkage regularization; an L1
    strength larger than the accumulated linear term sets the weight exactly to zero."""

    def __init__(
        self,
        learning_rate=0.001,
        learning_rate_power=-0.5,
        initial_accumulator_value=0.1,
        l1_regularization_strength=0.0,
        l2_regularization_strength=0.0,
        l2_shrinkage_regularization_strength=0.0,
        beta=0.0,
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
        for arg, value in (
            ("initial_accumulator_value", initial_accumulator_value),
            ("l1_regularization_strength", l1_regularization_strength),
            ("l2_regularization_strength", l2_regularization_strength),
            ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength),
        ):
            if value < 0.0:
                raise ValueError(f"Ftrl: `{arg}` must be >= 0. Received: {arg}={value!r}")
        if learning_rate_power > 0.0:
            raise ValueError(
                "Ftrl: `learning_rate_power` must be <= 0. "
                f"Received: learning_rate_power={learning_rate_power!r}"
            )
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list,
            ["accumulator", "linear"],
            initializer=[float(self.initial_accumulator_value), "zeros"],
        )

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = jnp.asarray(learning_rate, dtype)
        gradient = jnp.asarray(gradient, dtype)
        index = self._get_variable_index(variable)
        accum = self._accumulators[index]
        linear = self._linears[index]
        power = self.learning_rate_power
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        w = variable.value
        grad_to_use = gradient + 2 * self.l2_shrinkage_regularization_strength * w
        new_accum = accum.value + jnp.square(gradient)
        sigma = (jnp.power(new_accum, -power) - jnp.power(accum.value, -power)) / lr
        self.assign_add(linear, grad_to_use - sigma * w)
        quadratic = jnp.power(new_accum, -power) / lr + 2 * l2
        l1 = self.l1_regularization_strength
        linear_clipped = jnp.clip(linear.value, -l1, l1)
        self.assign(variable, (linear_clipped - linear.value) / quadratic)
        self.assign(accum, new_accum)

    def get_config(self):
        config = super().get_config()
        config.update({
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        })
        return config
