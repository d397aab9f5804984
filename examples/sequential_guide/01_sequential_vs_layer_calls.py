"""Keras 3 Sequential guide: a Sequential model and the same computation as plain layer calls.

Seed: "Sequential 모델" guide, sections "셋업" and "Sequential 모델을 사용하는 경우".
"""

import lamina as keras
from lamina import layers, ops

# 3개의 레이어로 Sequential 모델 정의
model = keras.Sequential(
    [
        layers.Dense(2, activation="relu", name="layer1"),
        layers.Dense(3, activation="relu", name="layer2"),
        layers.Dense(4, name="layer3"),
    ]
)
# 테스트 입력에 대해 모델 호출
x = ops.ones((3, 3))
y = model(x)
print("Sequential output shape:", y.shape)

# 이 함수형 모델과 동일합니다:
# 3개의 레이어를 만듭니다
layer1 = layers.Dense(2, activation="relu", name="layer1")
layer2 = layers.Dense(3, activation="relu", name="layer2")
layer3 = layers.Dense(4, name="layer3")

# 테스트 입력에 대해 레이어 호출
x = ops.ones((3, 3))
y = layer3(layer2(layer1(x)))
print("Layer calls output shape:", y.shape)
