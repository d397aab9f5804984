"""Configs, serialization, `get`, argument errors and the learning-rate property, against Keras 3."""

import re

import keras
import numpy as np
import pytest

from lamina import optimizers
from lamina.backend import Variable

NAMES = ["SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "AdamW", "Adamax", "Nadam", "Lion", "Ftrl"]


@pytest.mark.parametrize("name", NAMES)
def test_default_config_matches_keras(name):
    ours = getattr(optimizers, name)().get_config()
    theirs = getattr(keras.optimizers, name)().get_config()
    assert list(ours) == list(theirs)
    for key in theirs:
        if key != "name":
            assert ours[key] == pytest.approx(theirs[key]), key
    assert ours["name"] == re.sub(r"_\d+$", "", theirs["name"])


@pytest.mark.parametrize("name", NAMES)
def test_config_round_trip_and_keras_interchange(name):
    kwargs = {"learning_rate": 0.25, "clipnorm": 2.0, "name": "opt"}
    ours = getattr(optimizers, name)(**kwargs)
    config = ours.get_config()
    assert getattr(optimizers, name).from_config(config).get_config() == config
    # Keras reads lamina's serialized form, and lamina reads Keras's.
    from_ours = keras.optimizers.deserialize(optimizers.serialize(ours))
    assert from_ours.get_config() == pytest.approx(config)
    theirs = getattr(keras.optimizers, name)(**kwargs)
    assert optimizers.deserialize(keras.optimizers.serialize(theirs)).get_config() == config


def test_schedule_learning_rate_serializes_like_keras():
    ours = optimizers.Adam(optimizers.schedules.CosineDecay(0.1, 10, warmup_target=0.2,
                                                           warmup_steps=3), name="a")
    theirs = keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(
        0.1, 10, warmup_target=0.2, warmup_steps=3), name="a")
    assert optimizers.serialize(ours) == keras.optimizers.serialize(theirs)
    restored = optimizers.deserialize(keras.optimizers.serialize(theirs))
    assert isinstance(restored._learning_rate, optimizers.schedules.CosineDecay)
    assert restored.get_config() == ours.get_config()


def test_keras2_lr_and_decay_arguments():
    opt = optimizers.SGD(lr=0.5, decay=0.1)
    assert float(opt.learning_rate.numpy()) == 0.5
    config = opt.get_config()
    assert config["learning_rate"] == 0.5 and config["decay"] == 0.1
    assert optimizers.SGD.from_config(config).decay == 0.1
    # Configs written by tf.keras 2.11+ carry keys that mean nothing here.
    legacy = dict(optimizers.Adam().get_config(), is_legacy_optimizer=False, jit_compile=True)
    assert isinstance(optimizers.Adam.from_config(legacy), optimizers.Adam)


@pytest.mark.parametrize("identifier, cls", [
    ("adam", "Adam"), ("ADAM", "Adam"), ("rmsprop", "RMSprop"), ("RMSProp", "RMSprop"),
    ("sgd", "SGD"), ("adamw", "AdamW"), ("Nadam", "Nadam"), ("ftrl", "Ftrl"),
])
def test_get_by_name_is_case_insensitive_like_keras(identifier, cls):
    ours = optimizers.get(identifier)
    assert type(ours) is getattr(optimizers, cls)
    assert type(keras.optimizers.get(identifier)).__name__ == cls


def test_get_dict_instance_and_none():
    opt = optimizers.get({"class_name": "Adam", "config": {"learning_rate": 0.5}})
    assert isinstance(opt, optimizers.Adam) and float(opt.learning_rate.numpy()) == 0.5
    assert optimizers.get(opt) is opt
    assert optimizers.get(None) is None


def test_get_unknown_name_lists_close_matches_and_valid_names():
    with pytest.raises(ValueError, match="Unknown optimizer: 'adamm'") as info:
        optimizers.get("adamm")
    message = str(info.value)
    hint = message.split("Did you mean: ", 1)[1].split("?", 1)[0]
    assert hint.startswith("'adam'") and "'lion'" not in hint
    assert "rmsprop" in message and "sgd" in message
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        optimizers.get(3)


