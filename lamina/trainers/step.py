"""The pure, jitted step functions that `fit`, `evaluate` and `predict` dispatch.

State is a tuple of lists of arrays: `(trainable, non_trainable, optimizer, metrics)`. A step maps
`(state, batch) -> state`; `K` steps are fused into one dispatch with `lax.scan` when the trainer
decides it pays (small dense and recurrent models). Padded batch rows have index -1 and zero
weight; scan iterations past the end of the epoch leave the state unchanged.
"""

import jax
import jax.numpy as jnp

from lamina.backend import state as _state
from lamina.distribution import trainer_hooks as hooks
from lamina.trainers import compiler_options
from lamina.trainers.data import gather_batch


def compile_fn(model, fn, kind=None):
    """`jax.jit(fn)`, unless the model was compiled with `run_eagerly=True` or `jit_compile=False`
    (then the same pure function runs op by op, e.g. to debug with print statements). Training
    steps (`kind="train"`) may get XLA options of their own (see compiler_options.py)."""
    if getattr(model, "run_eagerly", False) or getattr(model, "jit_compile", True) is False:
        return fn
    return compiler_options.jit(fn, compiler_options.for_model(model) if kind == "train" else None)


def variable_lists(model):
    return (
        list(model.trainable_variables),
        list(model.non_trainable_variables),
        list(model.optimizer.variables) if model.optimizer is not None else [],
        list(model._metric_variables()),
    )


def read_state(lists):
    return tuple([v.value for v in vs] for vs in lists)


def write_state(lists, state):
    for vs, values in zip(lists, state):
        for v, value in zip(vs, values):
            v._direct_assign(value)


def metric_results(model, metric_vars, metric_values):
    """Logs computed from metric variable values (inside or outside a trace)."""
    with _state.StatelessScope(list(zip(metric_vars, metric_values))):
        return model._metric_results()


def _select(active, new, old):
    return jax.tree_util.tree_map(lambda n, o: jnp.where(active, n, o), new, old)


def make_array_fn(model, kind, lists, K, padded=True):
    """A jitted `fn(state, arrays, idx_matrix, start, num_steps) -> (state, logs)`.

    `kind` is 'train' or 'test'. For K == 1 the scan is skipped.
    """
    step = model._internal_train_step if kind == "train" else model._internal_test_step
    metric_vars = lists[3]

    def one(state, arrays, idx):
        return hooks.constrain_state(lists, step(state, hooks.constrain_batch(gather_batch(arrays, idx, padded))))

    if K == 1:
        def fn(state, arrays, idx_matrix, start, num_steps):
            row = jax.lax.dynamic_index_in_dim(idx_matrix, start, keepdims=False)
            state = one(state, arrays, row)
            return state, metric_results(model, metric_vars, state[3])
    else:
        def fn(state, arrays, idx_matrix, start, num_steps):
            def body(st, j):
                r = start + j
                row = jax.lax.dynamic_index_in_dim(idx_matrix, r, keepdims=False)
                return _select(r < num_steps, one(st, arrays, row), st), None

            state, _ = jax.lax.scan(body, state, jnp.arange(K))
            return state, metric_results(model, metric_vars, state[3])

    return compile_fn(model, fn, kind)


def make_batch_fn(model, kind, lists):
    """A jitted `fn(state, batch) -> (state, logs)` for host batches (generators)."""
    step = model._internal_train_step if kind == "train" else model._internal_test_step
    metric_vars = lists[3]

    def fn(state, batch):
        state = hooks.constrain_state(lists, step(state, hooks.constrain_batch(batch)))
        return state, metric_results(model, metric_vars, state[3])

    return compile_fn(model, fn, kind)


def make_custom_fn(model, kind, lists):
    """For user-overridden `train_step`/`test_step` (Keras 3 JAX signatures).

    `train_step(state, data)` takes and returns `(trainable, non_trainable, optimizer, metrics)`;
    `test_step` the same without the optimizer values.
    """
    if kind == "train":
        def fn(state, data):
            logs, new = model.train_step(tuple(state), data)
            return tuple(list(s) for s in new), logs
    else:
        def fn(state, data):
            tv, ntv, ov, mv = state
            logs, (tv, ntv, mv) = model.test_step((tv, ntv, mv), data)
            return (list(tv), list(ntv), ov, list(mv)), logs

    return compile_fn(model, fn, kind)


def make_predict_fn(model, lists):
    """A jitted `fn(values, arrays, idx_matrix, i)`: the outputs for batch row `i` (the index
    matrix is uploaded once per predict call, not once per batch)."""
    variables = lists[0] + lists[1]

    def fn(values, arrays, idx_matrix, i):
        idx = jax.lax.dynamic_index_in_dim(idx_matrix, i, keepdims=False)
        x = jax.tree_util.tree_map(lambda a: jnp.take(a, jnp.maximum(idx, 0), axis=0), arrays)
        with _state.StatelessScope(list(zip(variables, values))):
            return model.predict_step_fn(x)

    return compile_fn(model, fn)
