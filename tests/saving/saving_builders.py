"""Architectures built the same way with lamina or Keras (`K` is the library module)."""

import numpy as np


def seq_dense_dropout(K):
    return K.Sequential([K.Input((4,)), K.layers.Dense(3, activation="relu", name="d1"),
                         K.layers.Dropout(0.2), K.layers.Dense(2)], name="seq")


def conv_bn(K):
    return K.Sequential([K.Input((6, 6, 2)), K.layers.Conv2D(3, 3), K.layers.BatchNormalization(),
                         K.layers.MaxPooling2D(), K.layers.Flatten(), K.layers.Dense(2)])


def recurrent(K):
    return K.Sequential([K.Input((5, 3)), K.layers.LSTM(4, return_sequences=True), K.layers.GRU(3),
                         K.layers.Dense(2)])


def embedding(K):
    return K.Sequential([K.Input((6,), dtype="int32"), K.layers.Embedding(10, 4),
                         K.layers.SimpleRNN(3), K.layers.Dense(1)])


def bidirectional(K):
    return K.Sequential([K.Input((5, 3)), K.layers.Bidirectional(K.layers.LSTM(2)),
                         K.layers.LayerNormalization()])


def multi_io(K):
    a, b = K.Input((4,), name="a"), K.Input((3,), name="b")
    shared = K.layers.Dense(3, name="shared")
    x = K.layers.Concatenate(name="cat")([shared(K.layers.Dense(3, name="da")(a)), shared(b)])
    return K.Model([a, b], [K.layers.Dense(2, name="y")(x), K.layers.Dense(1, name="z")(x)],
                   name="multi_io")


def nested(K):
    inner = K.Sequential([K.Input((3,)), K.layers.Dense(3, name="inner_d"),
                          K.layers.BatchNormalization(name="inner_bn")], name="inner")
    x = K.Input((4,), name="x")
    return K.Model(x, K.layers.Dense(2, name="head")(inner(K.layers.Dense(3, name="pre")(x))),
                   name="outer")


ARCHS = {
    "seq_dense_dropout": (seq_dense_dropout, lambda r: r.standard_normal((2, 4))),
    "conv_bn": (conv_bn, lambda r: r.standard_normal((2, 6, 6, 2))),
    "recurrent": (recurrent, lambda r: r.standard_normal((2, 5, 3))),
    "embedding": (embedding, lambda r: r.integers(0, 10, (2, 6)).astype("int32")),
    "bidirectional": (bidirectional, lambda r: r.standard_normal((2, 5, 3))),
    "multi_io": (multi_io, lambda r: [r.standard_normal((2, 4)), r.standard_normal((2, 3))]),
    "nested": (nested, lambda r: r.standard_normal((2, 4))),
}


def make_input(name, rng):
    x = ARCHS[name][1](rng)
    if isinstance(x, list):
        return [np.asarray(v, "float32") for v in x]
    return x if x.dtype == np.int32 else np.asarray(x, "float32")


def predict(model, x):
    out = model(x)
    if isinstance(out, (list, tuple)):
        return [np.asarray(o) for o in out]
    return [np.asarray(out)]


def assert_same_predictions(a, b, x):
    for ya, yb in zip(predict(a, x), predict(b, x)):
        np.testing.assert_allclose(ya, yb, rtol=1e-5, atol=1e-5)


def randomize(model, rng):
    """Non-trivial weights everywhere (BatchNorm statistics included), so loading is visible."""
    for v in model.weights:
        value = rng.uniform(0.5, 1.5, tuple(v.shape)).astype(np.asarray(v).dtype)
        v.assign(value)
