"""Every loss against real Keras 3: class and function forms, arguments, sample weights, reductions."""

import warnings

import jax.numpy as jnp
import numpy as np
import pytest

from lamina import losses
from lamina.losses.masking import set_keras_mask

B, D, C = 6, 4, 5
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]


def _probs(rng, shape):
    x = rng.random(shape).astype("float32") + 0.05
    return x / x.sum(-1, keepdims=True)


def _onehot(rng, n=B, c=C):
    return np.eye(c, dtype="float32")[rng.integers(0, c, n)]


# name -> (y_true, y_pred) generator; each loss case below names one.
DATA = {
    "real": lambda r: (r.normal(size=(B, D)).astype("float32"), r.normal(size=(B, D)).astype("float32")),
    "real_3d": lambda r: (
        r.normal(size=(B, 3, D)).astype("float32"),
        r.normal(size=(B, 3, D)).astype("float32"),
    ),
    "real_col": lambda r: (r.normal(size=(B,)).astype("float32"), r.normal(size=(B, 1)).astype("float32")),
    "positive": lambda r: (r.random((B, D)).astype("float32") * 3, r.random((B, D)).astype("float32") * 3),
    "away_from_zero": lambda r: (
        (r.random((B, D)) + 0.5).astype("float32") * np.sign(r.normal(size=(B, D))).astype("float32"),
        r.normal(size=(B, D)).astype("float32"),
    ),
    "binary": lambda r: (r.integers(0, 2, (B, D)).astype("float32"), r.random((B, D)).astype("float32")),
    "binary_col": lambda r: (r.integers(0, 2, (B,)).astype("float32"), r.random((B, 1)).astype("float32")),
    "binary_logits": lambda r: (
        r.integers(0, 2, (B, D)).astype("float32"),
        (r.normal(size=(B, D)) * 3).astype("float32"),
    ),
    "signed": lambda r: (
        (2 * r.integers(0, 2, (B, D)) - 1).astype("float32"),
        r.normal(size=(B, D)).astype("float32"),
    ),
    "onehot": lambda r: (_onehot(r), _probs(r, (B, C))),
    "onehot_logits": lambda r: (_onehot(r), (r.normal(size=(B, C)) * 2).astype("float32")),
    "onehot_3d": lambda r: (
        np.eye(C, dtype="float32")[r.integers(0, C, (B, 3))],
        _probs(r, (B, 3, C)),
    ),
    "sparse": lambda r: (r.integers(0, C, (B,)), _probs(r, (B, C))),
    "sparse_col": lambda r: (r.integers(0, C, (B, 1)), _probs(r, (B, C))),
    "sparse_logits": lambda r: (r.integers(0, C, (B,)), (r.normal(size=(B, C)) * 2).astype("float32")),
    "sparse_3d": lambda r: (r.integers(0, C, (B, 3)), (r.normal(size=(B, 3, C))).astype("float32")),
    "distributions": lambda r: (_probs(r, (B, C)), _probs(r, (B, C))),
    "counts": lambda r: (r.poisson(2.0, (B, D)).astype("float32"), (r.random((B, D)) * 3 + 0.1).astype("float32")),
    "masks": lambda r: (r.integers(0, 2, (B, D)).astype("float32"), r.random((B, D)).astype("float32")),
}

# (class name, function name or None, constructor kwargs, data generator)
CASES = [
    ("MeanSquaredError", "mean_squared_error", {}, "real"),
    ("MeanSquaredError", "mean_squared_error", {}, "real_3d"),
    ("MeanSquaredError", "mean_squared_error", {}, "real_col"),
    ("MeanAbsoluteError", "mean_absolute_error", {}, "real"),
    ("MeanAbsoluteError", "mean_absolute_error", {}, "real_col"),
    ("MeanAbsolutePercentageError", "mean_absolute_percentage_error", {}, "away_from_zero"),
    ("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", {}, "positive"),
    ("Huber", "huber", {}, "real"),
    ("Huber", "huber", {"delta": 0.3}, "real"),
    ("Huber", "huber", {"delta": 2.5}, "real_3d"),
    ("LogCosh", "log_cosh", {}, "real"),
    ("CosineSimilarity", "cosine_similarity", {}, "real"),
    ("CosineSimilarity", "cosine_similarity", {"axis": 0}, "real"),
    ("BinaryCrossentropy", "binary_crossentropy", {}, "binary"),
    ("BinaryCrossentropy", None, {}, "binary_col"),
    ("BinaryCrossentropy", "binary_crossentropy", {"from_logits": True}, "binary_logits"),
    ("BinaryCrossentropy", "binary_crossentropy", {"label_smoothing": 0.2}, "binary"),
    (
        "BinaryCrossentropy",
        "binary_crossentropy",
        {"from_logits": True, "label_smoothing": 0.1, "axis": 0},
        "binary_logits",
    ),
    ("BinaryFocalCrossentropy", "binary_focal_crossentropy", {}, "binary"),
    (
        "BinaryFocalCrossentropy",
        "binary_focal_crossentropy",
        {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5},
        "binary",
    ),
    (
        "BinaryFocalCrossentropy",
        "binary_focal_crossentropy",
        {"from_logits": True, "label_smoothing": 0.1, "gamma": 3.0},
        "binary_logits",
    ),
    ("CategoricalCrossentropy", "categorical_crossentropy", {}, "onehot"),
    ("CategoricalCrossentropy", "categorical_crossentropy", {"from_logits": True}, "onehot_logits"),
    ("CategoricalCrossentropy", "categorical_crossentropy", {"label_smoothing": 0.15}, "onehot"),
    ("CategoricalCrossentropy", "categorical_crossentropy", {"axis": 0}, "onehot"),
    ("CategoricalCrossentropy", "categorical_crossentropy", {}, "onehot_3d"),
    ("CategoricalFocalCrossentropy", "categorical_focal_crossentropy", {}, "onehot"),
    (
        "CategoricalFocalCrossentropy",
        "categorical_focal_crossentropy",
        {"from_logits": True, "alpha": 0.5, "gamma": 1.0, "label_smoothing": 0.1},
        "onehot_logits",
    ),
    ("SparseCategoricalCrossentropy", "sparse_categorical_crossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", "sparse_categorical_crossentropy", {}, "sparse_col"),
    (
        "SparseCategoricalCrossentropy",
        "sparse_categorical_crossentropy",
        {"from_logits": True},
        "sparse_logits",
    ),
    (
        "SparseCategoricalCrossentropy",
        "sparse_categorical_crossentropy",
        {"from_logits": True, "ignore_class": 2},
        "sparse_logits",
    ),
    ("SparseCategoricalCrossentropy", "sparse_categorical_crossentropy", {"ignore_class": 1}, "sparse"),
    ("SparseCategoricalCrossentropy", "sparse_categorical_crossentropy", {"from_logits": True}, "sparse_3d"),
    ("KLDivergence", "kl_divergence", {}, "distributions"),
    ("Poisson", "poisson", {}, "counts"),
    ("Hinge", "hinge", {}, "signed"),
    ("Hinge", "hinge", {}, "binary_logits"),
    ("SquaredHinge", "squared_hinge", {}, "signed"),
    ("SquaredHinge", "squared_hinge", {}, "binary_logits"),
    ("CategoricalHinge", "categorical_hinge", {}, "onehot_logits"),
    ("Dice", "dice", {}, "masks"),
    ("Dice", "dice", {"axis": -1}, "masks"),
    ("Tversky", "tversky", {"alpha": 0.7, "beta": 0.3, "axis": -1}, "masks"),
]

