"""The benchmark runner: lamina vs real Keras 3 (JAX backend) vs a hand-written JAX loop.

    python benchmarks/run.py [--workloads W1,W4] [--quick] [--trials N] [--out benchmarks/RESULTS.md]

Every system x workload runs in its own fresh interpreter (`worker.py`, one JSON line back), and
the systems are interleaved (lamina, Keras, JAX, lamina, Keras, JAX, ...) so that drift in the
machine's load hits them alike; each number is the median over trials, and every ratio compares
numbers taken in the same run. `--quick` is a smoke run (two steps per epoch, few calls).
"""

import argparse
import collections
import datetime
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import report  # noqa: E402
import workloads  # noqa: E402

ALL_SYSTEMS = ("lamina", "keras", "jax", "jax_scan", "jax_noynn")
# Workloads with convolutions: lamina compiles their training steps with YNNPACK off
# (lamina/trainers/compiler_options.py); `jax_noynn` times the hand-written loop the same way.
CONV_WORKLOADS = ("W2", "W3", "W6")


def run_json(args, timeout, retries=1):
    """Runs `python <args>` in a fresh interpreter; returns its last stdout line as JSON.

    A failed run is retried once after a pause: in a shared working tree, another engineer's
    half-saved edit can break one import.
    """
    result = _run_json_once(args, timeout)
    while "error" in result and retries > 0 and "timed out" not in str(result["error"]):
        retries -= 1
        time.sleep(10)
        result = _run_json_once(args, timeout)
    return result


def _run_json_once(args, timeout):
    env = dict(os.environ, KERAS_BACKEND="jax", PYTHONPATH=HERE)
    try:
        proc = subprocess.run([sys.executable] + args, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]}
    return json.loads(lines[-1])


def import_time(module):
    """Wall time of a fresh `python -c 'import <module>'` (interpreter start-up included)."""
    env = dict(os.environ, KERAS_BACKEND="jax")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True, env=env)
    return time.perf_counter() - t


def keras_installed():
    try:
        importlib.metadata.version("keras")
        return True
    except importlib.metadata.PackageNotFoundError:
        return False


def machine_info():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
        with open("/proc/meminfo") as f:
            mem_kb = int(next(line.split()[1] for line in f if line.startswith("MemTotal")))
    except OSError:
        mem_kb = 0
    versions = {}
    for pkg in ("jax", "jaxlib", "keras", "numpy"):
        try:
            versions[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            versions[pkg] = "not installed"
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem_kb / 2**20, "python": platform.python_version(),
            "versions": versions}


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workloads", default=",".join(workloads.WORKLOADS), help="comma-separated, e.g. W1,W4")
    p.add_argument("--systems", default=",".join(ALL_SYSTEMS), help="comma-separated subset of " + ",".join(ALL_SYSTEMS))
    p.add_argument("--quick", action="store_true", help="smoke run: tiny data, one timed epoch")
    p.add_argument("--trials", type=int, default=1)
    p.add_argument("--no-extras", action="store_true", help="skip import-time, memory and matmul-ceiling runs")
    p.add_argument("--timeout", type=int, default=600, help="seconds allowed for one subprocess")
    p.add_argument("--out", default=None, help="write the Markdown report here (default: print only)")
    args = p.parse_args(argv)
    args.workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    unknown = [w for w in args.workloads if w not in workloads.WORKLOADS]
    if unknown:
        p.error(f"unknown workloads {unknown}; choose from {list(workloads.WORKLOADS)}")
    args.systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    if any(s not in ALL_SYSTEMS for s in args.systems):
        p.error(f"--systems takes a subset of {ALL_SYSTEMS}. Received: {args.systems}")
    if "keras" in args.systems and not keras_installed():
        print("keras is not installed: running without it", file=sys.stderr)
        args.systems.remove("keras")
    return args


