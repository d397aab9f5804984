"""`InputSpec`: what a layer accepts (rank, dtype, shape, fixed axes), checked on each call.

A layer sets `self.input_spec` to an `InputSpec` (or a list/dict of them, one per input);
`assert_input_compatibility` then rejects inputs that do not fit, with an error that names the
layer, the input, what was expected and what was received. `None` in a shape matches any size.

>>> from lamina.layers.input_spec import InputSpec
>>> spec = InputSpec(min_ndim=2, axes={-1: 3})
>>> spec
InputSpec(min_ndim=2, axes={-1: 3})
>>> assert_input_compatibility(spec, np.ones((4, 3)), "dense")
>>> assert_input_compatibility(spec, np.ones((4, 5)), "dense")
Traceback (most recent call last):
...
ValueError: Input 0 of layer 'dense' is incompatible with the layer: expected axis -1 to have size 3, but received an input of shape (4, 5). Pass inputs whose axis -1 has size 3 (or build a new layer for this input).
"""

import numpy as np

from lamina.backend.dtypes import standardize_dtype


def _standardize_shape(shape, what="shape"):
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise ValueError(
            f"InputSpec: `{what}` must be a tuple of ints or None. Received: {what}={shape!r}"
        ) from None
    out = []
    for d in dims:
        if d is None:
            out.append(None)
        elif isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0:
            out.append(int(d))
        else:
            raise ValueError(
                f"InputSpec: every entry of `{what}` must be a non-negative int or None. "
                f"Received: {what}={shape!r}"
            )
    return tuple(out)


def _optional_int(name, value):
    if value is None:
        return None
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
        raise ValueError(f"InputSpec: `{name}` must be a non-negative int or None. Received: {name}={value!r}")
    return int(value)


