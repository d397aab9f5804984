"""HDF5 weight stores in Keras 3's layout: the arrays of the object at `path` live in `path/vars`.

`WeightsWriter.make(path, name)` gives a dict-like store (`store["0"] = array`) that writes the
datasets `path/vars/0`, ...; the `vars` group carries the object's name as its `name` attribute.
`WeightsReader.get(path)` gives the same view for reading. The root object's arrays are in `vars`.

>>> import io, h5py, numpy as np
>>> from lamina.saving.h5_store import WeightsReader, WeightsWriter
>>> buf = io.BytesIO()
>>> with h5py.File(buf, "w") as f:
...     WeightsWriter(f).make("layers/dense", "d")["0"] = np.ones((2, 3), "float32")
>>> with h5py.File(buf, "r") as f:
...     WeightsReader(f, "w.h5").get("layers/dense")["0"].shape
(2, 3)
"""

import numpy as np


class _WriteStore:
    def __init__(self, group):
        self._group = group

    def __setitem__(self, key, value):
        value = np.asarray(value)
        if value.dtype.name == "bfloat16":
            # HDF5 has no bfloat16: h5py stores opaque 2-byte values; Keras marks the dtype.
            ds = self._group.create_dataset(key, data=value)
            ds.attrs["dtype"] = "bfloat16"
        else:
            self._group.create_dataset(key, data=value)

    def keys(self):
        return list(self._group.keys())

    def __len__(self):
        return len(self._group)


class WeightsWriter:
    """Writes `path/vars/<i>` datasets into an open, writable `h5py.File`."""

    def __init__(self, h5file):
        self.h5file = h5file

    def make(self, path, name=None):
        group = self.h5file.create_group(f"{path}/vars" if path else "vars")
        if isinstance(name, str):
            group.attrs["name"] = name
        return _WriteStore(group)


class ReadStore:
    """The arrays saved for one object: `store.keys()`, `store["0"]` (a NumPy array)."""

    def __init__(self, group, group_path, filepath):
        self._group = group
        self.group_path = group_path
        self.filepath = filepath

    def keys(self):
        if self._group is None:
            return []
        return sorted(self._group.keys(), key=_index_key)

    def __len__(self):
        return len(self.keys())

    def __contains__(self, key):
        return self._group is not None and key in self._group

    def __getitem__(self, key):
        if self._group is None or key not in self._group:
            raise KeyError(f"'{self.filepath}' has no array '{self.group_path}/{key}'.")
        ds = self._group[key]
        if not hasattr(ds, "shape"):
            raise ValueError(
                f"'{self.filepath}' is not a valid weights file: '{self.group_path}/{key}' is a "
                "group, not an array."
            )
        try:
            value = ds[()]
        except Exception as e:  # noqa: BLE001 - h5py raises several types for damaged data
            raise ValueError(
                f"Could not read '{self.group_path}/{key}' from '{self.filepath}': the file may be "
                f"truncated or corrupted ({type(e).__name__}: {e})."
            ) from e
        if ds.attrs.get("dtype") == "bfloat16":
            import ml_dtypes

            value = np.asarray(value).view(ml_dtypes.bfloat16)
        return np.asarray(value)

    def shapes(self):
        return [tuple(self._group[k].shape) for k in self.keys()]


def _index_key(key):
    return (0, int(key)) if key.isdigit() else (1, key)


class WeightsReader:
    """Reads the `vars` groups of an open `h5py.File`; `filepath` is for error messages."""

    def __init__(self, h5file, filepath):
        self.h5file = h5file
        self.filepath = filepath

    def get(self, path):
        candidates = [path]
        if "_layer_checkpoint_dependencies" in self.h5file and path:
            # Files from Keras 2.13-2.15 name the layers list `_layer_checkpoint_dependencies`.
            candidates.append(path.replace("layers", "_layer_checkpoint_dependencies"))
        for candidate in candidates:
            group_path = f"{candidate}/vars" if candidate else "vars"
            if group_path in self.h5file:
                return ReadStore(self.h5file[group_path], group_path, self.filepath)
        return ReadStore(None, f"{path}/vars" if path else "vars", self.filepath)

    def nonempty_groups(self):
        """Paths of every `vars` group that holds arrays, e.g. `layers/dense/vars`."""
        found = []

        def visit(name, obj):
            if name.split("/")[-1] == "vars" and hasattr(obj, "keys") and len(obj.keys()):
                found.append(name)

        self.h5file.visititems(visit)
        return found
