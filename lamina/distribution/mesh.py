"""`DeviceMesh` (devices arranged on named axes) and `TensorLayout` (how an array maps onto them).

They are thin, Keras-named descriptions of `jax.sharding.Mesh` and `jax.sharding.NamedSharding`
(`.backend_mesh`, `.backend_layout`); XLA partitions the compiled training step from them.

>>> from lamina.distribution import DeviceMesh, TensorLayout, list_devices
>>> mesh = DeviceMesh((1,), ["batch"], devices=list_devices("cpu")[:1])
>>> mesh
<DeviceMesh shape=(1,), axis_names=['batch']>
>>> TensorLayout(["batch", None], mesh).backend_layout.spec
P('batch', None)
"""

import math

import jax
import numpy as np

from lamina.distribution.devices import list_devices, to_jax_device


class DeviceMesh:
    """Devices arranged in an n-d grid whose axes have names (`"batch"`, `"model"`, ...).

    Args:
        shape: the grid's shape, e.g. `(8,)` for data parallelism or `(2, 4)` for 2-way data and
            4-way model parallelism. Its product must equal the number of devices.
        axis_names: one name per axis; layouts refer to axes by these names.
        devices: device names (`"gpu:0"`) or `jax.Device`s, in row-major order. Default: all
            devices from `list_devices()`.

    >>> from lamina.distribution import DeviceMesh, list_devices
    >>> mesh = DeviceMesh((1, 1), ("batch", "model"), devices=list_devices("cpu")[:1])
    >>> mesh.shape, mesh.axis_names
    ((1, 1), ('batch', 'model'))
    """

    def __init__(self, shape, axis_names, devices=None):
        if not shape or not axis_names:
            raise ValueError(
                "DeviceMesh needs a non-empty shape and axis_names. "
                f"Received: shape={shape!r}, axis_names={axis_names!r}"
            )
        if isinstance(axis_names, str):
            raise ValueError(
                "axis_names must be a list of names, one per mesh axis, e.g. ['batch']. "
                f"Received: axis_names={axis_names!r}"
            )
        if len(shape) != len(axis_names):
            raise ValueError(
                "DeviceMesh needs one axis name per dimension of shape. "
                f"Received: shape={shape!r}, axis_names={axis_names!r}"
            )
        if len(set(axis_names)) != len(axis_names):
            raise ValueError(f"Mesh axis names must be distinct. Received: axis_names={axis_names!r}")
        if devices is None:
            devices = list_devices()
        devices = np.array(devices, dtype=object)
        if math.prod(shape) != devices.size:
            raise ValueError(
                f"A mesh of shape {tuple(shape)} needs {math.prod(shape)} devices, but "
                f"{devices.size} were given. Choose a shape whose product is {devices.size}, or "
                f"pass that many devices. Received: shape={shape!r}"
            )
        self._shape = shape
        self._axis_names = axis_names
        self._devices = devices.reshape(tuple(shape))
        self._backend_mesh = None

    @property
    def shape(self):
        return self._shape

    @property
    def axis_names(self):
        return self._axis_names

    @property
    def devices(self):
        return self._devices

    @property
    def backend_mesh(self):
        """The `jax.sharding.Mesh` of these devices."""
        if self._backend_mesh is None:
            flat = [to_jax_device(d) for d in self._devices.reshape(-1)]
            grid = np.empty(len(flat), dtype=object)
            grid[:] = flat
            self._backend_mesh = jax.sharding.Mesh(grid.reshape(self._devices.shape), tuple(self._axis_names))
        return self._backend_mesh

    def axis_size(self, name):
        return int(self._devices.shape[list(self._axis_names).index(name)])

    def __repr__(self):
        return f"<DeviceMesh shape={self.shape}, axis_names={self.axis_names}>"

    __str__ = __repr__


class TensorLayout:
    """Which mesh axis (or None: not split) each dimension of an array is split over.

    Args:
        axes: one entry per leading dimension: a mesh axis name, or None to keep that dimension
            whole. Dimensions past the end are not split.
        device_mesh: the `DeviceMesh`; may be set later (a `LayoutMap` fills in its own).

    >>> from lamina.distribution import TensorLayout
    >>> TensorLayout((None, "model")).axes
    (None, 'model')
    """

    def __init__(self, axes, device_mesh=None):
        self._axes = tuple(axes)
        self._device_mesh = device_mesh
        self._backend_layout = None
        self._validate_axes()

    @property
    def axes(self):
        return self._axes

    @property
    def device_mesh(self):
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh):
        if self._device_mesh is not None:
            raise ValueError(
                f"This TensorLayout already has a device mesh ({self._device_mesh}); it cannot be "
                "replaced. Create a new TensorLayout for the other mesh."
            )
        self._device_mesh = device_mesh
        self._validate_axes()

    @property
    def backend_layout(self):
        """The `jax.sharding.NamedSharding` of this layout."""
        if self._device_mesh is None:
            raise ValueError(
                f"TensorLayout(axes={self._axes}) has no device mesh, so it cannot be placed on "
                "devices. Pass device_mesh=..., or add it to a LayoutMap (which sets its mesh)."
            )
        if self._backend_layout is None:
            spec = jax.sharding.PartitionSpec(*self._axes)
            self._backend_layout = jax.sharding.NamedSharding(self._device_mesh.backend_mesh, spec)
        return self._backend_layout

    def _validate_axes(self):
        if self._device_mesh is None:
            return
        valid = set(self._device_mesh.axis_names)
        unknown = [a for a in self._axes if a is not None and a not in valid]
        if unknown:
            raise ValueError(
                f"TensorLayout axes {list(self._axes)} name {unknown}, which are not axes of the "
                f"device mesh {self._device_mesh}. Use names from {sorted(valid)}, or None for a "
                "dimension that is not split."
            )

    def __repr__(self):
        return f"<TensorLayout axes={self.axes}, device_mesh={self.device_mesh}>"

    __str__ = __repr__
