"""Blog: a multi-input, multi-output model (profile + behaviour -> purchase + ad preference).

Seed: section "4. 멀티 입력/출력", "멀티 입력+출력 모델 예시". The seed reuses `gender_output` from
the face model, which is computed from a different Input: Keras (and lamina) refuse such a
disconnected graph. Here the second head is built on the same merged features, which is the
model the seed describes (구매 확률 & 광고 선호도).
"""

import os
import sys

import numpy as np

import lamina as keras
from lamina import layers
from lamina.layers import Concatenate

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
SAMPLES, EPOCHS = (32, 1) if SMALL else (1000, 10)

input_1 = keras.Input(shape=(10,), name="user_info")
x1 = layers.Dense(32, activation="relu")(input_1)
input_2 = keras.Input(shape=(5,), name="user_behavior")
x2 = layers.Dense(16, activation="relu")(input_2)
merged = Concatenate()([x1, x2])
x = layers.Dense(64, activation="relu")(merged)
x = layers.Dense(32, activation="relu")(x)
output = layers.Dense(1, activation="sigmoid", name="purchase_prob")(x)
ad_output = layers.Dense(1, activation="sigmoid", name="ad_preference")(x)

# 앞뒤 맥락은 위의 코드들과 동일
model = keras.Model(
    inputs=[input_1, input_2],
    outputs=[output, ad_output]
)

# What the seed's line would do: gender_output comes from another Input.
face = keras.Input(shape=(28, 28, 1), name="face_image")
gender_output = layers.Dense(1, activation="sigmoid")(layers.Flatten()(face))
try:
    keras.Model(inputs=[input_1, input_2], outputs=[output, gender_output])
except ValueError as e:
    print("Disconnected graph refused:", e)

model.compile(optimizer="adam", loss=["binary_crossentropy", "binary_crossentropy"])
model.fit([np.random.random((SAMPLES, 10)), np.random.random((SAMPLES, 5))],
          [np.random.randint(2, size=(SAMPLES, 1)), np.random.randint(2, size=(SAMPLES, 1))],
          epochs=EPOCHS)
