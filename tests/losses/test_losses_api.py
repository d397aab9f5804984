"""Loss configs, lookup by name, (de)serialization, errors, and compile-time resolution vs Keras 3."""

import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from lamina import losses

CLASS_CASES = [
    ("MeanSquaredError", {}),
    ("MeanAbsoluteError", {"reduction": "sum"}),
    ("MeanAbsolutePercentageError", {}),
    ("MeanSquaredLogarithmicError", {"reduction": None}),
    ("CosineSimilarity", {"axis": 0}),
    ("Huber", {"delta": 2.0}),
    ("LogCosh", {}),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.0}),
    ("CategoricalCrossentropy", {"axis": 1, "reduction": "mean_with_sample_weight"}),
    ("CategoricalFocalCrossentropy", {"alpha": 0.5}),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 0}),
    ("KLDivergence", {}),
    ("Poisson", {"reduction": "none"}),
    ("Hinge", {}),
    ("SquaredHinge", {}),
    ("CategoricalHinge", {}),
    ("Dice", {"axis": -1}),
    ("Tversky", {"alpha": 0.2, "beta": 0.8}),
]


@pytest.fixture(scope="module")
def k():
    import keras

    return keras


@pytest.mark.parametrize("cls_name,kwargs", CLASS_CASES, ids=[c[0] for c in CLASS_CASES])
def test_config_equals_keras_and_round_trips(k, cls_name, kwargs):
    ours = getattr(losses, cls_name)(name="the_loss", **kwargs)
    ref = getattr(k.losses, cls_name)(name="the_loss", **kwargs)
    assert ours.get_config() == ref.get_config()
    assert losses.serialize(ours) == k.losses.serialize(ref)
    # A Keras config loads into lamina and vice versa.
    rebuilt = getattr(losses, cls_name).from_config(ref.get_config())
    assert rebuilt.get_config() == ref.get_config()
    back = k.losses.deserialize(losses.serialize(ours))
    assert back.get_config() == ref.get_config()


def test_default_names_and_dtype_match_keras(k):
    for cls_name, _ in CLASS_CASES:
        ours, ref = getattr(losses, cls_name)(), getattr(k.losses, cls_name)()
        assert ours.name == ref.name
        assert ours.dtype == ref.dtype == "float32"
    assert losses.MeanSquaredError(dtype="bfloat16").dtype == "bfloat16"


def test_loss_function_wrapper_config_matches_keras(k):
    from keras.src.losses.losses import LossFunctionWrapper as KerasWrapper

    ours = losses.LossFunctionWrapper(losses.binary_crossentropy, name="w", from_logits=True)
    ref = KerasWrapper(k.losses.binary_crossentropy, name="w", from_logits=True)
    assert ours.get_config() == ref.get_config()
    rebuilt = losses.LossFunctionWrapper.from_config(ref.get_config())
    assert rebuilt.fn is losses.binary_crossentropy and rebuilt._fn_kwargs == {"from_logits": True}


def test_function_serialization_matches_keras(k):
    assert losses.serialize(losses.mean_squared_error) == k.losses.serialize(
        k.losses.mean_squared_error
    )
    assert losses.deserialize(losses.serialize(losses.huber)) is losses.huber


KERAS_NAMES = ["mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD", "bce", "BCE"]


@pytest.mark.parametrize(
    "name",
    KERAS_NAMES
    + ["mean_squared_error", "huber", "log_cosh", "categorical_crossentropy", "dice"]
    + ["MeanSquaredError", "Huber", "SparseCategoricalCrossentropy", "KLDivergence"],
)
def test_get_resolves_names_like_keras(k, name):
    ref = k.losses.get(name)
    ours = losses.get(name)
    if isinstance(ref, k.losses.Loss):
        assert type(ours).__name__ == type(ref).__name__
        assert ours.get_config() == ref.get_config()
    else:
        assert callable(ours) and ours.__name__ == ref.__name__


def test_get_passes_through_instances_functions_classes_and_dicts():
    inst = losses.Huber()
    assert losses.get(inst) is inst
    assert losses.get(losses.poisson) is losses.poisson
    assert isinstance(losses.get(losses.Hinge), losses.Hinge)
    got = losses.get({"class_name": "Huber", "config": {"name": "h", "reduction": "sum"}})
    assert isinstance(got, losses.Huber) and got.reduction == "sum" and got.name == "h"
    assert losses.get(None) is None


def test_unknown_name_lists_close_matches_and_valid_names():
    with pytest.raises(ValueError) as info:
        losses.get("mean_sqared_error")
    msg = str(info.value)
    assert "'mean_sqared_error'" in msg
    assert "Did you mean 'mean_squared_error'" in msg
    assert "'huber'" in msg and "'MeanSquaredError'" in msg  # the valid names are listed


def test_unknown_names_that_keras_rejects_are_rejected(k):
    for name in ["crossentropy", "ce", "accuracy", "logcosh"]:
        with pytest.raises(ValueError):
            k.losses.get(name)
        with pytest.raises(ValueError, match="Could not interpret loss identifier"):
            losses.get(name)


def test_non_callable_identifier_is_rejected():
    with pytest.raises(ValueError, match="Could not interpret loss identifier: 3"):
        losses.get(3)


def test_deserialize_unknown_class_suggests_custom_objects():
    with pytest.raises(ValueError, match="custom_objects"):
        losses.deserialize({"class_name": "MyLoss", "config": {}})