def test_unknown_keyword_arguments_are_named():
    with pytest.raises(ValueError, match=r"Adam\(\) got unknown keyword argument\(s\): "
                                         r"learnin_rate=0\.1 \(did you mean `learning_rate`\?\)"):
        optimizers.Adam(learnin_rate=0.1)
    with pytest.raises(ValueError, match="bogus=1"):
        optimizers.SGD(bogus=1)


@pytest.mark.parametrize("make, match", [
    (lambda: optimizers.SGD(momentum=2.0), "momentum"),
    (lambda: optimizers.Adam(clipnorm=1.0, clipvalue=1.0), "Only one of"),
    (lambda: optimizers.Adam(gradient_accumulation_steps=1), "gradient_accumulation_steps"),
    (lambda: optimizers.Adam(use_ema=True, ema_momentum=1.5), "ema_momentum"),
    (lambda: optimizers.AdamW(weight_decay=None), "weight_decay"),
    (lambda: optimizers.Lion(beta_1=0.0), "beta_1"),
    (lambda: optimizers.Ftrl(l1_regularization_strength=-1.0), "l1_regularization_strength"),
    (lambda: optimizers.Adam(learning_rate="fast"), "learning_rate"),
    (lambda: optimizers.SGD(decay=-1.0), "decay"),
])
def test_invalid_arguments_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_learning_rate_property_assigns_the_variable():
    opt = optimizers.Adam(0.1)
    lr_var = opt.variables[1]
    assert opt.learning_rate is lr_var and lr_var.path == "adam/learning_rate"
    opt.learning_rate = 0.5
    assert opt.learning_rate is lr_var and float(lr_var.numpy()) == 0.5
    opt.lr = 0.25  # Keras 2 spelling
    assert float(lr_var.numpy()) == 0.25
    # Switching to a schedule drops the variable, as in Keras.
    opt.learning_rate = optimizers.schedules.ExponentialDecay(0.1, 1, 0.5)
    assert lr_var not in opt.variables and len(opt.variables) == 1
    with pytest.raises(TypeError, match="cannot be set"):
        opt.learning_rate = 0.1


def test_iterations_and_variables_before_and_after_build():
    opt = optimizers.Adam()
    assert [v.path for v in opt.variables] == ["adam/iteration", "adam/learning_rate"]
    assert opt.iterations.dtype == "int32" and not opt.built
    w = Variable(np.zeros(2), name="w")
    opt.build([w])
    n = len(opt.variables)
    opt.apply([np.ones(2)])
    assert len(opt.variables) == n and int(opt.iterations.numpy()) == 1
    opt.apply_gradients([(np.ones(2), w)])
    assert int(opt.iterations.numpy()) == 2
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply([np.ones(2)], [Variable(np.zeros(2), name="other")])
    with pytest.raises(ValueError, match="1 variables"):
        opt.apply([np.ones(2), np.ones(2)])


def test_scale_loss_and_set_weights():
    opt = optimizers.SGD(momentum=0.5, loss_scale_factor=8.0)
    assert opt.scale_loss(2.0) == 16.0
    assert optimizers.SGD().scale_loss(2.0) == 2.0
    w = Variable(np.zeros(2), name="w")
    opt.build([w])
    opt.set_weights([np.int32(3), np.float32(0.5), np.ones(2, "float32")])
    assert int(opt.iterations.numpy()) == 3 and opt.variables[2].numpy().tolist() == [1.0, 1.0]
    store = {}
    opt.save_own_variables(store)
    other = optimizers.SGD(momentum=0.5)
    other.build([w])
    other.load_own_variables(store)
    assert [v.numpy().tolist() for v in other.variables] == [v.tolist() for v in store.values()]


def test_custom_optimizer_without_super_init_is_reported():
    class Broken(optimizers.Optimizer):
        def __init__(self):
            self.x = 1

    with pytest.raises(RuntimeError, match="super\\(\\).__init__\\(\\)"):
        Broken()
