"""Keras 2 getting started: stacked LSTM for sequence classification.

Seed: "케라스 Sequential 모델 시작하기", section "시퀀스 분류를 위한 축적형 LSTM".
"""

import os
import sys

import numpy as np

from lamina.layers import LSTM, Dense
from lamina.models import Sequential

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
N_TRAIN, N_VAL, EPOCHS = (64, 16, 1) if SMALL else (1000, 100, 5)

data_dim = 16
timesteps = 8
num_classes = 10

# expected input data shape: (batch_size, timesteps, data_dim)
model = Sequential()
model.add(LSTM(32, return_sequences=True,
               input_shape=(timesteps, data_dim)))  # returns a sequence of vectors of dimension 32
model.add(LSTM(32, return_sequences=True))  # returns a sequence of vectors of dimension 32
model.add(LSTM(32))  # return a single vector of dimension 32
model.add(Dense(10, activation='softmax'))

model.compile(loss='categorical_crossentropy',
              optimizer='rmsprop',
              metrics=['accuracy'])

# Generate dummy training data
x_train = np.random.random((N_TRAIN, timesteps, data_dim))
y_train = np.random.random((N_TRAIN, num_classes))

# Generate dummy validation data
x_val = np.random.random((N_VAL, timesteps, data_dim))
y_val = np.random.random((N_VAL, num_classes))

model.fit(x_train, y_train,
          batch_size=64, epochs=EPOCHS,
          validation_data=(x_val, y_val))
