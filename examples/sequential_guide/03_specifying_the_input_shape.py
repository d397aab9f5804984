"""Keras 3 Sequential guide: weights are created on first call; an Input builds them up front.

Seed: "Sequential 모델" guide, section "입력 모양을 미리 지정".
"""

import lamina as keras
from lamina import layers, ops

layer = layers.Dense(3)
print(layer.weights)  # 비어 있음

# 테스트 입력에 대한 레이어 호출
x = ops.ones((1, 4))
y = layer(x)
print(layer.weights)  # 이제 (4, 3) 및 (3,) 모양의 가중치가 있습니다.

model = keras.Sequential(
    [
        layers.Dense(2, activation="relu"),
        layers.Dense(3, activation="relu"),
        layers.Dense(4),
    ]
)  # 이 단계에서는 가중치가 없습니다!

# 이 시점에서는, 다음을 수행할 수 없습니다.
# model.weights

# 다음 역시도 할 수 없습니다.
# model.summary()

# 테스트 입력에 대해 모델 호출
x = ops.ones((1, 4))
y = model(x)
print("Number of weights after calling the model:", len(model.weights))  # 6

model.summary()

model = keras.Sequential()
model.add(keras.Input(shape=(4,)))
model.add(layers.Dense(2, activation="relu"))

model.summary()
print(model.layers)
