"""`DropoutRNNCell`: the dropout masks of a recurrent cell, drawn once per sequence.

Recurrent dropout must drop the *same* units at every time step (variational dropout), so the
masks are drawn before the time loop and reused by every step. Drawing them outside the loop also
keeps the seed generator's update out of `lax.scan`, so the whole layer stays traceable under jit.

>>> import jax.numpy as jnp
>>> from lamina import layers
>>> cell = layers.SimpleRNNCell(3, dropout=0.5, seed=1)
>>> mask = cell.get_dropout_mask(jnp.ones((2, 4)))
>>> sorted(set(mask.ravel().tolist())) in ([0.0, 2.0], [2.0], [0.0])
True
>>> cell.get_dropout_mask(jnp.ones((2, 4))) is mask  # cached until reset
True
>>> cell.reset_dropout_mask()
"""

import jax
import jax.numpy as jnp

from lamina.backend.random import SeedGenerator, draw_seed


def clip_rate(rate, name, owner):
    if not isinstance(rate, (int, float)) or isinstance(rate, bool):
        raise ValueError(
            f"{owner}: `{name}` must be a float in [0, 1] (the fraction of units to drop). "
            f"Received: {name}={rate!r}"
        )
    # Keras clips out-of-range rates instead of rejecting them.
    return min(1.0, max(0.0, float(rate)))


class DropoutRNNCell:
    """Mixin for cells with `dropout`, `recurrent_dropout` and a `seed_generator`."""

    def _init_dropout(self, dropout, recurrent_dropout, seed):
        self.dropout = clip_rate(dropout, "dropout", type(self).__name__)
        self.recurrent_dropout = clip_rate(recurrent_dropout, "recurrent_dropout", type(self).__name__)
        self.seed = seed
        # Only cells that can drop anything own random state (one variable less to thread).
        if self.dropout > 0 or self.recurrent_dropout > 0:
            self.seed_generator = SeedGenerator(seed)
        object.__setattr__(self, "_dropout_mask", None)
        object.__setattr__(self, "_recurrent_dropout_mask", None)

    def _new_mask(self, like, rate):
        if rate >= 1.0:
            return jnp.zeros(like.shape, like.dtype)
        keep = jax.random.bernoulli(draw_seed(self.seed_generator), 1.0 - rate, like.shape)
        return jnp.where(keep, 1.0 / (1.0 - rate), 0.0).astype(like.dtype)

    def get_dropout_mask(self, step_input):
        """The input mask (shaped like one step's input), drawn on first use, then cached."""
        if self._dropout_mask is None and self.dropout > 0:
            object.__setattr__(self, "_dropout_mask", self._new_mask(step_input, self.dropout))
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, step_state):
        """The mask on the previous output (shaped like the state), cached like the input mask."""
        if self._recurrent_dropout_mask is None and self.recurrent_dropout > 0:
            object.__setattr__(
                self, "_recurrent_dropout_mask", self._new_mask(step_state, self.recurrent_dropout)
            )
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self):
        object.__setattr__(self, "_dropout_mask", None)

    def reset_recurrent_dropout_mask(self):
        object.__setattr__(self, "_recurrent_dropout_mask", None)

    def _input_mask(self, step_input, training):
        if not training or self.dropout == 0:
            return None
        # A cell called on its own (outside an RNN layer) draws a mask for this call only.
        return self._dropout_mask if self._dropout_mask is not None else self._new_mask(
            step_input, self.dropout
        )

    def _state_mask(self, step_state, training):
        if not training or self.recurrent_dropout == 0:
            return None
        if self._recurrent_dropout_mask is not None:
            return self._recurrent_dropout_mask
        return self._new_mask(step_state, self.recurrent_dropout)
