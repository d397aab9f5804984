"""Callback base, CallbackList dispatch and ordering, History."""

import jax.numpy as jnp
import numpy as np
import pytest

from lamina import callbacks

HOOKS_WITH_INDEX = [
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
    "on_batch_begin",
    "on_batch_end",
]
HOOKS_WITHOUT_INDEX = [
    "on_train_begin",
    "on_train_end",
    "on_test_begin",
    "on_test_end",
    "on_predict_begin",
    "on_predict_end",
]


class Recorder(callbacks.Callback):
    def __init__(self, name, journal):
        super().__init__()
        self.name, self.journal = name, journal


for _hook in HOOKS_WITH_INDEX:
    setattr(Recorder, _hook, lambda self, i, logs=None, _h=_hook: self.journal.append((self.name, _h, i, logs)))
for _hook in HOOKS_WITHOUT_INDEX:
    setattr(Recorder, _hook, lambda self, logs=None, _h=_hook: self.journal.append((self.name, _h, None, logs)))


class FakeModel:
    history = None
    stop_training = False


def test_every_hook_reaches_every_callback_in_order():
    journal = []
    cbs = callbacks.CallbackList([Recorder("a", journal), Recorder("b", journal)])
    for hook in HOOKS_WITH_INDEX:
        getattr(cbs, hook)(3, {"loss": 1.0})
    for hook in HOOKS_WITHOUT_INDEX:
        getattr(cbs, hook)({"loss": 1.0})
    expected = []
    for hook in HOOKS_WITH_INDEX:
        expected += [("a", hook, 3, {"loss": 1.0}), ("b", hook, 3, {"loss": 1.0})]
    for hook in HOOKS_WITHOUT_INDEX:
        expected += [("a", hook, None, {"loss": 1.0}), ("b", hook, None, {"loss": 1.0})]
    assert journal == expected


def test_base_hooks_are_noops_and_batch_aliases_forward():
    seen = []

    class Old(callbacks.Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            seen.append(("end", batch))

    cb = Old()
    cb.on_train_batch_begin(1)
    cb.on_train_batch_end(1, {"loss": 0.1})
    assert seen == [("begin", 1), ("end", 1)]
    base = callbacks.Callback()
    for hook in HOOKS_WITH_INDEX:
        assert getattr(base, hook)(0, {}) is None
    for hook in HOOKS_WITHOUT_INDEX:
        assert getattr(base, hook)({}) is None


def test_set_model_and_params():
    model = FakeModel()
    a, b = callbacks.Callback(), callbacks.Callback()
    cbs = callbacks.CallbackList([a, [b]], model=model, verbose=0, epochs=3, steps=5)
    assert cbs.callbacks == [a, b]
    for cb in (a, b):
        assert cb.model is model
        assert cb.params == {"verbose": 0, "epochs": 3, "steps": 5}


def test_model_property_syncs_state_first():
    class Synced(FakeModel):
        syncs = 0

        def jax_state_sync(self):
            self.syncs += 1

    model = Synced()
    cb = callbacks.Callback()
    cb.set_model(model)
    assert cb.model is model and model.syncs == 1


def test_default_callbacks_are_added_last_like_keras(keras3):
    user = callbacks.Callback()
    cbs = callbacks.CallbackList([user], add_history=True, add_progbar=True, model=FakeModel(),
                                 verbose=2, epochs=1, steps=1)
    assert [type(c).__name__ for c in cbs.callbacks] == ["Callback", "History", "ProgbarLogger"]
    ref = keras3.callbacks.CallbackList([keras3.callbacks.Callback()], add_history=True,
                                        add_progbar=True, verbose=2, epochs=1, steps=1)
    assert [type(c).__name__ for c in ref.callbacks] == ["Callback", "History", "ProgbarLogger"]


def test_given_history_and_progbar_are_reused():
    history, progbar = callbacks.History(), callbacks.ProgbarLogger()
    model = FakeModel()
    cbs = callbacks.CallbackList([history, progbar], add_history=True, add_progbar=True, model=model,
                                 verbose=2, epochs=1, steps=1)
    assert cbs.callbacks == [history, progbar]
    assert model.history is history


def test_non_callback_is_a_clear_error():
    with pytest.raises(TypeError, match="LambdaCallback"):
        callbacks.CallbackList([print])


def test_logs_sorted_and_flattened_like_keras():
    journal = []
    cbs = callbacks.CallbackList([Recorder("a", journal)])
    cbs.on_epoch_end(0, {"loss": 1.0, "accuracy": np.float32(0.5), "out": {"mae": 2.0}})
    logs = journal[0][3]
    assert list(logs) == ["accuracy", "loss", "mae"]
    assert type(logs["accuracy"]) is float


def test_batch_logs_stay_on_device_epoch_logs_become_floats():
    journal = []
    cbs = callbacks.CallbackList([Recorder("a", journal)])
    device_value = jnp.float32(0.25)
    cbs.on_train_batch_end(0, {"loss": device_value})
    assert journal[-1][3]["loss"] is device_value
    cbs.on_epoch_end(0, {"loss": device_value})
    assert journal[-1][3]["loss"] == 0.25 and type(journal[-1][3]["loss"]) is float


def test_logs_dict_is_shared_so_later_callbacks_see_additions():
    class AddsKey(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["extra"] = 1.0

    history = callbacks.History()
    cbs = callbacks.CallbackList([AddsKey(), history], model=FakeModel())
    cbs.on_train_begin()
    cbs.on_epoch_end(0, {"loss": 0.5})
    assert history.history == {"loss": [0.5], "extra": [1.0]}


@pytest.mark.parametrize(
    "hook, train, test, predict",
    [
        ("on_batch_end", True, False, False),
        ("on_train_batch_begin", True, False, False),
        ("on_test_batch_end", False, True, False),
        ("on_predict_batch_begin", False, False, True),
        ("on_epoch_end", False, False, False),
    ],
)
def test_implements_batch_hooks(hook, train, test, predict):
    cls = type("C", (callbacks.Callback,), {hook: lambda self, *a, **k: None})
    cb = cls()
    assert cb._implements_train_batch_hooks() is train
    assert cb._implements_test_batch_hooks() is test
    assert cb._implements_predict_batch_hooks() is predict
    cbs = callbacks.CallbackList([callbacks.History(), cb])
    assert cbs._implements_train_batch_hooks() is train


def test_lambda_callback_hooks_are_detected():
    cb = callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: None)
    assert cb._implements_train_batch_hooks()
    assert not callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: None)._implements_train_batch_hooks()
    assert callbacks.LambdaCallback(on_test_batch_end=lambda batch, logs: None)._implements_test_batch_hooks()


