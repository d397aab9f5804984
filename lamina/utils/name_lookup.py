"""The shared body of `get()` in activations, constraints, initializers and regularizers.

Each accepts None, a registered name, a config dict, or a callable, and answers an unknown name
with the closest valid ones.

>>> from lamina.utils.name_lookup import resolve
>>> table = {"relu": abs}
>>> resolve("relu", "activation", table, make=lambda f: f) is abs
True
>>> try:
...     resolve("rleu", "activation", table)
... except ValueError as e:
...     print(e)
Unknown activation: 'rleu'. Did you mean: relu? Valid names: relu.
"""

import difflib


def did_you_mean(name, candidates):
    """' Did you mean: a, b?' for the closest candidates, or ''."""
    close = difflib.get_close_matches(str(name), sorted(candidates), n=3)
    return f" Did you mean: {', '.join(close)}?" if close else ""


def resolve(identifier, kind, table, deserialize=None, make=lambda cls: cls(), if_none=None,
            valid_names=None, valid_label="Valid names"):
    """Turns `identifier` into the object `get()` returns.

    `table` maps names to classes (or functions); `make` turns a table entry into the result (an
    instance by default). `valid_names` are the names listed in the error (all of `table`'s by
    default).
    """
    if identifier is None:
        return if_none
    if isinstance(identifier, str):
        entry = table.get(identifier)
        if entry is None:
            valid = sorted(table) if valid_names is None else list(valid_names)
            raise ValueError(
                f"Unknown {kind}: '{identifier}'.{did_you_mean(identifier, table)} "
                f"{valid_label}: {', '.join(valid)}."
            )
        return make(entry)
    if isinstance(identifier, dict) and deserialize is not None:
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret {kind}: expected a name, a config dict or a callable. "
        f"Received: {identifier!r}"
    )
