"""Simple MNIST convnet: trains a small CNN on MNIST and reports its test accuracy (~99%).

    python examples/mnist_convnet.py                      # downloads MNIST once (11 MB)
    python examples/mnist_convnet.py --path mnist.npz     # a local copy, offline
    LAMINA_EXAMPLES_SMALL=1 python examples/mnist_convnet.py   # a quick smoke run

MNIST is downloaded once into ~/.lamina/datasets (sha256 checked). Without network access, get
https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz elsewhere and either copy
it to ~/.lamina/datasets/mnist.npz or pass --path (or set MNIST_PATH).
"""

import argparse
import os
import sys

import numpy as np

import lamina as keras
from lamina import layers
from lamina.datasets import mnist


def load(path):
    try:
        return mnist.load_data(path=path) if path else mnist.load_data()
    except (RuntimeError, FileNotFoundError) as e:
        print(f"MNIST is not available: {e}")
        print("Get it from https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz "
              "and pass --path /path/to/mnist.npz (or copy it to ~/.lamina/datasets/mnist.npz).")
        return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default=os.environ.get("MNIST_PATH"),
                        help="local copy of mnist.npz (default: download into the cache)")
    parser.add_argument("--small", action="store_true",
                        default=os.environ.get("LAMINA_EXAMPLES_SMALL") == "1",
                        help="train on a few hundred images for one epoch")
    args = parser.parse_args(argv)

    data = load(args.path)
    if data is None:
        return 1
    (x_train, y_train), (x_test, y_test) = data
    if args.small:
        x_train, y_train, x_test, y_test = x_train[:512], y_train[:512], x_test[:256], y_test[:256]
    epochs = 1 if args.small else 15

    # Scale images to [0, 1] and add the channel axis: (28, 28) -> (28, 28, 1).
    x_train = np.expand_dims(x_train.astype("float32") / 255, -1)
    x_test = np.expand_dims(x_test.astype("float32") / 255, -1)
    y_train = keras.utils.to_categorical(y_train, 10)
    y_test = keras.utils.to_categorical(y_test, 10)
    print(f"{len(x_train)} train samples, {len(x_test)} test samples")

    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])
    model.summary()
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=128, epochs=epochs, validation_split=0.1)

    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Test loss: {loss:.4f}")
    print(f"Test accuracy: {accuracy:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