# Weights per sample, as a vector and as a column; for 3-D data also per time step.
WEIGHTS = ["none", "vector", "column"]


def _weights(kind, y_pred, rng):
    if kind == "none":
        return None
    batch_shape = (B,) if len(y_pred.shape) < 3 else y_pred.shape[:-1]
    w = rng.random(batch_shape).astype("float32") * 2
    w[0] = 0.0
    return w if kind == "vector" else w[..., None]


def _case_id(case):
    cls, _, kw, data = case
    args = ",".join(f"{k}={v}" for k, v in kw.items())
    return f"{cls}({args})-{data}"


@pytest.fixture(scope="module")
def k():
    import keras

    return keras


@pytest.mark.parametrize("weights", WEIGHTS)
@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_loss_class_matches_keras(k, case, weights):
    cls_name, _, kwargs, data = case
    rng = np.random.default_rng(abs(hash((cls_name, data, weights))) % 2**32)
    y_true, y_pred = DATA[data](rng)
    sw = _weights(weights, y_pred, rng)
    for reduction in REDUCTIONS:
        ours = getattr(losses, cls_name)(reduction=reduction, **kwargs)
        ref = getattr(k.losses, cls_name)(reduction=reduction, **kwargs)
        try:
            expected = np.asarray(ref(y_true, y_pred, sample_weight=sw))
        except (TypeError, ValueError):
            # Weights that do not fit the loss values (e.g. axis=0) fail in Keras too.
            with pytest.raises((TypeError, ValueError)):
                ours(y_true, y_pred, sample_weight=sw)
            continue
        got = np.asarray(ours(y_true, y_pred, sample_weight=sw))
        assert got.shape == expected.shape, reduction
        np.testing.assert_allclose(got, expected, rtol=2e-5, atol=2e-6, err_msg=str(reduction))


FUNCTION_CASES = [c for c in CASES if c[1] is not None]


@pytest.mark.parametrize("case", FUNCTION_CASES, ids=[_case_id(c) for c in FUNCTION_CASES])
def test_loss_function_matches_keras(k, case):
    _, fn_name, kwargs, data = case
    rng = np.random.default_rng(7)
    y_true, y_pred = DATA[data](rng)
    if fn_name == "sparse_categorical_crossentropy" and data == "sparse":
        y_true = y_true.astype("float32")
    expected = np.asarray(getattr(k.losses, fn_name)(y_true, y_pred, **kwargs))
    got = np.asarray(getattr(losses, fn_name)(y_true, y_pred, **kwargs))
    np.testing.assert_allclose(got, expected, rtol=2e-5, atol=2e-6)


def test_single_class_categorical_warns_like_keras():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        losses.categorical_crossentropy(np.ones((3, 1)), np.ones((3, 1)))
    assert any(issubclass(w.category, SyntaxWarning) for w in caught)
    assert "binary_crossentropy" in str(caught[0].message)


def test_masked_predictions_reduce_over_kept_entries():
    # A mask attached to y_pred (as a masking layer would) drops entries from the mean.
    rng = np.random.default_rng(3)
    y_true = rng.normal(size=(B, 3)).astype("float32")
    y_pred = jnp.asarray(rng.normal(size=(B, 3)).astype("float32"))
    mask = np.array([True, False, True, True, False, True])
    set_keras_mask(y_pred, jnp.asarray(mask))
    got = float(losses.MeanSquaredError()(y_true, y_pred))
    per_sample = ((y_true - np.asarray(y_pred)) ** 2).mean(-1)
    np.testing.assert_allclose(got, per_sample[mask].mean(), rtol=1e-5)
