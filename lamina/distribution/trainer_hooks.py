"""The only places the trainer asks about distribution. Without a distribution each is a no-op.

- `place_state(lists, state)`: at the start of an epoch, puts variable values on devices as the
  distribution's layout says (replicated, or sharded by the layout map).
- `place_arrays(arrays)`: device-resident datasets (replicated so every device gathers locally).
- `constrain_batch(batch)`: inside the compiled step, after the batch is gathered: shards it along
  the batch axis so XLA partitions the step across devices.
- `place_batch(batch)`: host batches from generators, sharded along the batch axis.
- `constrain_state(lists, state)`: inside the compiled step, on the new state: pins each value to
  its layout, so the state leaves the step laid out as it came in.
- `place_values(variables, values)` and `constrain_inputs(x)`: the same for `predict` (model
  variables only; inputs without targets).

>>> from lamina.distribution import trainer_hooks
>>> trainer_hooks.constrain_inputs([1.0])  # no distribution: unchanged
[1.0]
"""


def _current():
    from lamina.distribution import distribution

    return distribution()


def place_state(lists, state):
    d = _current()
    return state if d is None else d._place_state(lists, state)


def place_arrays(arrays):
    d = _current()
    return arrays if d is None else d._place_arrays(arrays)


def constrain_batch(batch):
    d = _current()
    return batch if d is None else d._constrain_batch(batch)


def place_batch(batch):
    d = _current()
    return batch if d is None else d._place_batch(batch)


def constrain_state(lists, state):
    d = _current()
    return state if d is None else d._constrain_state(lists, state)


def place_values(variables, values):
    d = _current()
    return values if d is None else d._place_state((variables, [], [], []), (values, [], [], []))[0]


def constrain_inputs(x):
    d = _current()
    return x if d is None else d._constrain_batch((x, None, None, None))[0]
