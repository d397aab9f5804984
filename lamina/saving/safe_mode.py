"""Safe mode: loading a file never runs code stored in it unless the user says so.

A `.keras` file can carry the bytecode of a `lambda` (a `Lambda` layer's function). Turning that
back into a function runs code from the file, so it is refused unless `safe_mode=False` is passed
to the loading function (or `enable_unsafe_deserialization()` was called).

>>> from lamina.saving.safe_mode import SafeModeScope, in_safe_mode
>>> in_safe_mode()
True
>>> with SafeModeScope(False):
...     in_safe_mode()
False
"""

import threading

_local = threading.local()
_DEFAULT_SAFE_MODE = [True]


def set_safe_mode(safe_mode):
    """Sets the process-wide default: `False` allows loading stored bytecode everywhere.

    >>> from lamina.saving.safe_mode import in_safe_mode, set_safe_mode
    >>> set_safe_mode(False); in_safe_mode()
    False
    >>> set_safe_mode(True); in_safe_mode()
    True
    """
    if not isinstance(safe_mode, bool):
        raise TypeError(f"set_safe_mode: expected True or False. Received: safe_mode={safe_mode!r}")
    _DEFAULT_SAFE_MODE[0] = safe_mode


def enable_unsafe_deserialization():
    """Allows loading stored Python bytecode (lambdas) everywhere, as Keras's function of that
    name does. Only do this for files you trust."""
    set_safe_mode(False)


def in_safe_mode():
    """True unless an enclosing `SafeModeScope(False)` or `set_safe_mode(False)` says otherwise."""
    for value in reversed(getattr(_local, "stack", None) or []):
        if value is not None:
            return value
    return _DEFAULT_SAFE_MODE[0]


class SafeModeScope:
    """`with SafeModeScope(safe_mode):` sets whether stored code may be loaded inside it.

    `SafeModeScope(None)` keeps the enclosing setting (what loaders pass when the user did not
    choose).
    """

    def __init__(self, safe_mode=True):
        if safe_mode is not None and not isinstance(safe_mode, bool):
            raise TypeError(f"SafeModeScope: expected True, False or None. Received: {safe_mode!r}")
        self.safe_mode = safe_mode

    def __enter__(self):
        if not hasattr(_local, "stack"):
            _local.stack = []
        _local.stack.append(self.safe_mode)
        return self

    def __exit__(self, *exc):
        _local.stack.pop()
        return False


def refuse_stored_code(where):
    """The error for bytecode met in safe mode; `where` says what holds it."""
    return ValueError(
        f"Refusing to load Python bytecode stored in {where}: loading it would run code from "
        "the file, which is unsafe if you did not create the file yourself. If you trust its "
        "source, pass `safe_mode=False` to the loading function (e.g. "
        "`lamina.saving.load_model(path, safe_mode=False)`), or call "
        "`lamina.saving.enable_unsafe_deserialization()`."
    )
