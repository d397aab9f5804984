"""`get_file`: download a file once into lamina's cache (`~/.lamina/datasets`), check its hash,
and optionally extract it.

Offline, place the file by hand at the path named in the error message; `get_file` then uses it.

>>> import os, tempfile
>>> from lamina.utils import get_file
>>> src = os.path.join(tempfile.mkdtemp(), "data.txt")
>>> with open(src, "w") as f:
...     _ = f.write("hello")
>>> path = get_file("data.txt", origin="file://" + src, cache_dir=tempfile.mkdtemp())
... # doctest: +ELLIPSIS
Downloading data from file://.../data.txt
...
>>> open(path).read()
'hello'
"""

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile

from lamina.utils import io_utils
from lamina.utils.progbar import Progbar


def lamina_home():
    """lamina's cache root: `$LAMINA_HOME` if set, else `~/.lamina`."""
    return os.environ.get("LAMINA_HOME") or os.path.join(os.path.expanduser("~"), ".lamina")


def resolve_hasher(algorithm, file_hash=None):
    """Picks the hashlib constructor: `'auto'` means sha256 for a 64-character hash, else md5."""
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None and len(file_hash) == 64):
        return hashlib.sha256()
    if algorithm in ("auto", "md5"):
        return hashlib.md5()
    raise ValueError(
        f"hash_algorithm must be 'auto', 'sha256' or 'md5'. Received: hash_algorithm={algorithm!r}"
    )


def hash_file(fpath, algorithm="sha256", chunk_size=65535):
    """Hex digest of the file at `fpath` (`algorithm` is 'sha256', 'md5' or a hashlib object)."""
    hasher = resolve_hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535):
    """True when the file at `fpath` has hash `file_hash` (sha256 or md5, see `resolve_hasher`)."""
    hasher = resolve_hasher(algorithm, file_hash)
    return hash_file(fpath, hasher, chunk_size) == str(file_hash)


def _within(directory, target):
    directory = os.path.realpath(directory)
    return os.path.commonpath([directory, os.path.realpath(target)]) == directory


def extract_archive(file_path, path=".", archive_format="auto"):
    """Extracts a tar (also .tar.gz / .tar.bz2) or zip archive into `path`; True on success.

    Members that would land outside `path` (absolute names, `..`, links) are refused.
    """
    if archive_format is None:
        return False
    if archive_format == "auto":
        archive_format = ["tar", "zip"]
    if isinstance(archive_format, str):
        archive_format = [archive_format]
    for kind in archive_format:
        if kind == "tar" and tarfile.is_tarfile(file_path):
            with tarfile.open(file_path) as archive:
                members = archive.getmembers()
                for member in members:
                    if member.issym() or member.islnk() or not _within(path, os.path.join(path, member.name)):
                        raise ValueError(
                            f"extract_archive: refusing to extract '{member.name}' from {file_path}: "
                            "it is a link or would be written outside the extraction directory."
                        )
                _extract(archive.extractall, path, members)
            return True
        if kind == "zip" and zipfile.is_zipfile(file_path):
            with zipfile.ZipFile(file_path) as archive:
                for name in archive.namelist():
                    if not _within(path, os.path.join(path, name)):
                        raise ValueError(
                            f"extract_archive: refusing to extract '{name}' from {file_path}: it "
                            "would be written outside the extraction directory."
                        )
                _extract(archive.extractall, path)
            return True
    return False


def _extract(extractall, path, members=None):
    kwargs = {} if members is None else {"members": members}
    try:
        extractall(path, **kwargs)
    except (tarfile.TarError, RuntimeError, KeyboardInterrupt):
        # Leave no half-extracted directory behind to be mistaken for a good one.
        if os.path.isdir(path):
            shutil.rmtree(path)
        raise


class _DownloadProgress:
    """`urlretrieve` report hook drawing a byte-count progress bar."""

    def __init__(self):
        self.progbar = None
        self.finished = False

    def __call__(self, block_num, block_size, total_size):
        total = None if total_size == -1 else total_size
        if self.progbar is None:
            self.progbar = Progbar(total)
        current = block_num * block_size
        if total is None or current < total:
            self.progbar.update(current)
        elif not self.finished:
            self.progbar.update(total)
            self.finished = True


