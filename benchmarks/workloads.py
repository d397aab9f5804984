"""The benchmark workloads: the models of the seed examples, their data and their sizes.

Each workload is built twice from one description: through a Keras-API module (`lamina` or real
`keras`; `build_keras_api`) and by hand in `handwritten/models.py`. Sample counts are multiples of
the batch size, so every system runs the same number of full steps per epoch.
"""

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class Workload:
    key: str
    title: str
    batch: int
    input_shape: tuple
    samples: int            # training samples (a multiple of `batch`)
    epochs: int             # timed epochs after the first (compiling) one
    predict_samples: int    # for batch-inference throughput
    optimizer: str
    loss: str
    metrics: tuple = ("accuracy",)
    int_inputs: int = 0     # > 0: integer token ids below this value


WORKLOADS = {
    w.key: w for w in [
        Workload("W1", "MLP 20-64-64-10", 128, (20,), 16384, 5, 65536, "sgd_nesterov", "categorical_crossentropy"),
        Workload("W2", "small CNN 28x28x1", 128, (28, 28, 1), 1024, 3, 2048, "adam", "categorical_crossentropy"),
        Workload("W3", "VGG-style 100x100x3", 32, (100, 100, 3), 64, 2, 32, "sgd_nesterov",
                 "categorical_crossentropy", metrics=()),
        Workload("W4", "stacked LSTM 8x16", 64, (8, 16), 4096, 5, 8192, "rmsprop", "categorical_crossentropy"),
        Workload("W5a", "Embedding+LSTM b16", 16, (100,), 256, 3, 256, "rmsprop", "binary_crossentropy",
                 int_inputs=1024),
        Workload("W5b", "Embedding+LSTM b64", 64, (100,), 512, 3, 256, "rmsprop", "binary_crossentropy",
                 int_inputs=1024),
        Workload("W6", "Conv1D 64x100", 16, (64, 100), 1024, 3, 2048, "rmsprop", "binary_crossentropy"),
    ]
}


def quick(w):
    """A smoke-run version: two steps per epoch, one timed epoch."""
    return dataclasses.replace(w, samples=2 * w.batch, epochs=1, predict_samples=2 * w.batch)


def classes(w):
    return 1 if w.loss == "binary_crossentropy" else 10


def make_data(w, n, seed=0):
    rng = np.random.default_rng(seed)
    if w.int_inputs:
        x = rng.integers(0, w.int_inputs, size=(n,) + w.input_shape).astype("int32")
    else:
        x = rng.random((n,) + w.input_shape, dtype=np.float32)
    if classes(w) == 1:
        y = rng.integers(0, 2, size=(n, 1)).astype("float32")
    else:
        y = np.eye(10, dtype="float32")[rng.integers(0, 10, n)]
    return x, y


def make_optimizer(mod, name):
    if name == "sgd_nesterov":
        return mod.optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=True)
    if name == "adam":
        return mod.optimizers.Adam()
    return mod.optimizers.RMSprop()


def build_keras_api(mod, w):
    """The workload's model, built and compiled with `mod` (lamina or keras)."""
    L = mod.layers
    layers = {
        "W1": lambda: [L.Dense(64, activation="relu"), L.Dropout(0.5), L.Dense(64, activation="relu"),
                       L.Dropout(0.5), L.Dense(10, activation="softmax")],
        "W2": lambda: [L.Conv2D(32, 3, padding="same", activation="relu"), L.MaxPooling2D(2),
                       L.Conv2D(64, 3, padding="same", activation="relu"), L.MaxPooling2D(2),
                       L.Flatten(), L.Dense(100, activation="relu"), L.Dropout(0.4),
                       L.Dense(10, activation="softmax")],
        "W3": lambda: [L.Conv2D(32, (3, 3), activation="relu"), L.Conv2D(32, (3, 3), activation="relu"),
                       L.MaxPooling2D((2, 2)), L.Dropout(0.25),
                       L.Conv2D(64, (3, 3), activation="relu"), L.Conv2D(64, (3, 3), activation="relu"),
                       L.MaxPooling2D((2, 2)), L.Dropout(0.25), L.Flatten(),
                       L.Dense(256, activation="relu"), L.Dropout(0.5), L.Dense(10, activation="softmax")],
        "W4": lambda: [L.LSTM(32, return_sequences=True), L.LSTM(32, return_sequences=True), L.LSTM(32),
                       L.Dense(10, activation="softmax")],
        "W5": lambda: [L.Embedding(1024, 256), L.LSTM(128), L.Dropout(0.5), L.Dense(1, activation="sigmoid")],
        "W6": lambda: [L.Conv1D(64, 3, activation="relu"), L.Conv1D(64, 3, activation="relu"),
                       L.MaxPooling1D(3), L.Conv1D(128, 3, activation="relu"),
                       L.Conv1D(128, 3, activation="relu"), L.GlobalAveragePooling1D(), L.Dropout(0.5),
                       L.Dense(1, activation="sigmoid")],
    }[w.key[:2]]()
    dtype = "int32" if w.int_inputs else "float32"
    model = mod.Sequential([mod.Input(w.input_shape, dtype=dtype)] + layers)
    model.compile(optimizer=make_optimizer(mod, w.optimizer), loss=w.loss, metrics=list(w.metrics))
    return model
