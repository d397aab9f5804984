"""Packing and unpacking the `(x, y, sample_weight)` tuples that `fit` and `train_step` use.

>>> from lamina.utils import pack_x_y_sample_weight, unpack_x_y_sample_weight
>>> unpack_x_y_sample_weight(("x", "y"))
('x', 'y', None)
>>> pack_x_y_sample_weight("x", "y")
('x', 'y')
"""


def unpack_x_y_sample_weight(data):
    """Splits `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)` into a 3-tuple, filling in None.

    A list is read as a tuple; anything else (an array, a dict) is `x` alone.

    >>> unpack_x_y_sample_weight([1, 2, 3])
    (1, 2, 3)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return (data, None, None)
    if len(data) == 1:
        return (data[0], None, None)
    if len(data) == 2:
        return (data[0], data[1], None)
    if len(data) == 3:
        return data
    raise ValueError(
        "Data is expected to be `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`. Received a "
        f"tuple of {len(data)} elements: {data!r}. Group several inputs into one tuple or dict, "
        "e.g. `((x1, x2), y)`."
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """Builds the tuple `fit` expects: `x` alone (or `(x,)` for a tuple/list `x`), `(x, y)` or
    `(x, y, sample_weight)`.

    >>> pack_x_y_sample_weight((1, 2))
    ((1, 2),)
    """
    if y is None:
        # A bare tuple x would be read back as (x, y): wrap it so it stays one input.
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)
