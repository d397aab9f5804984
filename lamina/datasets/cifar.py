"""Reading the CIFAR "python version" batches: pickled dicts of a uint8 `data` array and labels.

Pickle is CIFAR's original format. The batches are read with `_files.RestrictedUnpickler`
(NumPy arrays and plain data only), and only from the hash-checked download or from a path the
user passed explicitly.
"""

import os
import tarfile

import numpy as np

from lamina import config
from lamina.datasets import _files


def load_batch(fpath_or_file, label_key="labels"):
    """`(data, labels)` of one batch: data as (N, 3, 32, 32) uint8, labels as a list of ints."""
    if hasattr(fpath_or_file, "read"):
        d = _files.RestrictedUnpickler(fpath_or_file, encoding="bytes").load()
    else:
        with open(fpath_or_file, "rb") as f:
            d = _files.RestrictedUnpickler(f, encoding="bytes").load()
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    if "data" not in d or label_key not in d:
        raise ValueError(
            f"Not a CIFAR batch: expected the keys 'data' and '{label_key}', found {sorted(d)}."
        )
    data = np.asarray(d["data"])
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]


class BatchSource:
    """Opens the batch files of an extracted directory or, directly, of a `.tar.gz` archive."""

    def __init__(self, path, subdir, dataset):
        self.path, self.subdir, self.dataset = os.fspath(path), subdir, dataset
        self.archive = None
        if os.path.isfile(self.path):
            self.archive = tarfile.open(self.path)
        elif os.path.isdir(os.path.join(self.path, subdir)):
            self.path = os.path.join(self.path, subdir)
        elif not os.path.isdir(self.path):
            raise FileNotFoundError(
                f"{dataset}.load_data: no file or directory at path={self.path!r}. Pass the "
                f"downloaded .tar.gz archive or the extracted '{subdir}' directory."
            )

    def load(self, name, label_key="labels"):
        if self.archive is None:
            fpath = os.path.join(self.path, name)
            if not os.path.exists(fpath):
                raise FileNotFoundError(f"{self.dataset}.load_data: missing batch file {fpath}.")
            return load_batch(fpath, label_key)
        try:
            member = self.archive.getmember(f"{self.subdir}/{name}")
        except KeyError:
            raise FileNotFoundError(
                f"{self.dataset}.load_data: the archive {self.path} has no member "
                f"'{self.subdir}/{name}'."
            ) from None
        return load_batch(self.archive.extractfile(member), label_key)

    def close(self):
        if self.archive is not None:
            self.archive.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def channels_last(x):
    """CIFAR is stored channels-first; Keras returns the global image data format."""
    return x.transpose(0, 2, 3, 1) if config.image_data_format() == "channels_last" else x
