"""How a distribution places the training state and the data (the trainer hooks' bodies).

- State: model variables as their layout says; optimizer slots like the variable they belong to;
  everything else (step counters, metric accumulators) replicated.
- Datasets held in memory: replicated on every device once (cached), so each device gathers its
  part of a batch locally.
- Batches: split along the first axis over the mesh's batch axis, inside the compiled step
  (`with_sharding_constraint`) or eagerly for host batches.

>>> import numpy as np
>>> from lamina import Variable
>>> from lamina.distribution import DataParallel, list_devices
>>> from lamina.distribution import training
>>> dp = DataParallel(devices=list_devices("cpu")[:1])
>>> v = Variable(np.zeros((2, 2)), name="kernel")
>>> state = training.place_state(dp, ([v], [], [], []), ([v.value], [], [], []))
>>> state[0][0].sharding.spec
P(None, None)
"""

import weakref

import jax
import numpy as np

from lamina.distribution.placement import check_fits, put, to_sharding


def _replicated(dist):
    return jax.sharding.NamedSharding(dist.device_mesh.backend_mesh, jax.sharding.PartitionSpec())


def _data_sharding(dist):
    spec = jax.sharding.PartitionSpec(dist.batch_dim_name)
    return jax.sharding.NamedSharding(dist.device_mesh.backend_mesh, spec)


# ------------------------------------------------------------------------------------ state
def variable_sharding(dist, variable):
    layout = dist.get_variable_layout(variable)
    layout_mesh = getattr(layout, "device_mesh", None)
    if layout_mesh is not None and layout_mesh is not dist.device_mesh:
        mesh = layout_mesh.backend_mesh
        if mesh.devices.shape != dist.device_mesh.backend_mesh.devices.shape or any(
            a != b for a, b in zip(mesh.devices.flat, dist.device_mesh.backend_mesh.devices.flat)
        ):
            raise ValueError(
                f"Variable '{variable.path}' has a layout on another device mesh ({layout_mesh}) "
                f"than the distribution's ({dist.device_mesh}). Use the distribution's mesh."
            )
    sharding = to_sharding(layout)
    check_fits(variable.shape, sharding, f"Variable '{variable.path}'")
    return sharding


def _slot_owner(slot, owners):
    """The model variable an optimizer slot belongs to, from the slot's name.

    Optimizers name slots `<variable path, '/' -> '_'>_<slot name>` (as Keras does), so the
    longest such prefix with the same shape is the owner; None for counters and the like.
    """
    name = slot.path.rsplit("/", 1)[-1]
    cut = name.rfind("_")
    while cut > 0:
        owner = owners.get(name[:cut])
        if owner is not None and tuple(owner.shape) == tuple(slot.shape):
            return owner
        cut = name.rfind("_", 0, cut)
    return None


def state_shardings(dist, lists):
    trainable, non_trainable, optimizer_vars, metric_vars = lists
    model_vars = list(trainable) + list(non_trainable)
    by_id = {id(v): variable_sharding(dist, v) for v in model_vars}
    owners = {v.path.replace("/", "_").replace(":", "_"): v for v in model_vars}
    replicated = _replicated(dist)

    def for_slot(v):
        if getattr(v, "_layout", None) is not None:
            return variable_sharding(dist, v)
        owner = _slot_owner(v, owners)
        return by_id[id(owner)] if owner is not None else replicated

    return (
        [by_id[id(v)] for v in trainable],
        [by_id[id(v)] for v in non_trainable],
        [for_slot(v) for v in optimizer_vars],
        [replicated for _ in metric_vars],
    )


def place_state(dist, lists, state):
    shardings = state_shardings(dist, lists)
    return tuple(
        [put(value, sharding) for value, sharding in zip(values, group)]
        for values, group in zip(state, shardings)
    )


def constrain_state(dist, lists, state):
    """Inside a compiled step: the new state pinned to the layouts `place_state` gave it."""
    shardings = state_shardings(dist, lists)
    return tuple(
        [jax.lax.with_sharding_constraint(value, sharding) for value, sharding in zip(values, group)]
        for values, group in zip(state, shardings)
    )


