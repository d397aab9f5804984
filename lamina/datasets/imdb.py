"""IMDB movie reviews: 25,000 train and 25,000 test reviews as word-index sequences, labelled
positive (1) or negative (0). Index `i` is the i-th most frequent word (shifted by `index_from`).

>>> from lamina.datasets import imdb
>>> (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=10000)  # doctest: +SKIP
"""

import json

import numpy as np

from lamina.datasets import _files, _sequences

ORIGIN = _files.TF_DATASETS + "imdb.npz"
FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_ORIGIN = _files.TF_DATASETS + "imdb_word_index.json"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1,
              oov_char=2, index_from=3, **kwargs):
    """Loads IMDB as lists of word indices, shuffled with `seed`.

    Args:
        path: a file name inside the cache (downloaded once, sha256 checked), or the path of a
            local copy of `imdb.npz` (with a directory part), used as is. Its sequences are
            object arrays, read with a restricted unpickler (lists and numbers only).
        num_words: keep the `num_words` most frequent words; rarer ones become `oov_char`.
        skip_top: also replace the `skip_top` most frequent words by `oov_char`.
        maxlen: drop the sequences of length `maxlen` or more.
        seed: seed of the shuffle.
        start_char: index prepended to every sequence (None: none).
        oov_char: index of dropped words (None: remove them instead).
        index_from: offset added to every word index.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: x as object arrays of lists, y as int arrays.
    """
    if kwargs:
        raise TypeError(f"imdb.load_data: unexpected arguments {sorted(kwargs)}.")
    path = _files.resolve(path, "imdb.npz", ORIGIN, FILE_HASH, "imdb")
    f = _files.load_npz(path)
    _files.check_keys(f, ("x_train", "y_train", "x_test", "y_test"), path, "imdb")
    x_train, labels_train = f["x_train"], f["y_train"]
    x_test, labels_test = f["x_test"], f["y_test"]

    rng = np.random.RandomState(seed)
    order = np.arange(len(x_train))
    rng.shuffle(order)
    x_train, labels_train = x_train[order], labels_train[order]
    order = np.arange(len(x_test))
    rng.shuffle(order)
    x_test, labels_test = x_test[order], labels_test[order]

    x_train = _sequences.shift(x_train, start_char, index_from)
    x_test = _sequences.shift(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = _sequences.remove_long(maxlen, x_train, labels_train)
        x_test, labels_test = _sequences.remove_long(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(
                f"imdb.load_data: no sequence is shorter than maxlen={maxlen}. Increase `maxlen`."
            )
    xs = _sequences.clip_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    n = len(x_train)
    return ((_sequences.object_array(xs[:n]), labels[:n]),
            (_sequences.object_array(xs[n:]), labels[n:]))


def get_word_index(path="imdb_word_index.json"):
    """The `{word: index}` dictionary of IMDB (downloaded once, md5 checked, or a local path).

    >>> word_index = get_word_index()  # doctest: +SKIP
    >>> word_index["good"]             # doctest: +SKIP
    49
    """
    path = _files.resolve(path, "imdb_word_index.json", WORD_INDEX_ORIGIN, WORD_INDEX_HASH, "imdb")
    with open(path) as f:
        return json.load(f)