class InputSpec:
    """The rank, dtype and shape a layer expects of one input.

    Args:
        dtype: expected dtype, or None for any.
        shape: expected shape including the batch axis (`None` entries match anything); sets `ndim`.
        ndim: expected rank. max_ndim / min_ndim: bounds on the rank.
        axes: dict `{axis: size}` of axes whose size is fixed (negative axes count from the end).
        allow_last_axis_squeeze: accept a trailing axis of size 1 more or less than `shape`.
        name: the key of this input when inputs come as a dict.
        optional: whether the input may be `None`.
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None,
                 allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = standardize_dtype(dtype) if dtype is not None else None
        if shape is not None:
            self.shape = _standardize_shape(shape)
            self.ndim = len(self.shape)
        else:
            self.shape = None
            self.ndim = _optional_int("ndim", ndim)
        self.max_ndim = _optional_int("max_ndim", max_ndim)
        self.min_ndim = _optional_int("min_ndim", min_ndim)
        self.name = name
        self.optional = optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        try:
            axes = axes or {}
            self.axes = {int(k): axes[k] for k in axes}
        except (ValueError, TypeError):
            raise TypeError(
                "InputSpec: `axes` must be a dict mapping int axes to sizes, e.g. {-1: 3}. "
                f"Received: axes={axes!r}"
            ) from None
        rank = self.ndim if self.ndim is not None else self.max_ndim
        if self.axes and rank is not None:
            too_big = [a for a in self.axes if a > rank - 1 or a < -rank]
            if too_big:
                raise ValueError(
                    f"InputSpec: axis {too_big[0]} is out of range for inputs of rank at most {rank} "
                    f"(valid axes: {-rank} to {rank - 1}). Received: axes={self.axes}"
                )

    def __repr__(self):
        parts = [
            f"dtype={self.dtype}" if self.dtype else "",
            f"shape={self.shape}" if self.shape else "",
            f"ndim={self.ndim}" if self.ndim else "",
            f"max_ndim={self.max_ndim}" if self.max_ndim else "",
            f"min_ndim={self.min_ndim}" if self.min_ndim else "",
            f"axes={self.axes}" if self.axes else "",
        ]
        return f"InputSpec({', '.join(p for p in parts if p)})"

    def get_config(self):
        # Keras 3.15 leaves `name` and `allow_last_axis_squeeze` out, so its round trip loses them;
        # lamina keeps them (Keras's `from_config` accepts both keys).
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
            "optional": self.optional,
            "allow_last_axis_squeeze": self.allow_last_axis_squeeze,
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _flatten(structure):
    # Same order as Keras's `tree.flatten`: dicts by sorted key, None is a leaf.
    if isinstance(structure, dict):
        return [leaf for k in sorted(structure) for leaf in _flatten(structure[k])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _flatten(item)]
    return [structure]


def _shape_of(x):
    return tuple(None if d is None else int(d) for d in x.shape)


def assert_input_compatibility(input_spec, inputs, layer_name):
    """Raises ValueError if `inputs` do not satisfy `input_spec` (an InputSpec or a structure of them)."""
    if not input_spec:
        return
    specs = _flatten(input_spec)
    if isinstance(inputs, dict):
        names = [getattr(s, "name", None) for s in specs]
        if all(names):
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(
                    f"Layer '{layer_name}' is missing input(s) {missing}: it expects a dict with keys "
                    f"{names}, but received keys {list(inputs)}."
                )
            inputs = [inputs[n] for n in names]
    flat = _flatten(inputs)
    if len(flat) != len(specs):
        names = [getattr(s, "name", None) for s in specs]
        hint = (f" Pass them as a dict with keys {names}." if all(names)
                else " Pass one tensor per expected input.")
        raise ValueError(
            f"Layer '{layer_name}' expects {len(specs)} input(s), but received {len(flat)}.{hint}"
        )
    for index, (x, spec) in enumerate(zip(flat, specs)):
        if spec is None or (x is None and spec.optional):
            continue
        _check_one(spec, x, index, layer_name)


def _check_one(spec, x, index, layer_name):
    label = f"Input {index}" + (f" ('{spec.name}')" if spec.name else "")
    head = f"{label} of layer '{layer_name}' is incompatible with the layer"
    if not hasattr(x, "shape"):
        raise ValueError(
            f"{label} of layer '{layer_name}' is not a tensor: received {x!r} of type "
            f"{type(x).__name__}. Pass an array or a symbolic tensor (keras.Input), not a layer."
        )
    shape = _shape_of(x)
    ndim = len(shape)
    if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
        raise ValueError(
            f"{head}: expected rank (ndim) {spec.ndim}, but received an input of rank {ndim} "
            f"with shape {shape}."
        )
    if spec.max_ndim is not None and ndim > spec.max_ndim:
        raise ValueError(
            f"{head}: expected rank (ndim) at most {spec.max_ndim}, but received an input of rank "
            f"{ndim} with shape {shape}."
        )
    if spec.min_ndim is not None and ndim < spec.min_ndim:
        raise ValueError(
            f"{head}: expected rank (ndim) at least {spec.min_ndim}, but received an input of rank "
            f"{ndim} with shape {shape}."
        )
    if spec.dtype is not None:
        dtype = standardize_dtype(x.dtype)
        if dtype != spec.dtype:
            raise ValueError(
                f"{head}: expected dtype {spec.dtype}, but received dtype {dtype}. Cast the input "
                f"to {spec.dtype} first."
            )
    for axis, size in spec.axes.items():
        if size is None:
            continue
        if not -ndim <= axis < ndim:
            raise ValueError(
                f"{head}: expected an axis {axis} of size {size}, but received an input of shape "
                f"{shape} (rank {ndim})."
            )
        if shape[axis] not in (size, None):
            raise ValueError(
                f"{head}: expected axis {axis} to have size {size}, but received an input of shape "
                f"{shape}. Pass inputs whose axis {axis} has size {size} (or build a new layer for "
                "this input)."
            )
    if spec.shape is not None:
        expected, got = spec.shape, shape
        if spec.allow_last_axis_squeeze:
            if got and got[-1] == 1:
                got = got[:-1]
            if expected and expected[-1] == 1:
                expected = expected[:-1]
        for e, g in zip(expected, got):
            if e is not None and g is not None and e != g:
                raise ValueError(
                    f"{head}: expected shape {spec.shape} (None matches any size), but received "
                    f"an input of shape {shape}."
                )
