"""Shared by the scenario scripts: a small MLP and its data, built the same way everywhere."""

import json
import sys

import numpy as np


def data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype("float32")
    y = rng.normal(size=(n, 4)).astype("float32")
    return x, y


def build(keras, seed=None, optimizer="adam"):
    if seed is not None:
        keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((6,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(4),
    ])
    model.compile(optimizer=optimizer, loss="mse", metrics=["mae"])
    return model


def max_diff(a_list, b_list):
    return max(float(np.max(np.abs(np.asarray(a) - np.asarray(b)))) for a, b in zip(a_list, b_list))


def emit(result):
    """One JSON line on stdout, marked so that log lines around it do not matter."""
    sys.stdout.write("RESULT " + json.dumps(result) + "\n")
    sys.stdout.flush()
