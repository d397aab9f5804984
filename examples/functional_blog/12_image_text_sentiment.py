"""Blog, "추가질문2": an image + text sentiment model (CNN branch + LSTM branch, concatenated).

Seed: the last code example. It has a bug: `output = layers.Dense(1, ..., name=...)` creates the
layer without calling it on `x`, so `output` is a layer, not a tensor, and `keras.Model` rejects
it. The corrected line calls the layer: `layers.Dense(...)(x)`. The seed's `image_data`,
`text_data` and `labels` are random here.
"""

import os
import sys

import numpy as np

import lamina as keras
from lamina import layers

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
SAMPLES, EPOCHS = (8, 1) if SMALL else (256, 10)

# 1️⃣ 이미지 입력 처리 (CNN)
input_img = keras.Input(shape=(64, 64, 3), name="image_input")
x1 = layers.Conv2D(32, kernel_size=3, activation="relu")(input_img)
x1 = layers.MaxPooling2D(2)(x1)
x1 = layers.Conv2D(64, kernel_size=3, activation="relu")(x1)
x1 = layers.MaxPooling2D(2)(x1)
x1 = layers.Flatten()(x1)  # CNN 결과를 1D 벡터로 변환

# 2️⃣ 텍스트 입력 처리 (LSTM)
input_text = keras.Input(shape=(100,), name="text_input")  # 100개의 단어 입력
x2 = layers.Embedding(input_dim=5000, output_dim=128)(input_text)  # 임베딩 벡터 (128차원)
x2 = layers.LSTM(64)(x2)  # LSTM을 통해 시퀀스 데이터를 1D 벡터로 변환

# 3️⃣ 이미지 벡터 + 텍스트 벡터 결합
merged = layers.concatenate([x1, x2])  # 1D 벡터끼리 연결 가능!

# 4️⃣ 최종 예측
x = layers.Dense(64, activation="relu")(merged)
x = layers.Dropout(0.5)(x)

# The seed's line, which forgets to call the layer on x:
#     output = layers.Dense(1, activation="sigmoid", name="sentiment_output")
# keras.Model then receives a layer instead of a tensor and refuses it:
try:
    keras.Model(inputs=[input_img, input_text],
                outputs=layers.Dense(1, activation="sigmoid", name="sentiment_output"))
except ValueError as e:
    print("The seed's version is refused:", e)

# Corrected: call the Dense layer on x.
output = layers.Dense(1, activation="sigmoid", name="sentiment_output")(x)  # 감정 예측 (0~1)

# 모델 정의
model = keras.Model(
    inputs=[input_img, input_text],
    outputs=output)

image_data = np.random.random((SAMPLES, 64, 64, 3))
text_data = np.random.randint(5000, size=(SAMPLES, 100))
labels = np.random.randint(2, size=(SAMPLES, 1))
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])

# 모델 학습 예시
model.fit(
    [image_data, text_data],  ### image_data : (batch_size, 64, 64, 3)
    labels,  ### text_data: (batch_size, 100)
    epochs=EPOCHS,  ### labels: (batch_size, 1)
    batch_size=32)
