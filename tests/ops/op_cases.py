"""Shared machinery for the table-driven op tests: input makers, cases, and comparisons.

A `Case` names an op (`"add"`, `"linalg.qr"`), the inputs to call it with, an optional NumPy
reference, and the dtypes to check against Keras. Each op module's test file builds a table of
cases and runs three checks on it:

* values: the lamina op on float32 (or the case's first dtype) inputs matches the NumPy reference
  (or, where NumPy has no such function, real Keras);
* keras: for each listed dtype, the lamina result has Keras's dtype, shape and values;
* symbolic: on `KerasTensor`s (also with an unknown first axis) the lamina op returns the shape
  and dtype that Keras's op returns on its KerasTensors.
"""

import dataclasses
import warnings
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

import lamina
from lamina import ops

ALL = ("bool", "int8", "uint8", "int32", "float16", "bfloat16", "float32")
NUM = ("int8", "uint8", "int32", "float16", "bfloat16", "float32")
INTS = ("int8", "uint8", "int16", "int32")
FLOATS = ("float16", "bfloat16", "float32")
F32 = ("float32",)
# Pairs for binary ops; "pyint"/"pyfloat" put a Python scalar in that position (weak typing).
PAIRS = (
    ("float32", "float32"),
    ("int32", "int32"),
    ("int8", "uint8"),
    ("int32", "float32"),
    ("float16", "float32"),
    ("bfloat16", "float16"),
    ("bool", "bool"),
    ("bool", "int8"),
    ("uint8", "pyint"),
    ("float16", "pyfloat"),
    ("pyint", "int32"),
)
INT_PAIRS = (("int32", "int32"), ("int8", "uint8"), ("uint8", "uint8"), ("int16", "pyint"))


@dataclasses.dataclass(frozen=True)
class In:
    """An array input: `kind` picks the values, `dtype` (if set) fixes the dtype."""

    shape: tuple
    kind: str = "normal"
    dtype: str = None

    def make(self, dtype, rng):
        dtype = self.dtype or dtype
        if dtype == "pyint":
            return 2
        if dtype == "pyfloat":
            return 0.5
        shape, kind = self.shape, self.kind
        if kind == "spd":
            a = rng.normal(size=shape).astype("float64")
            x = a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])
        elif kind.startswith("index"):
            high = int(kind[5:] or 3)
            return rng.integers(0, high, shape).astype(dtype)
        elif dtype == "bool":
            return rng.random(shape) > 0.5
        elif dtype.startswith("uint"):
            x = rng.integers(1 if kind in ("pos", "ge1") else 0, 6, shape)
        elif dtype.startswith("int"):
            low = {"pos": 1, "ge1": 1, "unit": 0}.get(kind, -4)
            x = rng.integers(low, 2 if kind == "unit" else 6, shape)
        elif kind == "pos":
            x = rng.uniform(0.5, 2.0, shape)
        elif kind == "unit":
            x = rng.uniform(-0.9, 0.9, shape)
        elif kind == "prob":
            x = rng.uniform(0.05, 0.95, shape)
        elif kind == "ge1":
            x = rng.uniform(1.1, 3.0, shape)
        elif kind == "nan":
            x = rng.normal(size=shape)
            x.flat[:: 3] = np.nan
        elif kind == "distinct":
            x = rng.permutation(int(np.prod(shape))).reshape(shape) - 2.5
        else:
            x = rng.normal(size=shape)
        if dtype == "bfloat16":
            return np.asarray(jnp.asarray(x, "bfloat16"))
        return np.asarray(x).astype(dtype)


