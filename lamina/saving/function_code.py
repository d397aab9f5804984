"""A `lambda`'s code as Keras 3 stores it: `{"code", "defaults", "closure"}`, code in base64.

This is the format of a `Lambda` layer's `"function": {"class_name": "__lambda__", ...}`.
Writing it is harmless; reading it runs code from the file, so `load_function` refuses in safe
mode (see `lamina.saving.safe_mode`). Bytecode only loads in the Python version that wrote it.

>>> from lamina.saving.function_code import dump_function, load_function
>>> from lamina.saving.safe_mode import SafeModeScope
>>> stored = dump_function(lambda x: x * 2)
>>> sorted(stored)
['closure', 'code', 'defaults']
>>> with SafeModeScope(False):
...     load_function(stored)(21)
42
"""

import base64
import marshal
import types

from lamina.saving.safe_mode import in_safe_mode, refuse_stored_code


def dump_function(fn):
    """`{"code", "defaults", "closure"}` for a Python function (usually a lambda)."""
    code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
    closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
    return {"code": code, "defaults": fn.__defaults__, "closure": closure}


def load_function(stored, globs=None, where="a saved lambda"):
    """Rebuilds the function from `dump_function` output (or Keras's `(code, defaults, closure)`).

    Raises in safe mode: the stored bytecode would run.
    """
    if in_safe_mode():
        raise refuse_stored_code(where)
    if isinstance(stored, dict):
        code, defaults, closure = stored.get("code"), stored.get("defaults"), stored.get("closure")
    elif isinstance(stored, (list, tuple)) and len(stored) == 3:
        code, defaults, closure = stored
    else:
        code, defaults, closure = stored, None, None
    try:
        raw = base64.decodebytes(code.encode("ascii"))
        code_obj = marshal.loads(raw)
    except (ValueError, EOFError, TypeError, AttributeError) as e:
        raise ValueError(
            f"Could not load {where}: its stored bytecode is unreadable ({e}). Bytecode only "
            "loads in the Python version that saved it; re-create the function in code and pass "
            "it via `custom_objects`."
        ) from e
    cells = tuple(types.CellType(v) for v in closure) if closure else None
    return types.FunctionType(
        code_obj, globs if globs is not None else {"__builtins__": __builtins__}, code_obj.co_name,
        tuple(defaults) if defaults is not None else None, cells,
    )