def measure(args):
    results = collections.defaultdict(list)
    imports = {m: [] for m in ("lamina", "keras", "jax") if m in args.systems or m == "jax"}
    mem = {s: [] for s in ("lamina", "keras") if s in args.systems}
    ceilings, errors = [], []
    quick = ["--quick"] if args.quick else []
    for trial in range(args.trials):
        if not args.no_extras:
            ceilings.append(run_json([os.path.join(HERE, "ceiling.py")] + (["--n", "512"] if args.quick else []), args.timeout))
        for wl in args.workloads:
            for system in args.systems:
                if system == "jax_scan" and wl != "W1":
                    continue  # the fused hand-written variant is for the MLP, where dispatch dominates
                if system == "jax_noynn" and wl not in CONV_WORKLOADS:
                    continue
                t = time.perf_counter()
                r = run_json([os.path.join(HERE, "worker.py"), "--system", system, "--workload", wl] + quick, args.timeout)
                print(f"trial {trial + 1}/{args.trials} {wl:4} {system:8} {time.perf_counter() - t:6.1f} s "
                      + (f"ERROR {r['error']}" if "error" in r else f"step {r['step_s'] * 1e3:.3f} ms"), file=sys.stderr)
                (errors.append((wl, system, r["error"])) if "error" in r else results[(wl, system)].append(r))
        if not args.no_extras:
            for module in imports:
                imports[module].append(import_time(module))
            for system in mem if trial == 0 else ():  # memory growth is not a timing: once is enough
                r = run_json([os.path.join(HERE, "memory.py"), "--system", system] + quick, args.timeout)
                (errors.append(("memory", system, r["error"])) if "error" in r else mem[system].append(r))
    ceiling = report.median_of([c for c in ceilings if "error" not in c], "matmul_gflops")
    return results, imports, mem, ceiling, errors


def _effective(args, w):
    return workloads.quick(w) if args.quick else w


