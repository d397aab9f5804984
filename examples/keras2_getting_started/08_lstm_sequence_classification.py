"""Keras 2 getting started: sequence classification with an LSTM.

Seed: "케라스 Sequential 모델 시작하기", section "시퀀스 분류를 위한 LSTM". The seed uses `x_train`,
`y_train`, `x_test`, `y_test` without defining them; here they are random word-index sequences.
"""

import os
import sys

import numpy as np

from lamina.layers import LSTM, Dense, Dropout, Embedding
from lamina.models import Sequential

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
N_TRAIN, N_TEST, LENGTH, EPOCHS = (32, 16, 10, 1) if SMALL else (1000, 100, 80, 10)

max_features = 1024

x_train = np.random.randint(max_features, size=(N_TRAIN, LENGTH))
y_train = np.random.randint(2, size=(N_TRAIN, 1))
x_test = np.random.randint(max_features, size=(N_TEST, LENGTH))
y_test = np.random.randint(2, size=(N_TEST, 1))

model = Sequential()
model.add(Embedding(max_features, output_dim=256))
model.add(LSTM(128))
model.add(Dropout(0.5))
model.add(Dense(1, activation='sigmoid'))

model.compile(loss='binary_crossentropy',
              optimizer='rmsprop',
              metrics=['accuracy'])

model.fit(x_train, y_train, batch_size=16, epochs=EPOCHS)
score = model.evaluate(x_test, y_test, batch_size=16)
print("Test loss and accuracy:", score)
