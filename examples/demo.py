"""`make demo`: train a small network on scikit-learn's bundled handwritten digits.

Shows the Keras workflow end to end on lamina: summary, fit with a progress bar, evaluate.
"""

from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import lamina as keras
from lamina import layers


def main():
    keras.utils.set_random_seed(0)
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")  # 8x8 images, flattened to 64 features
    y = digits.target
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=0)

    print("== An MLP (the seeds' multi-class softmax classifier) on 8x8 digits ==")
    model = keras.Sequential([
        keras.Input(shape=(64,)),
        layers.Dense(64, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(64, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(10, activation="softmax"),
    ])
    model.summary()
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(x_train, y_train, epochs=15, batch_size=32, validation_split=0.1)
    loss, acc = model.evaluate(x_test, y_test, verbose=0)
    print(f"MLP test accuracy: {acc:.4f} (loss {loss:.4f})")

    if hasattr(layers, "Conv2D"):
        print("\n== The seeds' convnet, adapted to 8x8x1 images ==")
        cnn = keras.Sequential([
            keras.Input(shape=(8, 8, 1)),
            layers.Conv2D(32, kernel_size=3, activation="relu", padding="same"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, kernel_size=3, activation="relu", padding="same"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(100, activation="relu"),
            layers.Dropout(0.4),
            layers.Dense(10, activation="softmax"),
        ])
        cnn.summary()
        cnn.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        cnn.fit(x_train.reshape(-1, 8, 8, 1), y_train, epochs=10, batch_size=32, validation_split=0.1)
        loss, acc = cnn.evaluate(x_test.reshape(-1, 8, 8, 1), y_test, verbose=0)
        print(f"CNN test accuracy: {acc:.4f} (loss {loss:.4f})")


if __name__ == "__main__":
    main()
