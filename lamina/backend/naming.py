"""Keras-style automatic names: `dense`, `dense_1`, ... unique per prefix in a session."""

import re

_UIDS = {}


def to_snake_case(name):
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
    return name.lstrip("_") or "op"


def uniquify(prefix):
    n = _UIDS.get(prefix, 0)
    _UIDS[prefix] = n + 1
    return prefix if n == 0 else f"{prefix}_{n}"


def reset_uids():
    import sys

    from lamina.backend import keras_tensor, random

    _UIDS.clear()
    keras_tensor._NAMES.clear()
    # By module path: `lamina.backend.variable` as an attribute is Keras 2's K.variable function.
    sys.modules["lamina.backend.variable"]._AUTO_NAMES.clear()
    random._SG_NAMES.clear()
