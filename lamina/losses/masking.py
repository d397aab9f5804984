"""Keras masks attached to arrays, as losses and metrics read them.

JAX arrays take no new attributes, so a mask set on one is kept in a table keyed by the array's
identity and dropped when the array is garbage collected. Objects that do take attributes (such as
`KerasTensor`) carry the mask as `_keras_mask`, the attribute Keras uses.

>>> import jax.numpy as jnp
>>> from lamina.losses.masking import get_keras_mask, set_keras_mask
>>> x = jnp.ones(3)
>>> set_keras_mask(x, jnp.array([True, False, True]))
>>> get_keras_mask(x).tolist()
[True, False, True]
"""

import weakref

_MASKS = {}


def _forget(key):
    _MASKS.pop(key, None)


def set_keras_mask(x, mask):
    """Attaches `mask` to `x` (`mask=None` removes it)."""
    try:
        x._keras_mask = mask
        return
    except AttributeError:
        pass
    key = id(x)
    if mask is None:
        _MASKS.pop(key, None)
        return
    # A finalizer clears the entry, so a later array reusing this id never inherits the mask.
    if key not in _MASKS:
        weakref.finalize(x, _forget, key)
    _MASKS[key] = mask


def get_keras_mask(x):
    """The mask attached to `x`, or None."""
    mask = getattr(x, "_keras_mask", None)
    if mask is not None:
        return mask
    return _MASKS.get(id(x))
