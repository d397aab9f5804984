"""Keras 2 getting started: a single-input model with 2 classes (binary classification).

Seed: "케라스 Sequential 모델 시작하기", section "학습", first example.
"""

import os
import sys

from lamina.layers import Dense
from lamina.models import Sequential

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
SAMPLES, EPOCHS = (64, 1) if SMALL else (1000, 10)

# For a single-input model with 2 classes (binary classification):

model = Sequential()
model.add(Dense(32, activation='relu', input_dim=100))
model.add(Dense(1, activation='sigmoid'))
model.compile(optimizer='rmsprop',
              loss='binary_crossentropy',
              metrics=['accuracy'])

# Generate dummy data
import numpy as np  # noqa: E402  (the seed imports it here)

data = np.random.random((SAMPLES, 100))
labels = np.random.randint(2, size=(SAMPLES, 1))

# Train the model, iterating on the data in batches of 32 samples
model.fit(data, labels, epochs=EPOCHS, batch_size=32)
