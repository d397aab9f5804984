"""Every op on symbolic tensors: `lamina.KerasTensor` in, `KerasTensor` out, with the shape and
dtype that `keras.ops` gives on its own KerasTensors (also with an unknown batch axis); ops
recorded in a graph compute the same values as eager calls."""

import keras
import numpy as np
import pytest
import test_core_ops
import test_linalg_ops
import test_math_ops
import test_nn_ops
import test_numpy_ops
from op_cases import case_params, symbolic_specs, symbolic_variants

import lamina
from lamina import ops

# The table calls Keras's deprecated `rms_scaling=True` on purpose (lamina keeps its behaviour).
pytestmark = pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`:UserWarning")

CASES = test_numpy_ops.CASES + test_math_ops.CASES + test_nn_ops.CASES + test_linalg_ops.CASES + test_core_ops.CASES

# Where Keras 3.15's symbolic shapes are wrong (they differ from what its eager op returns), the
# expected lamina spec is written out: {(case id, unknown batch): (spec, why Keras is wrong)}.
KERAS_SYMBOLIC_BUGS = {
    ("where[condition only]", False): (
        [((None,), "int32"), ((None,), "int32")],
        "Keras's spec is one tensor shaped like the condition; its eager op returns a tuple of "
        "index arrays, as NumPy does",
    ),
    ("rot90[k=-2,axes=(0, 2)]", True): (
        [((None, 3, 4), "float32")], "Keras swaps the axes for k=-2, but a half turn keeps the shape"
    ),
}


@pytest.mark.parametrize("case", case_params(CASES, "symbolic"))
def test_symbolic_output_matches_keras(case):
    for dtype, none_batch in symbolic_variants(case):
        spec, expected = symbolic_specs(case, keras, dtype, none_batch)
        if (case.id, none_batch) in KERAS_SYMBOLIC_BUGS:
            keras_wrong = expected
            expected = KERAS_SYMBOLIC_BUGS[(case.id, none_batch)][0]
            assert keras_wrong != expected, "Keras fixed this: drop the KERAS_SYMBOLIC_BUGS entry"
        assert spec == expected, f"{case.id} {dtype} (unknown batch: {none_batch})"


def test_every_symbolic_op_is_a_graph_node():
    x = lamina.Input((3, 4))
    y = ops.matmul(ops.exp(x), ops.transpose(x, (0, 2, 1)))
    assert y._keras_history is not None
    assert type(y._keras_history.operation).__name__ == "Matmul"


@pytest.mark.parametrize("build", [
    lambda x: ops.sum(ops.square(x), axis=-1),
    lambda x: ops.linalg.norm(x, axis=-1),
    lambda x: ops.softmax(ops.cumsum(x, axis=1)),
    lambda x: ops.top_k(x, 2)[0],
    lambda x: ops.rearrange(x, "b (h w) -> b w h", h=2),
    lambda x: ops.layer_normalization(ops.sort(x), epsilon=1e-3),
    lambda x: ops.stft(x, 2, 1, 2)[0],
])
def test_functional_models_of_ops_compute_the_eager_values(build):
    x = np.random.default_rng(14).normal(size=(2, 4)).astype("float32")
    inputs = lamina.Input((4,))
    model = lamina.Model(inputs, build(inputs))
    np.testing.assert_allclose(np.asarray(model(x)), np.asarray(build(x)), rtol=1e-5, atol=1e-6)


def test_ops_unwrap_variables():
    v = lamina.Variable(np.array([[1.0, 2.0], [3.0, 4.0]], "float32"))
    np.testing.assert_allclose(ops.linalg.det(v), -2.0, rtol=1e-6)
    np.testing.assert_allclose(ops.nansum(v), 10.0)
    np.testing.assert_allclose(ops.rfft(v)[0], np.fft.rfft(v.numpy()).real, rtol=1e-6)
    np.testing.assert_allclose(ops.rms_normalization(v, scale=v[0]), ops.rms_normalization(v.numpy(), v.numpy()[0]))


def test_data_dependent_ops_have_unknown_symbolic_lengths():
    x = lamina.KerasTensor((3, 4), dtype="int32")
    assert [t.shape for t in ops.nonzero(x)] == [(None,), (None,)]
    assert ops.unique(lamina.KerasTensor((5,), dtype="int32")).shape == (None,)
    assert ops.bincount(lamina.KerasTensor((5,), dtype="int32")).shape == (None,)
    weighted = ops.bincount(lamina.KerasTensor((5,), dtype="int32"), weights=lamina.KerasTensor((5,), "float16"))
    assert (weighted.shape, weighted.dtype) == ((None,), "float16")
    assert ops.bincount(lamina.KerasTensor((2, 5), dtype="int32")).shape == (2, None)
    counts, edges = ops.histogram(lamina.KerasTensor((5,)), bins=4)
    assert counts.shape == (4,) and edges.shape == (5,)
