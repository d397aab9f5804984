"""Reading Keras 2 (and Keras 3 legacy) `.h5` weights, which are keyed by layer name.

Layout: the root (or, in a whole-model file, the `model_weights` group) has a `layer_names`
attribute; group `<layer>` has a `weight_names` attribute (`[b"dense/kernel:0", ...]`) and the
arrays at `<layer>/<weight name>`, e.g. `dense/dense/kernel:0`. A layer's arrays are in the order
of `layer.trainable_weights + layer.non_trainable_weights`.

By default layers are matched by position (the n-th layer with weights in the model takes the
n-th layer with weights in the file), as Keras does; `by_name=True` matches them by name.

>>> import io, h5py, numpy as np
>>> import lamina as keras
>>> from lamina.saving.legacy_h5 import load_legacy_weights
>>> buffer = io.BytesIO()
>>> with h5py.File(buffer, "w") as f:
...     f.attrs["layer_names"] = [b"dense"]
...     g = f.create_group("dense")
...     g.attrs["weight_names"] = [b"dense/kernel:0", b"dense/bias:0"]
...     _ = g.create_dataset("dense/kernel:0", data=np.ones((2, 1), "float32"))
...     _ = g.create_dataset("dense/bias:0", data=np.zeros(1, "float32"))
>>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
>>> with h5py.File(buffer, "r") as f:
...     load_legacy_weights(model, f, "old.h5")
>>> model.get_weights()[0].ravel().tolist()
[1.0, 1.0]
"""

import warnings

import numpy as np


def is_legacy_h5(h5file):
    """True for the Keras 2 layouts (a `layer_names` attribute, or a `model_weights` group)."""
    return "model_weights" in h5file or _has_attr(h5file, "layer_names")


def _has_attr(group, name):
    return name in group.attrs or f"{name}0" in group.attrs


def _read_attr(group, name):
    """A list-valued attribute; long lists are split over `name0`, `name1`, ... (Keras 2)."""
    if name in group.attrs:
        values = list(group.attrs[name])
    else:
        values, i = [], 0
        while f"{name}{i}" in group.attrs:
            values.extend(group.attrs[f"{name}{i}"])
            i += 1
    return [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in values]


def _legacy_weights(layer):
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _model_layers(model):
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential
    from lamina.saving.object_walk import model_layers

    if isinstance(model, (Functional, Sequential)):
        return model_layers(model)
    return list(model.layers)


def _file_layers(group, filepath):
    """`[(layer name, [arrays])]` for the file's layers that have weights, in file order."""
    out = []
    for name in _read_attr(group, "layer_names"):
        if name not in group:
            raise ValueError(
                f"'{filepath}' is not a valid Keras weights file: it lists layer '{name}' but has "
                "no group for it (the file may be truncated)."
            )
        layer_group = group[name]
        weight_names = _read_attr(layer_group, "weight_names")
        if not weight_names:
            continue
        arrays = []
        for wn in weight_names:
            try:
                arrays.append(np.asarray(layer_group[wn][()]))
            except Exception as e:  # noqa: BLE001 - h5py raises several types for damaged data
                raise ValueError(
                    f"Could not read weight '{name}/{wn}' from '{filepath}': the file may be "
                    f"truncated or corrupted ({type(e).__name__}: {e})."
                ) from e
        out.append((name, weight_names, arrays))
    return out


def load_legacy_weights(model, h5file, filepath, skip_mismatch=False, by_name=False):
    group = h5file["model_weights"] if "model_weights" in h5file else h5file
    saved = _file_layers(group, filepath)
    layers = [layer for layer in _model_layers(model) if _legacy_weights(layer)]
    pairs, problems = [], []
    if by_name:
        by = {layer.name: layer for layer in layers}
        for name, weight_names, arrays in saved:
            if name in by:
                pairs.append((by[name], name, weight_names, arrays))
    else:
        if len(saved) != len(layers):
            raise ValueError(
                f"Cannot load '{filepath}' into model '{model.name}': the file has weights for "
                f"{len(saved)} layers {[s[0] for s in saved]}, the model has {len(layers)} layers "
                f"with weights {[layer.name for layer in layers]}. Layers are matched by position; "
                "pass by_name=True to match them by name."
            )
        pairs = [(layer, *s) for layer, s in zip(layers, saved)]
    assignments = []
    for layer, name, weight_names, arrays in pairs:
        variables = _legacy_weights(layer)
        label = f"layer '{layer.name}' (file layer '{name}')"
        if len(arrays) != len(variables):
            problems.append(
                f"{label}: the model has {len(variables)} weights "
                f"{[tuple(v.shape) for v in variables]}, the file has {len(arrays)} "
                f"{[a.shape for a in arrays]}"
            )
            continue
        bad = [(v, wn, a) for v, wn, a in zip(variables, weight_names, arrays) if tuple(v.shape) != a.shape]
        if bad:
            problems.append(f"{label}: " + "; ".join(
                f"'{v.name}' is {tuple(v.shape)} in the model, '{wn}' is {a.shape} in the file"
                for v, wn, a in bad
            ))
            continue
        assignments.extend(zip(variables, arrays))
    if problems:
        message = f"Cannot load the weights in '{filepath}' into model '{model.name}':\n  - " + "\n  - ".join(problems)
        if not skip_mismatch:
            raise ValueError(message + "\nNothing was loaded. Pass skip_mismatch=True to load the rest.")
        warnings.warn(message + "\nSkipping these (skip_mismatch=True).", stacklevel=3)
    for variable, value in assignments:
        variable.assign(value)
    if "top_level_model_weights" in group:
        _load_top_level(model, group["top_level_model_weights"], filepath)


def _load_top_level(model, group, filepath):
    names = _read_attr(group, "weight_names")
    own = list(model._trainable_variables) + list(model._non_trainable_variables)
    if len(names) != len(own):
        if names:
            raise ValueError(
                f"'{filepath}' has {len(names)} model-level weights, model '{model.name}' has {len(own)}."
            )
        return
    for v, wn in zip(own, names):
        v.assign(np.asarray(group[wn][()]))