# ------------------------------------------------------------------------------------- data
def _fingerprint(leaf):
    """A few numbers that differ when two processes hold different data (read from ~1k values)."""
    size = int(np.size(leaf))
    sample = np.asarray(leaf.reshape(-1)[:: max(1, size // 1024)]).astype(np.float64)
    return [float(size), float(np.sum(sample)), float(np.sum(sample * np.arange(sample.size)))]


def _check_same_everywhere(leaves):
    """In a multi-process run, in-memory data must be the same in every process."""
    from jax.experimental import multihost_utils

    mine = np.asarray([x for leaf in leaves for x in _fingerprint(leaf)] or [0.0], np.float64)
    everyone = np.asarray(multihost_utils.process_allgather(mine))
    if not np.all(everyone == everyone[:1]):
        raise ValueError(
            "The processes passed different in-memory data to fit/evaluate/predict. With a "
            "distribution across processes, each process must pass the same, whole arrays; lamina "
            "splits every batch over all devices. To feed each process its own part of the data, "
            "yield per-process batches from a generator and set `auto_shard_dataset=False`."
        )


def place_arrays(dist, arrays):
    leaves, treedef = jax.tree_util.tree_flatten(arrays)
    if not leaves:
        return arrays
    cache = dist._array_cache
    if all(id(leaf) in cache and cache[id(leaf)][0]() is leaf for leaf in leaves):
        return jax.tree_util.tree_unflatten(treedef, [cache[id(leaf)][1] for leaf in leaves])
    if dist._is_multi_process:
        if not dist.auto_shard_dataset:
            raise ValueError(
                "auto_shard_dataset=False means each process feeds its own part of every batch, "
                "which lamina supports for generators, not for in-memory arrays. Pass a generator "
                "yielding this process's batches, or set auto_shard_dataset=True and pass the "
                "same, whole arrays in every process."
            )
        _check_same_everywhere(leaves)
    replicated = _replicated(dist)
    placed = []
    for leaf in leaves:
        value = put(leaf, replicated)
        placed.append(value)
        try:
            # The copies are dropped with the data they copy, not kept until the next fit.
            ref = weakref.ref(leaf, lambda _, key=id(leaf): cache.pop(key, None))
        except TypeError:  # not weak-referenceable: placed again next time
            continue
        cache[id(leaf)] = (ref, value)
    return jax.tree_util.tree_unflatten(treedef, placed)


def _batch_size(batch):
    for leaf in jax.tree_util.tree_leaves(batch):
        if np.ndim(leaf):
            return int(np.shape(leaf)[0])
    return None


def _not_divisible(dist, n):
    parts = dist._batch_parts()
    return ValueError(
        f"The batch size ({n}) must be divisible by the number of data-parallel devices ({parts}, "
        f"mesh axis '{dist.batch_dim_name}' of {dist.device_mesh}). Pass a batch_size that is a "
        f"multiple of {parts} (e.g. {max(parts, n - n % parts)}); with fewer samples than "
        "batch_size, the batch is all the samples, so their number must be a multiple too."
    )


def _check_batch(dist, batch, n, padded):
    """True if a batch of `n` splits evenly; raises when it should and does not.

    Full batches must split evenly. A smaller, unpadded batch of data seen before in bigger
    batches (the trainer runs the last partial batch unpadded for user losses and metrics, and
    for user train steps) is the exception: XLA splits it unevenly.
    """
    kind = tuple((tuple(np.shape(a)[1:]), str(a.dtype)) for a in jax.tree_util.tree_leaves(batch[0]))
    if n % dist._batch_parts() == 0:
        dist._largest_batch[kind] = max(dist._largest_batch.get(kind, 0), n)
        return True
    if padded or n >= dist._largest_batch.get(kind, 0):
        raise _not_divisible(dist, n)
    return False


def constrain_batch(dist, batch):
    n = _batch_size(batch)
    if n is None:
        return batch
    _check_batch(dist, batch, n, padded=batch[3] is not None)
    sharding = _data_sharding(dist)

    def constrain(a):
        return jax.lax.with_sharding_constraint(a, sharding) if np.ndim(a) else a

    return jax.tree_util.tree_map(constrain, batch)


def place_batch(dist, batch):
    n = _batch_size(batch)
    if n is None:
        return batch
    per_process = dist._is_multi_process and not dist.auto_shard_dataset
    total = n * dist.num_processes if per_process else n
    # An uneven last batch goes to every device whole; the compiled step splits it.
    even = _check_batch(dist, batch, total, padded=per_process)
    sharding = _data_sharding(dist) if even else _replicated(dist)

    def place(a):
        if not np.ndim(a):
            return a
        if per_process:
            return jax.make_array_from_process_local_data(sharding, np.asarray(a))
        return put(a, sharding)

    return jax.tree_util.tree_map(place, batch)
