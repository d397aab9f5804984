"""Every metric against real Keras 3: several batches with and without sample weights, then reset."""

import numpy as np
import pytest

from lamina import metrics

B, C = 8, 4


def _probs(r, shape):
    x = r.random(shape).astype("float32") + 0.05
    return x / x.sum(-1, keepdims=True)


DATA = {
    "values": lambda r: (r.normal(size=(B,)).astype("float32"),),
    "values_2d": lambda r: (r.normal(size=(B, 3)).astype("float32"),),
    "real": lambda r: (r.normal(size=(B, 3)).astype("float32"), r.normal(size=(B, 3)).astype("float32")),
    "real_col": lambda r: (r.normal(size=(B,)).astype("float32"), r.normal(size=(B, 1)).astype("float32")),
    "positive": lambda r: ((r.random((B, 3)) * 3).astype("float32"), (r.random((B, 3)) * 3).astype("float32")),
    "away_from_zero": lambda r: ((r.random((B, 3)) + 0.5).astype("float32"), r.normal(size=(B, 3)).astype("float32")),
    "ints": lambda r: (r.integers(0, 3, (B, 1)), r.integers(0, 3, (B, 1))),
    "binary": lambda r: (r.integers(0, 2, (B, 1)).astype("float32"), r.random((B, 1)).astype("float32")),
    "binary_flat": lambda r: (r.integers(0, 2, (B,)).astype("float32"), r.random((B,)).astype("float32")),
    "binary_multi": lambda r: (r.integers(0, 2, (B, C)).astype("float32"), r.random((B, C)).astype("float32")),
    "binary_logits": lambda r: (r.integers(0, 2, (B, 1)).astype("float32"), r.normal(size=(B, 1)).astype("float32") * 2),
    "onehot": lambda r: (np.eye(C, dtype="float32")[r.integers(0, C, B)], _probs(r, (B, C))),
    "onehot_logits": lambda r: (np.eye(C, dtype="float32")[r.integers(0, C, B)], r.normal(size=(B, C)).astype("float32")),
    "sparse": lambda r: (r.integers(0, C, (B,)), _probs(r, (B, C))),
    "sparse_col": lambda r: (r.integers(0, C, (B, 1)), _probs(r, (B, C))),
    "sparse_logits": lambda r: (r.integers(0, C, (B,)), r.normal(size=(B, C)).astype("float32")),
    "sparse_3d": lambda r: (r.integers(0, C, (B, 3)), _probs(r, (B, 3, C))),
    "distributions": lambda r: (_probs(r, (B, C)), _probs(r, (B, C))),
    "counts": lambda r: (r.poisson(2.0, (B, 3)).astype("float32"), (r.random((B, 3)) * 3 + 0.1).astype("float32")),
    "signed": lambda r: ((2 * r.integers(0, 2, (B, 3)) - 1).astype("float32"), r.normal(size=(B, 3)).astype("float32")),
}

