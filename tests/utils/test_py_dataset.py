"""PyDataset: Keras 3's API, ordered prefetching, and training from one."""

import threading
import time

import numpy as np
import pytest

import lamina as keras
from lamina.utils import PyDataset, Sequence
from lamina.utils.py_dataset import iterate_batches


def _batches_class(base):
    class Batches(base):
        def __init__(self, n=10, batch_size=4, delay=0.0, **kwargs):
            super().__init__(**kwargs)
            self.n, self.batch_size, self.delay = n, batch_size, delay
            self.epoch_events = []
            self.threads = set()

        def __len__(self):
            return -(-self.n // self.batch_size)

        def __getitem__(self, index):
            if index >= len(self):
                raise IndexError(index)
            self.threads.add(threading.get_ident())
            if self.delay:
                # Later batches finish first, to check that order is kept.
                time.sleep(self.delay * (len(self) - index))
            lo, hi = index * self.batch_size, min(self.n, (index + 1) * self.batch_size)
            x = np.arange(lo, hi, dtype="float32")[:, None]
            return x, 2 * x

        def on_epoch_begin(self):
            self.epoch_events.append("begin")

        def on_epoch_end(self):
            self.epoch_events.append("end")

    return Batches


Batches = _batches_class(PyDataset)


def test_api_matches_keras(keras3):
    ours = Batches(workers=3, use_multiprocessing=True, max_queue_size=5)
    assert (ours.workers, ours.use_multiprocessing, ours.max_queue_size) == (3, True, 5)
    assert ours.num_batches == 3
    theirs = _batches_class(keras3.utils.PyDataset)()
    assert [name for name in ("workers", "use_multiprocessing", "max_queue_size", "num_batches",
                              "on_epoch_begin", "on_epoch_end") if hasattr(theirs, name)] == [
        name for name in ("workers", "use_multiprocessing", "max_queue_size", "num_batches",
                          "on_epoch_begin", "on_epoch_end") if hasattr(ours, name)]
    assert [len(x) for x, _ in ours] == [len(x) for x, _ in theirs] == [4, 4, 2]
    assert Sequence is PyDataset


def test_defaults_and_missing_super_warning():
    class NoSuper(PyDataset):
        def __init__(self):
            pass

        def __len__(self):
            return 1

        def __getitem__(self, index):
            return np.zeros((1, 1))

    ds = NoSuper()
    with pytest.warns(UserWarning, match="super\\(\\).__init__"):
        assert ds.workers == 1
    assert ds.use_multiprocessing is False and ds.max_queue_size == 10
    defaults = Batches()
    assert (defaults.workers, defaults.use_multiprocessing, defaults.max_queue_size) == (1, False, 10)


def test_unimplemented_methods_say_what_to_define():
    ds = PyDataset()
    with pytest.raises(NotImplementedError, match="__getitem__"):
        ds[0]
    with pytest.raises(NotImplementedError, match="num_batches"):
        _ = ds.num_batches


def test_num_batches_property_without_len():
    class Endless(PyDataset):
        @property
        def num_batches(self):
            return None

        def __getitem__(self, index):
            if index == 5:
                raise IndexError
            return index

    assert list(iterate_batches(Endless())) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("workers", [1, 3])
def test_iterate_batches_keeps_order(workers):
    ds = Batches(n=20, batch_size=4, delay=0.005, workers=workers, max_queue_size=3)
    firsts = [float(x[0, 0]) for x, _ in iterate_batches(ds)]
    assert firsts == [0.0, 4.0, 8.0, 12.0, 16.0]
    assert (len(ds.threads) > 1) == (workers > 1)


def test_iterate_batches_propagates_errors():
    class Broken(Batches):
        def __getitem__(self, index):
            if index == 1:
                raise RuntimeError("bad batch")
            return super().__getitem__(index)

    with pytest.raises(RuntimeError, match="bad batch"):
        list(iterate_batches(Broken(workers=2)))


def test_fit_on_pydataset():
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.001), loss="mse")
    ds = Batches(n=12, batch_size=4)
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert ds.epoch_events.count("end") == 2
