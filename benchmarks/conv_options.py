"""Ways to run the convolutional workloads' convolutions on CPU, timed side by side.

    python benchmarks/conv_options.py [--repeats 5] [--out benchmarks/CONV_OPTIONS.md]

Issue 11 asks what can close the gap between XLA's CPU convolutions and oneDNN (PyTorch, Keras on
TensorFlow). Every convolution of W2 and W3 is timed forward + backward (gradients for the input
and the kernel, as in a training step), in two families of variants:

- **expressions** of the same convolution in one process: `lax.conv_general_dilated` in NHWC (what
  lamina emits) and in NCHW; im2col as one patch matrix times the kernel; and a sum of
  `kh * kw` shifted matrix products (no patch matrix);
- **XLA options**, each in a fresh process (flags are read once, when the backend starts):
  YNNPACK convolutions, YNNPACK/XNNPACK off, oneDNN, one Eigen thread, fast math, 512-bit vectors.

Achieved GFLOP/s are reported next to a float32 matmul ceiling measured in the same process.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

# (name, batch, height, width, in channels, out channels, padding): every convolution of W2, W3.
LAYERS = [
    ("W2 conv1", 128, 28, 28, 1, 32, "SAME"),
    ("W2 conv2", 128, 14, 14, 32, 64, "SAME"),
    ("W3 conv1", 32, 100, 100, 3, 32, "VALID"),
    ("W3 conv2", 32, 98, 98, 32, 32, "VALID"),
    ("W3 conv3", 32, 48, 48, 32, 64, "VALID"),
    ("W3 conv4", 32, 46, 46, 64, 64, "VALID"),
]

FLAG_SETS = {
    "default": "",
    "ynn_conv": "--xla_cpu_experimental_ynn_fusion_type=individual_dot,individual_convolution",
    "ynn_off": "--xla_cpu_experimental_ynn_fusion_type=",
    "xnnpack": "--xla_cpu_use_xnnpack=true",
    "onednn": "--xla_cpu_use_onednn=true",
    "eigen_1_thread": "--xla_cpu_multi_thread_eigen=false",
    "fast_math": "--xla_cpu_enable_fast_math=true",
    "vector_512": "--xla_cpu_prefer_vector_width=512",
}

EXPRESSIONS = ["lax_nhwc", "lax_nchw", "im2col", "shifted_matmuls"]


def _conv_fns():
    import jax.numpy as jnp
    from jax import lax

    def lax_nhwc(x, w, padding):
        return lax.conv_general_dilated(x, w, (1, 1), padding, dimension_numbers=("NHWC", "HWIO", "NHWC"))

    def lax_nchw(x, w, padding):
        # The same numbers with channels-first operands (layout changes inside the timed function).
        y = lax.conv_general_dilated(jnp.transpose(x, (0, 3, 1, 2)), jnp.transpose(w, (3, 2, 0, 1)),
                                     (1, 1), padding, dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return jnp.transpose(y, (0, 2, 3, 1))

    def _pad(x, w, padding):
        kh, kw = w.shape[:2]
        if padding == "SAME":
            x = jnp.pad(x, ((0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2), (0, 0)))
        return x, x.shape[1] - kh + 1, x.shape[2] - kw + 1

    def im2col(x, w, padding):
        x, oh, ow = _pad(x, w, padding)
        kh, kw, cin, cout = w.shape
        cols = [x[:, i:i + oh, j:j + ow, :] for i in range(kh) for j in range(kw)]
        patches = jnp.concatenate(cols, axis=-1)  # (batch, oh, ow, kh * kw * cin)
        return patches @ w.reshape(kh * kw * cin, cout)

    def shifted_matmuls(x, w, padding):
        x, oh, ow = _pad(x, w, padding)
        kh, kw = w.shape[:2]
        out = 0.0
        for i in range(kh):
            for j in range(kw):
                out = out + x[:, i:i + oh, j:j + ow, :] @ w[i, j]
        return out

    return {"lax_nhwc": lax_nhwc, "lax_nchw": lax_nchw, "im2col": im2col, "shifted_matmuls": shifted_matmuls}


def _median_time(fn, args, repeats):
    import jax

    jax.block_until_ready(fn(*args))
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        jax.block_until_ready(fn(*args))
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure(expressions, repeats):
    """Times every layer under each expression in this process; returns one JSON-able dict."""
    import jax
    import jax.numpy as jnp
    import numpy as np

    fns = _conv_fns()
    rng = np.random.default_rng(0)
    n = 2048
    a = jnp.asarray(rng.random((n, n), dtype=np.float32))
    ceiling = 2 * n**3 / _median_time(jax.jit(jnp.matmul), (a, a), repeats) / 1e9
    out = {"ceiling_gflops": ceiling, "layers": {}}
    for name, b, h, wd, cin, cout, padding in LAYERS:
        x = jnp.asarray(rng.random((b, h, wd, cin), dtype=np.float32))
        w = jnp.asarray(rng.normal(size=(3, 3, cin, cout)).astype(np.float32) * 0.1)
        oh, ow = (h, wd) if padding == "SAME" else (h - 2, wd - 2)
        flops = 3 * 2 * b * oh * ow * 9 * cin * cout  # forward + two backward products
        row, ref = {}, None
        for expr in expressions:
            conv = fns[expr]

            def loss(x, w, conv=conv, padding=padding):
                return jnp.sum(jnp.tanh(conv(x, w, padding)))

            step = jax.jit(jax.grad(loss, argnums=(0, 1)))
            grads = step(x, w)
            if ref is None:
                ref = grads
            else:  # every expression must compute the same gradients
                for g, r in zip(grads, ref):
                    np.testing.assert_allclose(np.asarray(g), np.asarray(r), rtol=2e-3, atol=2e-3)
            t = _median_time(step, (x, w), repeats)
            row[expr] = {"ms": t * 1e3, "gflops": flops / t / 1e9}
        out["layers"][name] = row
    return out


def _child(flags, expressions, repeats):
    env = dict(os.environ, XLA_FLAGS=flags)
    cmd = [sys.executable, __file__, "--child", "--expressions", ",".join(expressions), "--repeats", str(repeats)]
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    if res.returncode != 0:
        return {"error": (res.stderr.strip().splitlines() or ["failed"])[-1][:200]}
    return json.loads(res.stdout.strip().splitlines()[-1])


def _fmt(v):
    return f"{v:,.1f}" if v < 100 else f"{v:,.0f}"


def report(results):
    lines = ["# Convolution options on CPU", "",
             "Generated by `benchmarks/conv_options.py`: every convolution of W2 and W3, forward plus "
             "both gradients, jitted; median ms and achieved GFLOP/s (forward + 2 backward products). "
             "Each XLA option ran in its own process; the ceiling is that process's 2048x2048 float32 "
             "matmul.", ""]
    base = results.get("default") or next(iter(results.values()))
    for opt in ("default", "ynn_off"):
        res = results.get(opt)
        if not res or "error" in res:
            continue
        exprs = list(next(iter(res["layers"].values())).keys())
        lines += [f"## Ways to express the convolution ({opt}: `{FLAG_SETS[opt] or 'no XLA_FLAGS'}`)", "",
                  "| layer | " + " | ".join(f"{e} ms (GFLOP/s)" for e in exprs) + " |",
                  "|---|" + "---|" * len(exprs)]
        totals = dict.fromkeys(exprs, 0.0)
        for name, row in res["layers"].items():
            lines.append(f"| {name} | " + " | ".join(f"{_fmt(row[e]['ms'])} ({_fmt(row[e]['gflops'])})" for e in exprs) + " |")
            for e in exprs:
                totals[e] += row[e]["ms"]
        lines.append("| **total** | " + " | ".join(f"**{_fmt(totals[e])}**" for e in exprs) + " |")
        lines.append("")
    lines += [f"Matmul ceiling: {_fmt(base['ceiling_gflops'])} GFLOP/s.", "",
              "## XLA options (lax_nhwc, as lamina emits it)", "",
              "| option | XLA_FLAGS | total ms | vs default | ceiling GFLOP/s | " +
              " | ".join(n for n, *_ in LAYERS) + " |",
              "|---|---|---|---|---|" + "---|" * len(LAYERS)]
    base_total = sum(r["lax_nhwc"]["ms"] for r in base["layers"].values()) if "layers" in base else None
    for opt, res in results.items():
        if "error" in res:
            lines.append(f"| {opt} | `{FLAG_SETS[opt]}` | failed: {res['error']} | | |" + " |" * len(LAYERS))
            continue
        total = sum(r["lax_nhwc"]["ms"] for r in res["layers"].values())
        cells = " | ".join(_fmt(res["layers"][n]["lax_nhwc"]["ms"]) for n, *_ in LAYERS)
        vs = f"{total / base_total:.2f}x" if base_total else "—"
        lines.append(f"| {opt} | `{FLAG_SETS[opt] or '(none)'}` | {_fmt(total)} | {vs} | "
                     f"{_fmt(res['ceiling_gflops'])} | {cells} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--options", default=",".join(FLAG_SETS))
    p.add_argument("--expressions", default=",".join(EXPRESSIONS))
    p.add_argument("--out")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    expressions = args.expressions.split(",")
    if args.child:
        print(json.dumps(measure(expressions, args.repeats)))
        return
    results = {}
    for opt in args.options.split(","):
        exprs = expressions if opt in ("default", "ynn_off") else ["lax_nhwc"]
        t = time.perf_counter()
        results[opt] = _child(FLAG_SETS[opt], exprs, args.repeats)
        print(f"{opt:16s} {time.perf_counter() - t:6.1f} s", file=sys.stderr)
    text = report(results)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
        with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
