"""fit/evaluate/predict hold against real Keras 3: same weights in, same weights and logs out."""

import numpy as np
import pytest

import lamina
from lamina import layers


def _mlp(lib, L, out=10, act="softmax", reg=None):
    return lib.Sequential([
        lib.Input((20,)),
        L.Dense(16, activation="relu", kernel_regularizer=reg),
        L.Dense(16, activation="tanh"),
        L.Dense(out, activation=act),
    ])


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.random((100, 20)).astype("float32")
    y = rng.integers(0, 10, (100,))
    sw = rng.random(100).astype("float32")
    return x, y, sw


OPTIMIZERS = [
    ("SGD", dict(learning_rate=0.01, momentum=0.9, nesterov=True)),
    ("Adam", {}),
    ("RMSprop", {}),
    ("Adagrad", {}),
]


@pytest.mark.parametrize("opt,kwargs", OPTIMIZERS)
@pytest.mark.parametrize("use_sw", [False, True])
def test_fit_matches_keras(keras3, data, opt, kwargs, use_sw):
    x, y, sw = data
    km = _mlp(keras3, keras3.layers)
    lm = _mlp(lamina, layers)
    lm.set_weights(km.get_weights())
    for m, lib in ((km, keras3), (lm, lamina)):
        m.compile(optimizer=getattr(lib.optimizers, opt)(**kwargs), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    # 100 samples in batches of 32: the last batch is partial (padded in lamina, not in Keras).
    fit_kw = dict(batch_size=32, epochs=2, shuffle=False, verbose=0, sample_weight=sw if use_sw else None,
                  validation_data=(x[:40], y[:40]))
    hk = km.fit(x, y, **fit_kw).history
    hl = lm.fit(x, y, **fit_kw).history
    for wk, wl in zip(km.get_weights(), lm.get_weights()):
        np.testing.assert_allclose(wl, wk, rtol=1e-5, atol=1e-6)
    assert sorted(hk) == sorted(hl)
    for key in hk:
        np.testing.assert_allclose(hl[key], hk[key], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(lm.evaluate(x, y, verbose=0), km.evaluate(x, y, verbose=0), rtol=1e-5)
    np.testing.assert_allclose(lm.predict(x, verbose=0), km.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_fused_steps_equal_single_steps(data):
    x, y, _ = data
    results = []
    for spe in (1, 4, "auto"):
        lamina.utils.set_random_seed(3)
        m = _mlp(lamina, layers)
        m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=spe)
        h = m.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
        results.append((m.get_weights(), h))
    for w, h in results[1:]:
        for a, b in zip(results[0][0], w):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(h["loss"], results[0][1]["loss"], rtol=1e-5)


def test_regularization_and_class_weight_match_keras(keras3, data):
    x, y, _ = data
    yb = (y > 4).astype("float32")[:, None]
    km = _mlp(keras3, keras3.layers, out=1, act="sigmoid", reg=keras3.regularizers.l2(0.01))
    lm = _mlp(lamina, layers, out=1, act="sigmoid", reg=lamina.regularizers.l2(0.01))
    lm.set_weights(km.get_weights())
    for m, lib in ((km, keras3), (lm, lamina)):
        m.compile(optimizer=lib.optimizers.SGD(0.1), loss="binary_crossentropy", metrics=["accuracy"])
    kw = dict(batch_size=25, epochs=2, shuffle=False, verbose=0, class_weight={0: 1.0, 1: 3.0})
    hk = km.fit(x, yb, **kw).history
    hl = lm.fit(x, yb, **kw).history
    for wk, wl in zip(km.get_weights(), lm.get_weights()):
        np.testing.assert_allclose(wl, wk, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(hl["loss"], hk["loss"], rtol=1e-5)
    assert len(lm.losses) == 1


def test_multi_output_dict_losses_match_keras(keras3, data):
    x, y, _ = data
    targets = {"output_age": x[:, :1] * 50, "output_gender": (y > 4).astype("float32")[:, None]}

    def build(lib, L):
        i = lib.Input((20,), name="face")
        h = L.Dense(8, activation="relu", name="shared")(i)
        age = L.Dense(1, name="output_age")(h)
        gender = L.Dense(1, activation="sigmoid", name="output_gender")(h)
        return lib.Model(i, [age, gender])

    km, lm = build(keras3, keras3.layers), build(lamina, layers)
    lm.set_weights(km.get_weights())
    for m in (km, lm):
        m.compile(optimizer="adam",
                  loss={"output_age": "mse", "output_gender": "binary_crossentropy"},
                  metrics={"output_age": "mae", "output_gender": "accuracy"},
                  loss_weights={"output_age": 0.1, "output_gender": 1.0})
    kw = dict(epochs=2, batch_size=32, validation_split=0.2, verbose=0, shuffle=False)
    hk = km.fit(x, targets, **kw).history
    hl = lm.fit(x, targets, **kw).history
    assert sorted(hl) == sorted(hk)
    for key in hk:
        np.testing.assert_allclose(hl[key], hk[key], rtol=1e-4, atol=1e-5)
    ek = km.evaluate(x, targets, verbose=0, return_dict=True)
    el = lm.evaluate(x, targets, verbose=0, return_dict=True)
    assert list(ek) == list(el)
    np.testing.assert_allclose(list(el.values()), list(ek.values()), rtol=1e-4)


def test_on_batch_methods_match_keras(keras3, data):
    x, y, _ = data
    km, lm = _mlp(keras3, keras3.layers), _mlp(lamina, layers)
    lm.set_weights(km.get_weights())
    for m in (km, lm):
        m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    np.testing.assert_allclose(lm.train_on_batch(x[:10], y[:10]), km.train_on_batch(x[:10], y[:10]), rtol=1e-5)
    np.testing.assert_allclose(lm.test_on_batch(x[:10], y[:10]), km.test_on_batch(x[:10], y[:10]), rtol=1e-5)
    np.testing.assert_allclose(lm.predict_on_batch(x[:10]), km.predict_on_batch(x[:10]), rtol=1e-5, atol=1e-6)
    assert lm.test_on_batch(x[:10], y[:10], return_dict=True).keys() == {"loss", "accuracy"}


def test_rank3_targets_with_a_partial_last_batch_match_keras(keras3):
    # A per-timestep Dense on (batch, steps, features): lamina pads the last batch (7 of 4+4) with
    # zero per-sample weights, which must broadcast over the timestep axis of the loss.
    rng = np.random.default_rng(3)
    x = rng.normal(size=(7, 3, 5)).astype("float32")
    y = rng.normal(size=(7, 3, 4)).astype("float32")

    def build(lib):
        model = lib.Sequential([lib.Input((3, 5)), lib.layers.Dense(4)])
        model.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
        return model

    ours, theirs = build(lamina), build(keras3)
    theirs.set_weights(ours.get_weights())
    h1 = ours.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history
    h2 = theirs.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history
    for key in h2:
        np.testing.assert_allclose(h1[key], h2[key], rtol=1e-5, atol=1e-6)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_per_sample_weights_on_sequence_losses_broadcast(keras3):
    # Keras 3.15 raises "Incompatible shapes for broadcasting" for a (batch,) sample_weight on a
    # (batch, steps) loss; lamina weighs every step of the sample, as Keras 2 did.
    y_true, y_pred = np.ones((4, 3, 2), "float32"), np.zeros((4, 3, 2), "float32")
    weights = np.array([1.0, 0.0, 1.0, 1.0], "float32")
    with pytest.raises(ValueError, match="Incompatible shapes"):
        keras3.losses.MeanSquaredError()(y_true, y_pred, sample_weight=weights)
    got = float(lamina.losses.MeanSquaredError()(y_true, y_pred, sample_weight=weights))
    # Every squared error is 1; three of four samples count; the mean is over all 12 entries.
    assert got == pytest.approx(np.sum(np.ones((4, 3)) * weights[:, None]) / 12)
