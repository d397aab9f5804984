"""Training throughput of an MLP under `lamina.distribution`, against the number of devices.

Each configuration runs in its own process, since JAX fixes its devices at start-up:

- simulated CPU devices (`--xla_force_host_platform_device_count`): no distribution on 1 device,
  `DataParallel` on 1, 2 and 4 devices, and `ModelParallel` on a 2 x 2 mesh (Dense kernels split
  over "model"). Simulated devices share the machine's CPU cores, so these rows measure what
  partitioning costs, not a speed-up.
- real accelerators, when JAX sees GPUs or TPUs (`--real auto`, the default): `DataParallel` on
  1, 2, 4, ... of them.

The model: inputs (512,) -> Dense(1024, relu) -> Dense(1024, relu) -> Dense(10), Adam, sparse
categorical cross-entropy. One warm-up epoch absorbs compilation; the median of the timed epochs
is reported as samples per second.

    python benchmarks/bench_distribution.py
    python benchmarks/bench_distribution.py --devices 1 2 --samples 4096 --epochs 2 --real off
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

FEATURES, HIDDEN, CLASSES = 512, 1024, 10


def worker(args):
    import numpy as np

    import lamina as keras
    from lamina import distribution as D

    rng = np.random.default_rng(0)
    x = rng.normal(size=(args.samples, FEATURES)).astype("float32")
    y = rng.integers(0, CLASSES, size=(args.samples,)).astype("int32")
    n = args.count
    devices = D.list_devices(None if args.platform == "real" else "cpu")[:n]
    if args.mode == "none":
        dist = None
    elif args.mode == "data_parallel":
        dist = D.DataParallel(devices=devices)
    else:
        mesh = D.DeviceMesh((n // 2, 2), ["batch", "model"], devices=devices)
        layout_map = D.LayoutMap(mesh)
        layout_map[".*dense.*kernel"] = (None, "model")
        layout_map[".*dense.*bias"] = ("model",)
        dist = D.ModelParallel(layout_map=layout_map)
    D.set_distribution(dist)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((FEATURES,)),
        keras.layers.Dense(HIDDEN, activation="relu"),
        keras.layers.Dense(HIDDEN, activation="relu"),
        keras.layers.Dense(CLASSES),
    ])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=args.batch_size, epochs=1, verbose=0)  # compile
    times = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        model.fit(x, y, batch_size=args.batch_size, epochs=1, verbose=0)
        times.append(time.perf_counter() - start)
    epoch = statistics.median(times)
    print("RESULT " + json.dumps({"samples_per_s": args.samples / epoch, "epoch_s": epoch}))


def run_config(platform, mode, count, args):
    env = dict(os.environ)
    if platform == "cpu":
        env["JAX_PLATFORMS"] = "cpu"
        env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={count}"
    cmd = [sys.executable, __file__, "--worker", "--platform", platform, "--mode", mode,
           "--count", str(count), "--samples", str(args.samples), "--batch-size",
           str(args.batch_size), "--epochs", str(args.epochs)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=args.timeout)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    sys.stderr.write(f"{platform} {mode} x{count} failed:\n{proc.stderr[-2000:]}\n")
    return None


def accelerator_count():
    code = "import jax; print(sum(d.platform != 'cpu' for d in jax.devices()))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    try:
        return int(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--samples", type=int, default=8192)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--real", choices=["auto", "off"], default="auto")
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--platform", default="cpu", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="data_parallel", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    configs = [("cpu", "none", 1)] + [("cpu", "data_parallel", n) for n in args.devices]
    if 4 in args.devices:
        configs.append(("cpu", "model_parallel", 4))
    if args.real == "auto":
        total = accelerator_count()
        n = 1
        while n <= total:
            configs.append(("real", "data_parallel", n))
            n *= 2
    print(f"MLP {FEATURES}-{HIDDEN}-{HIDDEN}-{CLASSES}, {args.samples} samples, batch "
          f"{args.batch_size}, median of {args.epochs} epochs")
    print(f"{'devices':<22} {'distribution':<22} {'samples/s':>12} {'epoch (s)':>10}")
    for platform, mode, count in configs:
        result = run_config(platform, mode, count, args)
        where = f"{count} x {'simulated cpu' if platform == 'cpu' else 'accelerator'}"
        label = {"none": "none", "data_parallel": "DataParallel",
                 "model_parallel": f"ModelParallel {count // 2}x2"}[mode]
        if result is None:
            print(f"{where:<22} {label:<22} {'failed':>12}")
        else:
            print(f"{where:<22} {label:<22} {result['samples_per_s']:>12,.0f} {result['epoch_s']:>10.3f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
