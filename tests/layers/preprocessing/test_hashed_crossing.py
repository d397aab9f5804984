import numpy as np
import pytest

import lamina
from lamina.layers.preprocessing.hashed_crossing import HashedCrossing, fingerprint_cat64

# Keras 3.15.1 needs TensorFlow for HashedCrossing even on the JAX backend (pinned below), so the
# reference outputs are Keras's own documented/tested values (hashed_crossing.py docstring and
# hashed_crossing_test.py), computed there by tf.sparse.cross_hashed.
FEAT1 = np.array(["A", "B", "A", "B", "A"])
FEAT2 = np.array([101, 101, 101, 102, 102])
KERAS_INT = [1, 4, 1, 1, 3]


def test_keras_needs_tensorflow_for_this_layer(keras3):
    with pytest.raises(ImportError, match="TensorFlow"):
        keras3.layers.HashedCrossing(num_bins=5)


def test_string_and_int_crossing_equals_keras():
    out = HashedCrossing(num_bins=5)((FEAT1, FEAT2))
    assert out.shape == (5,) and np.asarray(out).tolist() == KERAS_INT
    # (batch, 1) features and bytes give the same bins; scalars give a scalar.
    col = HashedCrossing(num_bins=5)((FEAT1[:, None].astype(bytes), FEAT2[:, None].astype("int32")))
    assert col.shape == (5, 1) and np.asarray(col)[:, 0].tolist() == KERAS_INT
    assert int(HashedCrossing(num_bins=5)(("B", 101))) == 4


def test_one_hot_equals_keras():
    out = np.asarray(HashedCrossing(num_bins=5, output_mode="one_hot")((FEAT1, FEAT2)))
    np.testing.assert_array_equal(out, np.eye(5, dtype="float32")[KERAS_INT])
    assert out.dtype == np.float32
    col = HashedCrossing(num_bins=5, output_mode="one_hot")((FEAT1[:, None], FEAT2[:, None]))
    assert col.shape == (5, 5)


def test_int_int_crossing_is_order_dependent_and_in_range():
    a, b = np.arange(50), np.arange(50)[::-1] * 7
    ab = np.asarray(HashedCrossing(num_bins=11)((a, b)))
    ba = np.asarray(HashedCrossing(num_bins=11)((b, a)))
    assert ab.min() >= 0 and ab.max() < 11 and not np.array_equal(ab, ba)
    assert len(set(ab.tolist())) > 5
    # FingerprintCat64 mixes its second argument (TF's documented combinator).
    assert fingerprint_cat64(1, 2) != fingerprint_cat64(1, 3)


def test_symbolic_shapes_and_functional_model():
    a, b = lamina.Input((1,), dtype="int32"), lamina.Input((1,), dtype="int32")
    assert HashedCrossing(5)((a, b)).shape == (None, 1)
    assert HashedCrossing(5, output_mode="one_hot")((a, b)).shape == (None, 5)
    assert HashedCrossing(5).compute_output_shape(((None,), (None,))) == (None,)


def test_config_matches_keras_keys_and_round_trips():
    layer = HashedCrossing(num_bins=7, output_mode="one_hot", name="cross")
    config = layer.get_config()
    # The keys of Keras's HashedCrossing.get_config (a fixed dict in Keras's source).
    assert config == {"num_bins": 7, "output_mode": "one_hot", "sparse": False, "name": "cross",
                      "dtype": "float32"}
    assert HashedCrossing(3).get_config()["dtype"] == "int64"
    clone = HashedCrossing.from_config(config)
    np.testing.assert_array_equal(clone((FEAT1, FEAT2)), layer((FEAT1, FEAT2)))


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="list or tuple of at least two features"):
        HashedCrossing(10)(np.array(1))
    with pytest.raises(ValueError, match="at least two"):
        HashedCrossing(10)([np.array(1)])
    with pytest.raises(ValueError, match=r"shape \(\), \(batch,\) or \(batch, 1\)"):
        HashedCrossing(10)((np.ones((1, 1, 1), "int32"), np.ones((1, 1, 1), "int32")))
    with pytest.raises(ValueError, match="integers or strings.*float"):
        HashedCrossing(10)((np.array([1.0]), np.array([1.0])))
    with pytest.raises(ValueError, match="same shape"):
        HashedCrossing(10)((np.array([1, 2]), np.array([1])))
    with pytest.raises(ValueError, match="output_mode"):
        HashedCrossing(10, output_mode="multi_hot")
    with pytest.raises(ValueError, match="num_bins"):
        HashedCrossing(0)
    with pytest.raises(ValueError, match="sparse=True"):
        HashedCrossing(3, sparse=True)
