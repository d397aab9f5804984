"""`lamina.datasets` against Keras 3's loaders on small files written in the original formats.

Keras's loaders are pointed at the same files by replacing the `get_file` they call.
"""

import gzip
import hashlib
import io
import os
import pickle
import tarfile
import urllib.error
import urllib.request

import numpy as np
import pytest

from lamina import config
from lamina.datasets import (
    boston_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

keras = pytest.importorskip("keras")


def _keras_module(name):
    import importlib

    return importlib.import_module(f"keras.src.datasets.{name}")


def _serve(monkeypatch, name, result):
    """Makes Keras's `datasets.<name>` loader read `result` (a path, or fname -> path)."""
    pick = result if callable(result) else (lambda fname: result)
    monkeypatch.setattr(_keras_module(name), "get_file",
                        lambda fname=None, origin=None, **kw: pick(fname))


def assert_same(got, expected):
    for a, b in zip(got, expected):
        for x, y in zip(a, b):
            assert type(x) is type(y)
            assert x.dtype == y.dtype and x.shape == y.shape
            if x.dtype == object:
                assert [list(s) for s in x] == [list(s) for s in y]
            else:
                np.testing.assert_array_equal(x, y)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def no_network(monkeypatch):
    calls = []
    real = urllib.request.urlretrieve

    def fake(url, filename=None, reporthook=None, data=None):
        calls.append(url)
        if not url.startswith("file://"):
            raise urllib.error.URLError("network is unreachable")
        return real(url, filename, reporthook)

    monkeypatch.setattr(urllib.request, "urlretrieve", fake)
    return calls


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


# ------------------------------------------------------------------------------------ mnist
@pytest.fixture
def mnist_file(tmp_path, rng):
    path = tmp_path / "my_mnist.npz"
    arrays = {
        "x_train": rng.integers(0, 256, (6, 28, 28)).astype("uint8"),
        "y_train": rng.integers(0, 10, 6).astype("uint8"),
        "x_test": rng.integers(0, 256, (3, 28, 28)).astype("uint8"),
        "y_test": rng.integers(0, 10, 3).astype("uint8"),
    }
    np.savez(path, **arrays)
    return path, arrays


def test_mnist_local_path_matches_keras(mnist_file, monkeypatch):
    path, arrays = mnist_file
    _serve(monkeypatch, "mnist", str(path))
    got = mnist.load_data(path=str(path))
    assert_same(got, keras.datasets.mnist.load_data())
    np.testing.assert_array_equal(got[1][0], arrays["x_test"])


def test_mnist_downloads_once_into_the_cache_with_the_hash_checked(mnist_file, home, no_network, monkeypatch):
    path, arrays = mnist_file
    monkeypatch.setattr(mnist, "ORIGIN", path.as_uri())
    monkeypatch.setattr(mnist, "FILE_HASH", sha256(path))
    (x_train, _), _ = mnist.load_data()
    mnist.load_data()
    assert no_network == [path.as_uri()]
    assert (home / "datasets" / "mnist.npz").exists()
    np.testing.assert_array_equal(x_train, arrays["x_train"])

    monkeypatch.setattr(mnist, "FILE_HASH", "0" * 64)
    with pytest.raises(ValueError, match="hash"):
        mnist.load_data(path="other_name.npz")


def test_mnist_offline_error_says_where_to_put_the_file(home, no_network):
    with pytest.raises(RuntimeError) as info:
        mnist.load_data()
    message = str(info.value)
    assert str(home / "datasets" / "mnist.npz") in message
    assert mnist.ORIGIN in message and "path=" in message


def test_missing_local_file_and_wrong_file_are_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no file at path="):
        mnist.load_data(path=str(tmp_path / "nope.npz"))
    np.savez(tmp_path / "wrong.npz", x=np.zeros(2))
    with pytest.raises(ValueError, match=r"lacks the arrays \['x_train'"):
        mnist.load_data(path=str(tmp_path / "wrong.npz"))


# ---------------------------------------------------------------------------- fashion mnist
def test_fashion_mnist_reads_the_original_gz_files_like_keras(tmp_path, rng, monkeypatch):
    n = {"train": 5, "t10k": 2}
    for split, count in n.items():
        labels = rng.integers(0, 10, count).astype("uint8")
        images = rng.integers(0, 256, (count, 28, 28)).astype("uint8")
        with gzip.open(tmp_path / f"{split}-labels-idx1-ubyte.gz", "wb") as f:
            f.write(b"\0" * 8 + labels.tobytes())
        with gzip.open(tmp_path / f"{split}-images-idx3-ubyte.gz", "wb") as f:
            f.write(b"\0" * 16 + images.tobytes())
    _serve(monkeypatch, "fashion_mnist", lambda fname: str(tmp_path / fname))
    got = fashion_mnist.load_data(path=str(tmp_path))
    assert_same(got, keras.datasets.fashion_mnist.load_data())
    assert got[0][0].shape == (5, 28, 28)


def test_fashion_mnist_from_the_cache(tmp_path, rng, home, no_network, monkeypatch):
    source = tmp_path / "server"
    source.mkdir()
    for split, count in (("train", 3), ("t10k", 2)):
        with gzip.open(source / f"{split}-labels-idx1-ubyte.gz", "wb") as f:
            f.write(b"\0" * 8 + bytes(range(count)))
        with gzip.open(source / f"{split}-images-idx3-ubyte.gz", "wb") as f:
            f.write(b"\0" * 16 + bytes(count * 784))
    monkeypatch.setattr(fashion_mnist, "BASE", source.as_uri() + "/")
    (x_train, y_train), (x_test, _) = fashion_mnist.load_data()
    assert y_train.tolist() == [0, 1, 2] and x_test.shape == (2, 28, 28)
    assert (home / "datasets" / "fashion-mnist" / "t10k-images-idx3-ubyte.gz").exists()
    assert len(no_network) == 4


# ------------------------------------------------------------------------------------ cifar
def _batch(rng, n, protocol=2, **labels):
    data = rng.integers(0, 256, (n, 3072)).astype("uint8")
    d = {b"batch_label": b"fake", b"data": data}
    for key, high in labels.items():
        d[key.encode()] = [int(v) for v in rng.integers(0, high, n)]
    return pickle.dumps(d, protocol=protocol)


def _tar(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    return path


@pytest.fixture
def cifar10_files(tmp_path, rng):
    batches = {f"data_batch_{i}": _batch(rng, 2, labels=10) for i in range(1, 6)}
    batches["test_batch"] = _batch(rng, 3, labels=10)
    folder = tmp_path / "extracted" / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    for name, payload in batches.items():
        (folder / name).write_bytes(payload)
    archive = _tar(tmp_path / "cifar-10-python.tar.gz",
                   {f"cifar-10-batches-py/{k}": v for k, v in batches.items()})
    expected = {k: pickle.loads(v, encoding="bytes") for k, v in batches.items()}
    return archive, folder, expected


def _cifar10_expected(batches):
    x_train = np.concatenate([batches[f"data_batch_{i}"][b"data"] for i in range(1, 6)])
    y_train = np.concatenate([batches[f"data_batch_{i}"][b"labels"] for i in range(1, 6)])
    x_test, y_test = batches["test_batch"][b"data"], np.asarray(batches["test_batch"][b"labels"])
    img = lambda x: x.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return (img(x_train), y_train.astype("uint8")[:, None]), (img(x_test), y_test.astype("uint8")[:, None])


@pytest.mark.parametrize("source", ["archive", "directory", "parent_directory"])
def test_cifar10_reads_archive_or_extracted_directory(cifar10_files, source):
    archive, folder, batches = cifar10_files
    path = {"archive": archive, "directory": folder, "parent_directory": folder.parent}[source]
    got = cifar10.load_data(path=str(path))
    expected = _cifar10_expected(batches)
    for a, b in zip(got, expected):
        for x, y in zip(a, b):
            assert x.dtype == np.uint8 and x.shape == y.shape
            np.testing.assert_array_equal(x, y)
    assert got[0][0].shape == (10, 32, 32, 3) and got[1][1].shape == (3, 1)


def test_cifar10_download_is_hash_checked_and_extracted(cifar10_files, home, no_network, monkeypatch):
    archive, _, batches = cifar10_files
    monkeypatch.setattr(cifar10, "ORIGIN", archive.as_uri())
    monkeypatch.setattr(cifar10, "FILE_HASH", sha256(archive))
    (x_train, _), _ = cifar10.load_data()
    np.testing.assert_array_equal(x_train, _cifar10_expected(batches)[0][0])
    assert no_network == [archive.as_uri()]
    monkeypatch.setattr(cifar10, "FILE_HASH", "1" * 64)
    (home / "datasets" / "cifar-10-batches-py-target_archive").unlink()
    with pytest.raises(ValueError, match="hash"):
        cifar10.load_data()


def test_cifar_channels_first_follows_the_image_data_format(cifar10_files, monkeypatch):
    archive, _, batches = cifar10_files
    monkeypatch.setattr(config, "image_data_format", lambda: "channels_first")
    (x_train, _), (x_test, _) = cifar10.load_data(path=str(archive))
    stored = np.concatenate([batches[f"data_batch_{i}"][b"data"] for i in range(1, 6)])
    np.testing.assert_array_equal(x_train, stored.reshape(-1, 3, 32, 32))
    assert x_test.shape == (3, 3, 32, 32)


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_cifar_refuses_pickles_that_would_run_code(tmp_path, rng):
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    good = _batch(rng, 1, labels=10)
    for i in range(1, 6):
        (folder / f"data_batch_{i}").write_bytes(good)
    (folder / "test_batch").write_bytes(pickle.dumps({b"data": _Evil(), b"labels": [0]}, protocol=2))
    with pytest.raises(pickle.UnpicklingError, match="Refusing to load `posix.system`|Refusing to load `os.system`"):
        cifar10.load_data(path=str(folder))


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100_matches_keras(tmp_path, rng, monkeypatch, label_mode):
    folder = tmp_path / "cifar-100-python"
    folder.mkdir()
    for split, n in (("train", 4), ("test", 2)):
        (folder / split).write_bytes(_batch(rng, n, protocol=4, fine_labels=100, coarse_labels=20))
    archive = _tar(tmp_path / "c100.tar.gz", {f"cifar-100-python/{s}": (folder / s).read_bytes()
                                               for s in ("train", "test")})
    _serve(monkeypatch, "cifar100", str(tmp_path))
    expected = keras.datasets.cifar100.load_data(label_mode=label_mode)
    assert_same(cifar100.load_data(label_mode=label_mode, path=str(tmp_path)), expected)
    assert_same(cifar100.load_data(label_mode, path=str(archive)), expected)


def test_cifar100_rejects_unknown_label_mode():
    with pytest.raises(ValueError, match="Received: label_mode='all'"):
        cifar100.load_data(label_mode="all")


# ------------------------------------------------------------------------------ imdb/reuters
def _sequences(rng, n):
    out = np.empty(n, dtype=object)
    out[:] = [[int(v) for v in rng.integers(1, 40, rng.integers(2, 12))] for _ in range(n)]
    return out


@pytest.fixture
def imdb_file(tmp_path, rng):
    path = tmp_path / "imdb_copy.npz"
    np.savez(path, x_train=_sequences(rng, 12), y_train=rng.integers(0, 2, 12),
             x_test=_sequences(rng, 9), y_test=rng.integers(0, 2, 9))
    return path


SEQ_OPTIONS = [
    {},
    {"num_words": 20, "skip_top": 4},
    {"maxlen": 8, "seed": 7},
    {"start_char": None, "oov_char": None, "num_words": 15},
    {"start_char": None, "index_from": 0},
    {"index_from": 5, "oov_char": 9, "skip_top": 2, "num_words": 30},
]


@pytest.mark.parametrize("options", SEQ_OPTIONS)
def test_imdb_matches_keras(imdb_file, monkeypatch, options):
    _serve(monkeypatch, "imdb", str(imdb_file))
    assert_same(imdb.load_data(path=str(imdb_file), **options), keras.datasets.imdb.load_data(**options))


def test_imdb_maxlen_that_keeps_nothing_is_an_error(imdb_file):
    with pytest.raises(ValueError, match="maxlen=2"):
        imdb.load_data(path=str(imdb_file), maxlen=2)


@pytest.fixture
def reuters_file(tmp_path, rng):
    path = tmp_path / "reuters_copy.npz"
    np.savez(path, x=_sequences(rng, 15), y=rng.integers(0, 46, 15))
    return path


@pytest.mark.parametrize("options", SEQ_OPTIONS + [{"test_split": 0.4}, {"test_split": 0.0, "maxlen": 9}])
def test_reuters_matches_keras(reuters_file, monkeypatch, options):
    _serve(monkeypatch, "reuters", str(reuters_file))
    assert_same(reuters.load_data(path=str(reuters_file), **options), keras.datasets.reuters.load_data(**options))


def test_reuters_label_names_match_keras():
    assert reuters.get_label_names() == keras.datasets.reuters.get_label_names()


@pytest.mark.parametrize("module,name", [(imdb, "imdb"), (reuters, "reuters")])
def test_word_index_from_a_local_copy_or_the_cache(module, name, tmp_path, home, no_network, monkeypatch):
    path = tmp_path / "index.json"
    path.write_text('{"the": 1, "movie": 2}')
    assert module.get_word_index(path=str(path)) == {"the": 1, "movie": 2}
    monkeypatch.setattr(module, "WORD_INDEX_ORIGIN", path.as_uri())
    monkeypatch.setattr(module, "WORD_INDEX_HASH", hashlib.md5(path.read_bytes()).hexdigest())
    assert module.get_word_index() == {"the": 1, "movie": 2}
    assert (home / "datasets" / f"{name}_word_index.json").exists()


def test_object_arrays_are_read_without_running_code(tmp_path):
    evil = np.empty(1, dtype=object)
    evil[0] = _Evil()
    np.savez(tmp_path / "evil.npz", x=evil, y=np.zeros(1))
    import pickle as _pickle

    with pytest.raises(_pickle.UnpicklingError, match="Refusing to load"):
        reuters.load_data(path=str(tmp_path / "evil.npz"))


# ---------------------------------------------------------------------------- boston housing
@pytest.mark.parametrize("test_split,seed", [(0.2, 113), (0.5, 3), (0.0, 1)])
def test_boston_housing_matches_keras(tmp_path, rng, monkeypatch, test_split, seed):
    path = tmp_path / "boston.npz"
    np.savez(path, x=rng.normal(size=(11, 13)), y=rng.normal(size=11))
    _serve(monkeypatch, "boston_housing", str(path))
    assert_same(boston_housing.load_data(path=str(path), test_split=test_split, seed=seed),
                keras.datasets.boston_housing.load_data(test_split=test_split, seed=seed))


def test_boston_housing_rejects_bad_split():
    with pytest.raises(ValueError, match="Received: test_split=1"):
        boston_housing.load_data(test_split=1)
