"""The Keras 3 `keras.distribution` API in lamina, on the test process's one CPU device.

Names, lookups and layouts are compared with real Keras 3; training on several devices is in
test_distribution_training.py and test_distribution_multi_host.py (subprocesses).
"""

import doctest
import importlib

import jax
import numpy as np
import pytest

import lamina
from lamina import distribution as D
from lamina.distribution import trainer_hooks, training
from lamina.distribution.placement import check_fits


@pytest.fixture(autouse=True)
def _no_distribution_left():
    yield
    D.set_distribution(None)


def one_device_mesh(names=("batch",)):
    return D.DeviceMesh((1,) * len(names), list(names), devices=D.list_devices("cpu")[:1])


# ------------------------------------------------------------------------------ devices
def test_list_devices_and_count_match_keras(keras3):
    for device_type in (None, "cpu", "CPU"):
        assert D.list_devices(device_type) == keras3.distribution.list_devices(device_type)
        assert D.get_device_count(device_type) == keras3.distribution.get_device_count(device_type)


@pytest.mark.parametrize("bad", ["npu", 3])
def test_list_devices_rejects_unknown_types(bad):
    with pytest.raises(ValueError, match="device_type must be one of"):
        D.list_devices(bad)


def test_public_names_match_keras(keras3):
    keras_names = {n for n in dir(keras3.distribution) if not n.startswith("_")}
    assert keras_names <= set(D.__all__)
    assert lamina.distribution is D


# ------------------------------------------------------------------------------ mesh, layouts
def test_device_mesh_matches_keras(keras3):
    devices = D.list_devices()
    ours = D.DeviceMesh((1, 1), ["batch", "model"], devices=devices)
    theirs = keras3.distribution.DeviceMesh((1, 1), ["batch", "model"], devices=devices)
    assert ours.shape == theirs.shape and ours.axis_names == theirs.axis_names
    assert ours.devices.tolist() == theirs.devices.tolist()
    assert repr(ours) == repr(theirs)
    mesh = ours.backend_mesh
    assert isinstance(mesh, jax.sharding.Mesh)
    assert dict(mesh.shape) == {"batch": 1, "model": 1}
    assert mesh.devices.flat[0] == jax.devices("cpu")[0]


def test_device_mesh_accepts_jax_devices():
    mesh = D.DeviceMesh((1,), ["batch"], devices=jax.devices("cpu")[:1])
    assert mesh.backend_mesh.devices.flat[0] is jax.devices("cpu")[0]


@pytest.mark.parametrize("shape, names, match", [
    ((), ["batch"], "non-empty"),
    ((1,), [], "non-empty"),
    ((1,), ["batch", "model"], "one axis name per dimension"),
    ((2,), ["batch"], "needs 2 devices, but 1 were given"),
    ((1, 1), ["a", "a"], "distinct"),
    ((1,), "batch", "list of names"),
])
def test_device_mesh_errors(shape, names, match):
    with pytest.raises(ValueError, match=match):
        D.DeviceMesh(shape, names, devices=D.list_devices()[:1])


def test_unknown_device_name_is_a_clear_error():
    mesh = D.DeviceMesh((1,), ["batch"], devices=["cpu:12345"])
    with pytest.raises(ValueError, match="Unknown device 'cpu:12345'"):
        _ = mesh.backend_mesh


def test_tensor_layout():
    mesh = one_device_mesh(("batch", "model"))
    layout = D.TensorLayout([None, "model"])
    assert layout.axes == (None, "model") and layout.device_mesh is None
    with pytest.raises(ValueError, match="has no device mesh"):
        _ = layout.backend_layout
    layout.device_mesh = mesh
    assert layout.backend_layout.spec == jax.sharding.PartitionSpec(None, "model")
    with pytest.raises(ValueError, match="already has a device mesh"):
        layout.device_mesh = mesh
    with pytest.raises(ValueError, match=r"name \['data'\], which are not axes"):
        D.TensorLayout(["data"], mesh)


