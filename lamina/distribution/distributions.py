"""`DataParallel` and `ModelParallel`: how training is spread over a `DeviceMesh`.

Both split every batch along its first axis over the mesh's batch axis. `DataParallel` keeps a
full copy of every variable on each device; `ModelParallel` splits the variables its `LayoutMap`
names (the rest are copied). Set one with `set_distribution(...)` or `with dist.scope():`, then
`fit`/`evaluate`/`predict` as usual.

>>> from lamina import distribution
>>> dp = distribution.DataParallel(devices=distribution.list_devices("cpu")[:1])
>>> with dp.scope():
...     distribution.distribution() is dp
True
"""

import contextlib
import warnings

import jax

from lamina.distribution import global_state
from lamina.distribution import training as _training
from lamina.distribution.devices import list_devices
from lamina.distribution.layout_map import LayoutMap
from lamina.distribution.mesh import DeviceMesh, TensorLayout

DEFAULT_BATCH_DIM_NAME = "batch"


class Distribution:
    """Base class: a device mesh, the name of its batch axis, and the layouts of variables.

    Args:
        device_mesh: the `DeviceMesh`.
        batch_dim_name: the mesh axis that batches are split over.
        auto_shard_dataset: in a multi-process run, True (default) means every process passes
            the same, whole data and each batch is split over all processes' devices; False
            means each process's generator yields its own part of every batch (in-memory arrays
            must then be the same everywhere, so they are refused).
    """

    def __init__(self, device_mesh, batch_dim_name=None, auto_shard_dataset=True):
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self._auto_shard_dataset = auto_shard_dataset
        self._num_processes = jax.process_count()
        self._process_id = jax.process_index()
        self._is_multi_process = self._num_processes > 1
        self._array_cache = {}
        self._largest_batch = {}  # per kind of input: largest evenly split batch seen

    # -- Keras API ------------------------------------------------------------------------------
    @property
    def device_mesh(self):
        return self._device_mesh

    @property
    def batch_dim_name(self):
        return self._batch_dim_name

    @property
    def auto_shard_dataset(self):
        return self._auto_shard_dataset

    @auto_shard_dataset.setter
    def auto_shard_dataset(self, value):
        self._auto_shard_dataset = value

    @property
    def num_processes(self):
        """How many processes take part (1 unless `initialize()` joined several)."""
        return self._num_processes

    @property
    def num_model_replicas(self):
        """How many groups of devices each see a different part of the batch."""
        raise NotImplementedError

    @property
    def data_shard_id(self):
        """Which part of the data this process reads when it reads its own part."""
        replicas = self.num_model_replicas
        if replicas >= self._num_processes:
            return self._process_id
        return self._process_id // (self._num_processes // replicas)

    def get_data_layout(self, data_shape):
        """The `TensorLayout` of a batch of shape `data_shape`: split along its first axis."""
        axes = [None] * len(data_shape)
        axes[0] = self._batch_dim_name
        return TensorLayout(axes, self._device_mesh)

    def get_variable_layout(self, variable):
        """The `TensorLayout` of `variable` (replicated unless the distribution says otherwise)."""
        raise NotImplementedError

    def get_tensor_layout(self, path):
        """The `TensorLayout` for an intermediate value named `path`, or None."""
        return None

    @contextlib.contextmanager
    def scope(self):
        """Makes this the distribution in effect inside a `with` block."""
        previous = global_state.distribution()
        global_state.set_distribution(self)
        try:
            yield
        finally:
            global_state.set_distribution(previous)

    def __repr__(self):
        return f"<{type(self).__name__} device_mesh={self.device_mesh}>"

    __str__ = __repr__

    # -- what the trainer calls (lamina/distribution/trainer_hooks.py) ----------------------------
    def _variable_sharding(self, variable):
        return _training.variable_sharding(self, variable)

    def _batch_parts(self):
        return self._device_mesh.axis_size(self._batch_dim_name)

    def _place_state(self, lists, state):
        return _training.place_state(self, lists, state)

    def _constrain_state(self, lists, state):
        return _training.constrain_state(self, lists, state)

    def _place_arrays(self, arrays):
        return _training.place_arrays(self, arrays)

    def _constrain_batch(self, batch):
        return _training.constrain_batch(self, batch)

    def _place_batch(self, batch):
        return _training.place_batch(self, batch)


