"""Keras 2 getting started: the four `compile` variants, including a custom metric with K.mean.

Seed: "케라스 Sequential 모델 시작하기", section "컴파일". Each compiled model is then fit for one
epoch on random data, so the configurations are exercised, not only accepted.
"""

import os
import sys

import numpy as np

from lamina.layers import Dense
from lamina.models import Sequential

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
SAMPLES = 32 if SMALL else 256


def make(units, activation):
    return Sequential([Dense(units, activation=activation, input_dim=16)])


x = np.random.random((SAMPLES, 16))

# For a multi-class classification problem
model = make(10, 'softmax')
model.compile(optimizer='rmsprop',
              loss='categorical_crossentropy',
              metrics=['accuracy'])
model.fit(x, np.eye(10)[np.random.randint(10, size=SAMPLES)], epochs=1)

# For a binary classification problem
model = make(1, 'sigmoid')
model.compile(optimizer='rmsprop',
              loss='binary_crossentropy',
              metrics=['accuracy'])
model.fit(x, np.random.randint(2, size=(SAMPLES, 1)), epochs=1)

# For a mean squared error regression problem
model = make(1, None)
model.compile(optimizer='rmsprop',
              loss='mse')
model.fit(x, np.random.random((SAMPLES, 1)), epochs=1)

# For custom metrics
import lamina.backend as K  # noqa: E402  (the seed imports it here)


def mean_pred(y_true, y_pred):
    return K.mean(y_pred)


model = make(1, 'sigmoid')
model.compile(optimizer='rmsprop',
              loss='binary_crossentropy',
              metrics=['accuracy', mean_pred])
history = model.fit(x, np.random.randint(2, size=(SAMPLES, 1)), epochs=1)
print("Custom metric logged:", sorted(history.history))
