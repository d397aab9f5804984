"""Reuters newswires: 11,228 newswires labelled over 46 topics, as word-index sequences.

>>> from lamina.datasets import reuters
>>> (x_train, y_train), (x_test, y_test) = reuters.load_data(num_words=10000)  # doctest: +SKIP
>>> reuters.get_label_names()[:3]
('cocoa', 'grain', 'veg-oil')
"""

import json

import numpy as np

from lamina.datasets import _files, _sequences

ORIGIN = _files.TF_DATASETS + "reuters.npz"
FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_ORIGIN = _files.TF_DATASETS + "reuters_word_index.json"
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"

_LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3):
    """Loads Reuters as lists of word indices, shuffled with `seed`, then split.

    Args:
        path: a file name inside the cache (downloaded once, sha256 checked), or the path of a
            local copy of `reuters.npz` (with a directory part), used as is. Its sequences are
            object arrays, read with a restricted unpickler (lists and numbers only).
        num_words, skip_top, maxlen, seed, start_char, oov_char, index_from: as in
            `imdb.load_data`.
        test_split: fraction of the data kept for testing.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: x as object arrays of lists, y as int arrays.
    """
    path = _files.resolve(path, "reuters.npz", ORIGIN, FILE_HASH, "reuters")
    f = _files.load_npz(path)
    _files.check_keys(f, ("x", "y"), path, "reuters")
    xs, labels = f["x"], f["y"]
    order = np.arange(len(xs))
    np.random.RandomState(seed).shuffle(order)
    xs, labels = xs[order], labels[order]
    xs = _sequences.shift(xs, start_char, index_from)
    if maxlen:
        xs, labels = _sequences.remove_long(maxlen, xs, labels)
    xs = _sequences.clip_vocabulary(xs, num_words, skip_top, oov_char)
    cut = int(len(xs) * (1 - test_split))
    return ((_sequences.object_array(xs[:cut]), np.array(labels[:cut])),
            (_sequences.object_array(xs[cut:]), np.array(labels[cut:])))


def get_word_index(path="reuters_word_index.json"):
    """The `{word: index}` dictionary of Reuters (downloaded once, md5 checked, or a local path)."""
    path = _files.resolve(path, "reuters_word_index.json", WORD_INDEX_ORIGIN, WORD_INDEX_HASH,
                          "reuters")
    with open(path) as f:
        return json.load(f)


def get_label_names():
    """The 46 topic names, indexed by label.

    >>> len(get_label_names())
    46
    """
    return _LABEL_NAMES
