"""`PyDataset`: a Python class that serves batches by index, for data that does not fit in memory.

Subclass it, call `super().__init__(**kwargs)`, and define `__getitem__(index)` (returning one
batch: `x`, `(x, y)` or `(x, y, sample_weight)`) and `__len__` (or the `num_batches` property).
`fit` asks for the batches of each epoch in order; with `workers > 1` it prepares up to
`max_queue_size` of them ahead in background threads.

>>> import numpy as np
>>> from lamina.utils import PyDataset
>>> class Squares(PyDataset):
...     def __init__(self, n, batch_size, **kwargs):
...         super().__init__(**kwargs)
...         self.n, self.batch_size = n, batch_size
...     def __len__(self):
...         return -(-self.n // self.batch_size)
...     def __getitem__(self, index):
...         x = np.arange(index * self.batch_size, min(self.n, (index + 1) * self.batch_size))
...         return x, x**2
>>> ds = Squares(5, batch_size=2)
>>> ds.num_batches, [len(x) for x, _ in ds]
(3, [2, 2, 1])
"""

import concurrent.futures
import itertools
import warnings


class PyDataset:
    """Base class for datasets served batch by batch (see the module docstring).

    Args:
        workers: number of threads preparing batches ahead of time (1: batches are prepared in the
            training loop's thread, one at a time).
        use_multiprocessing: Keras runs workers as processes when True. lamina always uses threads
            (JAX does not survive `fork`); for CPU-bound Python loading, keep `__getitem__` in
            NumPy, which releases the GIL for most work.
        max_queue_size: how many batches may be prepared ahead.
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self):
        missing = False
        for attr, default in (
            ("_workers", 1),
            ("_use_multiprocessing", False),
            ("_max_queue_size", 10),
        ):
            if not hasattr(self, attr):
                setattr(self, attr, default)
                missing = True
        if missing:
            warnings.warn(
                f"{type(self).__name__} should call `super().__init__(**kwargs)` in its constructor "
                "(kwargs may include `workers`, `use_multiprocessing`, `max_queue_size`). Using the "
                "defaults. Do not pass these arguments to `fit()`, where they are ignored.",
                stacklevel=3,
            )

    @property
    def workers(self):
        self._warn_if_super_not_called()
        return self._workers

    @workers.setter
    def workers(self, value):
        self._workers = value

    @property
    def use_multiprocessing(self):
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value):
        self._use_multiprocessing = value

    @property
    def max_queue_size(self):
        self._warn_if_super_not_called()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value):
        self._max_queue_size = value

    def __getitem__(self, index):
        """Returns batch number `index` (0-based)."""
        raise NotImplementedError(
            f"{type(self).__name__} must define `__getitem__(self, index)` returning one batch."
        )

    @property
    def num_batches(self):
        """Number of batches per epoch (None: unbounded, `fit` then needs `steps_per_epoch`)."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(
            f"{type(self).__name__} must define `__len__` or the `num_batches` property, e.g.\n\n"
            "@property\ndef num_batches(self):\n    return ..."
        )

    def __iter__(self):
        try:
            count = self.num_batches
        except NotImplementedError:
            count = None
        indices = range(count) if count is not None else itertools.count()
        for index in indices:
            yield self[index]

    def on_epoch_begin(self):
        """Called at the start of each epoch (override to e.g. reshuffle)."""

    def on_epoch_end(self):
        """Called at the end of each epoch."""


def iterate_batches(py_dataset, num_batches=None):
    """Yields `py_dataset[0], py_dataset[1], ...` in order, preparing some ahead when it has workers.

    Stops after `num_batches` (default: `py_dataset.num_batches`, endless if that is None) or at
    the first `IndexError`/`StopIteration` from `__getitem__`.

    >>> list(iterate_batches([10, 20, 30], num_batches=2))
    [10, 20]
    """
    if num_batches is None and isinstance(py_dataset, PyDataset):
        try:
            num_batches = py_dataset.num_batches
        except NotImplementedError:
            num_batches = None
    if num_batches is None and not isinstance(py_dataset, PyDataset):
        num_batches = len(py_dataset)
    indices = range(num_batches) if num_batches is not None else itertools.count()
    workers = getattr(py_dataset, "workers", 1) if isinstance(py_dataset, PyDataset) else 1
    if not workers or workers <= 1:
        for index in indices:
            try:
                yield py_dataset[index]
            except (IndexError, StopIteration):
                if num_batches is None:
                    return
                raise
        return
    ahead = max(1, int(py_dataset.max_queue_size))
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=int(workers))
    try:
        pending = []
        indices = iter(indices)
        for index in itertools.islice(indices, ahead):
            pending.append(pool.submit(py_dataset.__getitem__, index))
        while pending:
            future = pending.pop(0)
            try:
                batch = future.result()
            except (IndexError, StopIteration):
                if num_batches is None:
                    return
                raise
            for index in itertools.islice(indices, 1):
                pending.append(pool.submit(py_dataset.__getitem__, index))
            yield batch
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# Keras 2 name.
Sequence = PyDataset
