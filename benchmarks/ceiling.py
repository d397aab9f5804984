"""The machine's float32 matmul ceiling under JAX (GFLOP/s); prints one JSON line on stdout.

    python benchmarks/ceiling.py [--n 2048]
"""

import argparse
import json
import statistics
import time


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2048)
    p.add_argument("--repeats", type=int, default=7)
    args = p.parse_args(argv)
    import jax
    import jax.numpy as jnp

    n = args.n
    a = jax.random.normal(jax.random.PRNGKey(0), (n, n), "float32")
    b = jax.random.normal(jax.random.PRNGKey(1), (n, n), "float32")
    mm = jax.jit(jnp.matmul)
    mm(a, b).block_until_ready()
    times = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        mm(a, b).block_until_ready()
        times.append(time.perf_counter() - t)
    print(json.dumps({"n": n, "matmul_gflops": 2 * n**3 / statistics.median(times) / 1e9,
                      "best_gflops": 2 * n**3 / min(times) / 1e9}))


if __name__ == "__main__":
    main()
