"""Metric base class, pure (stateless) use under jax.jit, configs, lookup and compile resolution."""

import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from lamina import metrics
from lamina.backend import StatelessScope, Variable

CONFIG_CASES = [
    ("Mean", {}),
    ("Sum", {}),
    ("Accuracy", {}),
    ("BinaryAccuracy", {"threshold": 0.3}),
    ("CategoricalAccuracy", {}),
    ("SparseCategoricalAccuracy", {}),
    ("TopKCategoricalAccuracy", {"k": 3}),
    ("SparseTopKCategoricalAccuracy", {"k": 2}),
    ("SparseTopKCategoricalAccuracy", {"k": 2, "from_sorted_ids": True}),
    ("MeanAbsoluteError", {}),
    ("MeanSquaredError", {}),
    ("RootMeanSquaredError", {}),
    ("MeanAbsolutePercentageError", {}),
    ("MeanSquaredLogarithmicError", {}),
    ("CosineSimilarity", {"axis": 0}),
    ("LogCoshError", {}),
    ("AUC", {}),
    ("AUC", {"curve": "PR", "summation_method": "majoring", "num_thresholds": 20}),
    ("AUC", {"thresholds": [0.2, 0.6], "multi_label": True, "num_labels": 3}),
    ("Precision", {"thresholds": [0.2, 0.5], "top_k": 2, "class_id": 1}),
    ("Recall", {}),
    ("TruePositives", {"thresholds": 0.3}),
    ("FalsePositives", {}),
    ("TrueNegatives", {}),
    ("FalseNegatives", {}),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}),
    ("CategoricalCrossentropy", {"axis": 0}),
    ("SparseCategoricalCrossentropy", {"ignore_class": 3}),
    ("KLDivergence", {}),
    ("Poisson", {}),
    ("Hinge", {}),
    ("SquaredHinge", {}),
    ("CategoricalHinge", {}),
]


@pytest.fixture(scope="module")
def k():
    import keras

    return keras