# (class name, constructor kwargs, data generator)
CASES = [
    ("Mean", {}, "values"),
    ("Mean", {}, "values_2d"),
    ("Sum", {}, "values"),
    ("Sum", {}, "values_2d"),
    ("Accuracy", {}, "ints"),
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.7}, "binary_flat"),
    ("BinaryAccuracy", {}, "binary_multi"),
    ("CategoricalAccuracy", {}, "onehot"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("SparseCategoricalAccuracy", {}, "sparse_col"),
    ("SparseCategoricalAccuracy", {}, "sparse_3d"),
    ("TopKCategoricalAccuracy", {}, "onehot"),
    ("TopKCategoricalAccuracy", {"k": 2}, "onehot"),
    ("SparseTopKCategoricalAccuracy", {"k": 1}, "sparse"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse_col"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse_3d"),
    ("MeanAbsoluteError", {}, "real"),
    ("MeanAbsoluteError", {}, "real_col"),
    ("MeanSquaredError", {}, "real"),
    ("RootMeanSquaredError", {}, "real"),
    ("RootMeanSquaredError", {}, "real_col"),
    ("MeanAbsolutePercentageError", {}, "away_from_zero"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("CosineSimilarity", {}, "real"),
    ("LogCoshError", {}, "real"),
    ("AUC", {}, "binary"),
    ("AUC", {"num_thresholds": 7}, "binary_multi"),
    ("AUC", {"curve": "PR"}, "binary"),
    ("AUC", {"curve": "PR", "num_thresholds": 11}, "binary_multi"),
    ("AUC", {"summation_method": "minoring"}, "binary"),
    ("AUC", {"summation_method": "majoring", "curve": "PR"}, "binary_multi"),
    ("AUC", {"curve": "PRGAIN"}, "binary_multi"),
    ("AUC", {"from_logits": True}, "binary_logits"),
    ("AUC", {"thresholds": [0.3, 0.5, 0.6]}, "binary_multi"),
    ("AUC", {"thresholds": [0.25, 0.5, 0.75]}, "binary_multi"),
    ("AUC", {"multi_label": True}, "binary_multi"),
    ("AUC", {"multi_label": True, "num_labels": C, "curve": "PR"}, "binary_multi"),
    ("AUC", {"multi_label": True, "label_weights": [0.1, 0.5, 1.0, 2.0]}, "binary_multi"),
    ("AUC", {"label_weights": [0.1, 0.5, 1.0, 2.0]}, "binary_multi"),
    ("Precision", {}, "binary"),
    ("Precision", {"thresholds": [0.3, 0.5, 0.7]}, "binary_multi"),
    ("Precision", {"thresholds": [0.0, 0.5, 1.0]}, "binary_multi"),
    ("Precision", {"top_k": 2}, "binary_multi"),
    ("Precision", {"class_id": 1}, "binary_multi"),
    ("Precision", {"top_k": 2, "class_id": 3, "thresholds": 0.2}, "binary_multi"),
    ("Recall", {}, "binary_flat"),
    ("Recall", {"thresholds": [0.2, 0.9]}, "binary_multi"),
    ("Recall", {"top_k": 1}, "binary_multi"),
    ("Recall", {"class_id": 2}, "binary_multi"),
    ("TruePositives", {}, "binary"),
    ("FalsePositives", {"thresholds": [0.25, 0.75]}, "binary_multi"),
    ("TrueNegatives", {}, "binary_multi"),
    ("FalseNegatives", {"thresholds": [0.0, 0.5, 1.0]}, "binary_multi"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "binary_logits"),
    ("CategoricalCrossentropy", {}, "onehot"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "onehot_logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 1}, "sparse_logits"),
    ("KLDivergence", {}, "distributions"),
    ("Poisson", {}, "counts"),
    ("Hinge", {}, "signed"),
    ("SquaredHinge", {}, "signed"),
    ("CategoricalHinge", {}, "onehot_logits"),
]

WEIGHTS = ["none", "vector", "column"]


def _weights(kind, r):
    if kind == "none":
        return None
    w = (r.random(B) * 2).astype("float32")
    w[1] = 0.0
    return w if kind == "vector" else w[:, None]


def _case_id(case):
    cls, kw, data = case
    return f"{cls}({','.join(f'{a}={b}' for a, b in kw.items())})-{data}"


@pytest.fixture(scope="module")
def k():
    import keras

    return keras


def _assert_close(got, expected, what):
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.shape == expected.shape, what
    np.testing.assert_allclose(got, expected, rtol=2e-5, atol=2e-6, err_msg=what)


@pytest.mark.parametrize("weights", WEIGHTS)
@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_metric_matches_keras_over_batches_and_reset(k, case, weights):
    cls_name, kwargs, data = case
    rng = np.random.default_rng(abs(hash((cls_name, data, weights))) % 2**32)
    ours = getattr(metrics, cls_name)(**kwargs)
    ref = getattr(k.metrics, cls_name)(**kwargs)
    for step in range(3):
        args = DATA[data](rng)
        # Mix weighted and unweighted batches when weights are on.
        sw = _weights(weights, rng) if step != 1 else None
        try:
            ref.update_state(*args, sample_weight=sw)
        except (TypeError, ValueError):
            # Weights that cannot broadcast to the values fail in Keras too.
            with pytest.raises((TypeError, ValueError)):
                ours.update_state(*args, sample_weight=sw)
            return
        ours.update_state(*args, sample_weight=sw)
        _assert_close(ours.result(), ref.result(), f"after batch {step}")
    ref.reset_state()
    ours.reset_state()
    _assert_close(ours.result(), ref.result(), "after reset_state")
    for v in ours.variables:
        assert not np.any(np.asarray(v.numpy())), v.path
    args = DATA[data](rng)
    sw = _weights(weights, rng)
    _assert_close(ours(*args, sample_weight=sw), ref(*args, sample_weight=sw), "__call__ after reset")


FUNCTIONS = [
    ("binary_accuracy", {}, "binary"),
    ("binary_accuracy", {"threshold": 0.3}, "binary_multi"),
    ("categorical_accuracy", {}, "onehot"),
    ("sparse_categorical_accuracy", {}, "sparse"),
    ("sparse_categorical_accuracy", {}, "sparse_col"),
    ("sparse_categorical_accuracy", {}, "sparse_3d"),
    ("top_k_categorical_accuracy", {"k": 2}, "onehot"),
    ("sparse_top_k_categorical_accuracy", {"k": 2}, "sparse"),
    ("sparse_top_k_categorical_accuracy", {"k": 3}, "sparse_3d"),
    ("mean_squared_error", {}, "real"),
    ("mean_absolute_error", {}, "real"),
    ("binary_crossentropy", {}, "binary"),
    ("categorical_crossentropy", {}, "onehot"),
    ("sparse_categorical_crossentropy", {}, "sparse_logits"),
    ("hinge", {}, "signed"),
    ("kl_divergence", {}, "distributions"),
    ("poisson", {}, "counts"),
]


@pytest.mark.parametrize("case", FUNCTIONS, ids=[_case_id(c) for c in FUNCTIONS])
def test_metric_function_matches_keras(k, case):
    fn_name, kwargs, data = case
    rng = np.random.default_rng(11)
    y_true, y_pred = DATA[data](rng)
    _assert_close(
        getattr(metrics, fn_name)(y_true, y_pred, **kwargs),
        getattr(k.metrics, fn_name)(y_true, y_pred, **kwargs),
        fn_name,
    )


def test_sparse_top_k_from_sorted_ids_matches_keras(k):
    rng = np.random.default_rng(5)
    y_true = rng.integers(0, C, (B,))
    sorted_ids = np.argsort(-rng.random((B, C)), axis=-1).astype("float32")
    ours = metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    ref = k.metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    _assert_close(ours(y_true, sorted_ids), ref(y_true, sorted_ids), "from_sorted_ids")


def test_mean_metric_wrapper_with_kwargs_matches_keras(k):
    rng = np.random.default_rng(2)
    ours = metrics.MeanMetricWrapper(metrics.binary_accuracy, name="acc", threshold=0.3)
    ref = k.metrics.MeanMetricWrapper(k.metrics.binary_accuracy, name="acc", threshold=0.3)
    for _ in range(2):
        y_true, y_pred = DATA["binary_multi"](rng)
        sw = _weights("vector", rng)
        _assert_close(
            ours(y_true, y_pred, sample_weight=sw), ref(y_true, y_pred, sample_weight=sw), "wrapper"
        )