def test_tensor_layout_repr_matches_keras(keras3):
    assert repr(D.TensorLayout((None, "model"))) == repr(keras3.distribution.TensorLayout((None, "model")))


# ------------------------------------------------------------------------------ LayoutMap
PATTERNS = [".*dense.*kernel", ".*dense.*bias", "conv2d_1/kernel", "model/(conv|dense)_[0-9]+/gamma"]
PATHS = [
    "sequential/dense/kernel", "dense_1/kernel", "dense/bias", "sequential/dense_2/bias",
    "conv2d_1/kernel", "conv2d_12/kernel", "my_model/conv2d_1/kernel", "model/conv_3/gamma",
    "model/dense_3/gamma", "dense/kernel/extra", "embedding/embeddings", ".*dense.*kernel",
]


def test_layout_map_lookup_matches_keras(keras3):
    ours, theirs = D.LayoutMap(None), keras3.distribution.LayoutMap(None)
    for i, pattern in enumerate(PATTERNS):
        ours[pattern] = (None, f"axis{i}")
        theirs[pattern] = (None, f"axis{i}")
    assert list(ours) == list(theirs) and len(ours) == len(theirs)
    for path in PATHS:
        a, b = ours[path], theirs[path]
        assert (a is None) == (b is None), path
        if a is not None:
            assert a.axes == b.axes, path


def test_layout_map_several_matches_is_an_error_as_in_keras(keras3):
    for layout_map in (D.LayoutMap(None), keras3.distribution.LayoutMap(None)):
        layout_map["dense.*"] = ("model",)
        layout_map[".*kernel"] = (None, "model")
        with pytest.raises(ValueError, match="matches"):
            layout_map["dense/kernel"]
        # An exact key wins over the regexes.
        layout_map["dense/kernel"] = ("exact",)
        assert layout_map["dense/kernel"].axes == ("exact",)


def test_layout_map_set_get_delete():
    mesh = one_device_mesh(("batch", "model"))
    layout_map = D.LayoutMap(mesh)
    layout_map["a"] = D.TensorLayout(["model"])
    layout_map["b"] = [None, "model"]
    assert layout_map["a"].device_mesh is mesh and layout_map["b"].axes == (None, "model")
    assert layout_map.get("zzz") is None and layout_map.get("zzz", 1) == 1
    with pytest.raises(ValueError, match="already has the key 'a'"):
        layout_map["a"] = ("model",)
    with pytest.raises(ValueError, match="TensorLayouts or tuples"):
        layout_map["c"] = "model"
    with pytest.raises(ValueError, match="not axes of the device mesh"):
        layout_map["c"] = ("data",)
    del layout_map["a"]
    assert list(layout_map) == ["b"]


# ------------------------------------------------------------------------------ distributions
class _Var:
    def __init__(self, path, shape):
        self.path, self.shape = path, shape


def test_data_parallel_matches_keras(keras3):
    ours, theirs = D.DataParallel(), keras3.distribution.DataParallel()
    assert ours.batch_dim_name == theirs.batch_dim_name == "batch"
    assert ours.device_mesh.shape == theirs.device_mesh.shape
    assert ours.num_model_replicas == theirs.num_model_replicas
    assert ours.num_processes == theirs.num_processes == 1
    assert ours.data_shard_id == theirs.data_shard_id == 0
    assert ours.auto_shard_dataset is theirs.auto_shard_dataset is True
    assert ours.get_data_layout((8, 3)).axes == theirs.get_data_layout((8, 3)).axes
    v = _Var("dense/kernel", (3, 4))
    assert ours.get_variable_layout(v).axes == theirs.get_variable_layout(v).axes
    assert ours.get_tensor_layout("x") is theirs.get_tensor_layout("x") is None