def render(args, results, imports, mem, ceiling, errors, info, started, load_before, load_after, elapsed):
    rep = report.Report(results, args.workloads, args.systems)
    cmd = "python benchmarks/run.py " + " ".join(sys.argv[1:])
    sections = [
        "# lamina benchmarks",
        "",
        "Generated by `benchmarks/run.py`. Each system x workload ran in a fresh interpreter; systems were "
        "interleaved (lamina, Keras 3, JAX, ...) and each number is the median over trials. Ratios are "
        "lamina divided by the other system, measured in the same run (< 1 means lamina is faster, "
        "except for throughput where > 1 is better).",
        "",
        "## Machine and run",
        "",
        f"- date: {started:%Y-%m-%d %H:%M} UTC; run took {elapsed / 60:.1f} min",
        f"- CPU: {info['cpu']}; {info['cores']} cores; {info['memory_gb']:.1f} GiB memory; Python {info['python']}",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()),
        f"- load average (1/5/15 min) before: {load_before}; after: {load_after}",
        f"- command: `{cmd}`" + (" (quick smoke run: numbers are not meaningful)" if args.quick else ""),
        f"- trials: {args.trials}; workloads: {', '.join(args.workloads)}; systems: {', '.join(args.systems)}",
        "",
        "## Workloads",
        "",
        report._table(["key", "model", "batch", "train samples", "timed epochs", "optimizer", "loss"],
                      [[w.key, w.title, w.batch, w.samples, w.epochs, w.optimizer, w.loss]
                       for w in (_effective(args, workloads.WORKLOADS[k]) for k in args.workloads)]),
        "",
        "## Steady-state training step",
        "",
        "Median epoch time over the timed epochs (after the first) divided by steps per epoch; an "
        "epoch ends with a device sync. `JAX` dispatches one jitted step per batch; `JAX scan` (W1 "
        "only) fuses up to 16 steps per dispatch with `lax.scan`. `JAX, YNNPACK off` (W2, W3, W6) is "
        "the hand-written loop with `XLA_FLAGS=--xla_cpu_experimental_ynn_fusion_type=`, the XLA "
        "option lamina passes to `jax.jit` for convolutional models' training steps on CPU "
        "(`lamina/trainers/compiler_options.py`; see `CONV_OPTIONS.md`): `lamina/JAX same XLA "
        "options` compares like with like, while `lamina/JAX` and the targets compare against XLA's "
        "defaults, which is what a hand-written JAX program gets unless its author sets the flag.",
        "",
        rep.training_table(),
        "",
        "Process CPU time (all threads) per step over the same epochs; other processes' load "
        "inflates wall time much more than this (informative, no target):",
        "",
        rep.cpu_table(),
        "",
        "## First epoch (compilation included)",
        "",
        "From the `fit` call (or the first step of the hand-written loop) to the end of the first epoch.",
        "",
        rep.first_epoch_table(),
        "",
        "## predict(x[:1]) latency",
        "",
        "`model.predict(x[:1], verbose=0)` after warm-up: calls run in blocks of 20 and the fastest "
        "block median counts, over two looks (right after fit and after the throughput run). On this "
        "VM sub-0.1 ms calls of any system sometimes run 3-5x slower for seconds at a time; every "
        "system is measured the same way. The JAX column is a "
        "jitted forward plus the copy to NumPy (`np.asarray(fwd(params, x[:1]))`). JAX/Keras is the "
        "floor for lamina/Keras: where it is above 0.25, the 0.25x-Keras target cannot be met by "
        "removing overhead alone (marked FAIL (floor)).",
        "",
        rep.predict_table(),
        "",
        "## model(x[:1]) latency",
        "",
        "`model(x[:1])` on a NumPy array, result blocked on, timed as predict above. The JAX column is the jitted forward.",
        "",
        rep.call_table(),
        "",
        "## Batch inference throughput",
        "",
        "`model.predict(x, batch_size=<workload batch>)` on a large array (higher is better).",
        "",
        rep.throughput_table(),
        "",
        "## Achieved GFLOP/s (convolutional workloads)",
        "",
        "FLOPs per training step as counted by XLA for the hand-written step (the same math), "
        "divided by each system's step time; the ceiling is a 2048x2048 float32 `jnp.matmul` "
        "measured in the same run.",
        "",
        rep.flops_table(ceiling) if ceiling or args.no_extras is False else "(not measured)",
        "",
        "## Peak memory",
        "",
        "`ru_maxrss` of each worker process at its end (framework, data, compiled functions).",
        "",
        rep.memory_table(),
        "",
        "## Compilations",
        "",
        "XLA backend compilations counted during `fit` (first epoch plus timed epochs) and during the "
        "`predict(x[:1])` latency loop (including its warm-up).",
        "",
        rep.compile_table(),
    ]
    if not args.no_extras:
        sections += [
            "",
            "## Import time",
            "",
            rep.import_table(imports),
            "",
            "## Memory flatness",
            "",
            "Resident-set growth (current RSS, not the peak) on the W1 MLP: over consecutive "
            "`predict(x[:1])` calls after warm-up, and while models are built, compiled and "
            "called once each in a loop (from the 10th model on).",
            "",
            rep.flat_table(mem),
        ]
    sections += ["", "## Targets", "", rep.summary()]
    if errors:
        sections += ["", "## Errors", ""] + [f"- {wl} {system}: {err}" for wl, system, err in errors]
    return "\n".join(sections) + "\n"


def main(argv=None):
    args = parse_args(argv)
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = loadavg()
    t0 = time.perf_counter()
    results, imports, mem, ceiling, errors = measure(args)
    text = render(args, results, imports, mem, ceiling, errors, machine_info(), started, load_before, loadavg(),
                  time.perf_counter() - t0)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
        raw = os.path.splitext(args.out)[0] + ".json"
        with open(raw, "w") as f:
            json.dump({"results": {f"{w}/{s}": v for (w, s), v in results.items()}, "imports": imports,
                       "memory": mem, "matmul_gflops": ceiling, "errors": errors}, f, indent=1)
    print(text)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
