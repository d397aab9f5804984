"""The distribution in effect: `distribution()` and `set_distribution()`.

Kept apart from the classes so the trainer can ask "is there one?" without importing them.

>>> from lamina import distribution
>>> distribution.distribution() is None
True
"""

_CURRENT = [None]


def distribution():
    """The distribution set with `set_distribution` (or a `scope()`), or None.

    >>> from lamina.distribution import distribution
    >>> print(distribution())
    None
    """
    return _CURRENT[0]


def set_distribution(value):
    """Makes `value` (a `DataParallel`, a `ModelParallel`, or None) the distribution in effect.

    `fit`, `evaluate` and `predict` then split batches and place variables as it says.

    >>> from lamina.distribution import DataParallel, distribution, list_devices, set_distribution
    >>> set_distribution(DataParallel(devices=list_devices("cpu")[:1]))
    >>> type(distribution()).__name__
    'DataParallel'
    >>> set_distribution(None)
    """
    from lamina.distribution.distributions import Distribution

    if value is not None and not isinstance(value, Distribution):
        raise ValueError(
            "set_distribution() expects a lamina.distribution.Distribution (DataParallel or "
            f"ModelParallel) or None. Received: value={value!r} (of type {type(value).__name__})"
        )
    _CURRENT[0] = value