def test_data_parallel_from_mesh_and_devices():
    mesh = one_device_mesh(("data",))
    assert D.DataParallel(device_mesh=mesh).batch_dim_name == "data"
    assert D.DataParallel(devices=D.list_devices()[:1]).device_mesh.axis_names == ["batch"]
    with pytest.raises(ValueError, match="expects a lamina.distribution.DeviceMesh"):
        D.DataParallel(device_mesh="mesh")
    with pytest.warns(UserWarning, match="1-d device mesh"):
        dp = D.DataParallel(device_mesh=one_device_mesh(("batch", "model")))
    assert dp.batch_dim_name == "batch"


def _layout_maps(keras3):
    ours = D.LayoutMap(one_device_mesh(("batch", "model")))
    theirs = keras3.distribution.LayoutMap(
        keras3.distribution.DeviceMesh((1, 1), ["batch", "model"], devices=D.list_devices()[:1]))
    for layout_map in (ours, theirs):
        layout_map[".*dense.*kernel"] = (None, "model")
        layout_map[".*dense.*bias"] = ("model",)
    return ours, theirs


def test_model_parallel_matches_keras(keras3):
    ours_map, theirs_map = _layout_maps(keras3)
    for kwargs in ({}, {"batch_dim_name": "model"}):
        ours = D.ModelParallel(layout_map=ours_map, **kwargs)
        theirs = keras3.distribution.ModelParallel(layout_map=theirs_map, **kwargs)
        assert ours.batch_dim_name == theirs.batch_dim_name
        assert ours.num_model_replicas == theirs.num_model_replicas
        assert ours.get_data_layout((8, 3)).axes == theirs.get_data_layout((8, 3)).axes
        for v in (_Var("seq/dense/kernel", (3, 4)), _Var("seq/dense/bias", (4,)), _Var("emb/embeddings", (9, 2))):
            assert ours.get_variable_layout(v).axes == theirs.get_variable_layout(v).axes, v.path
        assert ours.get_tensor_layout("seq/dense/bias").axes == theirs.get_tensor_layout("seq/dense/bias").axes


def test_model_parallel_errors():
    layout_map = D.LayoutMap(one_device_mesh(("batch", "model")))
    with pytest.raises(ValueError, match="needs a layout_map"):
        D.ModelParallel()
    with pytest.raises(ValueError, match="must be a lamina.distribution.LayoutMap"):
        D.ModelParallel(layout_map={".*": ("model",)})
    with pytest.raises(ValueError, match="batch_dim_name must be an axis"):
        D.ModelParallel(layout_map=layout_map, batch_dim_name="data")
    with pytest.raises(TypeError, match="unexpected arguments"):
        D.ModelParallel(layout_map=layout_map, bogus=1)
    with pytest.raises(ValueError, match="has no device mesh"):
        D.ModelParallel(layout_map=D.LayoutMap(None))
    with pytest.raises(ValueError, match="differs"):
        D.ModelParallel(layout_map=layout_map, device_mesh=one_device_mesh(("batch", "model")))
    # Keras's old spelling with the same mesh is accepted.
    assert D.ModelParallel(layout_map=layout_map, device_mesh=layout_map.device_mesh).batch_dim_name == "batch"


def test_set_distribution_and_scope():
    assert D.distribution() is None
    dp = D.DataParallel()
    with dp.scope():
        assert D.distribution() is dp
        inner = D.DataParallel()
        with pytest.raises(RuntimeError), inner.scope():
            assert D.distribution() is inner
            raise RuntimeError("leaves the scope")
        assert D.distribution() is dp
    assert D.distribution() is None
    D.set_distribution(dp)
    assert D.distribution() is dp
    with pytest.raises(ValueError, match="expects a lamina.distribution.Distribution"):
        D.set_distribution("data_parallel")
    assert D.distribution() is dp


