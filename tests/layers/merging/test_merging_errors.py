"""Merging layers: argument and shape errors say what was wrong, and Keras rejects the same."""

import numpy as np
import pytest

import lamina
from lamina import layers

keras = pytest.importorskip("keras")


def test_concatenate_mismatch_names_both_shapes():
    a, b = lamina.Input(shape=(100, 3)), lamina.Input(shape=(50, 4))
    with pytest.raises(ValueError) as info:
        layers.Concatenate(axis=1)([a, b])
    msg = str(info.value)
    assert "(None, 100, 3)" in msg and "(None, 50, 4)" in msg
    assert "axis=1" in msg and "axis 2" in msg
    with pytest.raises(ValueError):
        keras.layers.Concatenate(axis=1)([keras.Input(shape=(100, 3)), keras.Input(shape=(50, 4))])


def test_concatenate_accepts_unknown_sizes_off_axis():
    a, b = lamina.Input(shape=(None, 3)), lamina.Input(shape=(7, 3))
    assert layers.Concatenate(axis=-1)([a, b]).shape == (None, None, 6)
    assert layers.Concatenate(axis=1)([b, a]).shape == (None, None, 3)


@pytest.mark.parametrize(
    "shapes",
    [[(None, 3), (None, 2, 3)], [(None, 2, 3, 1), (None, 2, 3)]],
)
def test_concatenate_rank_mismatch(shapes):
    with pytest.raises(ValueError, match="same rank"):
        layers.Concatenate()([lamina.Input(batch_shape=s) for s in shapes])
    with pytest.raises(ValueError):
        keras.layers.Concatenate()([keras.Input(batch_shape=s) for s in shapes])


def test_concatenate_axis_out_of_range():
    with pytest.raises(ValueError, match="axis=3 is out of range"):
        layers.Concatenate(axis=3)([lamina.Input(shape=(2,)), lamina.Input(shape=(2,))])
    with pytest.raises(TypeError, match="axis"):
        layers.Concatenate(axis="1")


@pytest.mark.parametrize("cls_name", ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"])
def test_single_tensor_instead_of_list(cls_name):
    with pytest.raises(ValueError, match="list of tensors") as info:
        getattr(layers, cls_name)()(lamina.Input(shape=(3,)))
    assert cls_name in str(info.value)
    with pytest.raises(ValueError, match="list"):
        getattr(layers, cls_name)()(np.ones((2, 3), "float32"))


@pytest.mark.parametrize("n", [1, 3])
def test_subtract_needs_exactly_two(n):
    ins = [lamina.Input(shape=(3,)) for _ in range(n)]
    with pytest.raises(ValueError, match="exactly 2 inputs") as info:
        layers.Subtract()(ins)
    assert f"Received {n}" in str(info.value)
    with pytest.raises(ValueError):
        keras.layers.Subtract()([keras.Input(shape=(3,)) for _ in range(n)])


@pytest.mark.parametrize("cls_name", ["Add", "Multiply", "Maximum"])
def test_elementwise_incompatible_shapes(cls_name):
    with pytest.raises(ValueError, match="incompatible shapes") as info:
        getattr(layers, cls_name)()([lamina.Input(shape=(3,)), lamina.Input(shape=(4,))])
    assert "(None, 3)" in str(info.value) and "(None, 4)" in str(info.value)
    with pytest.raises(ValueError):
        getattr(keras.layers, cls_name)()([keras.Input(shape=(3,)), keras.Input(shape=(4,))])


def test_elementwise_different_batch_sizes():
    with pytest.raises(ValueError, match="different batch sizes"):
        layers.Add()([np.ones((2, 3), "float32"), np.ones((3, 3), "float32")])


def test_empty_list():
    with pytest.raises(ValueError, match="list"):
        layers.Add().compute_output_shape([])


def test_dot_size_mismatch():
    with pytest.raises(ValueError, match="axis 1 of the first input has size 3") as info:
        layers.Dot(axes=1)([lamina.Input(shape=(3,)), lamina.Input(shape=(4,))])
    assert "(None, 3), (None, 4)" in str(info.value)
    with pytest.raises(ValueError):
        keras.layers.Dot(axes=1)([keras.Input(shape=(3,)), keras.Input(shape=(4,))])


def test_dot_batch_axis_refused():
    with pytest.raises(ValueError, match="axis 0"):
        layers.Dot(axes=0)([np.ones((2, 3), "float32"), np.ones((2, 3), "float32")])


def test_dot_needs_two_inputs():
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Dot(axes=1)([lamina.Input(shape=(3,))] * 3)


@pytest.mark.parametrize("axes, err", [("1", TypeError), ((1, 2, 3), ValueError), ((1.0, 2), ValueError), (None, TypeError)])
def test_dot_bad_axes_argument(axes, err):
    with pytest.raises(err, match="axes"):
        layers.Dot(axes=axes)
    with pytest.raises(err):
        keras.layers.Dot(axes=axes)


def test_merge_layers_have_no_weights_and_support_masking():
    for cls in (layers.Add, layers.Concatenate, layers.Maximum):
        layer = cls()
        layer([np.ones((1, 2), "float32")] * 2)
        assert layer.weights == [] and layer.built
        assert layer.supports_masking
