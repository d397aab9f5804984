"""An augmented small CNN (RandomFlip + RandomRotation + Conv2D ...) trains on scikit-learn's 8x8
digits with model.fit: the augmentation runs inside the compiled train step, the loss falls, and
inference is unaffected by the augmentation layers."""

import numpy as np
from sklearn.datasets import load_digits

import lamina
from lamina import layers


def test_augmented_cnn_on_digits_loss_falls():
    lamina.utils.set_random_seed(0)
    digits = load_digits()
    x = digits.images[:1200, :, :, None].astype("float32")
    y = digits.target[:1200].astype("int32")
    model = lamina.Sequential([
        lamina.Input((8, 8, 1)),
        layers.Rescaling(1 / 16.0),
        layers.RandomFlip("horizontal", seed=1),
        layers.RandomRotation(0.05, fill_mode="constant", seed=2),
        layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=3),
        layers.Conv2D(16, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=lamina.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=3, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.7 * losses[0], losses
    # The seed generators advanced during fit (fresh augmentation at every step).
    flip = model.layers[1]
    assert int(np.asarray(flip.generator.state.value)[1]) > 0
    # Inference ignores the augmentation layers: predict is deterministic and equals the plain path.
    p1, p2 = model.predict(x[:64], verbose=0), model.predict(x[:64], verbose=0)
    np.testing.assert_array_equal(p1, p2)
    plain = x[:64] / 16.0
    for layer in model.layers[4:]:
        plain = layer(plain)
    np.testing.assert_allclose(p1, np.asarray(plain), rtol=1e-5, atol=1e-6)
    assert model.evaluate(x, y, verbose=0)[1] > 0.5
