"""Training converges on real data (scikit-learn's bundled handwritten digits)."""

import numpy as np
from sklearn.datasets import load_digits

import lamina as keras
from lamina import layers


def test_mlp_reaches_95_percent_on_digits():
    keras.utils.set_random_seed(0)
    d = load_digits()
    x = (d.data / 16.0).astype("float32")
    y = d.target
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    model = keras.Sequential([
        keras.Input((64,)),
        layers.Dense(64, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(64, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
                  "sparse_categorical_crossentropy", metrics=["accuracy"])
    h = model.fit(x, y, epochs=20, batch_size=32, validation_split=0.2, verbose=0)
    assert h.history["val_accuracy"][-1] >= 0.95
    assert h.history["loss"][-1] < h.history["loss"][0]
