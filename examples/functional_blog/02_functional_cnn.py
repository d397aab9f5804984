"""Blog "Sequential API vs Functional API": the same CNN with the Functional API.

Seed: section "2. Functional API", "2) 예시 코드". Trained briefly on random images.
"""

import os
import sys

import numpy as np

import lamina as keras
from lamina import layers

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
SAMPLES, EPOCHS = (16, 1) if SMALL else (256, 2)

# 입력층 정의
inputs = keras.Input(shape=(28, 28, 1))

# 함수처럼 호출해서 연쇄적으로 layer들을 연결
x = layers.Conv2D(32, kernel_size=3, activation='relu', padding='same')(inputs)
x = layers.MaxPooling2D(2)(x)
x = layers.Conv2D(64, kernel_size=3, activation='relu', padding='same')(x)
x = layers.MaxPooling2D(2)(x)
x = layers.Flatten()(x)
x = layers.Dense(100, activation='relu')(x)
x = layers.Dropout(0.4)(x)
outputs = layers.Dense(10, activation='softmax')(x)

# 최종 모델 정의 (여기엔 입력 & 최종 출력만 넣어주면 됨)
model = keras.Model(inputs=inputs, outputs=outputs)

model.summary()  # 모델 구조 확인

model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(np.random.random((SAMPLES, 28, 28, 1)), np.random.randint(10, size=SAMPLES), epochs=EPOCHS)
