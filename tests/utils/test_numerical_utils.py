"""to_categorical and normalize against Keras 3."""

import jax.numpy as jnp
import numpy as np
import pytest

from lamina.utils import normalize, to_categorical

LABELS = {
    "vector": ([0, 2, 1, 2], None),
    "vector_num_classes": ([0, 2, 1, 2], 5),
    "column": ([[1], [0], [3]], None),
    "matrix": ([[0, 1], [2, 0]], 3),
    "rank3_trailing_one": (np.array([[[1], [0]], [[2], [2]]]), None),
    "single": ([3], None),
    "float_labels": (np.array([1.0, 0.0, 2.0]), None),
}


@pytest.mark.parametrize("name", sorted(LABELS))
def test_to_categorical_matches_keras(keras3, name):
    labels, num_classes = LABELS[name]
    expected = keras3.utils.to_categorical(labels, num_classes=num_classes)
    got = to_categorical(labels, num_classes=num_classes)
    assert isinstance(got, np.ndarray) and got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("labels", [[0, 2, 1], [[1], [0]]])
def test_to_categorical_jax_input_matches_keras(keras3, labels):
    expected = keras3.utils.to_categorical(jnp.asarray(labels), num_classes=3)
    got = to_categorical(jnp.asarray(labels), num_classes=3)
    assert got.shape == expected.shape and str(got.dtype) == str(expected.dtype)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))
    # Without num_classes the count comes from the labels, as for NumPy input.
    np.testing.assert_array_equal(
        np.asarray(to_categorical(jnp.asarray(labels))), to_categorical(np.asarray(labels))
    )


def test_to_categorical_errors():
    with pytest.raises(ValueError, match=r"\[0, 3\).*label 3"):
        to_categorical([0, 3], num_classes=3)
    with pytest.raises(ValueError, match="label -1"):
        to_categorical([0, -1], num_classes=3)
    with pytest.raises(ValueError, match="integer class labels.*0.5"):
        to_categorical([0.5, 1.0])


@pytest.mark.parametrize("order", [1, 2, np.inf])
@pytest.mark.parametrize("axis", [-1, 1])
def test_normalize_numpy_matches_keras(keras3, rng, order, axis):
    x = rng.normal(size=(4, 5, 3))
    x[0, 0] = 0.0  # a zero vector stays zero
    expected = keras3.utils.normalize(x, axis=axis, order=order)
    got = normalize(x, axis=axis, order=order)
    assert isinstance(got, np.ndarray) and got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_normalize_axis0():
    x = np.array([[3.0, 1.0], [4.0, 0.0], [0.0, 0.0]])
    got = normalize(x, axis=0)
    np.testing.assert_allclose(got, x / np.array([[5.0, 1.0]]))
    np.testing.assert_allclose(np.linalg.norm(got, axis=0), [1.0, 1.0])


def test_normalize_jax_matches_keras(keras3, rng):
    x = rng.normal(size=(3, 4)).astype("float32")
    expected = keras3.utils.normalize(jnp.asarray(x), axis=-1, order=2)
    got = normalize(jnp.asarray(x), axis=-1, order=2)
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-5, atol=1e-6)


def test_normalize_integer_input_gives_floats():
    np.testing.assert_allclose(normalize([[3, 4]]), [[0.6, 0.8]])