@dataclasses.dataclass
class Case:
    name: str
    args: tuple = ()
    kwargs: dict = dataclasses.field(default_factory=dict)
    ref: Any = "numpy"  # "numpy": np.<name>; None: compare values with Keras only; or a callable
    dtypes: tuple = F32
    tol: float = 1e-5
    keras: bool = True  # compare eager results with keras.ops
    symbolic: bool = True  # compare KerasTensor outputs with keras.ops
    none_batch: bool = True  # also check with the first axis of every input unknown
    values: bool = True  # False when the values are unspecified (`empty`) or backend-defined
    jit: bool = True  # False for ops that return Python values (evaluated eagerly)
    id: str = ""

    def __post_init__(self):
        if not self.id:
            extra = ",".join(f"{k}={v}" for k, v in self.kwargs.items())
            self.id = self.name + (f"[{extra}]" if extra else "")

    def inputs(self, dtype, seed=0):
        rng = np.random.default_rng(seed)
        dtypes = dtype if isinstance(dtype, tuple) else None
        position = 0

        def build(a):
            nonlocal position
            if isinstance(a, In):
                d = dtypes[position % len(dtypes)] if dtypes else dtype
                if a.dtype is None:
                    position += 1
                return a.make(d, rng)
            if isinstance(a, (list, tuple)):
                return type(a)(build(e) for e in a)
            return a

        args = tuple(build(a) for a in self.args)
        kwargs = {k: build(v) for k, v in self.kwargs.items()}
        return args, kwargs

    def lamina_fn(self):
        return _resolve(ops, self.name)

    def keras_fn(self, keras):
        return _resolve(keras.ops, self.name)

    def numpy_ref(self):
        if self.ref == "numpy":
            return _resolve(np, self.name)
        return self.ref


def _resolve(module, name):
    for part in name.split("."):
        module = getattr(module, part)
    return module


def dtype_name(x):
    if isinstance(x, (bool, int, float, complex)):
        return type(x).__name__
    return str(jnp.dtype(x.dtype)) if hasattr(x, "dtype") else type(x).__name__


def leaves(x):
    return jax.tree_util.tree_leaves(x)


def to_numpy(x):
    x = np.asarray(x)
    return x.astype("float32") if x.dtype == jnp.bfloat16 else x


def tolerance(case, dtypes):
    if any(d in ("float16", "bfloat16") for d in dtypes):
        return max(case.tol, 2e-2)
    return case.tol


def assert_same(actual, expected, tol, check_dtype=True, check_values=True, what=""):
    actual_leaves, expected_leaves = leaves(actual), leaves(expected)
    assert len(actual_leaves) == len(expected_leaves), (
        f"{what}: {len(actual_leaves)} outputs, expected {len(expected_leaves)}"
    )
    for a, e in zip(actual_leaves, expected_leaves):
        if check_dtype:
            assert dtype_name(a) == dtype_name(e), f"{what}: dtype {dtype_name(a)} != {dtype_name(e)}"
        assert np.shape(a) == np.shape(e), f"{what}: shape {np.shape(a)} != {np.shape(e)}"
        if not check_values:
            continue
        a, e = to_numpy(a), to_numpy(e)
        if a.dtype.kind in "biu" and e.dtype.kind in "biu":
            np.testing.assert_array_equal(a, e, err_msg=what)
        else:
            np.testing.assert_allclose(
                a.astype(np.complex128 if np.iscomplexobj(a) else np.float64),
                e.astype(np.complex128 if np.iscomplexobj(e) else np.float64),
                rtol=tol, atol=tol, equal_nan=True, err_msg=what,
            )


def values_dtype(case):
    return "float32" if "float32" in case.dtypes else case.dtypes[0]


