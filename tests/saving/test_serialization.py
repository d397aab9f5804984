"""serialize_keras_object / deserialize_keras_object: same dicts as Keras 3, and round trips."""

import json

import numpy as np
import pytest

import lamina
from lamina import saving
from lamina.saving import deserialize_keras_object, serialize_keras_object

keras = pytest.importorskip("keras")


def _json(x):
    return json.loads(json.dumps(x))


def _strip_shared(x):
    if isinstance(x, dict):
        return {k: _strip_shared(v) for k, v in x.items() if k != "shared_object_id"}
    if isinstance(x, list):
        return [_strip_shared(v) for v in x]
    return x


# (builder taking the library module) -> the object; both libraries must write the same dict.
OBJECTS = {
    "glorot_seeded": lambda K: K.initializers.GlorotUniform(seed=3),
    "random_normal": lambda K: K.initializers.RandomNormal(mean=0.1, stddev=2.0),
    "constant": lambda K: K.initializers.Constant(2.0),
    "orthogonal": lambda K: K.initializers.Orthogonal(gain=2.0, seed=1),
    "l1l2": lambda K: K.regularizers.L1L2(l1=0.1, l2=0.2),
    "l2": lambda K: K.regularizers.L2(0.05),
    "max_norm": lambda K: K.constraints.MaxNorm(3),
    "non_neg": lambda K: K.constraints.NonNeg(),
    # Optimizers are named explicitly: their automatic names count instances per process.
    "sgd": lambda K: K.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True, name="sgd"),
    "adam": lambda K: K.optimizers.Adam(learning_rate=0.01, amsgrad=True, name="adam"),
    "rmsprop": lambda K: K.optimizers.RMSprop(learning_rate=0.02, name="rmsprop"),
    "huber": lambda K: K.losses.Huber(delta=2.0),
    "mse_loss": lambda K: K.losses.MeanSquaredError(),
    "cce": lambda K: K.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
    "auc": lambda K: K.metrics.AUC(),
    "mae_metric": lambda K: K.metrics.MeanAbsoluteError(),
    "exp_decay": lambda K: K.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9),
    "relu_fn": lambda K: K.activations.relu,
    "dense": lambda K: K.layers.Dense(3, activation="relu", kernel_regularizer=K.regularizers.L2(0.1),
                                      kernel_constraint=K.constraints.MaxNorm(2), name="d"),
    "conv": lambda K: K.layers.Conv2D(4, 3, strides=2, padding="same", name="c"),
    "bn": lambda K: K.layers.BatchNormalization(momentum=0.9, name="bn"),
    "lstm": lambda K: K.layers.LSTM(4, return_sequences=True, name="lstm"),
    "embedding": lambda K: K.layers.Embedding(10, 4, name="emb"),
    "dropout": lambda K: K.layers.Dropout(0.3, seed=2, name="drop"),
    "concatenate": lambda K: K.layers.Concatenate(axis=1, name="cat"),
}


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_serialized_form_matches_keras(name):
    ours = _json(serialize_keras_object(OBJECTS[name](lamina)))
    theirs = _strip_shared(_json(keras.saving.serialize_keras_object(OBJECTS[name](keras))))
    assert ours == theirs


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_keras_config_deserializes_in_lamina_and_back(name):
    theirs = _strip_shared(_json(keras.saving.serialize_keras_object(OBJECTS[name](keras))))
    obj = deserialize_keras_object(theirs)
    assert _json(serialize_keras_object(obj)) == theirs


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_lamina_config_deserializes_in_keras(name):
    ours = _json(serialize_keras_object(OBJECTS[name](lamina)))
    obj = keras.saving.deserialize_keras_object(ours)
    assert _strip_shared(_json(keras.saving.serialize_keras_object(obj))) == ours


def test_built_layer_carries_build_config():
    layer = lamina.layers.Dense(2)
    layer(lamina.Input((5,)))
    config = serialize_keras_object(layer)
    assert config["build_config"] == {"input_shape": [None, 5]}
    clone = deserialize_keras_object(config)
    assert clone.built and [tuple(w.shape) for w in clone.weights] == [(5, 2), (2,)]


