"""Saving and loading models and weights, in Keras 3's file formats.

* `model.save("m.keras")` / `load_model("m.keras")`: architecture, weights, optimizer state and
  compile arguments in one zip archive, readable by Keras 3 (and Keras 3's files by lamina).
* `model.save_weights("m.weights.h5")` / `model.load_weights(...)`: the variables only.
  `load_weights` also reads Keras 2 `.h5` weight files (matched by position, or `by_name=True`).

Writes are atomic: a failure midway leaves any previous file intact. Loading never unpickles, and
refuses stored Python bytecode (a `Lambda` layer's lambda) unless `safe_mode=False`.

>>> import os, tempfile
>>> import numpy as np
>>> import lamina as keras
>>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
>>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
>>> model.save(path)
>>> restored = keras.saving.load_model(path)
>>> x = np.ones((1, 3), "float32")
>>> bool(np.allclose(model(x), restored(x)))
True
"""

import io
import json
import os
import warnings

from lamina.saving import class_lookup, keras_archive, weights_io
from lamina.saving.atomic import atomic_path
from lamina.saving.object_registry import CustomObjectScope
from lamina.saving.safe_mode import SafeModeScope, refuse_stored_code

_LEGACY_H5 = (".h5", ".hdf5")


def _is_fileobj(x):
    return isinstance(x, io.IOBase) or (hasattr(x, "read") and hasattr(x, "seek"))


def _check_overwrite(filepath, overwrite):
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(
            f"'{filepath}' already exists and overwrite=False. Pass overwrite=True to replace it, "
            "or choose another path."
        )


# ---------------------------------------------------------------------------------- models
def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves `model` as a `.keras` archive (a path ending in `.keras`, or a binary file object).

    >>> import io
    >>> import lamina as keras
    >>> buffer = io.BytesIO()
    >>> keras.saving.save_model(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]), buffer)
    >>> buffer.getvalue()[:2]
    b'PK'
    """
    save_format = kwargs.pop("save_format", None)
    if save_format not in (None, "keras"):
        raise ValueError(
            f"save_model(): lamina saves the Keras 3 `.keras` format only. Received: "
            f"save_format={save_format!r}. Use a path ending in '.keras'."
        )
    if kwargs:
        raise ValueError(f"save_model() got unexpected arguments: {sorted(kwargs)}.")
    if zipped is False:
        raise ValueError(
            "save_model(): lamina writes zipped `.keras` archives only. Received: zipped=False."
        )
    if not getattr(model, "built", True):
        warnings.warn(
            f"Saving model '{model.name}', which is not built yet: the file will hold no weights. "
            "Call the model on a batch (or start it with keras.Input) before saving.",
            stacklevel=2,
        )
    if _is_fileobj(filepath):
        keras_archive.write_archive(model, filepath)
        return
    filepath = os.fspath(filepath)
    if not filepath.endswith(".keras"):
        hint = (
            " Whole-model legacy HDF5 files are not written by lamina; to save only the weights "
            "use model.save_weights('name.weights.h5')."
            if filepath.endswith(_LEGACY_H5) else ""
        )
        raise ValueError(
            f"Invalid filepath for save_model(): expected a '.keras' extension. Received: "
            f"filepath={filepath!r}.{hint}"
        )
    _check_overwrite(filepath, overwrite)
    with atomic_path(filepath) as tmp:
        with open(tmp, "wb") as f:
            keras_archive.write_archive(model, f)


def _check_loadable(filepath, what):
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"{what}: no file at '{filepath}'.")
    if os.path.isdir(filepath):
        raise ValueError(
            f"{what}: '{filepath}' is a directory. lamina reads `.keras` archives (TensorFlow "
            "SavedModel directories are not supported)."
        )


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved by `model.save()` (lamina or Keras 3).

    `custom_objects` maps names to your own classes/functions (or register them with
    `@lamina.saving.register_keras_serializable()`); `compile=False` skips re-compiling;
    `safe_mode=False` allows loading lambdas stored as bytecode (only for trusted files).

    >>> import io
    >>> import lamina as keras
    >>> buffer = io.BytesIO()
    >>> keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, name="out")]).save(buffer)
    >>> _ = buffer.seek(0)
    >>> keras.saving.load_model(buffer).layers[-1].name
    'out'
    """
    if _is_fileobj(filepath):
        return _load_from_fileobj(filepath, "<file object>", custom_objects, compile, safe_mode)
    filepath = os.fspath(filepath)
    _check_loadable(filepath, "load_model()")
    if filepath.endswith(".weights.h5"):
        raise ValueError(
            f"load_model(): '{filepath}' is a weights-only file. Create the model in code, then "
            "call model.load_weights() on it."
        )
    if not filepath.endswith(".keras") and filepath.endswith(_LEGACY_H5):
        raise ValueError(
            f"load_model(): '{filepath}' is a legacy HDF5 model file, which lamina does not load "
            "as a whole. Build the model in code and call model.load_weights() with this file "
            "(Keras 2 weights are read by layer order, or by_name=True)."
        )
    if not filepath.endswith(".keras"):
        raise ValueError(
            f"load_model(): expected a path ending in '.keras'. Received: filepath={filepath!r}."
        )
    with open(filepath, "rb") as f:
        return _load_from_fileobj(f, filepath, custom_objects, compile, safe_mode)


def _load_from_fileobj(fileobj, filepath, custom_objects, compile, safe_mode):
    with keras_archive.open_archive(fileobj, filepath) as archive:
        config = keras_archive.read_config(archive, filepath)
        model = model_from_config(config, custom_objects, compile, safe_mode, filepath)
        keras_archive.load_weights_from_archive(model, archive, filepath)
    return model


