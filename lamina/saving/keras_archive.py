"""The `.keras` file: a zip archive holding exactly what Keras 3 writes.

* `metadata.json`: `{"keras_version": ..., "date_saved": "YYYY-MM-DD@HH:MM:SS"}`
* `config.json`: the serialized model (`{"module", "class_name", "config", "registered_name",
  "build_config", "compile_config"}`)
* `model.weights.h5`: the layers' and optimizer's variables by object path (`weights_io`)

Entries are stored uncompressed, in that order, as Keras does.

>>> import io, zipfile
>>> import lamina as keras
>>> from lamina.saving.keras_archive import write_archive
>>> buffer = io.BytesIO()
>>> write_archive(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]), buffer)
>>> zipfile.ZipFile(buffer).namelist()
['metadata.json', 'config.json', 'model.weights.h5']
"""

import datetime
import io
import json
import zipfile

import h5py

from lamina.saving import weights_io

# The Keras 3 file format version lamina writes and reads (Keras does not check it on load).
KERAS_VERSION = "3.15.1"
CONFIG_FILE = "config.json"
METADATA_FILE = "metadata.json"
WEIGHTS_FILE = "model.weights.h5"
# A config.json larger than this is not a model config; refuse it rather than exhaust memory.
_MAX_CONFIG_BYTES = 256 * 1024 * 1024


def model_config(model):
    from lamina.saving.serialization import ObjectSharingScope, serialize_keras_object

    with ObjectSharingScope():
        config = serialize_keras_object(model)
    if "compile_config" not in config and callable(getattr(model, "compile", None)):
        config["compile_config"] = {}
    return config


def write_archive(model, fileobj):
    """Writes the `.keras` archive of `model` into a binary file object."""
    config_json = json.dumps(model_config(model))
    metadata_json = json.dumps({
        "keras_version": KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    })
    weights = io.BytesIO()
    with h5py.File(weights, "w") as h5file:
        weights_io.save_state(model, h5file)
    with zipfile.ZipFile(fileobj, "w") as archive:
        archive.writestr(METADATA_FILE, metadata_json)
        archive.writestr(CONFIG_FILE, config_json)
        archive.writestr(WEIGHTS_FILE, weights.getvalue())


def open_archive(fileobj, filepath):
    try:
        return zipfile.ZipFile(fileobj, "r")
    except zipfile.BadZipFile as e:
        raise ValueError(
            f"'{filepath}' is not a valid .keras file: it is not a zip archive ({e}). The file may "
            "be truncated or corrupted, or it may be another format (a `.weights.h5` file is "
            "loaded with model.load_weights())."
        ) from e


def read_entry(archive, name, filepath, limit=None):
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ValueError(
            f"'{filepath}' is not a valid .keras file: it has no '{name}' (it holds "
            f"{archive.namelist()}). The file may be truncated or not made by Keras/lamina."
        ) from None
    if limit is not None and info.file_size > limit:
        raise ValueError(f"'{filepath}': '{name}' is {info.file_size} bytes, more than a model config can be.")
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
        raise ValueError(
            f"'{filepath}' is corrupted: reading '{name}' failed ({type(e).__name__}: {e})."
        ) from e


def read_config(archive, filepath):
    raw = read_entry(archive, CONFIG_FILE, filepath, limit=_MAX_CONFIG_BYTES)
    try:
        config = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"'{filepath}' is corrupted: its config.json is not valid JSON ({e}).") from e
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"'{filepath}': config.json does not describe a model (no 'class_name'). Received keys: "
            f"{sorted(config) if isinstance(config, dict) else type(config).__name__}"
        )
    return config


def load_weights_from_archive(model, archive, filepath, skip_mismatch=False):
    raw = read_entry(archive, WEIGHTS_FILE, filepath)
    try:
        h5file = h5py.File(io.BytesIO(raw), "r")
    except OSError as e:
        raise ValueError(
            f"'{filepath}' is corrupted: its {WEIGHTS_FILE} is not a readable HDF5 file ({e})."
        ) from e
    with h5file:
        weights_io.load_state(model, h5file, filepath, skip_mismatch=skip_mismatch)
