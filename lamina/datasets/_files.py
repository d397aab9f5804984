"""Where dataset files come from: a hash-checked download into `~/.lamina/datasets`, or a local
copy the user names explicitly.

Safety: some formats hold pickled Python objects (CIFAR's batches; the object arrays inside
imdb/reuters `.npz`). They are read with a restricted unpickler that can only rebuild NumPy
arrays, lists, dicts, strings and numbers, never import or call anything else, and only from a
file whose hash was checked after download or from a path the user passed explicitly.

>>> from lamina.datasets._files import is_local_path
>>> is_local_path("mnist.npz"), is_local_path("/data/mnist.npz")
(False, True)
"""

import io
import os
import pickle
import zipfile

import numpy as np

from lamina.utils import file_utils

TF_DATASETS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

# The only globals a dataset pickle may name: what NumPy needs to rebuild an array, and the
# str-to-bytes conversion Python 3 writes for bytes in protocol-2 pickles (it runs no code).
_ALLOWED_GLOBALS = frozenset({
    ("_codecs", "encode"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
})


def is_local_path(path):
    """True when `path` names a file location (has a directory part) rather than a cache name."""
    path = os.fspath(path)
    return os.path.dirname(path) != "" or os.path.isabs(path)


def resolve(path, default_name, origin, file_hash, dataset, cache_subdir="datasets", **kwargs):
    """The file to read: `path` itself when it is a local path, else the cached download."""
    path = os.path.expanduser(os.fspath(path))
    if is_local_path(path):
        if not os.path.exists(path):
            raise FileNotFoundError(
                f"{dataset}.load_data: no file at path={path!r}. Pass the path of a local copy of "
                f"{default_name}, or a bare file name to download it into the cache."
            )
        return path
    try:
        return file_utils.get_file(path, origin=origin, file_hash=file_hash,
                                   cache_subdir=cache_subdir, **kwargs)
    except RuntimeError as e:
        target = os.path.join(file_utils.lamina_home(), cache_subdir, path)
        raise RuntimeError(
            f"{dataset}.load_data: could not download {origin} (no network access?). Download it "
            f"elsewhere and either copy it to {target} (its hash is checked) or pass "
            f"path='/full/path/to/{default_name}'. Details: {e}"
        ) from e


class RestrictedUnpickler(pickle.Unpickler):
    """Unpickles plain data and NumPy arrays only; any other global is refused."""

    def find_class(self, module, name):
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"Refusing to load `{module}.{name}` from a dataset file: dataset files only hold "
            "arrays and plain data. The file is corrupted or not what it claims to be."
        )


def _read_npy(buffer):
    try:
        return np.lib.format.read_array(buffer, allow_pickle=False)
    except ValueError:
        # An object array: its payload is a pickle, read with the restricted unpickler.
        buffer.seek(0)
        major, _ = np.lib.format.read_magic(buffer)
        if major == 1:
            np.lib.format.read_array_header_1_0(buffer)
        elif major in (2, 3):
            np.lib.format.read_array_header_2_0(buffer)
        else:
            raise ValueError(f"Unsupported .npy format version {major} in a dataset file.") from None
        return RestrictedUnpickler(buffer).load()


def load_npz(path):
    """`{name: array}` of an `.npz` file, object arrays included (restricted unpickling)."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as raw:
                    arrays[member[: -len(".npy")]] = _read_npy(io.BytesIO(raw.read()))
    return arrays


def check_keys(arrays, keys, path, dataset):
    missing = [k for k in keys if k not in arrays]
    if missing:
        raise ValueError(
            f"{dataset}.load_data: {path} is not a {dataset} file: it lacks the arrays {missing} "
            f"(it has {sorted(arrays)})."
        )