def test_history_records_epochs_and_sets_model_history(keras3):
    model = FakeModel()
    history = callbacks.History()
    history.set_model(model)
    history.set_params({"verbose": 1, "epochs": 2, "steps": 1})
    history.on_train_begin()
    history.on_epoch_end(0, {"accuracy": 0.5, "loss": 1.0})
    history.on_epoch_end(1, {"accuracy": 0.75, "loss": 0.5})
    assert history.history == {"accuracy": [0.5, 0.75], "loss": [1.0, 0.5]}
    assert history.epoch == [0, 1]
    assert history.params == {"verbose": 1, "epochs": 2, "steps": 1}
    assert model.history is history
    ref = keras3.callbacks.History()
    ref.set_model(FakeModel())
    ref.on_train_begin()
    ref.on_epoch_end(0, {"accuracy": 0.5, "loss": 1.0})
    ref.on_epoch_end(1, {"accuracy": 0.75, "loss": 0.5})
    assert ref.history == history.history and ref.epoch == history.epoch


def test_lambda_callback_calls_given_functions():
    calls = []
    cb = callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: calls.append(("eb", epoch)),
        on_train_end=lambda logs: calls.append(("te",)),
        on_test_end=lambda logs: calls.append(("test_end",)),
    )
    cbs = callbacks.CallbackList([cb])
    cbs.on_epoch_begin(2)
    cbs.on_train_end()
    cbs.on_test_end()
    cbs.on_epoch_end(2)  # not given: the base no-op
    assert calls == [("eb", 2), ("te",), ("test_end",)]


def test_append_sets_model_and_params():
    model = FakeModel()
    cbs = callbacks.CallbackList([], model=model, epochs=2, steps=1, verbose=0)
    cb = callbacks.Callback()
    cbs.append(cb)
    assert cb.model is model and cb.params["epochs"] == 2 and len(cbs) == 1