# ------------------------------------------------------------------------------ placing arrays
def test_distribute_tensor_eager_and_traced():
    mesh = one_device_mesh(("batch", "model"))
    layout = D.TensorLayout([None, "model"], mesh)
    x = D.distribute_tensor(np.ones((2, 3), "float32"), layout)
    assert x.sharding.spec == jax.sharding.PartitionSpec(None, "model")
    assert D.distribute_tensor(x, layout) is x  # already placed: no copy
    y = jax.jit(lambda a: D.distribute_tensor(a * 2, layout))(np.ones((2, 3), "float32"))
    np.testing.assert_array_equal(np.asarray(y), 2.0)
    v = lamina.Variable(np.zeros((2, 3)))
    assert D.distribute_tensor(v, layout.backend_layout).sharding.spec == layout.backend_layout.spec
    kt = lamina.Input((3,))
    assert D.distribute_tensor(kt, layout) is kt
    with pytest.raises(ValueError, match="names 2 dimensions"):
        D.distribute_tensor(np.ones((3,)), layout)
    with pytest.raises(ValueError, match="TensorLayout or a jax.sharding.Sharding"):
        D.distribute_tensor(np.ones((3,)), ("model",))


def test_check_fits_reports_uneven_splits():
    # A 2-way axis, described without devices: check_fits only reads the mesh's axis sizes.
    mesh = jax.sharding.AbstractMesh((2,), ("model",))
    sharding = jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec(None, "model"))
    check_fits((3, 4), sharding, "x")
    with pytest.raises(ValueError, match=r"splits dimension 1 \(size 5\) into 2 parts"):
        check_fits((3, 5), sharding, "Variable 'dense/kernel'")


def test_distribute_variable():
    mesh = one_device_mesh(("batch", "model"))
    v = lamina.Variable(np.arange(6.0).reshape(2, 3), name="kernel")
    assert D.distribute_variable(v, D.TensorLayout([None, "model"], mesh)) is v
    assert v.value.sharding.spec == jax.sharding.PartitionSpec(None, "model")
    np.testing.assert_array_equal(v.numpy(), np.arange(6.0).reshape(2, 3))
    with pytest.raises(ValueError, match="needs a layout, or a current distribution"):
        D.distribute_variable(v)
    layout_map = D.LayoutMap(mesh)
    layout_map["kern.*"] = ("model",)
    w = lamina.Variable(np.zeros((2, 3)), name="kernel")
    with D.ModelParallel(layout_map=layout_map).scope():
        D.distribute_variable(w)
    assert w.value.sharding.spec == jax.sharding.PartitionSpec("model")


# ------------------------------------------------------------------------------ trainer hooks
def _adam_model():
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(4), lamina.layers.Dense(2, name="out")])
    model.compile(optimizer="adam", loss="mse")
    model.optimizer.build(model.trainable_variables)
    return model


def test_state_layouts_follow_the_layout_map_and_slots_follow_their_variable():
    model = _adam_model()
    layout_map = D.LayoutMap(one_device_mesh(("batch", "model")))
    layout_map[".*dense.*kernel"] = (None, "model")
    dist = D.ModelParallel(layout_map=layout_map)
    lists = (model.trainable_variables, [], model.optimizer.variables, [])
    shardings = training.state_shardings(dist, lists)
    specs = {v.path: tuple(s.spec) for vs, ss in zip(lists, shardings) for v, s in zip(vs, ss)}
    kernel = model.trainable_variables[0].path
    assert specs[kernel] == (None, "model")
    assert all(spec == () or spec == (None,) * len(spec) for path, spec in specs.items()
               if "dense" not in path or "kernel" not in path), specs
    slots = [p for p in specs if p.endswith(("_kernel_momentum", "_kernel_velocity")) and "dense" in p and "out" not in p]
    assert len(slots) == 2 and all(specs[p] == (None, "model") for p in slots), specs


