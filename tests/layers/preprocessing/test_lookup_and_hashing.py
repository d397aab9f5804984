"""StringLookup, IntegerLookup and Hashing.

Keras runs these layers through TensorFlow, which is not installed here, so the oracle is the set
of results Keras documents (its docstring examples) and published hash reference vectors: FarmHash
Fingerprint64 vectors and the SipHash-2-4 paper's vector. Config dicts are compared with what
Keras writes (which needs no TensorFlow to reason about, only its documented keys).
"""

import jax
import numpy as np
import pytest

from lamina import layers
from lamina.layers.preprocessing.string_hash import fingerprint64, hash_bucket, siphash64

VOCAB = ["a", "b", "c", "d"]
IVOCAB = [12, 36, 1138, 42]


def _eq(a, b):
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


# ---------------------------------------------------------------- hashes
@pytest.mark.parametrize("text,expected", [
    ("", 0x9AE16A3B2F90404F), ("a", 0xB3454265B6DF75E3), ("hi", 0x6A5D2FBA44F012F8),
    ("hello world", 0x588FB7478BD6B01B), ("lee@lmmrtech.com", 0x61BEC68DB00FA2FF),
    ("docklandsman@gmail.com", 0xB678CF3842309F40),
])
def test_fingerprint64_reference_vectors(text, expected):
    assert fingerprint64(text.encode()) == expected


def test_fingerprint64_long_inputs_are_stable_and_length_sensitive():
    # Inputs over 64 bytes take the block loop; every length gives a distinct hash.
    hashes = {fingerprint64(bytes(range(n))) for n in range(60, 200)}
    assert len(hashes) == 140


def test_siphash_reference_vectors():
    key = (int.from_bytes(bytes(range(8)), "little"), int.from_bytes(bytes(range(8, 16)), "little"))
    assert siphash64(key, b"") == 0x726FDB47DD0E0E31
    assert siphash64(key, bytes(range(15))) == 0xA129CA6149BE45E5


def test_hash_bucket_tensorflow_documented_examples():
    assert hash_bucket(["Hello", "TensorFlow", "2.x"], 3).tolist() == [0, 2, 2]
    assert hash_bucket(["Hello", "TF"], 3, salt=[1, 2]).tolist() == [2, 0]


# ---------------------------------------------------------------- Hashing
LETTERS = [["A"], ["B"], ["C"], ["D"], ["E"]]


@pytest.mark.parametrize("kwargs,inputs,expected", [
    (dict(num_bins=3), LETTERS, [[1], [0], [1], [1], [2]]),
    (dict(num_bins=3, mask_value=""), [["A"], ["B"], [""], ["C"], ["D"]], [[1], [1], [0], [2], [2]]),
    (dict(num_bins=3, salt=[133, 137]), LETTERS, [[1], [2], [1], [0], [2]]),
    (dict(num_bins=3, salt=133), LETTERS, [[0], [0], [2], [1], [0]]),
])
def test_hashing_keras_documented_examples(kwargs, inputs, expected):
    _eq(layers.Hashing(**kwargs)(inputs), expected)
    _eq(layers.Hashing(**kwargs)(np.array(inputs)), expected)


def test_hashing_integers_hash_their_decimal_text_and_encodes():
    ints = np.array([[100, 300], [700, 100]])
    _eq(layers.Hashing(7)(ints), hash_bucket([["100", "300"], ["700", "100"]], 7))
    _eq(layers.Hashing(7)(ints.astype("float32") + 0.5), layers.Hashing(7)(ints))  # floats truncate
    hot = np.asarray(layers.Hashing(4, output_mode="multi_hot")(ints))
    assert hot.shape == (2, 4) and hot.dtype == np.float32
    assert (hot.sum(1) == [len(set(r)) for r in hash_bucket(ints, 4).tolist()]).all()
    assert layers.Hashing(4, output_mode="one_hot")(np.array([[1], [2]])).shape == (2, 4)


def test_hashing_config_and_errors():
    config = layers.Hashing(5, salt=7, mask_value=0).get_config()
    assert {k: config[k] for k in ("num_bins", "salt", "mask_value", "output_mode", "sparse")} == {
        "num_bins": 5, "salt": [7, 7], "mask_value": 0, "output_mode": "int", "sparse": False}
    assert config["dtype"]["config"]["name"] == "int64"
    with pytest.raises(ValueError, match="num_bins"):
        layers.Hashing(0)
    with pytest.raises(ValueError, match="salt"):
        layers.Hashing(3, salt="x")
    with pytest.raises(ValueError, match="compiled function"):
        jax.jit(lambda x: layers.Hashing(3)(x))(np.array([1, 2]))


