"""Keras 2 getting started: a VGG-like convnet on 100x100 RGB images.

Seed: "케라스 Sequential 모델 시작하기", section "VGG 스타일 convnet".
"""

import os
import sys

import numpy as np

import lamina as keras
from lamina.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from lamina.models import Sequential
from lamina.optimizers import SGD

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
N_TRAIN, N_TEST, EPOCHS = (8, 4, 1) if SMALL else (100, 20, 10)

# Generate dummy data
x_train = np.random.random((N_TRAIN, 100, 100, 3))
y_train = keras.utils.to_categorical(np.random.randint(10, size=(N_TRAIN, 1)), num_classes=10)
x_test = np.random.random((N_TEST, 100, 100, 3))
y_test = keras.utils.to_categorical(np.random.randint(10, size=(N_TEST, 1)), num_classes=10)

model = Sequential()
# input: 100x100 images with 3 channels -> (100, 100, 3) tensors.
# this applies 32 convolution filters of size 3x3 each.
model.add(Conv2D(32, (3, 3), activation='relu', input_shape=(100, 100, 3)))
model.add(Conv2D(32, (3, 3), activation='relu'))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))

model.add(Conv2D(64, (3, 3), activation='relu'))
model.add(Conv2D(64, (3, 3), activation='relu'))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))

model.add(Flatten())
model.add(Dense(256, activation='relu'))
model.add(Dropout(0.5))
model.add(Dense(10, activation='softmax'))

sgd = SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)
model.compile(loss='categorical_crossentropy', optimizer=sgd)

model.fit(x_train, y_train, batch_size=32, epochs=EPOCHS)
score = model.evaluate(x_test, y_test, batch_size=32)
print("Test loss:", score)