class DataParallel(Distribution):
    """Data parallelism: each device holds all variables and computes on a slice of each batch.

    Gradients are averaged over devices by the compiled step, so training gives the same weights
    as on one device (up to float rounding). The batch size must be divisible by the number of
    devices.

    Args:
        device_mesh: a 1-d `DeviceMesh` (with more axes, the first is the batch axis).
        devices: the devices to use, instead of a mesh.
        auto_shard_dataset: see `Distribution`.

    Without arguments, all devices from `list_devices()` are used.

    >>> from lamina.distribution import DataParallel, list_devices
    >>> dp = DataParallel(devices=list_devices("cpu")[:1])
    >>> dp.batch_dim_name, dp.num_model_replicas
    ('batch', 1)
    """

    def __init__(self, device_mesh=None, devices=None, auto_shard_dataset=True):
        if device_mesh is not None:
            if not isinstance(device_mesh, DeviceMesh):
                raise ValueError(
                    "DataParallel(device_mesh=...) expects a lamina.distribution.DeviceMesh. "
                    f"Received: device_mesh={device_mesh!r} (of type {type(device_mesh).__name__})"
                )
            if len(device_mesh.shape) != 1:
                warnings.warn(
                    f"DataParallel expects a 1-d device mesh; received one of shape "
                    f"{device_mesh.shape}. Batches are split over its first axis "
                    f"'{device_mesh.axis_names[0]}' only.",
                    stacklevel=2,
                )
            super().__init__(device_mesh, device_mesh.axis_names[0], auto_shard_dataset)
            return
        if devices is None or len(devices) == 0:
            devices = list_devices()
        mesh = DeviceMesh((len(devices),), [DEFAULT_BATCH_DIM_NAME], devices=list(devices))
        super().__init__(mesh, DEFAULT_BATCH_DIM_NAME, auto_shard_dataset)

    @property
    def num_model_replicas(self):
        return int(self.device_mesh.devices.size)

    def get_variable_layout(self, variable):
        layout = getattr(variable, "_layout", None)
        if layout is not None:
            return layout
        return TensorLayout([None] * len(variable.shape), self.device_mesh)


class ModelParallel(Distribution):
    """Model (and data) parallelism: variables named by a `LayoutMap` are split across devices.

    Args:
        layout_map: the `LayoutMap` (it also gives the mesh). Variables whose paths match none of
            its keys are replicated.
        batch_dim_name: the mesh axis batches are split over. Default: the mesh's first axis.
        auto_shard_dataset: see `Distribution`.

    Example: a 2 x 2 mesh; Dense kernels split by output units over "model", batches over
    "batch" (here with the one CPU device, to stay runnable anywhere: shape (1, 1)):

    >>> from lamina import distribution
    >>> mesh = distribution.DeviceMesh((1, 1), ["batch", "model"],
    ...                                devices=distribution.list_devices("cpu")[:1])
    >>> layout_map = distribution.LayoutMap(mesh)
    >>> layout_map[".*dense.*kernel"] = (None, "model")
    >>> mp = distribution.ModelParallel(layout_map=layout_map, batch_dim_name="batch")
    >>> mp.num_model_replicas
    1
    """

    def __init__(self, *, layout_map=None, batch_dim_name=None, auto_shard_dataset=True, **kwargs):
        device_mesh = kwargs.pop("device_mesh", None)
        if kwargs:
            raise TypeError(
                f"ModelParallel() got unexpected arguments {sorted(kwargs)}. It takes layout_map, "
                "batch_dim_name and auto_shard_dataset."
            )
        if layout_map is None:
            raise ValueError(
                "ModelParallel needs a layout_map: a LayoutMap of the variables to split. For "
                "plain data parallelism use DataParallel()."
            )
        if not isinstance(layout_map, LayoutMap):
            raise ValueError(
                "layout_map must be a lamina.distribution.LayoutMap. "
                f"Received: layout_map={layout_map!r} (of type {type(layout_map).__name__})"
            )
        mesh = layout_map.device_mesh
        if mesh is None:
            raise ValueError(
                "The layout_map has no device mesh. Create it with LayoutMap(DeviceMesh(...))."
            )
        if device_mesh is not None and device_mesh is not mesh:
            raise ValueError(
                "ModelParallel takes its mesh from layout_map; the device_mesh given differs. "
                f"Drop device_mesh=. Received: device_mesh={device_mesh}, layout_map.device_mesh={mesh}"
            )
        batch_dim_name = batch_dim_name or mesh.axis_names[0]
        if batch_dim_name not in mesh.axis_names:
            raise ValueError(
                f"batch_dim_name must be an axis of the device mesh {list(mesh.axis_names)}. "
                f"Received: batch_dim_name={batch_dim_name!r}"
            )
        super().__init__(mesh, batch_dim_name, auto_shard_dataset)
        self._layout_map = layout_map
        replicas = self.num_model_replicas
        if self._num_processes > replicas and self._num_processes % replicas:
            raise ValueError(
                f"With more processes ({self._num_processes}) than model replicas ({replicas}, the "
                f"size of mesh axis '{batch_dim_name}'), the number of processes must be a "
                "multiple of the number of replicas. Change the mesh shape."
            )

    @property
    def num_model_replicas(self):
        return self.device_mesh.axis_size(self.batch_dim_name)

    def get_variable_layout(self, variable):
        layout = getattr(variable, "_layout", None)
        if layout is not None:
            return layout
        layout = self._layout_map[variable.path]
        if layout is not None:
            return layout
        return TensorLayout([None] * len(variable.shape), self.device_mesh)

    def get_tensor_layout(self, path):
        return self._layout_map[path]
