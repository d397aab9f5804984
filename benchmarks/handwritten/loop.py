"""A hand-written training loop: device-resident data, one jitted step per batch (or K fused).

The data is put on the device once; each epoch uploads one shuffled index matrix and the jitted
step gathers its batch from it, as lamina's trainer does. Logs (mean loss, accuracy) are
accumulated on the device and read once per epoch.
"""

import time

import jax
import jax.numpy as jnp
import numpy as np

from handwritten import models, nn


class Trainer:
    def __init__(self, w, seed=0, fuse=1):
        rng = np.random.default_rng(seed)
        self.w = w
        self.params, self.forward, (opt_init, self._opt_update), self._loss, self._acc = models.build(w, rng)
        self.opt_state = opt_init(self.params)
        self.key = jax.random.PRNGKey(seed)
        self.fuse = fuse
        self._step = jax.jit(self._make_step())
        self.predict_fn = jax.jit(lambda p, x: self.forward(p, x, None, False))
        self._predict_slice = jax.jit(
            lambda p, xs, start, size: self.forward(p, jax.lax.dynamic_slice_in_dim(xs, start, size), None, False),
            static_argnums=3)

    def _one_step(self, carry, x_all, y_all, idx):
        params, opt_state, key, sums = carry
        key, sub = jax.random.split(key)
        x, y = x_all[idx], y_all[idx]

        def loss_fn(p):
            pred = self.forward(p, x, sub, True)
            return jnp.mean(self._loss(y, pred)), pred

        (loss, pred), grads = jax.value_and_grad(loss_fn, has_aux=True)(params)
        params, opt_state = self._opt_update(grads, opt_state, params)
        correct = nn.accuracy_count(self._acc, y, pred) if self._acc else jnp.zeros((), "float32")
        sums = sums + jnp.stack([loss * idx.shape[0], correct, jnp.float32(idx.shape[0])])
        return params, opt_state, key, sums

    def _make_step(self):
        if self.fuse == 1:
            def step(carry, x_all, y_all, idx_matrix, start):
                return self._one_step(carry, x_all, y_all, jax.lax.dynamic_index_in_dim(idx_matrix, start, keepdims=False))
            return step

        def fused(carry, x_all, y_all, idx_matrix, start):
            def body(c, j):
                row = jax.lax.dynamic_index_in_dim(idx_matrix, start + j, keepdims=False)
                return self._one_step(c, x_all, y_all, row), None

            return jax.lax.scan(body, carry, jnp.arange(self.fuse))[0]
        return fused

    def fit(self, x, y, epochs):
        """Trains for `epochs`; returns `(wall, process CPU)` times at the end of each epoch (after a sync)."""
        x_dev, y_dev = jnp.asarray(x), jnp.asarray(y)
        steps = len(x) // self.w.batch
        order = np.random.default_rng(1)
        ends = []
        for _ in range(epochs):
            idx = jnp.asarray(order.permutation(len(x))[: steps * self.w.batch].reshape(steps, self.w.batch).astype("int32"))
            carry = (self.params, self.opt_state, self.key, jnp.zeros((3,), "float32"))
            for start in range(0, steps, self.fuse):
                carry = self._step(carry, x_dev, y_dev, idx, start)
            self.params, self.opt_state, self.key, sums = carry
            self.logs = np.asarray(sums)  # the per-epoch host sync
            ends.append((time.perf_counter(), time.process_time()))
        return ends

    def step_flops(self, x, y):
        """XLA's FLOP count for one training step (from the compiled one-step function)."""
        one = jax.jit(lambda c, xa, ya, idx: self._one_step(c, xa, ya, idx))
        carry = (self.params, self.opt_state, self.key, jnp.zeros((3,), "float32"))
        idx = jnp.arange(self.w.batch, dtype="int32")
        cost = one.lower(carry, jnp.asarray(x[: self.w.batch]), jnp.asarray(y[: self.w.batch]), idx).compile().cost_analysis()
        cost = cost[0] if isinstance(cost, (list, tuple)) else cost
        return float(cost.get("flops", float("nan")))

    def predict(self, x, batch_size):
        """Batched inference; `len(x)` must be a multiple of `batch_size`. Data goes up once."""
        xs = jnp.asarray(x)
        outs = [self._predict_slice(self.params, xs, i, batch_size) for i in range(0, len(x), batch_size)]
        return np.concatenate([np.asarray(o) for o in outs])

    def call(self, x):
        return self.predict_fn(self.params, x).block_until_ready()
