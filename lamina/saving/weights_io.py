"""Writing and reading a model's state (layers' and optimizer's variables) in Keras 3's layout.

Every object found by `object_walk.walk` writes its own variables, numbered in Keras's order:
a layer its `_trainable_variables + _non_trainable_variables` (the ones it created, not its
sublayers'), an optimizer its `variables` (iterations, learning rate, then slots). A class may
take over with `save_own_variables(store)` / `load_own_variables(store)`, as in Keras.

Loading checks everything before assigning anything, so a file that does not fit the model leaves
the model unchanged, and the error names the file, the layer and the shapes.

>>> import io, h5py
>>> import lamina as keras
>>> from lamina.saving.weights_io import load_state, save_state
>>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
>>> buffer = io.BytesIO()
>>> with h5py.File(buffer, "w") as f:
...     save_state(model, f)
...     sorted(f["layers/dense/vars"])
['0', '1']
>>> with h5py.File(buffer, "r") as f:
...     load_state(model, f, "in-memory file")
"""

import warnings

import numpy as np

from lamina.saving import object_walk
from lamina.saving.h5_store import WeightsReader, WeightsWriter


def _is_optimizer(obj):
    return object_walk._is_optimizer(obj)


def own_variables(obj):
    if _is_optimizer(obj):
        return list(obj.variables)
    out, seen = [], set()
    for v in list(obj._trainable_variables) + list(obj._non_trainable_variables):
        if id(v) not in seen:
            seen.add(id(v))
            out.append(v)
    return out


def _custom_method(obj, name):
    """The object's own save/load_own_variables if its class overrides lamina's default."""
    method = getattr(type(obj), name, None)
    if method is None:
        return None
    if _is_optimizer(obj):
        from lamina.optimizers.optimizer import Optimizer as base
    else:
        from lamina.layers.layer import Layer as base
    if method is getattr(base, name, None):
        return None
    return getattr(obj, name)


def save_state(root, h5file):
    """Writes the variables of `root` and everything it holds into an open h5py file."""
    writer = WeightsWriter(h5file)
    for path, obj in object_walk.walk(root):
        store = writer.make(path, getattr(obj, "name", None))
        custom = _custom_method(obj, "save_own_variables")
        if custom is not None:
            custom(store)
            continue
        for i, v in enumerate(own_variables(obj)):
            store[str(i)] = np.asarray(v.numpy())


def _describe(obj, path):
    kind = "optimizer" if _is_optimizer(obj) else "layer"
    where = f"path '{path}'" if path else "the model itself"
    return f"{kind} '{getattr(obj, 'name', '?')}' ({type(obj).__name__}, {where})"


def _fmt_vars(variables):
    return "[" + ", ".join(f"{v.name} {tuple(v.shape)}" for v in variables) + "]"


def load_state(root, h5file, filepath, skip_mismatch=False):
    """Loads what `save_state` wrote (by Keras or lamina) into `root`.

    Raises one ValueError listing every mismatch (nothing is assigned then), or with
    `skip_mismatch=True` warns and loads what fits.
    """
    from lamina.saving.compile_io import build_optimizer

    reader = WeightsReader(h5file, filepath)
    if any(g.split("/")[0] == "optimizer" for g in reader.nonempty_groups()):
        build_optimizer(root)
    assignments, custom_loads, problems, consumed = [], [], [], set()
    for path, obj in object_walk.walk(root):
        store = reader.get(path)
        consumed.add(store.group_path)
        custom = _custom_method(obj, "load_own_variables")
        if custom is not None:
            custom_loads.append((custom, store, obj, path))
            continue
        variables = own_variables(obj)
        keys = store.keys()
        if len(keys) != len(variables):
            if _is_optimizer(obj):
                if keys:
                    warnings.warn(
                        f"Not loading the optimizer state from '{filepath}': optimizer "
                        f"'{obj.name}' has {len(variables)} variables, the file has {len(keys)}. "
                        "Training resumes with a fresh optimizer state.",
                        stacklevel=3,
                    )
                continue
            problems.append(_count_problem(obj, path, variables, store))
            continue
        shapes = store.shapes()
        bad = [(v, s) for v, s in zip(variables, shapes) if tuple(v.shape) != tuple(s)]
        if bad:
            detail = "; ".join(f"'{v.name}' is {tuple(v.shape)} in the model, {s} in the file" for v, s in bad)
            problems.append(f"{_describe(obj, path)}: {detail}")
            continue
        assignments.extend((v, store, k) for v, k in zip(variables, keys))
    extra = [
        g for g in reader.nonempty_groups()
        if g not in consumed and g.split("/")[0] != "optimizer"
    ]
    for group in extra:
        n = len(h5file[group].keys())
        problems.append(
            f"the file has {n} array(s) at '{group}' "
            f"(object '{h5file[group].attrs.get('name', '?')}') that no object of the model matches"
        )
    if problems:
        message = (
            f"Cannot load the weights in '{filepath}' into model '{getattr(root, 'name', root)}': "
            "the model's architecture does not match the file's.\n  - " + "\n  - ".join(problems)
        )
        if not skip_mismatch:
            raise ValueError(message + "\nNothing was loaded. Pass skip_mismatch=True to load the "
                             "layers that do match.")
        warnings.warn(message + "\nSkipping these (skip_mismatch=True).", stacklevel=3)
    for variable, store, key in assignments:
        variable.assign(store[key])
    for custom, store, obj, path in custom_loads:
        try:
            custom(store)
        except Exception as e:
            if not skip_mismatch:
                raise ValueError(
                    f"Loading '{filepath}': {_describe(obj, path)} could not load its variables: {e}"
                ) from e
            warnings.warn(f"Skipping {_describe(obj, path)}: {e}", stacklevel=3)


def _count_problem(obj, path, variables, store):
    desc = _describe(obj, path)
    if not variables and not getattr(obj, "built", True):
        return (
            f"{desc} was never built, so it has no weights, but the file has {len(store)} for it. "
            "Build the model first (call it on a batch, or start it with keras.Input(...))"
        )
    if not store.keys():
        return f"{desc} has {len(variables)} weights {_fmt_vars(variables)}, the file has none for it"
    return (
        f"{desc} has {len(variables)} weights {_fmt_vars(variables)}, the file has "
        f"{len(store)} at '{store.group_path}' with shapes {store.shapes()}"
    )
