"""Where lamina's user-facing messages go, and whether the output is a live terminal.

>>> from lamina.utils import io_utils
>>> io_utils.print_msg("hello")
hello
>>> io_utils.resolve_verbose(2)
2
"""

import logging
import os
import sys

_INTERACTIVE_LOGGING = True
_logger = logging.getLogger("lamina")


def enable_interactive_logging():
    """Messages (progress bars included) go to stdout; this is the default."""
    global _INTERACTIVE_LOGGING
    _INTERACTIVE_LOGGING = True


def disable_interactive_logging():
    """Messages go to the `logging` logger named 'lamina' instead of stdout."""
    global _INTERACTIVE_LOGGING
    _INTERACTIVE_LOGGING = False


def is_interactive_logging_enabled():
    """Whether `print_msg` writes to stdout (True) or to the 'lamina' logger (False)."""
    return _INTERACTIVE_LOGGING


def print_msg(message, line_break=True):
    """Writes `message` to stdout (or to the 'lamina' logger when interactive logging is off)."""
    message = str(message)
    if not _INTERACTIVE_LOGGING:
        _logger.info(message)
        return
    if line_break:
        message += "\n"
    stream = sys.stdout
    try:
        stream.write(message)
    except UnicodeEncodeError:
        # Consoles with a legacy encoding cannot print the bar glyph: fall back to ASCII.
        encoding = getattr(stream, "encoding", None) or "utf-8"
        stream.write(message.replace("\u2501", "=").encode(encoding, "ignore").decode(encoding))
    stream.flush()


def stdout_is_terminal():
    """True when stdout is a live display that understands `\\r` and ANSI colours.

    A pipe, a file or a CI log is not: progress output there must be plain lines.
    """
    if "ipykernel" in sys.modules or "PYCHARM_HOSTED" in os.environ:
        return True
    isatty = getattr(sys.stdout, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed stream
        return False


def resolve_verbose(verbose):
    """Maps `verbose="auto"` to 1 on a terminal and to 2 elsewhere; checks other values.

    `fit`/`evaluate`/`predict` use this so that logs written to files or CI get one clean line per
    epoch instead of a bar redrawn with backspaces.
    """
    if verbose == "auto":
        return 1 if stdout_is_terminal() else 2
    if isinstance(verbose, bool):
        return int(verbose)
    if verbose not in (0, 1, 2):
        raise ValueError(
            f"verbose must be 'auto', 0 (silent), 1 (progress bar) or 2 (one line per epoch). "
            f"Received: verbose={verbose!r}"
        )
    return int(verbose)
