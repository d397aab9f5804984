"""Keras 3 Sequential guide: stack Conv2D/MaxPooling2D with add() and watch shapes in summary().

Seed: "Sequential 모델" guide, section "일반적인 디버깅 워크플로: add() + summary()".
"""

import lamina as keras
from lamina import layers

model = keras.Sequential()
model.add(keras.Input(shape=(250, 250, 3)))  # 250x250 RGB 이미지
model.add(layers.Conv2D(32, 5, strides=2, activation="relu"))
model.add(layers.Conv2D(32, 3, activation="relu"))
model.add(layers.MaxPooling2D(3))

# 이 시점에서 현재 출력 모양이 무엇인지 추측할 수 있나요? 아마도 아닐 겁니다.
# 그냥 출력해 봅시다:
model.summary()

# 답은 (40, 40, 32)입니다. 따라서 계속해서 다운샘플링할 수 있습니다.

model.add(layers.Conv2D(32, 3, activation="relu"))
model.add(layers.Conv2D(32, 3, activation="relu"))
model.add(layers.MaxPooling2D(3))
model.add(layers.Conv2D(32, 3, activation="relu"))
model.add(layers.Conv2D(32, 3, activation="relu"))
model.add(layers.MaxPooling2D(2))

# 그리고 지금은?
model.summary()

# 이제 4x4 특성 맵이 있으므로, 글로벌 최대 풀링을 적용할 시간입니다.
model.add(layers.GlobalMaxPooling2D())

# 마지막으로, 분류 레이어를 추가합니다.
model.add(layers.Dense(10))
print("Final output shape:", model.output_shape)
