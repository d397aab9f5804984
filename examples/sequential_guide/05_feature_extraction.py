"""Keras 3 Sequential guide: a functional model exposing a Sequential model's intermediate outputs.

Seed: "Sequential 모델" guide, section "Sequential 모델을 사용한 특성 추출".
"""

import lamina as keras
from lamina import layers, ops

initial_model = keras.Sequential(
    [
        keras.Input(shape=(250, 250, 3)),
        layers.Conv2D(32, 5, strides=2, activation="relu"),
        layers.Conv2D(32, 3, activation="relu"),
        layers.Conv2D(32, 3, activation="relu"),
    ]
)
feature_extractor = keras.Model(
    inputs=initial_model.inputs,
    outputs=[layer.output for layer in initial_model.layers],
)

# 테스트 입력에 대해 feature_extractor를 호출합니다.
x = ops.ones((1, 250, 250, 3))
features = feature_extractor(x)
print("All layers:", [tuple(f.shape) for f in features])

initial_model = keras.Sequential(
    [
        keras.Input(shape=(250, 250, 3)),
        layers.Conv2D(32, 5, strides=2, activation="relu"),
        layers.Conv2D(32, 3, activation="relu", name="my_intermediate_layer"),
        layers.Conv2D(32, 3, activation="relu"),
    ]
)
feature_extractor = keras.Model(
    inputs=initial_model.inputs,
    outputs=initial_model.get_layer(name="my_intermediate_layer").output,
)
# 테스트 입력에 대해 feature_extractor를 호출합니다.
x = ops.ones((1, 250, 250, 3))
features = feature_extractor(x)
print("One layer:", tuple(features.shape))
