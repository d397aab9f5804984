"""Training speed of recurrent models: lamina vs real Keras 3 (JAX backend) vs hand-written JAX.

Two models from the Keras guides, trained with RMSprop:

- `stacked_lstm`: inputs (8, 16) -> LSTM(32, seq) -> LSTM(32, seq) -> LSTM(32) -> Dense(10, softmax),
  categorical cross-entropy, batch 64.
- `embedding_lstm`: token ids (100,) -> Embedding(1024, 256) -> LSTM(128) -> Dropout(0.5) ->
  Dense(1, sigmoid), binary cross-entropy, batch 16.

Each (model, framework) pair runs in its own process (so compile caches and imported libraries do
not interfere). One warm-up epoch absorbs compilation; then the median of the timed epochs is
reported. The hand-written baseline is a `jax.jit` train step over a `lax.scan` LSTM with the same
shapes, dispatched once per batch from Python, as a plain JAX training loop would be.

    python benchmarks/bench_rnn.py                    # both models, 3 timed epochs
    python benchmarks/bench_rnn.py --epochs 1 --samples 512 --models stacked_lstm
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

FRAMEWORKS = ("lamina", "keras", "jax")
MODELS = {
    # name: (batch size, default sample count)
    "stacked_lstm": (64, 4096),
    "embedding_lstm": (16, 1024),
}


# ---------------------------------------------------------------------------------------- data
def make_data(model_name, n, seed=0):
    rng = np.random.default_rng(seed)
    if model_name == "stacked_lstm":
        x = rng.random((n, 8, 16)).astype("float32")
        y = np.eye(10, dtype="float32")[rng.integers(0, 10, n)]
    else:
        x = rng.integers(0, 1024, size=(n, 100)).astype("int32")
        y = rng.integers(0, 2, size=(n, 1)).astype("float32")
    return x, y


# ----------------------------------------------------------------------- Keras-API frameworks
def build_keras_api(mod, model_name):
    layers = mod.layers
    model = mod.Sequential()
    if model_name == "stacked_lstm":
        model.add(mod.Input((8, 16)))
        model.add(layers.LSTM(32, return_sequences=True))
        model.add(layers.LSTM(32, return_sequences=True))
        model.add(layers.LSTM(32))
        model.add(layers.Dense(10, activation="softmax"))
        loss = "categorical_crossentropy"
    else:
        model.add(mod.Input((100,), dtype="int32"))
        model.add(layers.Embedding(1024, output_dim=256))
        model.add(layers.LSTM(128))
        model.add(layers.Dropout(0.5))
        model.add(layers.Dense(1, activation="sigmoid"))
        loss = "binary_crossentropy"
    model.compile(loss=loss, optimizer="rmsprop", metrics=["accuracy"])
    return model


def time_keras_api(framework, model_name, epochs, n):
    if framework == "keras":
        os.environ["KERAS_BACKEND"] = "jax"
        import keras as mod
    else:
        import lamina as mod
    batch = MODELS[model_name][0]
    x, y = make_data(model_name, n)
    model = build_keras_api(mod, model_name)
    times = []

    class Timer(mod.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            # The epoch's logs are host floats, so every step of the epoch has finished.
            times.append(time.perf_counter() - self.t0)

    model.fit(x, y, batch_size=batch, epochs=1 + epochs, verbose=0, callbacks=[Timer()])
    return times[1:]


# ------------------------------------------------------------------------- hand-written JAX
def time_plain_jax(model_name, epochs, n):
    import jax
    import jax.numpy as jnp

    batch = MODELS[model_name][0]
    x, y = make_data(model_name, n)
    rng = np.random.default_rng(0)

    def glorot(shape):
        limit = np.sqrt(6.0 / (shape[0] + shape[1]))
        return jnp.asarray(rng.uniform(-limit, limit, shape), "float32")

    def orthogonal(units, cols):
        q, _ = np.linalg.qr(rng.normal(size=(cols, units)))
        return jnp.asarray(q.T, "float32")

    def lstm_params(d, u):
        bias = np.zeros(4 * u, "float32")
        bias[u:2 * u] = 1.0
        return {"k": glorot((d, 4 * u)), "r": orthogonal(u, 4 * u), "b": jnp.asarray(bias)}

    def lstm(p, xs, return_sequences):
        u = p["r"].shape[0]
        proj = jnp.swapaxes(xs @ p["k"] + p["b"], 0, 1)  # (time, batch, 4u), outside the loop

        def step(carry, z_x):
            h, c = carry
            z = z_x + h @ p["r"]
            i = jax.nn.sigmoid(z[:, :u])
            f = jax.nn.sigmoid(z[:, u:2 * u])
            g = jnp.tanh(z[:, 2 * u:3 * u])
            o = jax.nn.sigmoid(z[:, 3 * u:])
            c = f * c + i * g
            h = o * jnp.tanh(c)
            return (h, c), (h if return_sequences else None)

        zeros = jnp.zeros((xs.shape[0], u), xs.dtype)
        (h, _), hs = jax.lax.scan(step, (zeros, zeros), proj)
        return jnp.swapaxes(hs, 0, 1) if return_sequences else h

    if model_name == "stacked_lstm":
        params = {"l1": lstm_params(16, 32), "l2": lstm_params(32, 32), "l3": lstm_params(32, 32),
                  "dk": glorot((32, 10)), "db": jnp.zeros(10)}

        def loss_fn(p, xb, yb, key):
            h = lstm(p["l1"], xb, True)
            h = lstm(p["l2"], h, True)
            h = lstm(p["l3"], h, False)
            logp = jax.nn.log_softmax(h @ p["dk"] + p["db"])
            return -jnp.mean(jnp.sum(yb * logp, -1))
    else:
        params = {"emb": jnp.asarray(rng.uniform(-0.05, 0.05, (1024, 256)), "float32"),
                  "l1": lstm_params(256, 128), "dk": glorot((128, 1)), "db": jnp.zeros(1)}

        def loss_fn(p, xb, yb, key):
            h = lstm(p["l1"], p["emb"][xb], False)
            keep = jax.random.bernoulli(key, 0.5, h.shape)
            h = jnp.where(keep, h / 0.5, 0.0)
            logits = h @ p["dk"] + p["db"]
            return jnp.mean(jnp.maximum(logits, 0) - logits * yb + jnp.log1p(jnp.exp(-jnp.abs(logits))))

    # RMSprop as Keras's defaults: lr 1e-3, rho 0.9, epsilon 1e-7.
    def train_step(p, acc, xd, yd, idx, key, step):
        # One dispatch per batch: the batch is gathered and the dropout key drawn inside the jit.
        xb, yb = xd[idx], yd[idx]
        loss, grads = jax.value_and_grad(loss_fn)(p, xb, yb, jax.random.fold_in(key, step))
        acc = jax.tree_util.tree_map(lambda a, g: 0.9 * a + 0.1 * g * g, acc, grads)
        p = jax.tree_util.tree_map(lambda w, g, a: w - 1e-3 * g / (jnp.sqrt(a) + 1e-7), p, grads, acc)
        return p, acc, loss

    train_step = jax.jit(train_step, donate_argnums=(0, 1))
    acc = jax.tree_util.tree_map(jnp.zeros_like, params)
    xd, yd = jax.device_put(x), jax.device_put(y)
    key = jax.random.PRNGKey(0)
    steps = int(np.ceil(n / batch))
    times = []
    for epoch in range(1 + epochs):
        t0 = time.perf_counter()
        order = np.random.permutation(n)
        batches = [jax.device_put(order[s * batch:(s + 1) * batch]) for s in range(steps)]
        losses = []
        for s, idx in enumerate(batches):
            params, acc, loss = train_step(params, acc, xd, yd, idx, key, epoch * steps + s)
            losses.append(loss)
        float(jnp.mean(jnp.stack(losses)))  # wait for the epoch, as fit's epoch logs do
        times.append(time.perf_counter() - t0)
    return times[1:]


# ------------------------------------------------------------------------------- driver
def worker(framework, model_name, epochs, n):
    if framework == "jax":
        times = time_plain_jax(model_name, epochs, n)
    else:
        times = time_keras_api(framework, model_name, epochs, n)
    import jax

    print(json.dumps({"epoch_s": statistics.median(times), "device": str(jax.devices()[0])}))


def run_worker(framework, model_name, epochs, n, timeout):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", framework, "--models", model_name,
           "--epochs", str(epochs), "--samples", str(n)]
    env = dict(os.environ, KERAS_BACKEND="jax")
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = repo + os.pathsep + env.get("PYTHONPATH", "")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout}s"}
    for line in reversed(proc.stdout.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {"error": (proc.stderr.strip().splitlines() or ["no output"])[-1]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated: " + ", ".join(MODELS))
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs (after one warm-up)")
    parser.add_argument("--samples", type=int, default=None, help="training samples per epoch")
    parser.add_argument("--trials", type=int, default=1,
                        help="processes per (model, framework), interleaved across frameworks")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per (model, framework)")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    models = [m for m in args.models.split(",") if m]
    for m in models:
        if m not in MODELS:
            parser.error(f"unknown model {m!r}; choose from {', '.join(MODELS)}")
    if args.worker:
        model_name = models[0]
        worker(args.worker, model_name, args.epochs, args.samples or MODELS[model_name][1])
        return
    frameworks = [f for f in args.frameworks.split(",") if f]
    results = {}
    for m in models:
        n = args.samples or MODELS[m][1]
        runs = {f: [] for f in frameworks}
        # Interleaved (lamina, keras, jax, lamina, ...) so drift in the machine's load hits all alike.
        for _ in range(args.trials):
            for f in frameworks:
                r = run_worker(f, m, args.epochs, n, args.timeout)
                print(f"  {m:<15} {f:<7} {r}", file=sys.stderr, flush=True)
                runs[f].append(r)
        for f in frameworks:
            ok = [r for r in runs[f] if "epoch_s" in r]
            results[(m, f)] = ({"epoch_s": statistics.median(r["epoch_s"] for r in ok),
                                "device": ok[0]["device"]} if ok else runs[f][-1])
    device = next((r["device"] for r in results.values() if "device" in r), "?")
    print(f"\nseconds per training epoch (median of {args.epochs} epochs x {args.trials} trials), "
          f"device: {device}")
    header = f"{'model':<16}" + "".join(f"{f:>12}" for f in frameworks)
    ratios = [f for f in frameworks if f != "lamina"] if "lamina" in frameworks else []
    header += "".join(f"{'lamina/' + f:>14}" for f in ratios)
    print(header)
    for m in models:
        row = f"{m:<16}"
        for f in frameworks:
            r = results[(m, f)]
            row += f"{r['epoch_s']:>12.4f}" if "epoch_s" in r else f"{'error':>12}"
        for f in ratios:
            a, b = results[(m, "lamina")], results[(m, f)]
            row += f"{a['epoch_s'] / b['epoch_s']:>14.2f}" if "epoch_s" in a and "epoch_s" in b else f"{'-':>14}"
        print(row)
    errors = {k: v["error"] for k, v in results.items() if "error" in v}
    for (m, f), e in errors.items():
        print(f"{m} / {f}: {e}")


if __name__ == "__main__":
    main()