def test_slot_owner_is_the_longest_matching_variable_of_the_same_shape():
    owners = {"m_dense_kernel": _Var("m/dense/kernel", (2, 3)), "m_dense": _Var("m/dense", (5,)),
              "m_dense_1_kernel": _Var("m/dense_1/kernel", (3, 3))}
    assert training._slot_owner(_Var("adam/m_dense_kernel_momentum", (2, 3)), owners).path == "m/dense/kernel"
    assert training._slot_owner(_Var("adam/m_dense_1_kernel_velocity", (3, 3)), owners).path == "m/dense_1/kernel"
    assert training._slot_owner(_Var("adam/m_dense_kernel_momentum", (5,)), owners).path == "m/dense"
    assert training._slot_owner(_Var("adam/iteration", ()), owners) is None


def test_hooks_are_no_ops_without_a_distribution():
    state = ([1], [2], [3], [4])
    assert trainer_hooks.place_state(None, state) is state
    assert trainer_hooks.place_arrays(state) is state
    assert trainer_hooks.constrain_batch(state) is state
    assert trainer_hooks.place_batch(state) is state
    assert trainer_hooks.constrain_state(None, state) is state
    assert trainer_hooks.place_values([], [1]) == [1]


def test_place_arrays_is_cached_per_array():
    dist = D.DataParallel()
    x = jax.numpy.ones((4, 2))
    first = training.place_arrays(dist, (x, None, None))
    assert training.place_arrays(dist, (x, None, None))[0] is first[0]
    assert first[0].sharding.spec == jax.sharding.PartitionSpec()
    del x, first
    assert dist._array_cache == {}  # dropped with the data


def test_fit_evaluate_predict_under_a_one_device_distribution():
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    y = x[:, :2] * 2.0

    def run(dist):
        lamina.utils.set_random_seed(3)
        model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
        model.compile(optimizer="sgd", loss="mse")
        with dist.scope() if dist else _nothing():
            model.fit(x, y, batch_size=4, epochs=2, verbose=0)
            return model.get_weights(), model.evaluate(x, y, verbose=0), model.predict(x, verbose=0)

    plain, distributed = run(None), run(D.DataParallel())
    for a, b in zip(plain[0], distributed[0]):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(plain[1], distributed[1], rtol=1e-6)
    np.testing.assert_allclose(plain[2], distributed[2], rtol=1e-6, atol=1e-7)


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


# ------------------------------------------------------------------------------ initialize
@pytest.mark.parametrize("kwargs, match", [
    ({"job_addresses": "a:1,b:2,c:3", "num_processes": 2, "process_id": 0}, "lists 3 processes but num_processes=2"),
    ({"job_addresses": "a:1", "num_processes": 2, "process_id": 2}, r"process_id must be in \[0, num_processes - 1\]"),
    ({"job_addresses": "a:1", "num_processes": 0, "process_id": 0}, "num_processes must be a positive int"),
])
def test_initialize_checks_its_arguments_before_connecting(kwargs, match):
    with pytest.raises(ValueError, match=match):
        D.initialize(**kwargs)


def test_initialize_reads_the_environment(monkeypatch):
    monkeypatch.setenv("KERAS_DISTRIBUTION_JOB_ADDRESSES", "a:1,b:2")
    monkeypatch.setenv("KERAS_DISTRIBUTION_NUM_PROCESSES", "3")
    monkeypatch.setenv("KERAS_DISTRIBUTION_PROCESS_ID", "0")
    with pytest.raises(ValueError, match="lists 2 processes but num_processes=3"):
        D.initialize()
    monkeypatch.setenv("KERAS_DISTRIBUTION_NUM_PROCESSES", "two")
    with pytest.raises(ValueError, match="must be an integer"):
        D.initialize()


# ------------------------------------------------------------------------------ docs
MODULES = ["__init__", "devices", "mesh", "layout_map", "distributions", "global_state",
           "placement", "training", "trainer_hooks"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module("lamina.distribution" + ("" if name == "__init__" else f".{name}"))
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0
