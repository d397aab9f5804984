"""Keras 2 getting started: MLP for binary classification.

Seed: "케라스 Sequential 모델 시작하기", section "이진 분류를 위한 MLP".
"""

import os
import sys

import numpy as np

from lamina.layers import Dense, Dropout
from lamina.models import Sequential

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
N_TRAIN, N_TEST, EPOCHS = (128, 32, 1) if SMALL else (1000, 100, 20)

# Generate dummy data
x_train = np.random.random((N_TRAIN, 20))
y_train = np.random.randint(2, size=(N_TRAIN, 1))
x_test = np.random.random((N_TEST, 20))
y_test = np.random.randint(2, size=(N_TEST, 1))

model = Sequential()
model.add(Dense(64, input_dim=20, activation='relu'))
model.add(Dropout(0.5))
model.add(Dense(64, activation='relu'))
model.add(Dropout(0.5))
model.add(Dense(1, activation='sigmoid'))

model.compile(loss='binary_crossentropy',
              optimizer='rmsprop',
              metrics=['accuracy'])

model.fit(x_train, y_train,
          epochs=EPOCHS,
          batch_size=128)
score = model.evaluate(x_test, y_test, batch_size=128)
print("Test loss and accuracy:", score)
