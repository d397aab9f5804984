"""Devices and processes: `list_devices`, `get_device_count`, `initialize`.

Devices are named as in Keras, `"<platform>:<id>"` (e.g. `"cpu:0"`, `"gpu:3"`); `DeviceMesh`
accepts those names or `jax.Device` objects.

>>> from lamina import distribution
>>> distribution.list_devices("cpu")[0]
'cpu:0'
>>> distribution.get_device_count("cpu") >= 1
True
"""

import os

import jax
import numpy as np

_DEVICE_TYPES = ("cpu", "gpu", "tpu")


def _check_device_type(device_type):
    if device_type is None:
        return None
    if not isinstance(device_type, str) or device_type.lower() not in _DEVICE_TYPES:
        raise ValueError(
            f"device_type must be one of {_DEVICE_TYPES} or None (the default accelerator, else "
            f"the CPU). Received: device_type={device_type!r}"
        )
    return device_type.lower()


def _jax_devices(device_type=None):
    device_type = _check_device_type(device_type)
    try:
        return jax.devices(device_type)
    except RuntimeError as e:
        raise ValueError(
            f"No '{device_type}' devices are available to JAX ({e}). Available: "
            f"{[f'{d.platform}:{d.id}' for d in jax.devices()]}. Pick another device_type, or "
            "leave it None for the default devices."
        ) from None


def list_devices(device_type=None):
    """The names of all devices of one type, across all processes (e.g. `["gpu:0", "gpu:1"]`).

    Args:
        device_type: `"cpu"`, `"gpu"`, `"tpu"`, or None for the default type (accelerators if
            there are any, else the CPU). Never a mix of types.

    >>> from lamina.distribution import list_devices
    >>> all(name.startswith("cpu:") for name in list_devices("cpu"))
    True
    """
    return [f"{d.platform}:{d.id}" for d in _jax_devices(device_type)]


def get_device_count(device_type=None):
    """How many devices of one type there are, across all processes.

    >>> from lamina.distribution import get_device_count, list_devices
    >>> get_device_count("cpu") == len(list_devices("cpu"))
    True
    """
    return len(_jax_devices(device_type))


def to_jax_device(device):
    """A `jax.Device` from a `jax.Device` or a name like `"cpu:1"` (or `"gpu"`, meaning id 0)."""
    if isinstance(device, jax.Device):
        return device
    name = str(device)
    platform, _, index = name.partition(":")
    try:
        wanted = int(index) if index else 0
    except ValueError:
        wanted = None
    if wanted is not None and platform.lower() in _DEVICE_TYPES:
        for d in _jax_devices(platform):
            if d.id == wanted:
                return d
    raise ValueError(
        f"Unknown device {device!r}. Devices are named '<type>:<id>'; available: "
        f"{list_devices()}."
    )


def _env_int(name):
    value = os.environ.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(
            f"Environment variable {name} must be an integer. Received: {name}={value!r}"
        ) from None


def initialize(job_addresses=None, num_processes=None, process_id=None):
    """Joins this process to a multi-process (multi-host) run; call it before any computation.

    Wraps `jax.distributed.initialize`. Every process runs the same program; afterwards
    `list_devices()` lists the devices of all processes, so a `DataParallel()` or `ModelParallel`
    made next spans them all. Unless `lamina.utils.set_random_seed` was called, process 0's seed
    is given to every process, so that they initialise the same weights and shuffle the same way.

    Args:
        job_addresses: `"host:port"` of process 0 (the coordinator), or all processes' addresses
            comma-separated (the first is used). Default: env `KERAS_DISTRIBUTION_JOB_ADDRESSES`,
            else JAX's own detection (TPU pods, SLURM, ...).
        num_processes: how many processes in all. Default: env
            `KERAS_DISTRIBUTION_NUM_PROCESSES`.
        process_id: this process's rank, `0 .. num_processes - 1`. Default: env
            `KERAS_DISTRIBUTION_PROCESS_ID`.

    Example (two terminals on one machine; use the coordinator's real address across hosts):

    ```python
    from lamina import distribution
    distribution.initialize("127.0.0.1:1234", num_processes=2, process_id=0)  # 1 in the other
    distribution.set_distribution(distribution.DataParallel())
    ```
    """
    if job_addresses is None:
        job_addresses = os.environ.get("KERAS_DISTRIBUTION_JOB_ADDRESSES")
    if num_processes is None:
        num_processes = _env_int("KERAS_DISTRIBUTION_NUM_PROCESSES")
    if process_id is None:
        process_id = _env_int("KERAS_DISTRIBUTION_PROCESS_ID")
    coordinator = job_addresses
    if job_addresses and "," in job_addresses:
        addresses = [a.strip() for a in job_addresses.split(",")]
        if num_processes is not None and num_processes != len(addresses):
            raise ValueError(
                f"job_addresses lists {len(addresses)} processes but num_processes="
                f"{num_processes}. Give one address per process, or only the coordinator's. "
                f"Received: job_addresses={job_addresses!r}"
            )
        coordinator = addresses[0]
    if num_processes is not None and (not isinstance(num_processes, int) or num_processes < 1):
        raise ValueError(f"num_processes must be a positive int. Received: num_processes={num_processes!r}")
    if process_id is not None and num_processes is not None and not 0 <= process_id < num_processes:
        raise ValueError(
            f"process_id must be in [0, num_processes - 1] = [0, {num_processes - 1}]. "
            f"Received: process_id={process_id!r}"
        )
    jax.distributed.initialize(
        coordinator_address=coordinator, num_processes=num_processes, process_id=process_id
    )
    _share_seed()


def _share_seed():
    """Gives every process process 0's random seed, unless the user already set one."""
    from lamina.backend import random as backend_random
    from lamina.utils.rng_utils import get_random_seed, set_random_seed

    if get_random_seed() is not None or jax.process_count() == 1:
        return
    from jax.experimental import multihost_utils

    local = np.asarray(backend_random._make_default_seed(), np.int32)
    seed = int(np.asarray(multihost_utils.broadcast_one_to_all(local)))
    set_random_seed(seed)
