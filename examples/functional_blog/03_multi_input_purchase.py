"""Blog: a multi-input model (user profile + recent behaviour -> purchase probability).

Seed: section "4. 멀티 입력/출력", "멀티 입력 모델 예시". The seed's `train1`, `train2` and `target`
are not defined there; here they are random.
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

# 입력1: 사용자 정보 (나이, 성별 등 10개 특징)
input_1 = keras.Input(shape=(10,), name="user_info")
x1 = layers.Dense(32, activation="relu")(input_1)

# 입력2: 사용자 행동 데이터 (구매 시간 등 5개 특징)
input_2 = keras.Input(shape=(5,), name="user_behavior")
x2 = layers.Dense(16, activation="relu")(input_2)

# ⭐두 개의 입력을 결합 (Concatenate)
merged = Concatenate()([x1, x2])
# = layers.concatenate([x1, x2]) 이렇게도 가능하지만 위 코드가 더 유연함

x = layers.Dense(64, activation="relu")(merged)  # 결합한 걸 입력으로 사용!
x = layers.Dense(32, activation="relu")(x)
output = layers.Dense(1, activation="sigmoid", name="purchase_prob")(x)  # 출력 = 구매 확률 (0~1)

# ⭐모델 정의 (입력 2개 → 출력 1개)
model = keras.Model(
    inputs=[input_1, input_2],
    outputs=output
)

train1 = np.random.random((SAMPLES, 10))
train2 = np.random.random((SAMPLES, 5))
target = np.random.randint(2, size=(SAMPLES, 1))
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])

# 모델 사용 예시
model.fit(
    [train1, train2],  # 두 개의 입력 데이터
    target,  # 정답 데이터
    epochs=EPOCHS
)
print(model.predict([train1[:2], train2[:2]]))