# ---------------------------------------------------------------- StringLookup
def test_string_lookup_keras_documented_examples():
    data = [["a", "c", "d"], ["d", "z", "b"]]
    _eq(layers.StringLookup(vocabulary=VOCAB)(data), [[1, 3, 4], [4, 0, 2]])
    adapted = layers.StringLookup()
    adapted.adapt(data)
    assert adapted.get_vocabulary() == ["[UNK]", "d", "z", "c", "b", "a"]
    _eq(adapted(data), [[5, 3, 1], [1, 2, 4]])
    _eq(layers.StringLookup(vocabulary=VOCAB, num_oov_indices=2)([["a", "c", "d"], ["m", "z", "b"]]),
        [[2, 4, 5], [0, 1, 3]])
    _eq(layers.StringLookup(vocabulary=VOCAB, output_mode="one_hot")(["a", "b", "c", "d", "z"]),
        np.eye(5)[[1, 2, 3, 4, 0]])
    docs = [["a", "c", "d", "d"], ["d", "z", "b", "z"]]
    _eq(layers.StringLookup(vocabulary=VOCAB, output_mode="multi_hot")(docs), [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]])
    _eq(layers.StringLookup(vocabulary=VOCAB, output_mode="count")(docs), [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]])
    tfidf = layers.StringLookup(output_mode="tf_idf")
    tfidf.set_vocabulary(VOCAB, idf_weights=[0.25, 0.75, 0.6, 0.4])
    np.testing.assert_allclose(tfidf(docs), [[0, 0.25, 0, 0.6, 0.8], [1.0, 0, 0.75, 0, 0.4]], rtol=1e-6)
    tfidf.set_vocabulary(["[UNK]"] + VOCAB, idf_weights=[0.9, 0.25, 0.75, 0.6, 0.4])
    np.testing.assert_allclose(tfidf(docs), [[0, 0.25, 0, 0.6, 0.8], [1.8, 0, 0.75, 0, 0.4]], rtol=1e-6)
    inverse = layers.StringLookup(vocabulary=VOCAB, invert=True)([[1, 3, 4], [4, 0, 2]])
    assert inverse.tolist() == [["a", "c", "d"], ["d", "[UNK]", "b"]]


def test_string_lookup_mask_token_and_round_trip():
    lookup = layers.StringLookup(vocabulary=VOCAB, mask_token="")
    assert lookup.get_vocabulary() == ["", "[UNK]", "a", "b", "c", "d"]
    ids = lookup([["a", "", "q"]])
    _eq(ids, [[2, 0, 1]])
    back = layers.StringLookup(vocabulary=VOCAB, mask_token="", invert=True)(ids)
    assert back.tolist() == [["a", "", "[UNK]"]]
    # In encoded modes the mask token has no slot and is dropped.
    _eq(layers.StringLookup(vocabulary=VOCAB, mask_token="", output_mode="count")([["a", "", ""]]),
        [[0, 1, 0, 0, 0]])
    assert layers.StringLookup(vocabulary=VOCAB)(np.array([b"a", b"d"])).tolist() == [1, 4]


def test_string_lookup_adapt_max_tokens_and_tf_idf():
    docs = [["x", "y", "y"], ["y", "z", "w"], ["x", "y", "q"]]
    lookup = layers.StringLookup(max_tokens=3)
    lookup.adapt(docs)
    assert lookup.get_vocabulary() == ["[UNK]", "y", "x"]
    assert lookup.vocabulary_size() == 3
    tfidf = layers.StringLookup(output_mode="tf_idf")
    tfidf.adapt(docs)
    vocab = tfidf.get_vocabulary()
    assert vocab == ["[UNK]", "y", "x", "z", "w", "q"]
    doc_freq = {"y": 3, "x": 2, "z": 1, "w": 1, "q": 1}
    idf = np.log(1 + 3 / (1 + np.array([doc_freq[t] for t in vocab[1:]])))
    np.testing.assert_allclose(tfidf.idf_weights, np.concatenate([[idf.mean()], idf]), rtol=1e-6)
    np.testing.assert_allclose(tfidf([["y", "y", "q"]]), [[0, 2 * idf[0], 0, 0, 0, idf[4]]], rtol=1e-6)


def test_string_lookup_config_matches_keras_keys():
    config = layers.StringLookup(vocabulary=VOCAB, num_oov_indices=2, salt=3).get_config()
    expected = {"invert": False, "max_tokens": None, "num_oov_indices": 2, "oov_token": "[UNK]",
                "mask_token": None, "output_mode": "int", "sparse": False, "pad_to_max_tokens": False,
                "idf_weights": None, "vocabulary": VOCAB, "vocabulary_size": 6, "oov_method": "floormod",
                "salt": [3, 3], "encoding": "utf-8"}
    assert {k: config[k] for k in expected} == expected
    assert "vocabulary_dtype" not in config
    clone = layers.StringLookup.from_config(config)
    _eq(clone([["a", "zz"]]), layers.StringLookup(vocabulary=VOCAB, num_oov_indices=2, salt=3)([["a", "zz"]]))


