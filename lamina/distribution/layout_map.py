"""`LayoutMap`: which variables are split across the mesh, by regular expressions on their paths.

Lookup follows Keras 3: an exact key wins; otherwise every key is tried as a regex that must match
the whole path (`re.fullmatch`); more than one match is an error; no match gives None (the
variable is replicated).

>>> from lamina.distribution import LayoutMap
>>> layout_map = LayoutMap(None)
>>> layout_map[".*dense.*kernel"] = (None, "model")
>>> layout_map["sequential/dense/kernel"].axes
(None, 'model')
>>> layout_map["sequential/dense/bias"] is None
True
"""

import collections
import collections.abc
import re

from lamina.distribution.mesh import TensorLayout


class LayoutMap(collections.abc.MutableMapping):
    """A dict from path regexes to `TensorLayout`s; values may be given as tuples of axis names.

    Args:
        device_mesh: the `DeviceMesh` the layouts refer to; layouts added without a mesh get it.

    >>> from lamina.distribution import DeviceMesh, LayoutMap, list_devices
    >>> mesh = DeviceMesh((1, 1), ["batch", "model"], devices=list_devices("cpu")[:1])
    >>> layout_map = LayoutMap(mesh)
    >>> layout_map["dense.*/kernel"] = (None, "model")
    >>> layout_map["dense_1/kernel"].device_mesh is mesh
    True
    """

    def __init__(self, device_mesh):
        self._layouts = collections.OrderedDict()
        self._device_mesh = device_mesh

    def __getitem__(self, key):
        if key in self._layouts:
            return self._layouts[key]
        matches = [pattern for pattern in self._layouts if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(
                f"Path '{key}' matches several LayoutMap keys: {matches}. Each variable may match "
                "at most one key; make the patterns more specific."
            )
        return self._layouts[matches[0]] if matches else None

    def __setitem__(self, key, layout):
        if key in self._layouts:
            raise ValueError(
                f"LayoutMap already has the key '{key}' (layout {self._layouts[key]}). Each key "
                "may be set once; delete it first to replace it."
            )
        if isinstance(layout, (tuple, list)):
            layout = TensorLayout(layout)
        if not isinstance(layout, TensorLayout):
            raise ValueError(
                f"LayoutMap values must be TensorLayouts or tuples of mesh axis names (None for a "
                f"dimension that is not split). Received: {key!r}: {layout!r} (of type "
                f"{type(layout).__name__})"
            )
        if layout.device_mesh is None and self._device_mesh is not None:
            layout.device_mesh = self._device_mesh
        self._layouts[key] = layout

    def __delitem__(self, key):
        return self._layouts.pop(key)

    def __len__(self):
        return len(self._layouts)

    def __iter__(self):
        return iter(self._layouts)

    def get(self, key, default=None):
        """The layout for the path `key` (regex lookup, as `[]`), or `default` when none matches."""
        layout = self[key]
        return default if layout is None else layout

    @property
    def device_mesh(self):
        return self._device_mesh
