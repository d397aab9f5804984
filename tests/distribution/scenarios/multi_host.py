"""Two processes training together over loopback, or the one-device reference run.

    python multi_host.py worker <process_id> <port>   # with 2 CPU devices per process
    python multi_host.py reference <seed>             # one process, no distribution

Workers join with `lamina.distribution.initialize` (no seed set: process 0's is shared), then
train under `DataParallel()` over all 4 devices of both processes: first on the same in-memory
arrays in both processes, then on a generator where each process yields its own half of every
batch (`auto_shard_dataset=False`), then check that different arrays in the two processes are
refused. The reference does the same training on one device with the workers' seed. Each prints
one `RESULT {json}` line.
"""

import sys

import numpy as np
from common import build, data, emit

import lamina as keras
from lamina import distribution as D
from lamina.utils import rng_utils

N, BATCH = 40, 8


def train(x, y):
    """The shared training recipe; the same calls (and random draws) in every run."""
    model = build(keras)
    history = model.fit(x, y, batch_size=BATCH, epochs=2, shuffle=True, verbose=0)
    return model, history


def half_batches(x, y, part, parts):
    """Part `part` of `parts` of every batch of BATCH rows, in order."""
    size = BATCH // parts
    for start in range(0, N, BATCH):
        lo = start + part * size
        yield x[lo:lo + size], y[lo:lo + size]


def report(model, history, gen_model, x, y):
    return {
        "weights": [np.asarray(w).tolist() for w in model.get_weights()],
        "loss": history.history["loss"],
        "evaluate": model.evaluate(x, y, batch_size=BATCH, verbose=0),
        "predict": model.predict(x, batch_size=BATCH, verbose=0).tolist(),
        "generator_weights": [np.asarray(w).tolist() for w in gen_model.get_weights()],
    }


def worker(process_id, port):
    import jax

    D.initialize(f"127.0.0.1:{port}", num_processes=2, process_id=process_id)
    x, y = data(N)
    dist = D.DataParallel()
    with dist.scope():
        seed = rng_utils.get_random_seed()
        model, history = train(x, y)
        specs = sorted({str(v.value.sharding.spec) for v in model.trainable_variables})
        meshes = sorted({str(dict(v.value.sharding.mesh.shape)) for v in model.trainable_variables})
    with D.DataParallel(auto_shard_dataset=False).scope():
        gen_model = build(keras)
        gen_model.fit(half_batches(x, y, process_id, 2), epochs=1, verbose=0)
    with dist.scope():
        result = report(model, history, gen_model, x, y)
        try:
            model.evaluate(x + process_id, y, batch_size=BATCH, verbose=0)
            result["different_data_error"] = None
        except ValueError as e:
            result["different_data_error"] = str(e)
    result.update(seed=seed, specs=specs, meshes=meshes, process_count=jax.process_count(),
                  device_count=jax.device_count(), local_device_count=jax.local_device_count())
    emit(result)
    jax.distributed.shutdown()


def reference(seed):
    keras.utils.set_random_seed(seed)
    x, y = data(N)
    model, history = train(x, y)
    gen_model = build(keras)
    gen_model.fit(half_batches(x, y, 0, 1), epochs=1, verbose=0)
    emit(report(model, history, gen_model, x, y))


if __name__ == "__main__":
    if sys.argv[1] == "worker":
        worker(int(sys.argv[2]), int(sys.argv[3]))
    else:
        reference(int(sys.argv[2]))
