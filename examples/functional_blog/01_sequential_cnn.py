"""Blog "Sequential API vs Functional API": a simple CNN with the Sequential API.

Seed: section "1. Sequential API", "2) 예시 코드". `from tensorflow import keras` becomes
`import lamina as keras`. Trained briefly on random 28x28 images so the model is exercised.
"""

import os
import sys

import numpy as np

import lamina as keras

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
SAMPLES, EPOCHS = (16, 1) if SMALL else (256, 2)

model = keras.Sequential([  # Sequential 객체 선언해두고
    keras.layers.Conv2D(32, kernel_size=3, activation='relu', padding='same', input_shape=(28, 28, 1)),
    keras.layers.MaxPooling2D(2),
    keras.layers.Conv2D(64, kernel_size=3, activation='relu', padding='same'),
    keras.layers.MaxPooling2D(2),
    keras.layers.Flatten(),
    keras.layers.Dense(100, activation='relu'),
    keras.layers.Dropout(0.4),
    keras.layers.Dense(10, activation='softmax')
])  # 그 안에 순차적으로 쌓으면 됨
model.summary()  # 모델 층 구조 확인

model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(np.random.random((SAMPLES, 28, 28, 1)), np.random.randint(10, size=SAMPLES), epochs=EPOCHS)
