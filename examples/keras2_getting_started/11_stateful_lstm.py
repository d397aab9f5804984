"""Keras 2 getting started: the same stacked LSTM, made stateful.

Seed: "케라스 Sequential 모델 시작하기", section "축적형 렌더링 LSTM". A stateful layer carries its
final states over to the next batch, so the batch size is fixed with Keras 2's
`batch_input_shape` and the data is not shuffled.
"""

import os
import sys

import numpy as np

from lamina.layers import LSTM, Dense
from lamina.models import Sequential

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
TRAIN_BATCHES, VAL_BATCHES, EPOCHS = (2, 1, 1) if SMALL else (10, 3, 5)

data_dim = 16
timesteps = 8
num_classes = 10
batch_size = 32

# Expected input batch shape: (batch_size, timesteps, data_dim)
# Note that we have to provide the full batch_input_shape since the network is stateful.
# the sample of index i in batch k is the follow-up for the sample i in batch k-1.
model = Sequential()
model.add(LSTM(32, return_sequences=True, stateful=True,
               batch_input_shape=(batch_size, timesteps, data_dim)))
model.add(LSTM(32, return_sequences=True, stateful=True))
model.add(LSTM(32, stateful=True))
model.add(Dense(10, activation='softmax'))

model.compile(loss='categorical_crossentropy',
              optimizer='rmsprop',
              metrics=['accuracy'])

# Generate dummy training data
x_train = np.random.random((batch_size * TRAIN_BATCHES, timesteps, data_dim))
y_train = np.random.random((batch_size * TRAIN_BATCHES, num_classes))

# Generate dummy validation data
x_val = np.random.random((batch_size * VAL_BATCHES, timesteps, data_dim))
y_val = np.random.random((batch_size * VAL_BATCHES, num_classes))

model.fit(x_train, y_train,
          batch_size=batch_size, epochs=EPOCHS, shuffle=False,
          validation_data=(x_val, y_val))
