"""Turning what users pass to `fit`/`evaluate`/`predict` into batches.

Arrays (NumPy, JAX, lists and dicts of them) are put on the device once; each step receives a row
of sample indices and gathers its batch inside the compiled step, so no per-step host work or
transfer happens. The last partial batch is padded with index -1 (zero weight), so one epoch
compiles once. Generators and `PyDataset`s yield host batches, padded the same way.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np


def _is_array(x):
    return isinstance(x, (np.ndarray, jax.Array)) or (hasattr(x, "shape") and hasattr(x, "dtype") and hasattr(x, "__array__"))


def _leaves(x):
    return jax.tree_util.tree_leaves(x)


def _describe(x):
    return jax.tree_util.tree_map(lambda a: tuple(np.shape(a)), x)


def to_array_tree(x, what):
    """Lists of numbers become arrays; strings and objects are refused with a clear error."""
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: to_array_tree(v, f"{what}['{k}']") for k, v in x.items()}
    if isinstance(x, (list, tuple)) and x and all(_is_array(e) or isinstance(e, (list, tuple, dict)) for e in x) and not all(
        isinstance(e, (int, float)) for e in x
    ):
        if all(_is_array(e) for e in x) and len({np.shape(e)[0] if np.ndim(e) else -1 for e in x}) >= 1:
            return [to_array_tree(e, f"{what}[{i}]") for i, e in enumerate(x)]
    if isinstance(x, jax.Array):
        return x
    if hasattr(x, "values") and hasattr(x, "columns"):  # pandas DataFrame
        x = x.values
    arr = np.asarray(x)
    if arr.dtype.kind in "USO":
        raise TypeError(
            f"`{what}` contains strings or Python objects (dtype {arr.dtype}); models compute on "
            "numbers. Encode the data as numbers first (e.g. with a StringLookup layer or "
            "numpy), then pass numeric arrays."
        )
    if arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    if arr.dtype == np.int64:
        arr = arr.astype(np.int32)
    return arr


def check_lengths(x, y, sample_weight):
    sizes = {}
    for name, tree in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        for leaf in _leaves(tree):
            if np.ndim(leaf) == 0:
                raise ValueError(f"`{name}` must have a batch axis; received a scalar.")
            sizes.setdefault(name, set()).add(int(np.shape(leaf)[0]))
    for name, s in sizes.items():
        if len(s) > 1:
            raise ValueError(
                f"All arrays in `{name}` must have the same number of samples. Received sizes "
                f"{sorted(s)} (shapes {_describe(x if name == 'x' else y if name == 'y' else sample_weight)})."
            )
    flat = {name: next(iter(s)) for name, s in sizes.items()}
    if "x" in flat and "y" in flat and flat["x"] != flat["y"]:
        raise ValueError(
            f"x and y have different numbers of samples: x has {flat['x']} (shapes {_describe(x)}), "
            f"y has {flat['y']} (shapes {_describe(y)}). Each input sample needs one target."
        )
    if "sample_weight" in flat and "x" in flat and flat["sample_weight"] != flat["x"]:
        raise ValueError(
            f"sample_weight has {flat['sample_weight']} entries but x has {flat['x']} samples."
        )
    return flat.get("x", flat.get("y", 0))


def check_finite(tree, what):
    for leaf in _leaves(tree):
        a = np.asarray(leaf) if not isinstance(leaf, jax.Array) else None
        if a is not None and a.dtype.kind == "f" and not np.isfinite(a).all():
            bad = int(np.size(a) - np.isfinite(a).sum())
            raise ValueError(
                f"`{what}` contains {bad} NaN or infinite value(s). Training on them would make the "
                "loss NaN. Clean or impute the data first (e.g. np.nan_to_num)."
            )


def class_weights_to_sample_weights(y, class_weight):
    if isinstance(y, (list, dict)):
        raise ValueError("class_weight is only supported for models with a single output; use sample_weight.")
    y = np.asarray(y)
    if y.ndim >= 2 and y.shape[-1] > 1:
        cls = np.argmax(y, axis=-1)
    else:
        cls = np.round(y.reshape(y.shape[0], -1)[:, 0]).astype(int)
    missing = sorted(set(np.unique(cls).tolist()) - set(int(k) for k in class_weight))
    if missing:
        raise ValueError(
            f"class_weight has no entry for class(es) {missing} found in y. Give a weight for every "
            f"class. Received keys: {sorted(class_weight)}"
        )
    table = {int(k): float(v) for k, v in class_weight.items()}
    return np.array([table[int(c)] for c in cls], dtype=np.float32)


def split_validation(x, y, sample_weight, validation_split):
    if not 0.0 < validation_split < 1.0:
        raise ValueError(f"validation_split must be in (0, 1). Received: validation_split={validation_split}")
    n = check_lengths(x, y, sample_weight)
    cut = int(math.floor(n * (1.0 - validation_split)))
    if cut == 0 or cut == n:
        raise ValueError(
            f"validation_split={validation_split} leaves no samples for training or validation "
            f"({n} samples in total)."
        )

    def take(t, sl):
        return None if t is None else jax.tree_util.tree_map(lambda a: a[sl], t)

    train = (take(x, slice(0, cut)), take(y, slice(0, cut)), take(sample_weight, slice(0, cut)))
    val = (take(x, slice(cut, n)), take(y, slice(cut, n)), take(sample_weight, slice(cut, n)))
    return train, val


class ArrayData:
    """In-memory data: device-resident arrays and per-epoch index matrices."""

    kind = "arrays"

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, shuffle=False,
                 steps=None, class_weight=None, check_nan=True):
        x = to_array_tree(x, "x")
        y = to_array_tree(y, "y")
        sample_weight = to_array_tree(sample_weight, "sample_weight")
        self.num_samples = check_lengths(x, y, sample_weight)
        if check_nan:
            check_finite(x, "x")
            check_finite(y, "y")
        if class_weight is not None and y is not None:
            cw = class_weights_to_sample_weights(y, class_weight)
            sample_weight = cw if sample_weight is None else np.asarray(sample_weight, np.float32) * cw
        if batch_size is None:
            batch_size = 32
        if not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError(f"batch_size must be a positive int. Received: batch_size={batch_size!r}")
        self.batch_size = int(min(batch_size, max(self.num_samples, 1)))
        self.shuffle = shuffle
        full_steps = math.ceil(self.num_samples / self.batch_size) if self.num_samples else 0
        self.steps = full_steps if steps is None else int(steps)
        self.x = jax.tree_util.tree_map(jnp.asarray, x)
        self.y = None if y is None else jax.tree_util.tree_map(jnp.asarray, y)
        self.sample_weight = None if sample_weight is None else jnp.asarray(sample_weight, jnp.float32)
        self.has_sample_weight = sample_weight is not None
        self._rng = np.random.default_rng(np.random.randint(0, 2**31 - 1))

    def arrays(self):
        return (self.x, self.y, self.sample_weight)

    def _order(self):
        n, b = self.num_samples, self.batch_size
        if self.shuffle == "batch":
            starts = np.arange(0, n, b)
            self._rng.shuffle(starts)
            return np.concatenate([np.arange(s, min(s + b, n)) for s in starts])
        return self._rng.permutation(n) if self.shuffle else np.arange(n)

    def split_partial(self, idx):
        """(full rows, last partial row or None): for running the partial batch unpadded."""
        last = idx[self.steps - 1] if self.steps else None
        if last is not None and (last < 0).any():
            return idx[: self.steps - 1], last[last >= 0][None, :]
        return idx[: self.steps], None

    def index_matrix(self, rows_multiple=1):
        """(rows, batch) int32 sample indices for one epoch; -1 marks padding.

        With the default number of steps the last row is the partial batch, padded. With a larger
        `steps_per_epoch` the data is cycled (reshuffled each pass). Rows are padded up to a
        multiple of `rows_multiple` (steps fused per dispatch) with all -1 rows.
        """
        b, steps = self.batch_size, self.steps
        order = self._order()
        if steps > math.ceil(self.num_samples / b) and self.num_samples:
            while order.size < steps * b:
                order = np.concatenate([order, self._order()])
        idx = np.full(steps * b, -1, dtype=np.int32)
        m = min(order.size, steps * b)
        idx[:m] = order[:m]
        idx = idx.reshape(steps, b)
        rows = math.ceil(steps / rows_multiple) * rows_multiple
        if rows > steps:
            idx = np.concatenate([idx, np.full((rows - steps, b), -1, np.int32)])
        return idx


def gather_batch(arrays, idx, padded=True):
    """Inside a compiled step: the batch for an index row (padding rows use index 0).

    With `padded=False` the row has no padding and no pad mask is made.
    """
    x, y, sw = arrays
    safe = jnp.maximum(idx, 0)
    pad_mask = (idx >= 0).astype(jnp.float32) if padded else None

    def take(a):
        return jnp.take(a, safe, axis=0)

    xb = jax.tree_util.tree_map(take, x)
    yb = None if y is None else jax.tree_util.tree_map(take, y)
    swb = None if sw is None else (take(sw) * pad_mask if padded else take(sw))
    return xb, yb, swb, pad_mask


class GeneratorData:
    """Python generators, iterators and `PyDataset`s: host batches, padded to the first size."""

    kind = "generator"

    def __init__(self, source, steps=None, class_weight=None):
        self.source = source
        self.class_weight = class_weight
        self.is_pydataset = hasattr(source, "__getitem__") and hasattr(source, "__len__")
        if self.is_pydataset:
            n = getattr(source, "num_batches", None) or len(source)
            self.steps = n if steps is None else min(int(steps), n) if steps else n
        else:
            self.steps = steps
        self.batch_size = None
        self._iter = None
        self._pending = None
        self.has_sample_weight = None

    def peek(self):
        """The first batch, standardized, without consuming it from the stream."""
        if self.is_pydataset:
            return self._standardize(self.source[0])
        if self._pending is None:
            if self._iter is None:
                self._iter = iter(self.source)
            try:
                self._pending = next(self._iter)
            except StopIteration:
                raise ValueError("The data generator yielded no batches.") from None
        return self._standardize(self._pending)

    def on_epoch_begin(self):
        if self.is_pydataset and hasattr(self.source, "on_epoch_begin"):
            self.source.on_epoch_begin()

    def on_epoch_end(self):
        if self.is_pydataset and hasattr(self.source, "on_epoch_end"):
            self.source.on_epoch_end()

    def batches(self):
        """Yields (x, y, sample_weight, pad_mask) host batches for one epoch."""
        if self.is_pydataset:
            it = (self.source[i] for i in range(self.steps))
        else:
            if self._iter is None:
                self._iter = iter(self.source)
            it = self._iter
        count = 0
        while self.steps is None or count < self.steps:
            try:
                if self._pending is not None:
                    item, self._pending = self._pending, None
                else:
                    item = next(it)
            except StopIteration:
                if not self.is_pydataset:
                    self._iter = None
                    if self.steps is not None and count < self.steps:
                        raise ValueError(
                            f"The data generator ran out after {count} batches, but steps_per_epoch="
                            f"{self.steps} were requested. Make the generator loop forever, or lower "
                            "steps_per_epoch."
                        ) from None
                return
            count += 1
            yield self._standardize(item)

    def _standardize(self, item):
        if not isinstance(item, tuple):
            item = (item,)
        if len(item) not in (1, 2, 3):
            raise ValueError(
                "A data generator must yield `x`, `(x, y)` or `(x, y, sample_weight)`. Received a "
                f"tuple of {len(item)} elements."
            )
        x = to_array_tree(item[0], "x")
        y = to_array_tree(item[1], "y") if len(item) > 1 else None
        sw = to_array_tree(item[2], "sample_weight") if len(item) > 2 else None
        n = check_lengths(x, y, sw)
        if self.class_weight is not None and y is not None:
            cw = class_weights_to_sample_weights(y, self.class_weight)
            sw = cw if sw is None else np.asarray(sw, np.float32) * cw
        if self.has_sample_weight is None:
            self.has_sample_weight = sw is not None
        if self.batch_size is None:
            self.batch_size = n
        pad_mask = np.ones((n,), np.float32)
        if n < self.batch_size:
            extra = self.batch_size - n

            def pad(a):
                a = np.asarray(a)
                return np.concatenate([a, np.repeat(a[:1], extra, axis=0)], axis=0)

            x = jax.tree_util.tree_map(pad, x)
            y = None if y is None else jax.tree_util.tree_map(pad, y)
            sw = None if sw is None else pad(sw)
            pad_mask = np.concatenate([pad_mask, np.zeros((extra,), np.float32)])
        if sw is not None:
            sw = np.asarray(sw, np.float32) * pad_mask
        elif self.has_sample_weight:
            sw = pad_mask.copy()
        return x, y, sw, pad_mask


def make_data(x, y=None, sample_weight=None, batch_size=None, shuffle=False, steps=None,
              class_weight=None, what="fit"):
    if x is None:
        raise ValueError(f"{what}() needs input data `x`. Received: x=None")
    if _is_generator_like(x):
        if y is not None:
            raise ValueError(
                f"{what}(): when `x` is a generator or PyDataset it must yield the targets too; do "
                "not pass `y` separately."
            )
        return GeneratorData(x, steps=steps, class_weight=class_weight)
    return ArrayData(x, y, sample_weight, batch_size=batch_size, shuffle=shuffle, steps=steps,
                     class_weight=class_weight)


def _is_generator_like(x):
    if isinstance(x, (np.ndarray, jax.Array, list, tuple, dict)):
        return False
    if hasattr(x, "__getitem__") and hasattr(x, "__len__") and not hasattr(x, "shape"):
        return True
    return hasattr(x, "__next__") or (hasattr(x, "__iter__") and not hasattr(x, "shape"))
