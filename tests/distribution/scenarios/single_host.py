"""Data- and model-parallel training on 4 simulated CPU devices, compared with one device.

Run by tests/distribution/test_distribution_training.py in a subprocess (JAX fixes the device
count at start-up): `XLA_FLAGS=--xla_force_host_platform_device_count=4 python single_host.py`.
Prints one `RESULT {json}` line.
"""

import jax
import numpy as np
from common import build, data, emit, max_diff

import lamina as keras
from lamina import distribution as D
from lamina.distribution import trainer_hooks

EPOCHS = 2
N = 42  # 5 batches of 8 and a last one of 2, which 4 devices cannot split evenly


def specs(variables):
    return {v.path.split("/", 1)[1]: list(v.value.sharding.spec) for v in variables}


def mesh_of(values):
    """The mesh shapes the values live on ({} for a single device)."""
    out = set()
    for a in values:
        mesh = getattr(a.sharding, "mesh", None)
        out.add(str(dict(mesh.shape)) if mesh is not None else "{}")
    return sorted(out)


def errors(calls):
    out = {}
    for name, call in calls.items():
        try:
            call()
            out[name] = None
        except ValueError as e:
            out[name] = str(e)
    return out


def run_one(dist, x, y, reference):
    out = {}
    bad = 4 * dist._batch_parts() + 1  # a batch size the data-parallel devices cannot split
    with dist.scope():
        model = build(keras, seed=0)
        history = model.fit(x, y, batch_size=8, epochs=EPOCHS, shuffle=True, verbose=0)
        out["weights_diff"] = max_diff(model.get_weights(), reference["weights"])
        out["loss_diff"] = max_diff(history.history["loss"], reference["loss"])
        out["trainable_specs"] = specs(model.trainable_variables)
        out["optimizer_specs"] = specs(model.optimizer.variables)
        out["meshes"] = mesh_of([v.value for v in model.variables + model.optimizer.variables])
        out["evaluate_diff"] = max_diff(model.evaluate(x, y, batch_size=8, verbose=0), reference["evaluate"])
        out["predict_diff"] = max_diff([model.predict(x, batch_size=8, verbose=0)], [reference["predict"]])
        out["predict_small_diff"] = max_diff([model.predict(x[:4], verbose=0)], [reference["predict"][:4]])

        # Host batches (a generator): placed by place_batch.
        gen_model = build(keras, seed=1)
        gen_model.fit(((x[i:i + 8], y[i:i + 8]) for i in range(0, 40, 8)), epochs=1, verbose=0)
        out["generator_diff"] = max_diff(gen_model.get_weights(), reference["generator_weights"])

        out["errors"] = errors({
            "fit": lambda: build(keras, seed=0).fit(x, y, batch_size=bad, verbose=0),
            "evaluate": lambda: model.evaluate(x, y, batch_size=bad, verbose=0),
            "generator": lambda: build(keras, seed=0).fit(((x[:bad], y[:bad]) for _ in range(2)), verbose=0),
        })

        # The hooks the trainer does not call yet (see the report): pinning the state inside the
        # step, and predict's placement.
        lists = model._refresh_state_lists()
        state = tuple([v.value for v in vs] for vs in lists)
        pinned = jax.jit(lambda s: trainer_hooks.constrain_state(lists, s))(state)
        out["constrain_state_specs"] = [list(a.sharding.spec) for a in pinned[0]]
        values = trainer_hooks.place_values(model.trainable_variables, [np.asarray(v) for v in model.trainable_variables])
        out["place_values_specs"] = [list(a.sharding.spec) for a in values]
        inputs = jax.jit(lambda a: trainer_hooks.constrain_inputs(a) * 1.0)(x[:8])
        out["constrain_inputs_spec"] = list(inputs.sharding.spec)
    return out


def main():
    assert jax.device_count() == 4, jax.devices()
    x, y = data(N)
    # The reference: the same training with no distribution (one device).
    model = build(keras, seed=0)
    history = model.fit(x, y, batch_size=8, epochs=EPOCHS, shuffle=True, verbose=0)
    gen_model = build(keras, seed=1)
    gen_model.fit(((x[i:i + 8], y[i:i + 8]) for i in range(0, 40, 8)), epochs=1, verbose=0)
    reference = {
        "weights": model.get_weights(),
        "loss": history.history["loss"],
        "evaluate": model.evaluate(x, y, batch_size=8, verbose=0),
        "predict": model.predict(x, batch_size=8, verbose=0),
        "generator_weights": gen_model.get_weights(),
    }
    result = {"reference_meshes": mesh_of([v.value for v in model.trainable_variables])}

    result["data_parallel"] = run_one(D.DataParallel(), x, y, reference)

    mesh = D.DeviceMesh((2, 2), ["batch", "model"])
    layout_map = D.LayoutMap(mesh)
    layout_map[".*dense.*kernel"] = (None, "model")
    layout_map[".*dense.*bias"] = ("model",)
    result["model_parallel"] = run_one(D.ModelParallel(layout_map=layout_map), x, y, reference)
    emit(result)


if __name__ == "__main__":
    main()
