"""get_file: caching, hash checks, extraction (same paths as Keras 3), and offline errors."""

import hashlib
import io
import os
import tarfile
import zipfile

import pytest

from lamina.utils import file_utils, get_file


@pytest.fixture
def source(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    text = src / "data.txt"
    text.write_text("hello lamina")
    with tarfile.open(src / "archive.tar.gz", "w:gz") as tar:
        tar.add(text, arcname="folder/data.txt")
    with zipfile.ZipFile(src / "archive.zip", "w") as zf:
        zf.write(text, arcname="folder/data.txt")
    return src


def _url(path):
    return "file://" + str(path)


def test_download_and_cache(source, tmp_path, capsys):
    cache = tmp_path / "cache"
    path = get_file("data.txt", origin=_url(source / "data.txt"), cache_dir=str(cache))
    assert path == str(cache / "datasets" / "data.txt")
    assert open(path).read() == "hello lamina"
    assert "Downloading data from" in capsys.readouterr().out
    os.remove(source / "data.txt")  # the cached copy is used from now on
    assert get_file("data.txt", origin=_url(source / "data.txt"), cache_dir=str(cache)) == path
    assert capsys.readouterr().out == ""


def test_default_cache_is_lamina_home(source, tmp_path, monkeypatch):
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    path = get_file(origin=_url(source / "data.txt"))
    assert path == str(tmp_path / "home" / "datasets" / "data.txt")
    monkeypatch.delenv("LAMINA_HOME")
    assert file_utils.lamina_home() == os.path.join(os.path.expanduser("~"), ".lamina")


@pytest.mark.parametrize("algorithm", ["sha256", "md5"])
def test_hash_check(source, tmp_path, algorithm):
    digest = getattr(hashlib, algorithm)(b"hello lamina").hexdigest()
    cache = str(tmp_path / "cache")
    path = get_file("data.txt", origin=_url(source / "data.txt"), file_hash=digest, cache_dir=cache)
    assert file_utils.validate_file(path, digest)
    # A wrong hash: the cached file is stale, the new download does not match either.
    with pytest.raises(ValueError, match="expected file_hash=0+"):
        get_file("data.txt", origin=_url(source / "data.txt"), file_hash="0" * len(digest), cache_dir=cache)
    assert not os.path.exists(path)


def test_md5_hash_keyword(source, tmp_path):
    digest = hashlib.md5(b"hello lamina").hexdigest()
    path = get_file("data.txt", origin=_url(source / "data.txt"), md5_hash=digest, cache_dir=str(tmp_path))
    assert open(path).read() == "hello lamina"


def test_stale_cached_file_is_downloaded_again(source, tmp_path, capsys):
    cache = tmp_path / "cache"
    (cache / "datasets").mkdir(parents=True)
    (cache / "datasets" / "data.txt").write_text("old")
    digest = hashlib.sha256(b"hello lamina").hexdigest()
    path = get_file("data.txt", origin=_url(source / "data.txt"), file_hash=digest, cache_dir=str(cache))
    assert open(path).read() == "hello lamina"
    assert "does not match" in capsys.readouterr().out


def test_offline_error_says_where_to_put_the_file(tmp_path):
    with pytest.raises(RuntimeError) as info:
        get_file("mnist.npz", origin="http://127.0.0.1:9/mnist.npz", cache_dir=str(tmp_path))
    message = str(info.value)
    target = str(tmp_path / "datasets" / "mnist.npz")
    assert "could not download http://127.0.0.1:9/mnist.npz" in message and target in message
    assert not os.path.exists(target) and not os.path.exists(target + ".part")
    # Placed by hand, it is used without any network access.
    with open(target, "w") as f:
        f.write("by hand")
    assert get_file("mnist.npz", origin="http://127.0.0.1:9/mnist.npz", cache_dir=str(tmp_path)) == target


@pytest.mark.parametrize(
    "fname, archive",
    [(None, "archive.tar.gz"), ("archive.tar.gz", "archive.tar.gz"), ("mydata", "archive.tar.gz"),
     ("archive.zip", "archive.zip"), (None, "archive.zip")],
)
def test_extract_paths_match_keras(keras3, source, tmp_path, fname, archive, capsys):
    kwargs = dict(fname=fname, origin=_url(source / archive), extract=True)
    # Keras falls back to /tmp/.keras when cache_dir does not exist yet.
    (tmp_path / "keras").mkdir()
    expected = keras3.utils.get_file(cache_dir=str(tmp_path / "keras"), **kwargs)
    got = get_file(cache_dir=str(tmp_path / "lamina"), **kwargs)
    assert os.path.relpath(got, tmp_path / "lamina") == os.path.relpath(expected, tmp_path / "keras")
    with open(os.path.join(got, "folder", "data.txt")) as f:
        assert f.read() == "hello lamina"


def test_untar(source, tmp_path):
    path = get_file("pack", origin=_url(source / "archive.tar.gz"), untar=True, cache_dir=str(tmp_path))
    assert os.path.exists(os.path.join(path, "folder", "data.txt"))


def test_unsafe_archive_is_refused(tmp_path):
    bad = tmp_path / "bad.tar"
    with tarfile.open(bad, "w") as tar:
        info = tarfile.TarInfo("../escape.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    with pytest.raises(ValueError, match="outside the extraction directory"):
        file_utils.extract_archive(str(bad), str(tmp_path / "out"))
    assert not (tmp_path / "escape.txt").exists()


def test_argument_errors(source, tmp_path):
    with pytest.raises(ValueError, match="origin"):
        get_file("x")
    with pytest.raises(ValueError, match="not a path"):
        get_file("a/b.txt", origin=_url(source / "data.txt"), cache_dir=str(tmp_path))
    with pytest.raises(ValueError, match="fname"):
        get_file(origin="http://example.com/", cache_dir=str(tmp_path))
    with pytest.raises(ValueError, match="hash_algorithm"):
        file_utils.resolve_hasher("sha1")