def test_custom_loss_subclass_round_trips_with_custom_objects():
    class MyLoss(losses.Loss):
        def call(self, y_true, y_pred):
            return jnp.abs(y_true - y_pred)

    conf = losses.serialize(MyLoss(name="mine", reduction="sum"))
    rebuilt = losses.deserialize(conf, custom_objects={"MyLoss": MyLoss})
    assert isinstance(rebuilt, MyLoss) and rebuilt.reduction == "sum"
    assert float(rebuilt(jnp.array([1.0, 2.0]), jnp.array([0.0, 0.0]))) == 3.0


@pytest.mark.parametrize(
    "y_true_shape", [(8,), (8, 1)], ids=["labels_vector", "labels_column"]
)
def test_categorical_crossentropy_on_integer_labels_suggests_sparse(y_true_shape):
    y_true = np.zeros(y_true_shape, "int32")
    y_pred = np.full((8, 3), 1 / 3, "float32")
    for loss in (losses.categorical_crossentropy, losses.CategoricalCrossentropy()):
        with pytest.raises(ValueError) as info:
            loss(y_true, y_pred)
        msg = str(info.value)
        assert "sparse_categorical_crossentropy" in msg
        assert f"y_true.shape={y_true_shape}" in msg and "y_pred.shape=(8, 3)" in msg


def test_categorical_crossentropy_other_shape_mismatch_is_a_plain_error():
    with pytest.raises(ValueError, match="same shape") as info:
        losses.categorical_crossentropy(np.zeros((8, 4)), np.ones((8, 3)) / 3)
    assert "sparse" not in str(info.value)


def test_sparse_crossentropy_rejects_one_hot_targets():
    with pytest.raises(ValueError, match="categorical_crossentropy"):
        losses.sparse_categorical_crossentropy(np.eye(3)[[0, 1]], np.ones((2, 3)) / 3)


def test_invalid_reduction_names_the_argument():
    with pytest.raises(ValueError, match="reduction='average'"):
        losses.MeanSquaredError(reduction="average")


def test_python_lists_are_data_and_dicts_reach_custom_losses():
    mse = losses.MeanSquaredError()
    assert float(mse([[1.0, 2.0]], [[0.0, 0.0]])) == float(mse(np.array([[1.0, 2.0]]), np.zeros((1, 2))))

    class PerOutput(losses.Loss):
        def call(self, y_true, y_pred):
            return jnp.abs(y_true["a"] - y_pred["a"]) + jnp.abs(y_true["b"] - y_pred["b"])

    got = PerOutput()({"a": [1.0, 2.0], "b": [0.0, 0.0]}, {"a": np.zeros(2), "b": np.ones(2)})
    assert float(got) == 2.5


def test_loss_base_call_must_be_implemented():
    with pytest.raises(NotImplementedError, match="call"):
        losses.Loss()(np.ones(2), np.ones(2))


def test_loss_works_inside_jit_and_grad():
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)
    y = jnp.array([0, 1, 2, 1])
    logits = jnp.array(np.random.default_rng(0).normal(size=(4, 3)).astype("float32"))
    eager = loss(y, logits)
    jitted = jax.jit(lambda t, p: loss(t, p))(y, logits)
    np.testing.assert_allclose(jitted, eager, rtol=1e-6)
    grads = jax.grad(lambda p: loss(y, p))(logits)
    assert np.all(np.isfinite(grads))
    np.testing.assert_array_equal(grads[0], 0.0)  # the ignored row gets no gradient


def _spec(shape):
    return types.SimpleNamespace(shape=shape)


SHAPES = [((8,), (8, 1)), ((8, 1), (8, 1)), ((8,), (8, 5)), ((8, 1), (8, 5)), ((8, 5), (8, 5)),
          ((None, 4), (None, 4)), ((None,), (None, 3))]


@pytest.mark.parametrize("identifier", ["crossentropy", "ce", "CE", "mse", "huber", "Huber"])
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_resolve_loss_matches_keras_compile(identifier, shapes):
    from keras.src.trainers.compile_utils import get_loss

    y_true_shape, y_pred_shape = shapes
    ref = get_loss(identifier, _spec(y_true_shape), _spec(y_pred_shape))
    ours = losses.resolve_loss(identifier, y_true_shape, y_pred_shape)
    assert type(ours).__name__ == type(ref).__name__
    assert ours.name == ref.name
    if hasattr(ref, "fn"):
        assert ours.fn.__name__ == ref.fn.__name__


@pytest.mark.parametrize("dtype", ["float32", "bfloat16", "float16"])
def test_loss_dtype_sets_the_result_dtype_like_keras(k, dtype):
    rng = np.random.default_rng(1)
    y_true = rng.normal(size=(4, 3)).astype("float32")
    y_pred = rng.normal(size=(4, 3)).astype("float32")
    ours = losses.MeanSquaredError(dtype=dtype)(y_true, y_pred, sample_weight=np.ones(4))
    ref = k.losses.MeanSquaredError(dtype=dtype)(y_true, y_pred, sample_weight=np.ones(4))
    assert str(ours.dtype) == str(ref.dtype) == dtype
    np.testing.assert_allclose(
        np.asarray(ours, "float32"), np.asarray(ref, "float32"), rtol=1e-2
    )