def check_config(config, custom_objects, safe_mode, source):
    """Raises one error naming every class the config needs and cannot find, and refuses stored
    bytecode in safe mode, before anything is built."""
    missing = class_lookup.missing_objects(config, custom_objects)
    if missing:
        listed = ", ".join(f"'{name}' (in {where})" for name, where in missing)
        short = {name.split(">")[-1] for name, _ in missing}
        mapping = ", ".join(f"'{n}': {n}" for n in sorted(short))
        raise ValueError(
            f"Could not load {source}: it uses {len(missing)} class(es)/function(s) that are "
            f"neither lamina built-ins nor registered: {listed}. Import the code that defines "
            "them and either decorate each with `@lamina.saving.register_keras_serializable()`, "
            f"or pass `custom_objects={{{mapping}}}`."
        )
    if safe_mode:
        lambdas = class_lookup.lambdas_in(config)
        if lambdas:
            raise refuse_stored_code(f"{source} ({', '.join(sorted(set(lambdas)))})")


def model_from_config(config, custom_objects=None, compile=True, safe_mode=True, source="the config"):
    """Builds (and optionally compiles) a model from its serialized config."""
    from lamina.saving.compile_io import compile_from_config
    from lamina.saving.serialization import ObjectSharingScope, deserialize_keras_object

    if safe_mode is None:
        safe_mode = True
    source = f"'{source}'" if source != "the config" else source
    check_config(config, custom_objects, safe_mode, source)
    config = dict(config)
    compile_config = config.pop("compile_config", None)
    with CustomObjectScope(custom_objects or {}), SafeModeScope(safe_mode), ObjectSharingScope():
        model = deserialize_keras_object(config, custom_objects=custom_objects, safe_mode=safe_mode)
        if compile and compile_config:
            compile_from_config(model, compile_config, custom_objects)
    return model


def model_from_json(json_string, custom_objects=None):
    """Builds a model from `model.to_json()` output (the architecture; weights are not included).

    >>> import lamina as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    >>> keras.saving.model_from_json(model.to_json()).output_shape
    (None, 3)
    """
    try:
        config = json.loads(json_string)
    except json.JSONDecodeError as e:
        raise ValueError(f"model_from_json(): the string is not valid JSON ({e}).") from e
    return model_from_config(config, custom_objects, compile=False, safe_mode=True)


# ---------------------------------------------------------------------------------- weights
def save_weights(model, filepath, overwrite=True, **kwargs):
    """Saves the model's variables (and optimizer state) to a `.weights.h5` file.

    >>> import os, tempfile
    >>> import lamina as keras
    >>> path = os.path.join(tempfile.mkdtemp(), "model.weights.h5")
    >>> keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]).save_weights(path)
    >>> os.path.exists(path)
    True
    """
    import h5py

    kwargs.pop("max_shard_size", None)
    if kwargs:
        raise ValueError(f"save_weights() got unexpected arguments: {sorted(kwargs)}.")
    filepath = os.fspath(filepath)
    if not filepath.endswith(".weights.h5"):
        raise ValueError(
            "Invalid filepath for save_weights(): the filename must end in '.weights.h5'. "
            f"Received: filepath={filepath!r}"
        )
    _check_overwrite(filepath, overwrite)
    with atomic_path(filepath) as tmp:
        with h5py.File(tmp, "w") as h5file:
            weights_io.save_state(model, h5file)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Loads weights saved by `save_weights` or `save` (lamina or Keras 3), or Keras 2 `.h5`.

    >>> import os, tempfile
    >>> import numpy as np
    >>> import lamina as keras
    >>> def make():
    ...     return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> source, target = make(), make()
    >>> path = os.path.join(tempfile.mkdtemp(), "w.weights.h5")
    >>> source.save_weights(path)
    >>> target.load_weights(path)
    >>> bool(np.array_equal(source.get_weights()[0], target.get_weights()[0]))
    True
    """
    import h5py

    by_name = kwargs.pop("by_name", False)
    if kwargs:
        raise ValueError(f"load_weights() got unexpected arguments: {sorted(kwargs)}.")
    filepath = os.fspath(filepath)
    _check_loadable(filepath, "load_weights()")
    if filepath.endswith(".keras"):
        with open(filepath, "rb") as f, keras_archive.open_archive(f, filepath) as archive:
            keras_archive.load_weights_from_archive(model, archive, filepath, skip_mismatch)
        return
    if not filepath.endswith(_LEGACY_H5):
        raise ValueError(
            "load_weights(): the filename must end in '.weights.h5' (or '.keras', or '.h5' for "
            f"Keras 2 files). Received: filepath={filepath!r}"
        )
    try:
        h5file = h5py.File(filepath, "r")
    except OSError as e:
        raise ValueError(
            f"load_weights(): '{filepath}' is not a readable HDF5 file; it may be truncated or "
            f"corrupted ({e})."
        ) from e
    with h5file:
        from lamina.saving import legacy_h5

        if legacy_h5.is_legacy_h5(h5file):
            legacy_h5.load_legacy_weights(model, h5file, filepath, skip_mismatch, by_name)
            return
        if by_name:
            raise ValueError(
                "load_weights(): by_name=True applies to Keras 2 '.h5' files only; "
                f"'{filepath}' is a Keras 3 weights file (matched by object path)."
            )
        weights_io.load_state(model, h5file, filepath, skip_mismatch=skip_mismatch)
