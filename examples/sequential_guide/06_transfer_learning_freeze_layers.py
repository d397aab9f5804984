"""Keras 3 Sequential guide: freeze every layer but the last, then retrain.

Seed: "Sequential 모델" guide, section "Sequential 모델을 사용한 전이 학습" (first blueprint).
The seed leaves `load_weights(...)`, `compile(...)` and `fit(...)` open; here the "pretrained"
weights come from a copy of the model trained first, and the data is random.
"""

import os
import sys
import tempfile

import numpy as np

import lamina as keras
from lamina import layers

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
SAMPLES, EPOCHS = (32, 1) if SMALL else (1000, 5)


def make_model():
    return keras.Sequential([
        keras.Input(shape=(784)),
        layers.Dense(32, activation='relu'),
        layers.Dense(32, activation='relu'),
        layers.Dense(32, activation='relu'),
        layers.Dense(10),
    ])


x = np.random.random((SAMPLES, 784)).astype("float32")
y = np.random.randint(10, size=(SAMPLES,))

# Stand-in for a pretrained checkpoint.
pretrained = make_model()
pretrained.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
pretrained.fit(x, y, epochs=EPOCHS, verbose=0)
weights_path = os.path.join(tempfile.mkdtemp(), "pretrained.weights.h5")
pretrained.save_weights(weights_path)

model = make_model()

# 아마도 먼저 사전 트레이닝된 가중치를 로드하고 싶을 것입니다.
model.load_weights(weights_path)

# 마지막 레이어를 제외한 모든 레이어를 동결합니다.
for layer in model.layers[:-1]:
  layer.trainable = False

# 다시 컴파일하고 트레이닝시킵니다. (이렇게 하면 마지막 레이어의 가중치만 업데이트됩니다)
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
frozen_before = [w.numpy().copy() for w in model.layers[0].weights]
model.fit(x, y, epochs=EPOCHS)
unchanged = all(np.array_equal(a, w.numpy()) for a, w in zip(frozen_before, model.layers[0].weights))
print("Frozen layers unchanged by fit:", unchanged)
print("Trainable weights:", [w.path for w in model.trainable_weights])