@pytest.mark.parametrize(
    "value",
    [slice(1, None, 2), Ellipsis, b"bytes", np.arange(6, dtype="float32").reshape(2, 3), (1, "a", None)],
    ids=["slice", "ellipsis", "bytes", "numpy", "tuple"],
)
def test_special_values_round_trip_and_match_keras(value):
    ours = serialize_keras_object(value)
    assert _json(ours) == _json(keras.saving.serialize_keras_object(value))
    back = deserialize_keras_object(_json(ours))
    if isinstance(value, np.ndarray):
        np.testing.assert_array_equal(back, value)
        assert back.dtype == value.dtype
    elif isinstance(value, tuple):
        assert list(back) == list(value)
    else:
        assert back == value


def test_jax_array_serializes_as_tensor():
    import jax.numpy as jnp

    config = serialize_keras_object(jnp.array([1.5, 2.0]))
    assert config["class_name"] == "__tensor__" and config["config"]["dtype"] == "float32"
    np.testing.assert_array_equal(np.asarray(deserialize_keras_object(config)), [1.5, 2.0])


def test_registered_class_and_function_round_trip():
    @saving.register_keras_serializable(package="ser_test")
    class Scale(lamina.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    @saving.register_keras_serializable(package="ser_test")
    def double(x):
        return 2 * x

    config = serialize_keras_object(Scale(3.0, name="s"))
    assert config["registered_name"] == "ser_test>Scale"
    assert config["module"] == Scale.__module__
    restored = deserialize_keras_object(_json(config))
    assert type(restored) is Scale and restored.factor == 3.0
    fn_config = serialize_keras_object(double)
    assert fn_config == {"module": double.__module__, "class_name": "function",
                         "config": "ser_test>double", "registered_name": "ser_test>double"}
    assert deserialize_keras_object(fn_config) is double


def test_unregistered_class_needs_custom_objects():
    class Local(lamina.layers.Layer):
        def call(self, x):
            return x

    config = _json(serialize_keras_object(Local(name="local")))
    assert config["registered_name"] == "Local"
    with pytest.raises(ValueError, match=r"Unknown object 'Local'.*register_keras_serializable"):
        deserialize_keras_object(config)
    assert type(deserialize_keras_object(config, custom_objects={"Local": Local})) is Local
    with saving.custom_object_scope({"Local": Local}):
        assert type(deserialize_keras_object(config)) is Local


def test_register_rejects_class_without_get_config():
    with pytest.raises(ValueError, match="no `get_config"):
        saving.register_keras_serializable("ser_test")(type("NoConfig", (), {}))


def test_registering_a_name_twice_is_an_error():
    class A:
        def get_config(self):
            return {}

    class B:
        def get_config(self):
            return {}

    saving.register_keras_serializable("dup_test", name="Thing")(A)
    with pytest.raises(ValueError, match="already registered"):
        saving.register_keras_serializable("dup_test", name="Thing")(B)


def test_get_registered_name_matches_keras_for_plain_classes():
    class Plain:
        pass

    assert saving.get_registered_name(Plain) == keras.saving.get_registered_name(Plain) == "Plain"


def test_unknown_builtin_suggests_close_name():
    with pytest.raises(ValueError, match="Did you mean: Dense"):
        deserialize_keras_object({"module": "keras.layers", "class_name": "Dens", "config": {}})


def test_lambda_serializes_with_warning_and_loads_only_unsafe():
    with pytest.warns(UserWarning, match="lambda"):
        config = serialize_keras_object(lambda x: x + 1)
    config = _json(config)
    with pytest.raises(ValueError, match="safe_mode=False"):
        deserialize_keras_object(config)
    fn = deserialize_keras_object(config, safe_mode=False)
    assert fn(1) == 2


def test_shared_object_ids_give_one_object():
    from lamina.saving.serialization import ObjectSharingScope

    reg = {"module": "keras.regularizers", "class_name": "L2", "config": {"l2": 0.1},
           "registered_name": None, "shared_object_id": 7}
    with ObjectSharingScope():
        a, b = deserialize_keras_object([reg, dict(reg)])
    assert a is b
    a, b = deserialize_keras_object([reg, dict(reg)])
    assert a is not b
