"""Blog, answer 2, advantage 1: a structure suited to each feature group (embedding for a
categorical input, batch normalization for a numerical one).

Seed: "1. 각 특성 그룹에 맞는 구조 설계 가능". The seed leaves `num_categories` undefined and stops
at the two branches; here it is 12 and the branches are merged into a trained model.
"""

import os
import sys

import numpy as np

from lamina.layers import BatchNormalization, Concatenate, Dense, Embedding, Flatten, Input
from lamina.models import Model

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
SAMPLES, EPOCHS = (32, 1) if SMALL else (1000, 10)

num_categories = 12

# 범주형 데이터용 임베딩
categorical_input = Input(shape=(1,))
x1 = Embedding(num_categories, 16)(categorical_input)

# 연속형 데이터용 정규화
numerical_input = Input(shape=(1,))
x2 = BatchNormalization()(numerical_input)

combined = Concatenate()([Flatten()(x1), x2])
model = Model(inputs=[categorical_input, numerical_input],
              outputs=Dense(1, activation="sigmoid")(combined))
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit([np.random.randint(num_categories, size=(SAMPLES, 1)), np.random.normal(50, 10, (SAMPLES, 1))],
          np.random.randint(2, size=(SAMPLES, 1)), epochs=EPOCHS)
batch_norm = next(layer for layer in model.layers if isinstance(layer, BatchNormalization))
print("Moving mean of the numerical input:", batch_norm.moving_mean.numpy())
