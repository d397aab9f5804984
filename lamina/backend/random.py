"""Seeds for random ops that work eagerly and inside compiled steps.

A `SeedGenerator` keeps its state in a (non-trainable) `Variable`, so inside a jitted step the
state is threaded like any other variable and each step draws fresh randomness.

>>> from lamina.backend.random import SeedGenerator, draw_seed
>>> g = SeedGenerator(42)
>>> k1, k2 = draw_seed(g), draw_seed(g)
>>> bool((k1 != k2).any())
True
"""

import random as _pyrandom

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend import state as _state
from lamina.backend.variable import Variable

_GLOBAL_SEED = None
_GLOBAL_GENERATOR = None
_SG_NAMES = {}


class SeedGenerator:
    def __init__(self, seed=None, name=None, **kwargs):
        if name is None:
            n = _SG_NAMES.get("seed_generator", 0)
            _SG_NAMES["seed_generator"] = n + 1
            name = "seed_generator" if n == 0 else f"seed_generator_{n}"
        self.name = name
        if seed is None:
            seed = _make_default_seed()
        elif not isinstance(seed, (int, np.integer)):
            raise ValueError(
                f"SeedGenerator expects an int seed or None. Received: seed={seed!r}"
            )
        self._initial_seed = int(seed)
        with _state.name_scope(name):
            self.state = Variable(
                np.array([int(seed) % (2**32), 0], dtype=np.uint32),
                dtype="uint32",
                trainable=False,
                name="seed_generator_state",
            )

    def next(self, ordered=True):
        s = self.state.value
        self.state.assign(s + jnp.array([0, 1], dtype="uint32"))
        return s

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _make_default_seed():
    if _GLOBAL_SEED is not None:
        return _pyrandom.randint(0, 2**31 - 1)
    return int(np.random.randint(0, 2**31 - 1))


def global_seed_generator():
    global _GLOBAL_GENERATOR
    if _GLOBAL_GENERATOR is None:
        _GLOBAL_GENERATOR = _EagerSeeds(_make_default_seed())
    return _GLOBAL_GENERATOR


class _EagerSeeds:
    """The generator behind `seed=None` in eager code (weight initialisation)."""

    def __init__(self, seed):
        self.seed = int(seed)
        self.count = 0

    def next(self, ordered=True):
        self.count += 1
        return jnp.array([self.seed % (2**32), self.count], dtype="uint32")


_NUMPY_RNG = None


def numpy_rng(seed=None):
    """A NumPy generator for eager, data-independent draws (weight initialisation).

    Drawing initial weights with NumPy avoids compiling one XLA kernel per weight shape, which
    made building models slow; an int `seed` gives a fixed stream, None the global one.
    """
    global _NUMPY_RNG
    if seed is not None:
        return np.random.default_rng(int(seed))
    if _NUMPY_RNG is None:
        _NUMPY_RNG = np.random.default_rng(_make_default_seed())
    return _NUMPY_RNG


def set_global_seed(seed):
    global _GLOBAL_SEED, _GLOBAL_GENERATOR, _NUMPY_RNG
    _GLOBAL_SEED = int(seed)
    _pyrandom.seed(seed)
    _GLOBAL_GENERATOR = _EagerSeeds(seed)
    _NUMPY_RNG = np.random.default_rng(int(seed))


def draw_seed(seed):
    """Turns `seed` (int, SeedGenerator, key array or None) into a JAX PRNG key."""
    if isinstance(seed, SeedGenerator):
        pair = seed.next()
    elif isinstance(seed, (int, np.integer)):
        pair = jnp.array([int(seed) % (2**32), 0], dtype="uint32")
    elif seed is None:
        if _state.in_stateless_scope() and not _state.in_symbolic_scope():
            raise ValueError(
                "A random op got seed=None inside a compiled function, where it would return the "
                "same numbers at every step. Pass a `lamina.random.SeedGenerator` as seed= "
                "(create it in the layer's __init__)."
            )
        pair = global_seed_generator().next()
    else:
        pair = jnp.asarray(seed)
        if pair.dtype == jnp.uint32 and pair.shape == (2,):
            return pair
        raise ValueError(
            "seed must be an int, a SeedGenerator or None. "
            f"Received: seed={seed!r}"
        )
    return _to_key(pair)


def _to_key(pair):
    # Fold both words into a raw uint32[2] key accepted by jax.random.
    return jax.random.fold_in(jax.random.PRNGKey(pair[0]), pair[1])

