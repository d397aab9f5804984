"""The recurrent time loop: `jax.lax.scan` over the time axis (or unrolled at trace time).

`step(x_t, states) -> (output_t, new_states)` is applied along axis 1 of `inputs` (batch-major in,
batch-major out). With a mask, a masked sample keeps its previous states, and its output repeats
the previous output (or is zero with `zero_output_for_mask`), which is Keras's behaviour.

>>> import jax.numpy as jnp
>>> from lamina.layers.recurrent.time_loop import time_loop
>>> step = lambda x, s: (s[0] + x, [s[0] + x])
>>> last, seq, states = time_loop(step, jnp.ones((2, 3, 1)), [jnp.zeros((2, 1))],
...                               initial_output=jnp.zeros((2, 1)))
>>> seq[0, :, 0].tolist(), last[0, 0].item()
([1.0, 2.0, 3.0], 3.0)
"""

import jax
import jax.numpy as jnp


def _expand_to(m, x):
    return jnp.reshape(m, m.shape + (1,) * (x.ndim - m.ndim))


def time_loop(step, inputs, initial_states, initial_output, mask=None, go_backwards=False,
              unroll=False, zero_output_for_mask=False, return_sequences=True, time_major=False,
              output_is_first_state=False):
    """Runs `step` over the time axis; returns `(last_output, outputs or None, final_states)`.

    `inputs` is an array or a pytree of arrays shaped `(batch, time, ...)` (or `(time, batch, ...)`
    with `time_major=True`; `mask` is always `(batch, time)`). `initial_output` is the
    value a masked first step repeats (Keras repeats the previous output, which for its built-in
    cells is the first state). `outputs` is in processing order (reversed with `go_backwards`),
    as in Keras. `output_is_first_state` says each step's output is its first new state (the
    built-in cells); without a mask the loop then carries the states alone.
    """
    xs = inputs if time_major else jax.tree_util.tree_map(lambda a: jnp.swapaxes(a, 0, 1), inputs)
    if mask is not None:
        mask = jnp.swapaxes(jnp.asarray(mask).astype(bool), 0, 1)
        if mask.ndim > 2:
            # A per-feature mask: a step counts as present for a sample if any feature is.
            mask = jnp.any(mask.reshape(mask.shape[:2] + (-1,)), axis=-1)
    if go_backwards:
        xs = jax.tree_util.tree_map(lambda a: jnp.flip(a, 0), xs)
        if mask is not None:
            mask = jnp.flip(mask, 0)
    treedef = jax.tree_util.tree_structure(initial_states)

    lean = output_is_first_state and mask is None

    def body(carry, slice_t):
        states, prev_out = (carry, None) if lean else carry
        x_t, m_t = slice_t if mask is not None else (slice_t, None)
        out, new_states = step(x_t, states)
        new_leaves = jax.tree_util.tree_leaves(new_states)
        if len(new_leaves) != treedef.num_leaves:
            raise ValueError(
                f"The RNN cell returned {len(new_leaves)} state tensors, but it started from "
                f"{treedef.num_leaves}. A cell's call must return `(output, new_states)` with one new "
                "state per state it received (see its `state_size`)."
            )
        # The carry keeps its dtypes (a cell may compute in another precision than the layer).
        new_states = jax.tree_util.tree_map(
            lambda n, s: n.astype(s.dtype), jax.tree_util.tree_unflatten(treedef, new_leaves), states
        )
        if lean:
            # The output is the first state: carrying it twice costs a buffer copy per step.
            return new_states, (out.astype(initial_output.dtype) if return_sequences else None)
        out = out.astype(prev_out.dtype)
        if m_t is not None:
            new_states = jax.tree_util.tree_map(
                lambda n, s: jnp.where(_expand_to(m_t, n), n, s), new_states, states
            )
            fill = jnp.zeros_like(out) if zero_output_for_mask else prev_out
            out = jnp.where(_expand_to(m_t, out), out, fill)
        return (new_states, out), (out if return_sequences else None)

    carry = initial_states if lean else (initial_states, initial_output)
    scan_xs = (xs, mask) if mask is not None else xs
    if unroll:
        length = jax.tree_util.tree_leaves(xs)[0].shape[0]
        ys = []
        for t in range(length):
            carry, y = body(carry, jax.tree_util.tree_map(lambda a, t=t: a[t], scan_xs))
            ys.append(y)
        outputs = jnp.stack(ys) if return_sequences else None
    else:
        carry, outputs = jax.lax.scan(body, carry, scan_xs)
    if lean:
        final_states = carry
        last_output = jax.tree_util.tree_leaves(final_states)[0].astype(initial_output.dtype)
    else:
        final_states, last_output = carry
    if outputs is not None:
        outputs = jnp.swapaxes(outputs, 0, 1)
    return last_output, outputs, final_states
