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
_GLOBAL_UNSAFE = [False]


def _lambda_module():
    """The Lambda layer's module when it keeps a safe-mode setting of its own (kept in step)."""
    import sys

    module = sys.modules.get("lamina.layers.core.lambda_layer")
    if module is None or getattr(module, "in_safe_mode", in_safe_mode) is in_safe_mode:
        return None
    return module


def in_safe_mode():
    """True unless an enclosing `SafeModeScope(False)` or `enable_unsafe_deserialization()`."""
    stack = getattr(_local, "stack", None)
    if stack:
        return stack[-1]
    if _GLOBAL_UNSAFE[0]:
        return False
    other = _lambda_module()
    return True if other is None else bool(other.in_safe_mode())


class SafeModeScope:
    """`with SafeModeScope(safe_mode):` sets whether stored code may be loaded inside it."""

    def __init__(self, safe_mode=True):
        self.safe_mode = True if safe_mode is None else bool(safe_mode)

    def __enter__(self):
        if not hasattr(_local, "stack"):
            _local.stack = []
        _local.stack.append(self.safe_mode)
        other = _lambda_module()
        self._other = other.SafeModeScope(self.safe_mode) if other is not None else None
        if self._other is not None:
            self._other.__enter__()
        return self

    def __exit__(self, *exc):
        if self._other is not None:
            self._other.__exit__(*exc)
        _local.stack.pop()
        return False


def enable_unsafe_deserialization():
    """Allows loading stored Python bytecode (lambdas) everywhere, as Keras's function of that
    name does. Only do this for files you trust."""
    _GLOBAL_UNSAFE[0] = True
    other = _lambda_module()
    if other is not None:
        other.enable_unsafe_deserialization()


def refuse_stored_code(where):
    """The error for bytecode met in safe mode; `where` says what holds it."""
    return ValueError(
        f"Refusing to load Python bytecode stored in {where}: loading it would run code from "
        "the file, which is unsafe if you did not create the file yourself. If you trust its "
        "source, pass `safe_mode=False` to the loading function (e.g. "
        "`lamina.saving.load_model(path, safe_mode=False)`), or call "
        "`lamina.saving.enable_unsafe_deserialization()`."
    )
