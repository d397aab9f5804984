"""Keras 2 getting started: sequence classification with 1D convolutions.

Seed: "케라스 Sequential 모델 시작하기", section "시퀀스 분류를 위한 1D 합성곱". The seed uses
`x_train`, `y_train`, `x_test`, `y_test` without defining them; here they are random.
"""

import os
import sys

import numpy as np

from lamina.layers import Conv1D, Dense, Dropout, GlobalAveragePooling1D, MaxPooling1D
from lamina.models import Sequential

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
N_TRAIN, N_TEST, EPOCHS = (32, 16, 1) if SMALL else (1000, 100, 10)

seq_length = 64

x_train = np.random.random((N_TRAIN, seq_length, 100))
y_train = np.random.randint(2, size=(N_TRAIN, 1))
x_test = np.random.random((N_TEST, seq_length, 100))
y_test = np.random.randint(2, size=(N_TEST, 1))

model = Sequential()
model.add(Conv1D(64, 3, activation='relu', input_shape=(seq_length, 100)))
model.add(Conv1D(64, 3, activation='relu'))
model.add(MaxPooling1D(3))
model.add(Conv1D(128, 3, activation='relu'))
model.add(Conv1D(128, 3, activation='relu'))
model.add(GlobalAveragePooling1D())
model.add(Dropout(0.5))
model.add(Dense(1, activation='sigmoid'))

model.compile(loss='binary_crossentropy',
              optimizer='rmsprop',
              metrics=['accuracy'])

model.fit(x_train, y_train, batch_size=16, epochs=EPOCHS)
score = model.evaluate(x_test, y_test, batch_size=16)
print("Test loss and accuracy:", score)
