"""Word-index sequence processing shared by imdb and reuters (Keras's exact order of steps)."""

import numpy as np


def shift(xs, start_char, index_from):
    """Prepends `start_char` and offsets every word index by `index_from`."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    if index_from:
        return [[w + index_from for w in x] for x in xs]
    return [list(x) for x in xs]


def remove_long(maxlen, seqs, labels):
    """Keeps the sequences (and their labels) strictly shorter than `maxlen`, as Keras does."""
    kept = [(x, y) for x, y in zip(seqs, labels) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def clip_vocabulary(xs, num_words, skip_top, oov_char):
    """Words outside `[skip_top, num_words)` become `oov_char`, or are dropped if it is None."""
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


def object_array(seqs):
    """The sequences as an object array, built the way Keras builds it (`np.array(..., "object")`)."""
    return np.array(seqs, dtype="object")
