"""Memory mini-benchmarks in a fresh interpreter; prints one JSON line on stdout.

    python benchmarks/memory.py --system lamina [--quick]

- `predict`: resident-set growth over 1,000 consecutive `model.predict(x[:1])` calls (after a
  warm-up), on the W1 MLP.
- `models`: growth while 50 W1 models are built, compiled and called once each in a loop (measured
  from the 10th model on, so one-time caches filled by the first ones do not count).
"""

import argparse
import gc
import json
import os
import sys


def rss_mb():
    """Current resident set size (not the peak), from /proc/self/statm."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--system", required=True, choices=["lamina", "keras"])
    p.add_argument("--quick", action="store_true")
    args = p.parse_args(argv)
    if args.system == "keras":
        os.environ["KERAS_BACKEND"] = "jax"
        import keras as mod
    else:
        import lamina as mod
    w = workloads.WORKLOADS["W1"]
    x, _ = workloads.make_data(w, 8)
    calls, n_models, skip = (100, 8, 3) if args.quick else (1000, 50, 10)

    model = workloads.build_keras_api(mod, w)
    for _ in range(20):
        model.predict(x[:1], verbose=0)
    gc.collect()
    before = rss_mb()
    for _ in range(calls):
        model.predict(x[:1], verbose=0)
    gc.collect()
    out = {"system": args.system, "predict_calls": calls, "predict_growth_mb": rss_mb() - before}
    del model

    start = None
    for i in range(n_models):
        m = workloads.build_keras_api(mod, w)
        m.predict(x[:1], verbose=0)
        del m
        gc.collect()
        if i + 1 == skip:
            start = rss_mb()
    out.update(models=n_models - skip, models_growth_mb=rss_mb() - start)
    print(json.dumps(out))


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import workloads

    main()
