"""`AdamW`: Adam with decoupled weight decay (`weight_decay` defaults to 0.004).

>>> import numpy as np
>>> from lamina.backend import Variable
>>> from lamina.optimizers import AdamW
>>> w = Variable(np.ones(1), name="w")
>>> AdamW(learning_rate=0.1, weight_decay=0.5).apply([np.zeros(1)], [w])
>>> round(float(w.numpy()[0]), 4)
0.95
"""

from lamina.optimizers.adam import Adam
from lamina.optimizers.optimizer import register


@register
class AdamW(Adam):
    """Each step first shrinks every weight by `weight_decay * learning_rate`, then applies
    the Adam update. Use `exclude_from_weight_decay` to spare biases or norms."""

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
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
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
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
        if self.weight_decay is None:
            raise ValueError(
                "AdamW: `weight_decay` must be a float (use Adam for no weight decay). "
                "Received: weight_decay=None"
            )