class Results:
    """Every (case, dtype) output of lamina and of Keras, computed in a few batched `jax.jit`s.

    Compiling each op separately costs tens of milliseconds per op on a busy CPU. Instead each
    call is traced once to a jaxpr, and the jaxprs of a batch are replayed inside one jitted
    function, compiled once. Ops that cannot be traced (data-dependent output shapes, Python
    results) run eagerly. Exceptions are kept and re-raised by the test that reads that output.
    """

    def __init__(self, cases, keras, batch=400):
        with warnings.catch_warnings():
            # Casting cases (ints of out-of-range floats, NaN to int) warn while constant folding.
            warnings.filterwarnings("ignore", "(invalid value|overflow) encountered in cast", RuntimeWarning)
            self._compute(cases, keras, batch)

    def _compute(self, cases, keras, batch):
        self.keras = keras
        self._out = {}
        traced = []
        for case in cases:
            dtypes = list(case.dtypes) if case.keras else []
            if values_dtype(case) not in dtypes:
                dtypes.append(values_dtype(case))
            for dtype in dtypes:
                args, kwargs = case.inputs(dtype)
                key = (id(case), dtype)
                self._out[key] = {"inputs": (args, kwargs)}
                sides = [("lamina", case.lamina_fn())]
                if case.keras and dtype in case.dtypes:
                    sides.append(("keras", case.keras_fn(keras)))
                for side, fn in sides:
                    job = (key, side, _thunk(fn, args, kwargs))
                    jaxpr = _trace(job[2]) if case.jit else None
                    if jaxpr is None:
                        self._run_eagerly(job)
                    else:
                        traced.append((job, jaxpr))
        for i in range(0, len(traced), batch):
            self._run_jitted(traced[i : i + batch])

    def _run_jitted(self, items):
        def replay():
            return [jax.core.eval_jaxpr(j.jaxpr, j.consts) for _, (j, _) in items]

        try:
            outputs = jax.jit(replay)()
        except Exception:  # noqa: BLE001 - some op failed to compile: bisect down to it
            if len(items) == 1:
                self._run_eagerly(items[0][0])
            else:
                self._run_jitted(items[: len(items) // 2])
                self._run_jitted(items[len(items) // 2 :])
            return
        for ((key, side, _), (_, tree)), flat in zip(items, outputs):
            self._out[key][side] = jax.tree_util.tree_unflatten(tree, flat)

    def _run_eagerly(self, job):
        key, side, thunk = job
        try:
            self._out[key][side] = thunk()
        except Exception as e:  # noqa: BLE001 - re-raised by the test that reads it
            self._out[key][side] = e

    def get(self, case, dtype, side):
        value = self._out[(id(case), dtype)][side]
        if isinstance(value, Exception):
            raise value
        return value

    def inputs(self, case, dtype):
        return self._out[(id(case), dtype)]["inputs"]


def _thunk(fn, args, kwargs):
    return lambda: fn(*args, **kwargs)


def _trace(thunk):
    """`(closed_jaxpr, output_treedef)` for `thunk()`, or None if it cannot be traced."""
    try:
        jaxpr, shapes = jax.make_jaxpr(thunk, return_shape=True)()
    except Exception:  # noqa: BLE001 - such ops run eagerly instead
        return None
    return jaxpr, jax.tree_util.tree_structure(shapes)


def check_values(case, results):
    """The lamina op against the NumPy reference (or Keras when there is none)."""
    dtype = values_dtype(case)
    out = results.get(case, dtype, "lamina")
    tol = tolerance(case, dtype if isinstance(dtype, tuple) else (dtype,))
    ref = case.numpy_ref()
    if ref is None:
        assert case.keras, f"{case.id}: no NumPy reference and no Keras comparison"
        expected = results.get(case, dtype, "keras")
        assert_same(out, expected, tol, check_values=case.values, what=f"{case.id} vs keras")
        return
    args, kwargs = results.inputs(case, dtype)
    expected = ref(*args, **kwargs)
    # NumPy computes some float32 functions in float64: allow for its rounding differences.
    assert_same(out, expected, max(tol, 1e-4), check_dtype=False, check_values=case.values,
                what=f"{case.id} vs numpy")


def check_keras(case, results):
    """For every dtype of the case: the lamina result has Keras's dtype, shape and values."""
    for dtype in case.dtypes:
        expected = results.get(case, dtype, "keras")
        out = results.get(case, dtype, "lamina")
        dtypes = dtype if isinstance(dtype, tuple) else (dtype,)
        assert_same(out, expected, tolerance(case, dtypes), check_values=case.values,
                    what=f"{case.id} {dtype} vs keras")


def _symbolic_args(args, kwargs, make_tensor, none_batch):
    """Arrays become symbolic tensors. With `none_batch`, the first axis is unknown for the
    first array and for every array whose first axis has the same length (a shared batch)."""
    flat = [a for a in jax.tree_util.tree_leaves((args, kwargs)) if isinstance(a, np.ndarray) and a.ndim]
    batch = flat[0].shape[0] if flat else None

    def conv(a):
        if isinstance(a, np.ndarray) and a.ndim > 0:
            shape = a.shape
            if none_batch and shape[0] == batch:
                shape = (None,) + shape[1:]
            return make_tensor(shape, str(jnp.dtype(a.dtype)))
        if isinstance(a, (list, tuple)) and a and all(isinstance(e, np.ndarray) for e in a):
            return type(a)(conv(e) for e in a)
        return a

    return tuple(conv(a) for a in args), {k: conv(v) for k, v in kwargs.items()}


def _specs(outputs, standardize):
    return [(tuple(t.shape), standardize(t.dtype)) for t in leaves(outputs)]


def symbolic_specs(case, keras, dtype, none_batch):
    """`(lamina, expected)` lists of (shape, dtype) for the op called on symbolic tensors.

    Expected dtypes (and, with known shapes, shapes) are those of Keras's op traced on
    concrete-shaped arrays, i.e. what Keras computes eagerly: its symbolic `compute_output_spec`
    disagrees with its own eager results for some ops (e.g. activations of integer tensors are
    float32 eagerly but int32 symbolically), and lamina follows the eager result. With an unknown
    first axis, the expected shapes are those of Keras's KerasTensor outputs.
    """
    args, kwargs = case.inputs(dtype)
    l_args, l_kwargs = _symbolic_args(
        args, kwargs, lambda s, d: lamina.KerasTensor(s, dtype=d), none_batch
    )
    out = case.lamina_fn()(*l_args, **l_kwargs)
    for t in leaves(out):
        assert isinstance(t, lamina.KerasTensor), f"{case.id}: symbolic call returned {type(t)}"
    spec = _specs(out, lambda d: d)
    std = keras.backend.standardize_dtype
    # Ops that Keras lacks (lamina extras) are checked against their own eager trace.
    reference = case.keras_fn(keras) if case.keras else case.lamina_fn()
    try:
        traced = _specs(jax.eval_shape(lambda: reference(*args, **kwargs)), std)
    except Exception:  # noqa: BLE001 - data-dependent output shapes: only Keras's spec is left
        traced = None
    if not case.keras:
        assert traced is not None, f"{case.id}: not traceable and no Keras op to compare with"
        if none_batch:
            traced = [(shape if not shape else (None,) + shape[1:], d) for shape, d in traced]
        return spec, traced
    if none_batch or traced is None:
        k_args, k_kwargs = _symbolic_args(
            args, kwargs, lambda s, d: keras.KerasTensor(s, dtype=d), none_batch
        )
        symbolic = _specs(case.keras_fn(keras)(*k_args, **k_kwargs), std)
        if traced is None:
            return spec, symbolic
        assert len(symbolic) == len(traced), f"{case.id}: Keras's symbolic and eager outputs differ"
        return spec, [(shape, d) for (shape, _), (_, d) in zip(symbolic, traced)]
    return spec, traced


def case_params(cases, attr=None):
    import pytest

    return [pytest.param(c, id=c.id) for c in cases if attr is None or getattr(c, attr)]


def keras_params(cases):
    import pytest

    return [pytest.param(c, id=c.id) for c in cases if c.keras]


def symbolic_variants(case):
    """The case's main dtype with known shapes, and with an unknown batch axis. (Shapes are
    inferred by tracing the op, so the dtype rules are the ones the eager tests check.)"""
    main = values_dtype(case)
    return [(main, False)] + ([(main, True)] if case.none_batch else [])


def covered_names(cases):
    return {c.name for c in cases}


__all__ = [
    "ALL", "F32", "FLOATS", "INTS", "INT_PAIRS", "NUM", "PAIRS", "Callable", "Case", "In",
    "Results", "assert_same", "case_params", "check_keras", "check_values", "covered_names",
    "keras_params", "symbolic_specs", "symbolic_variants",
]
