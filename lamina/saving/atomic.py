"""Writes that never leave a half-written file behind.

The data goes to a temporary file in the destination's directory (so the final rename stays on
one filesystem), which replaces the destination with `os.replace` only once it is complete. If
anything fails on the way, the previous file is untouched and the temporary file is removed.

>>> import os, tempfile
>>> from lamina.saving.atomic import atomic_path
>>> target = os.path.join(tempfile.mkdtemp(), "out.txt")
>>> with atomic_path(target) as tmp:
...     _ = open(tmp, "w").write("done")
>>> open(target).read()
'done'
"""

import contextlib
import os
import tempfile


def _default_mode():
    # The permissions a plain `open(path, "w")` would give; mkstemp's are owner-only.
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_path(filepath):
    """Yields a temporary path; on success it atomically becomes `filepath`."""
    filepath = os.fspath(filepath)
    directory = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(filepath)}.", suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        yield tmp
        mode = os.stat(filepath).st_mode & 0o777 if os.path.exists(filepath) else _default_mode()
        os.chmod(tmp, mode)
        os.replace(tmp, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
