"""`lamina.ops` has every public name of `keras.ops` (and of `keras.ops.numpy/nn/linalg`), with
Keras's signatures, and every op is exercised by the op tests."""

import importlib
import inspect
import sys
from pathlib import Path

import keras
import pytest

import lamina.ops
from lamina.ops import core, linalg, math, nn, numpy

# Public keras.ops names lamina.ops does not have. Keep it empty when possible; every entry says why.
ALLOWLIST: set[str] = set()

# keras.ops names that lamina has only under lamina.ops.linalg so far: lamina/ops/__init__.py
# (owned by the lead) does not re-export lamina.ops.linalg at the top level yet.
LINALG_NAMES = {n for n in dir(keras.ops.linalg) if not n.startswith("_")}


def _public(module):
    return {n for n in dir(module) if not n.startswith("_")}


def test_top_level_has_every_keras_op():
    missing = _public(keras.ops) - _public(lamina.ops) - ALLOWLIST - LINALG_NAMES
    assert not missing, f"keras.ops names missing from lamina.ops: {sorted(missing)}"
    assert ALLOWLIST <= _public(keras.ops), "stale ALLOWLIST entries"
    assert not ALLOWLIST & _public(lamina.ops), "ALLOWLIST names now exist: remove them"


def test_top_level_has_the_linalg_ops():
    assert not LINALG_NAMES - _public(lamina.ops)


@pytest.mark.parametrize("name,allow", [("numpy", set()), ("nn", ALLOWLIST), ("linalg", set())])
def test_submodules_have_every_keras_op(name, allow):
    missing = _public(getattr(keras.ops, name)) - _public(getattr(lamina.ops, name)) - allow
    assert not missing, f"keras.ops.{name} names missing from lamina.ops.{name}: {sorted(missing)}"


def _keras_function(name):
    for module in (keras.ops, keras.ops.linalg):
        if hasattr(module, name):
            return getattr(module, name)
    return None


def _lamina_function(name):
    for module in (lamina.ops, linalg):
        if hasattr(module, name):
            return getattr(module, name)
    return None


SIGNATURE_NAMES = sorted(
    n for n in _public(keras.ops) | LINALG_NAMES
    if callable(_keras_function(n)) and not inspect.ismodule(_keras_function(n)) and _lamina_function(n)
)


@pytest.mark.parametrize("name", SIGNATURE_NAMES)
def test_signatures_match_keras(name):
    def params(fn):
        return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]

    assert params(_lamina_function(name)) == params(_keras_function(name))


MODULES = [numpy, math, core, nn, linalg]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_all_lists_are_sorted_and_complete(module):
    names = module.__all__
    assert names == sorted(names), "__all__ must be sorted"
    assert len(set(names)) == len(names)
    for name in names:
        assert hasattr(module, name), f"{module.__name__}.__all__ lists missing {name}"
    defined = {
        n for n, obj in vars(module).items()
        if not n.startswith("_") and callable(obj) and getattr(obj, "__module__", None) == module.__name__
        and not inspect.isclass(obj)
    }
    assert defined <= set(names), f"public functions not in __all__: {sorted(defined - set(names))}"


def _case_tables():
    sys.path.insert(0, str(Path(__file__).parent / "ops"))
    tables = {}
    for mod in ("test_numpy_ops", "test_math_ops", "test_nn_ops", "test_linalg_ops", "test_core_ops"):
        tables[mod] = importlib.import_module(mod).CASES
    return tables


# Ops tested outside the case tables (control flow and helpers that take functions, or return
# Python values): the test that covers each.
TESTED_ELSEWHERE = {
    "associative_scan": "test_core_ops.py::test_scan_map_associative_scan_vectorized_map",
    "cond": "test_core_ops.py::test_cond_and_switch_match_keras",
    "convert_to_numpy": "test_core_ops.py::test_convert_to_numpy_is_tensor_shape_dtype",
    "convert_to_tensor": "test_core_ops.py::test_convert_to_tensor_matches_keras_dtypes",
    "custom_gradient": "test_core_ops.py::test_custom_gradient_uses_the_given_gradient",
    "dtype": "test_core_ops.py::test_convert_to_numpy_is_tensor_shape_dtype",
    "fori_loop": "test_core_ops.py::test_loops_match_python_and_keras",
    "is_tensor": "test_core_ops.py::test_convert_to_numpy_is_tensor_shape_dtype",
    "map": "test_core_ops.py::test_scan_map_associative_scan_vectorized_map",
    "scan": "test_core_ops.py::test_scan_map_associative_scan_vectorized_map",
    "shape": "test_core_ops.py::test_convert_to_numpy_is_tensor_shape_dtype",
    "switch": "test_core_ops.py::test_cond_and_switch_match_keras",
    "unstack": "test_core_ops.py::test_unstack",
    "vectorized_map": "test_core_ops.py::test_scan_map_associative_scan_vectorized_map",
    "while_loop": "test_core_ops.py::test_loops_match_python_and_keras",
    "vectorize": "test_numpy_ops.py::test_vectorize_matches_numpy",
    "jvp": "test_linalg_ops.py::test_jvp_matches_jax",
}


def test_every_op_is_tested():
    covered = set(TESTED_ELSEWHERE)
    for cases in _case_tables().values():
        covered |= {c.name.split(".")[-1] for c in cases}
    names = set().union(*(m.__all__ for m in MODULES))
    untested = names - covered
    assert not untested, f"ops without a test case: {sorted(untested)}"
