"""A small transformer classifier (Embedding + MultiHeadAttention + LayerNormalization +
GlobalAveragePooling1D + Dense) learns a synthetic sequence task with model.fit."""

import numpy as np

import lamina
from lamina import layers


def _task(n, rng):
    # Label: are there more 1s than 2s in the sequence?
    x = rng.integers(1, 4, size=(n, 8))
    return x.astype("int32"), ((x == 1).sum(1) > (x == 2).sum(1)).astype("float32")


def test_transformer_classifier_loss_falls():
    lamina.utils.set_random_seed(0)
    x, y = _task(512, np.random.default_rng(0))
    inp = lamina.Input((8,), dtype="int32")
    h = layers.Embedding(10, 16, mask_zero=True)(inp)
    att = layers.MultiHeadAttention(num_heads=2, key_dim=8, dropout=0.1, seed=1)(h, h)
    h = layers.LayerNormalization()(h + att)
    h = layers.GlobalAveragePooling1D()(h)
    out = layers.Dense(1, activation="sigmoid")(h)
    model = lamina.Model(inp, out)
    model.compile(optimizer=lamina.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=64, epochs=5, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.3 * losses[0], losses
    assert history.history["accuracy"][-1] > 0.9
    # Dropout is off at inference: predictions are deterministic.
    np.testing.assert_array_equal(model.predict(x[:32], verbose=0), model.predict(x[:32], verbose=0))
