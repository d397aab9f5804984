"""Keras 2 getting started: multilayer perceptron (MLP) for multi-class softmax classification.

Seed: "케라스 Sequential 모델 시작하기", section "다중 클레스 소프트맥스 분류를 위한 다계층 인공 신경망 (MLP)".
Keras 2's `SGD(lr=..., decay=...)` spelling is accepted as is.
"""

import os
import sys

# Generate dummy data
import numpy as np

import lamina as keras
from lamina.layers import Dense, Dropout
from lamina.models import Sequential
from lamina.optimizers import SGD

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
N_TRAIN, N_TEST, EPOCHS = (128, 32, 1) if SMALL else (1000, 100, 20)

x_train = np.random.random((N_TRAIN, 20))
y_train = keras.utils.to_categorical(np.random.randint(10, size=(N_TRAIN, 1)), num_classes=10)
x_test = np.random.random((N_TEST, 20))
y_test = keras.utils.to_categorical(np.random.randint(10, size=(N_TEST, 1)), num_classes=10)

model = Sequential()
# Dense(64) is a fully-connected layer with 64 hidden units.
# in the first layer, you must specify the expected input data shape:
# here, 20-dimensional vectors.
model.add(Dense(64, activation='relu', input_dim=20))
model.add(Dropout(0.5))
model.add(Dense(64, activation='relu'))
model.add(Dropout(0.5))
model.add(Dense(10, activation='softmax'))

sgd = SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)
model.compile(loss='categorical_crossentropy',
              optimizer=sgd,
              metrics=['accuracy'])

model.fit(x_train, y_train,
          epochs=EPOCHS,
          batch_size=128)
score = model.evaluate(x_test, y_test, batch_size=128)
print("Test loss and accuracy:", score)