@pytest.mark.parametrize("cls_name,kwargs", CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_config_equals_keras_and_round_trips(k, cls_name, kwargs):
    ours = getattr(metrics, cls_name)(name="the_metric", **kwargs)
    ref = getattr(k.metrics, cls_name)(name="the_metric", **kwargs)
    assert ours.get_config() == ref.get_config()
    assert metrics.serialize(ours) == k.metrics.serialize(ref)
    rebuilt = getattr(metrics, cls_name).from_config(ref.get_config())
    assert rebuilt.get_config() == ref.get_config()
    back = k.metrics.deserialize(metrics.serialize(ours))
    assert back.get_config() == ref.get_config()
    assert [v.path for v in ours.variables] == [v.path for v in ref.variables]
    assert [v.shape for v in ours.variables] == [tuple(v.shape) for v in ref.variables]


def test_default_names_match_keras(k):
    for cls_name, _ in CONFIG_CASES:
        if cls_name in ("AUC", "Precision", "Recall") or cls_name.endswith(("Positives", "Negatives")):
            continue  # auto-named from a per-session counter in both libraries
        assert getattr(metrics, cls_name)().name == getattr(k.metrics, cls_name)().name


def test_auc_label_weights_config_matches_keras(k):
    ours = metrics.AUC(name="a", label_weights=[0.5, 2.0])
    ref = k.metrics.AUC(name="a", label_weights=[0.5, 2.0])
    a, b = ours.get_config(), ref.get_config()
    np.testing.assert_allclose(a.pop("label_weights"), b.pop("label_weights"))
    assert a == b
    assert metrics.serialize(ours)["config"]["label_weights"] == [0.5, 2.0]


def test_mean_metric_wrapper_config_matches_keras(k):
    ours = metrics.MeanMetricWrapper(metrics.binary_accuracy, name="w", threshold=0.2)
    ref = k.metrics.MeanMetricWrapper(k.metrics.binary_accuracy, name="w", threshold=0.2)
    assert ours.get_config() == ref.get_config()
    rebuilt = metrics.MeanMetricWrapper.from_config(ref.get_config())
    assert rebuilt._fn is metrics.binary_accuracy and rebuilt._fn_kwargs == {"threshold": 0.2}


# -- lookup -------------------------------------------------------------------------------------
GET_NAMES = [
    "mae", "MAE", "mse", "mape", "msle", "bce", "BCE",
    "mean_absolute_error", "mean_squared_error", "root_mean_squared_error",
    "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
    "auc", "AUC", "precision", "recall", "Precision", "true_positives",
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "kl_divergence", "poisson", "hinge", "squared_hinge", "categorical_hinge",
    "cosine_similarity", "log_cosh_error", "mean", "sum", "accuracy", "Accuracy",
]


@pytest.mark.parametrize("name", GET_NAMES)
def test_get_resolves_names_like_keras(k, name):
    ref = k.metrics.get(name)
    ours = metrics.get(name)
    assert type(ours).__name__ == type(ref).__name__
    assert ours.name == ref.name or ours.name.rsplit("_", 1)[0] == ref.name.rsplit("_", 1)[0]


def test_acc_is_not_a_metric_name_as_in_keras(k):
    with pytest.raises(ValueError):
        k.metrics.get("acc")
    with pytest.raises(ValueError, match="Could not interpret metric identifier: 'acc'"):
        metrics.get("acc")


def test_unknown_metric_name_lists_close_matches_and_valid_names():
    with pytest.raises(ValueError) as info:
        metrics.get("binary_acuracy")
    msg = str(info.value)
    assert "Did you mean 'binary_accuracy'" in msg
    assert "'auc'" in msg and "'precision'" in msg


def test_get_passes_through_instances_functions_and_dicts():
    m = metrics.AUC()
    assert metrics.get(m) is m
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy
    assert isinstance(metrics.get(metrics.Recall), metrics.Recall)
    got = metrics.get({"class_name": "BinaryAccuracy", "config": {"name": "b", "threshold": 0.9}})
    assert isinstance(got, metrics.BinaryAccuracy) and got.threshold == 0.9
    assert metrics.get(None) is None


def test_function_configs_deserialize_to_functions(k):
    conf = k.metrics.serialize(k.metrics.binary_accuracy)
    assert metrics.serialize(metrics.binary_accuracy) == conf
    assert metrics.deserialize(conf) is metrics.binary_accuracy


# -- the Metric base class ----------------------------------------------------------------------
def test_variables_are_non_trainable_and_scoped_under_the_metric_name():
    m = metrics.Mean(name="loss_tracker")
    assert [v.path for v in m.variables] == ["loss_tracker/total", "loss_tracker/count"]
    assert all(isinstance(v, Variable) and not v.trainable for v in m.variables)
    assert all(v.aggregation == "sum" for v in m.variables)
    assert [v.path for v in metrics.Mean(name="a/b").variables][0] == "a>b/total"


class _Pair(metrics.Metric):
    """A custom metric holding another metric and its own state."""

    def __init__(self, name="pair"):
        super().__init__(name=name)
        self.inner = metrics.Mean(name="inner")
        self.hits = self.add_weight(shape=(2,), initializer="ones", name="hits")

    def update_state(self, x):
        self.inner.update_state(x)
        self.hits.assign_add(jnp.array([1.0, 2.0]))

    def result(self):
        return self.inner.result() + jnp.sum(self.hits.value)


def test_custom_metric_tracks_sub_metrics_and_resets_everything():
    m = _Pair()
    assert [v.path for v in m.variables] == ["pair/hits", "inner/total", "inner/count"]
    np.testing.assert_array_equal(m.hits.numpy(), [1.0, 1.0])  # the initializer was used
    assert float(m(jnp.array([2.0, 4.0]))) == 3.0 + 5.0
    m.reset_state()
    assert all(not np.any(v.numpy()) for v in m.variables)


def test_forgetting_super_init_is_explained():
    class Broken(metrics.Metric):
        def __init__(self):
            self.add_variable((), "zeros", name="x")

    with pytest.raises(RuntimeError, match=r"super\(\).__init__\(\)"):
        Broken()


def test_base_methods_must_be_implemented():
    m = metrics.Metric(name="bare")
    with pytest.raises(NotImplementedError, match="update_state"):
        m.update_state(1.0)
    with pytest.raises(NotImplementedError, match="result"):
        m.result()


# -- stateless use ------------------------------------------------------------------------------
def test_stateless_calls_leave_variables_alone():
    m = metrics.Mean()
    m.update_state([10.0])
    state = [v.value for v in m.variables]
    new = m.stateless_update_state(state, jnp.array([1.0, 2.0]))
    np.testing.assert_allclose([float(v) for v in new], [13.0, 3.0])
    np.testing.assert_allclose([float(v.numpy()) for v in m.variables], [10.0, 1.0])
    assert float(m.stateless_result(new)) == pytest.approx(13.0 / 3.0)
    reset = m.stateless_reset_state()
    assert [float(v) for v in reset] == [0.0, 0.0]
    assert float(m.result()) == 10.0


def test_stateless_update_checks_the_number_of_values():
    m = metrics.Mean()
    with pytest.raises(ValueError, match="expected 2"):
        m.stateless_update_state([jnp.zeros(())], jnp.ones(2))


def _batches(kind, rng, n=3):
    out = []
    for _ in range(n):
        if kind == "binary":
            args = (rng.integers(0, 2, (8, 1)).astype("float32"), rng.random((8, 1)).astype("float32"))
        elif kind == "sparse":
            args = (rng.integers(0, 4, (8,)), rng.normal(size=(8, 4)).astype("float32"))
        elif kind == "multi":
            args = (rng.integers(0, 2, (8, 3)).astype("float32"), rng.random((8, 3)).astype("float32"))
        else:
            args = (rng.normal(size=(8, 3)).astype("float32"), rng.normal(size=(8, 3)).astype("float32"))
        out.append((args, (rng.random(8) * 2).astype("float32")))
    return out


JIT_CASES = {
    "auc": (lambda: metrics.AUC(num_thresholds=20), "binary"),
    "auc_pr_multi_label": (lambda: metrics.AUC(curve="PR", multi_label=True, num_labels=3), "multi"),
    "precision": (lambda: metrics.Precision(thresholds=[0.3, 0.6]), "binary"),
    "recall_top_k": (lambda: metrics.Recall(top_k=1), "multi"),
    "sparse_accuracy": (lambda: metrics.SparseCategoricalAccuracy(), "sparse"),
    "sparse_ce_ignore_class": (
        lambda: metrics.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
        "sparse",
    ),
    "rmse": (lambda: metrics.RootMeanSquaredError(), "real"),
    "wrapped_function": (lambda: metrics.MeanMetricWrapper(metrics.mean_absolute_error), "real"),
}


@pytest.mark.parametrize("make,kind", list(JIT_CASES.values()), ids=list(JIT_CASES))
def test_jitted_stateless_updates_equal_eager_updates(make, kind):
    batches = _batches(kind, np.random.default_rng(4))
    eager, pure = make(), make()

    @jax.jit
    def step(state, y_true, y_pred, sample_weight):
        return pure.stateless_update_state(state, y_true, y_pred, sample_weight=sample_weight)

    state = [v.value for v in pure.variables]
    for (y_true, y_pred), sw in batches:
        eager.update_state(y_true, y_pred, sample_weight=sw)
        state = step(state, y_true, y_pred, sw)
        np.testing.assert_allclose(
            jax.jit(pure.stateless_result)(state), eager.result(), rtol=1e-5, atol=1e-6
        )
    # The pure path never wrote to the variables.
    assert all(not np.any(v.numpy()) for v in pure.variables)


def test_trainer_style_scope_mapping_collects_metric_updates():
    # The trainer maps all metric variables in one StatelessScope and reads the new values back.
    m = metrics.Mean()

    @jax.jit
    def step(values, x):
        with StatelessScope(list(zip(m.variables, values))) as scope:
            m.update_state(x)
            out = m.result()
        return out, [scope.get_current_value(v) for v in m.variables]

    values = [v.value for v in m.variables]
    out, values = step(values, jnp.array([1.0, 5.0]))
    out, values = step(values, jnp.array([3.0]))
    assert float(out) == 3.0
    for v, new in zip(m.variables, values):
        v.assign(new)
    assert float(m.result()) == 3.0


# -- compile-time resolution -------------------------------------------------------------------
def _spec(shape):
    return types.SimpleNamespace(shape=shape)


SHAPES = [((8,), (8, 1)), ((8, 1), (8, 1)), ((8,), (8, 5)), ((8, 1), (8, 5)), ((8, 5), (8, 5)),
          ((None, 3), (None, 3)), ((None,), (None, 3)), ((8, 7), (8, 7, 5)), ((8,), (8,))]


@pytest.mark.parametrize("identifier", ["accuracy", "acc", "Accuracy", "ACC"])
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_resolve_accuracy_matches_keras_compile(identifier, shapes):
    from keras.src.trainers.compile_utils import get_metric

    y_true_shape, y_pred_shape = shapes
    ref = get_metric(identifier, _spec(y_true_shape), _spec(y_pred_shape))
    ours = metrics.resolve_accuracy(identifier, y_true_shape, y_pred_shape)
    assert type(ours).__name__ == type(ref).__name__
    assert ours.name == ref.name == identifier
    again = metrics.resolve_metric(identifier, y_true_shape, y_pred_shape)
    assert type(again) is type(ours) and again.name == identifier


@pytest.mark.parametrize("identifier", ["mae", "auc", "binary_accuracy", "Precision", "mse"])
def test_resolve_metric_matches_keras_compile(identifier):
    from keras.src.trainers.compile_utils import get_metric

    ref = get_metric(identifier, _spec((8, 1)), _spec((8, 1)))
    ours = metrics.resolve_metric(identifier, (8, 1), (8, 1))
    assert type(ours).__name__ == type(ref).__name__
    assert ours.name == ref.name == identifier


def test_resolve_metric_wraps_functions_and_keeps_instances():
    wrapped = metrics.resolve_metric(metrics.binary_accuracy, (8, 1), (8, 1))
    assert isinstance(wrapped, metrics.MeanMetricWrapper) and wrapped.name == "binary_accuracy"
    inst = metrics.AUC(name="my_auc")
    assert metrics.resolve_metric(inst, (8, 1), (8, 1)) is inst
    with pytest.raises(ValueError, match="None"):
        metrics.resolve_metric(None, (8, 1), (8, 1))
    with pytest.raises(ValueError, match="resolve_metric"):
        metrics.resolve_accuracy("mae", (8, 1), (8, 1))


def test_unknown_function_config_is_rejected_with_names():
    with pytest.raises(ValueError, match="binary_accuracy"):
        metrics.deserialize({"class_name": "function", "config": "binary_acuracy"})


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_metric_dtype_sets_state_and_result_dtype_like_keras(k, dtype):
    ours, ref = metrics.Mean(dtype=dtype), k.metrics.Mean(dtype=dtype)
    for m in (ours, ref):
        m.update_state(np.array([1.0, 2.5], "float32"))
    assert [v.dtype for v in ours.variables] == [v.dtype for v in ref.variables]
    assert str(ours.result().dtype) == str(ref.result().dtype)
    assert float(ours.result()) == float(ref.result())
