"""How per-sample losses become one number: rank alignment, sample weights, masks, reduction.

>>> import jax.numpy as jnp
>>> from lamina.losses.reduction import reduce_weighted_values
>>> float(reduce_weighted_values(jnp.array([1.0, 3.0]), sample_weight=jnp.array([1.0, 0.0])))
0.5
"""

import jax.numpy as jnp

from lamina.backend.dtypes import standardize_dtype
from lamina.ops import convert_to_tensor

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    """Checks `reduction` against the values Keras 3 accepts and returns it unchanged."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            "Invalid value for argument `reduction`. Expected one of "
            f"{list(REDUCTIONS)}. Received: reduction={reduction!r}"
        )
    return reduction


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Aligns ranks that differ by one through a trailing dimension of size 1.

    A rank-1 partner is expanded (`(n,)` next to `(n, 1)` becomes `(n, 1)`) unless
    `expand_rank_1=False`, in which case the size-1 dimension is squeezed away instead.
    """
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = jnp.expand_dims(x2, -1)
        else:
            x1 = jnp.squeeze(x1, -1)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = jnp.expand_dims(x1, -1)
        else:
            x2 = jnp.squeeze(x2, -1)
    return x1, x2


def divide_no_nan(x, y):
    """`x / y`, with 0 wherever `y` is 0."""
    safe = jnp.where(y == 0, jnp.ones_like(y), y)
    return jnp.where(y == 0, jnp.zeros_like(x), x / safe)


def apply_mask(sample_weight, mask, dtype, reduction):
    """Folds a boolean mask into the sample weights.

    For the mean-like reductions the kept entries are scaled by `total / kept`, so dividing by the
    full size afterwards averages over the kept entries only.
    """
    if mask is None:
        return sample_weight
    mask = jnp.asarray(mask)
    if reduction in ("mean", "sum_over_batch_size"):
        total = jnp.asarray(mask.size, dtype)
        kept = jnp.sum(mask.astype(dtype))
        float_mask = jnp.where(mask.astype(bool), divide_no_nan(total, kept), jnp.zeros((), dtype))
    else:
        float_mask = mask.astype(dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = jnp.asarray(sample_weight, dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return sample_weight * float_mask


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduces already-weighted `values`; scalars, empty vectors and 'none' pass through."""
    if reduction is None or reduction == "none" or values.shape in ((), (0,)):
        return values
    loss = jnp.sum(values)
    if reduction == "sum":
        return loss
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = jnp.sum(sample_weight).astype(loss.dtype)
    else:
        divisor = jnp.asarray(values.size, loss.dtype)
    return divide_no_nan(loss, divisor)


def reduce_weighted_values(
    values, sample_weight=None, mask=None, reduction="sum_over_batch_size", dtype=None
):
    """Weights `values` by `sample_weight` (and `mask`), then applies `reduction`."""
    reduction = standardize_reduction(reduction)
    # dtype=None keeps the values' own dtype.
    values = convert_to_tensor(values, dtype=None if dtype is None else standardize_dtype(dtype))
    if sample_weight is not None:
        sample_weight = convert_to_tensor(sample_weight, dtype=dtype)
    sample_weight = apply_mask(sample_weight, mask, values.dtype, reduction)
    if sample_weight is not None:
        sample_weight = sample_weight.astype(values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        if sample_weight.ndim < values.ndim:
            # Per-sample weights on per-timestep (or per-pixel) losses weigh every entry of their
            # sample. Keras 3 raises a broadcasting error here (a `(batch,)` weight against a
            # `(batch, steps)` loss), which also breaks its losses on rank-3 targets whenever a
            # sample weight is given; Keras 2 broadcast them as done here.
            trailing = (1,) * (values.ndim - sample_weight.ndim)
            sample_weight = jnp.broadcast_to(sample_weight.reshape(sample_weight.shape + trailing), values.shape)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)