def test_string_lookup_errors():
    with pytest.raises(ValueError, match="repeats"):
        layers.StringLookup(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        layers.StringLookup(vocabulary=VOCAB, num_oov_indices=0)(["a", "zz"])
    with pytest.raises(RuntimeError, match="before calling"):
        layers.StringLookup(output_mode="multi_hot")(["a"])
    with pytest.raises(ValueError, match="invert"):
        layers.StringLookup(invert=True, output_mode="count")


# ---------------------------------------------------------------- IntegerLookup
def test_integer_lookup_keras_documented_examples():
    data = np.array([[12, 1138, 42], [42, 1000, 36]])
    _eq(layers.IntegerLookup(vocabulary=IVOCAB)(data), [[1, 3, 4], [4, 0, 2]])
    adapted = layers.IntegerLookup()
    adapted.adapt(data)
    assert adapted.get_vocabulary() == [-1, 42, 1138, 1000, 36, 12]
    _eq(adapted(data), [[5, 2, 1], [1, 3, 4]])
    _eq(layers.IntegerLookup(vocabulary=IVOCAB, num_oov_indices=2)(np.array([[12, 1138, 42], [37, 1000, 36]])),
        [[2, 4, 5], [1, 0, 3]])
    oov = np.array([100, 300, 700, 1100, 1700, 2000])
    _eq(layers.IntegerLookup(vocabulary=[10, 20, 30], num_oov_indices=4)(oov), [0] * 6)
    _eq(layers.IntegerLookup(vocabulary=[10, 20, 30], num_oov_indices=4, oov_method="farmhash")(oov),
        [3, 3, 2, 2, 0, 1])
    docs = np.array([[12, 1138, 42, 42], [42, 7, 36, 7]])
    _eq(layers.IntegerLookup(vocabulary=IVOCAB, output_mode="count")(docs), [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]])
    np.testing.assert_allclose(
        layers.IntegerLookup(output_mode="tf_idf", vocabulary=[-1] + IVOCAB,
                             idf_weights=[0.9, 0.25, 0.75, 0.6, 0.4])(docs),
        [[0, 0.25, 0, 0.6, 0.8], [1.8, 0, 0.75, 0, 0.4]], rtol=1e-6)
    _eq(layers.IntegerLookup(vocabulary=IVOCAB, invert=True)(np.array([[1, 3, 4], [4, 0, 2]])),
        [[12, 1138, 42], [42, -1, 36]])


def test_integer_lookup_runs_compiled_with_mask_token():
    lookup = layers.IntegerLookup(vocabulary=IVOCAB, mask_token=0)
    assert lookup.get_vocabulary() == [0, -1, 12, 36, 1138, 42]
    x = np.array([[12, 0, 42, 5]])
    _eq(jax.jit(lambda v: lookup(v))(x), [[2, 0, 5, 1]])
    inverse = layers.IntegerLookup(vocabulary=IVOCAB, mask_token=0, invert=True)
    _eq(jax.jit(lambda v: inverse(v))(np.array([[2, 0, 5, 1, 9]])), [[12, 0, 42, -1, -1]])


def test_integer_lookup_in_functional_model_one_hot():
    import lamina

    inp = lamina.Input((3,), dtype="int32")
    out = layers.IntegerLookup(vocabulary=IVOCAB, output_mode="multi_hot")(inp)
    assert out.shape == (None, 5)
    model = lamina.Model(inp, out)
    _eq(model(np.array([[12, 7, 12]], "int32")), [[1, 1, 0, 0, 0]])


def test_integer_lookup_config_matches_keras_keys():
    config = layers.IntegerLookup(vocabulary=IVOCAB, mask_token=0).get_config()
    expected = {"invert": False, "max_tokens": None, "num_oov_indices": 1, "oov_token": -1, "mask_token": 0,
                "output_mode": "int", "sparse": False, "pad_to_max_tokens": False, "vocabulary_dtype": "int64",
                "idf_weights": None, "vocabulary": IVOCAB, "vocabulary_size": 6, "oov_method": "floormod",
                "salt": None}
    assert {k: config[k] for k in expected} == expected
    assert layers.IntegerLookup.from_config(config).get_vocabulary() == [0, -1] + IVOCAB


def test_symbolic_outputs_carry_integer_dtypes():
    import lamina

    inp = lamina.Input((3,), dtype="int32")
    ids = layers.IntegerLookup(vocabulary=IVOCAB)(inp)
    assert ids.dtype == "int32" and ids.shape == (None, 3)
    model = lamina.Model(inp, layers.Embedding(5, 2)(ids))
    assert model(np.array([[12, 7, 42]], "int32")).shape == (1, 3, 2)
    assert layers.Hashing(3)(inp).dtype == "int32"
    assert layers.Hashing(3, output_mode="count")(inp).shape == (None, 3)