def get_file(
    fname=None,
    origin=None,
    untar=False,
    md5_hash=None,
    file_hash=None,
    cache_subdir="datasets",
    hash_algorithm="auto",
    extract=False,
    archive_format="auto",
    cache_dir=None,
    force_download=False,
):
    """Downloads `origin` into `<cache_dir>/<cache_subdir>/` unless already there; returns the path.

    Args:
        fname: local file name (default: the last part of the URL). With `extract=True`, a name
            without extension names the extraction directory.
        origin: URL of the file (`https://`, `http://`, `file://`).
        untar: deprecated, same as `extract=True, archive_format="tar"`.
        md5_hash: deprecated, same as `file_hash=..., hash_algorithm="md5"`.
        file_hash: expected sha256 or md5 hex digest; a cached file that does not match is
            downloaded again, a download that does not match is an error.
        cache_subdir: sub-directory of `cache_dir` (an absolute path is used as is).
        hash_algorithm: `"auto"`, `"sha256"` or `"md5"`.
        extract: whether to extract the archive (tar, tar.gz, tar.bz2, zip); the extraction
            directory is returned.
        archive_format: `"auto"` (tar, then zip), `"tar"`, `"zip"` or None.
        cache_dir: cache root (default: `$LAMINA_HOME` or `~/.lamina`).
        force_download: download even if the file is cached.

    >>> get_file(origin=None)
    Traceback (most recent call last):
    ...
    ValueError: get_file: `origin` (the URL of the file) is required. Received: origin=None
    """
    if origin is None:
        raise ValueError("get_file: `origin` (the URL of the file) is required. Received: origin=None")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    base = os.path.expanduser(cache_dir if cache_dir is not None else lamina_home())
    if not _creatable(base) or not os.access(base, os.W_OK):
        base = os.path.join(tempfile.gettempdir(), ".lamina")
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)

    given_fname = os.fspath(fname) if fname is not None else None
    if given_fname:
        if os.sep in given_fname or (os.altsep and os.altsep in given_fname):
            raise ValueError(
                "get_file: `fname` must be a file name, not a path. To choose the directory, pass "
                f"`cache_dir` (and `cache_subdir`). Received: fname={given_fname!r}"
            )
        fname = given_fname
    else:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(
                f"get_file: cannot read a file name from origin={origin!r}. Pass `fname`."
            )

    if extract or untar:
        if given_fname and "." in fname:
            download_target = os.path.join(datadir, fname)
            extraction_dir = os.path.join(datadir, f"{fname[: fname.find('.')]}_extracted")
        else:
            extraction_dir = os.path.join(datadir, fname)
            download_target = os.path.join(datadir, f"{fname}_archive")
    else:
        download_target = os.path.join(datadir, fname)

    download = True
    if not force_download and os.path.exists(download_target):
        download = False
        if file_hash is not None and not validate_file(download_target, file_hash, hash_algorithm):
            io_utils.print_msg(
                f"A local file was found at {download_target}, but its {hash_algorithm} hash does "
                f"not match {file_hash}: downloading it again."
            )
            download = True

    if download:
        _download(origin, download_target)
        if file_hash is not None and not validate_file(download_target, file_hash, hash_algorithm):
            actual = hash_file(download_target, resolve_hasher(hash_algorithm, file_hash))
            os.remove(download_target)
            raise ValueError(
                f"get_file: the file downloaded from {origin} is incomplete or not the expected one: "
                f"its {hash_algorithm} hash is {actual}, expected file_hash={file_hash}. Check the "
                "URL and the hash."
            )

    if extract or untar:
        if not extract_archive(download_target, extraction_dir, "tar" if untar else archive_format):
            warnings.warn(
                f"get_file: could not extract {download_target}: it is not a "
                f"{archive_format if archive_format != 'auto' else 'tar or zip'} archive."
            )
        return extraction_dir
    return download_target


def _creatable(path):
    try:
        os.makedirs(path, exist_ok=True)
        return True
    except OSError:
        return False


def _download(origin, target):
    io_utils.print_msg(f"Downloading data from {origin}")
    partial = target + ".part"
    try:
        urllib.request.urlretrieve(origin, partial, _DownloadProgress())
    except (urllib.error.URLError, OSError, ValueError) as e:
        if os.path.exists(partial):
            os.remove(partial)
        reason = getattr(e, "reason", None) or getattr(e, "msg", None) or e
        code = f"HTTP {e.code} " if isinstance(e, urllib.error.HTTPError) else ""
        raise RuntimeError(
            f"get_file: could not download {origin} ({code}{reason}). If this machine has no network "
            f"access, download the file elsewhere and copy it to {target} ; get_file will use that "
            "copy (and check `file_hash` if you give one)."
        ) from e
    except KeyboardInterrupt:
        if os.path.exists(partial):
            os.remove(partial)
        raise
    # Only a complete download gets the final name, so an interrupted one is never mistaken for it.
    os.replace(partial, target)
