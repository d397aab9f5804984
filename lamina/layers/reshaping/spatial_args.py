"""Parsing of the per-axis (before, after) amounts taken by the cropping and padding layers.

>>> from lamina.layers.reshaping.spatial_args import standardize_pairs
>>> standardize_pairs(1, 2, "padding")
((1, 1), (1, 1))
>>> standardize_pairs((1, (2, 3)), 2, "cropping")
((1, 1), (2, 3))
"""

from lamina.layers.convolutional import conv_utils as cu

_ORDINALS = ("1st", "2nd", "3rd")


def standardize_pairs(value, rank, name):
    """An int, `rank` ints, or `rank` (before, after) pairs as `rank` pairs of ints >= 0."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"`{name}` cannot be negative. Received: {name}={value}")
        return ((value, value),) * rank
    if not hasattr(value, "__len__") or len(value) != rank:
        raise ValueError(
            f"`{name}` must be an int, a tuple of {rank} ints (symmetric amounts per spatial axis), or a "
            f"tuple of {rank} (before, after) pairs. Received: {name}={value!r}"
        )
    return tuple(
        cu.standardize_tuple(v, 2, f"{_ORDINALS[i]} entry of {name}", allow_zero=True) for i, v in enumerate(value)
    )
