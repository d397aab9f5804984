"""Blog, "추가질문1" answer 1: why separate inputs, and how Concatenate combines them.

Seed: "Claude 답변 1", snippets A (text + numeric inputs), B (image + metadata), C (main +
auxiliary features) and the Concatenate rules. The seed's snippets stop at the merged features;
each is closed here with a one-unit head so it becomes a model that can be run.
"""

import numpy as np

import lamina as keras
from lamina.layers import Concatenate, Conv2D, Dense, Flatten, Input


def run(inputs, combined, name):
    model = keras.Model(inputs=inputs, outputs=Dense(1, activation="sigmoid")(combined), name=name)
    batch = [np.random.random((2,) + tuple(i.shape[1:])) for i in inputs]
    print(name, "->", model.predict(batch, verbose=0).shape, f"({model.count_params():,} params)")


# A. 각 입력의 특성에 맞는 전처리가 가능합니다:
# 텍스트 입력을 위한 처리
text_input = Input(shape=(100,))
text_features = Dense(64, activation='relu')(text_input)
text_features = Dense(32, activation='relu')(text_features)

# 수치형 데이터를 위한 다른 처리
numeric_input = Input(shape=(20,))
numeric_features = Dense(16, activation='relu')(numeric_input)

# 특성 결합
combined = Concatenate()([text_features, numeric_features])
run([text_input, numeric_input], combined, "text_and_numeric")

# B. 서로 다른 스케일의 데이터를 각각 적절히 처리할 수 있습니다:
# 이미지 입력 (큰 차원)
image_input = Input(shape=(224, 224, 3))
x1 = Conv2D(32, (3, 3))(image_input)
x1 = Flatten()(x1)

# 메타데이터 입력 (작은 차원)
meta_input = Input(shape=(10,))
x2 = Dense(8)(meta_input)

# 두 특성을 결합하기 전에 각각 적절한 크기로 조정
combined = Concatenate()([x1, x2])
run([image_input, meta_input], combined, "image_and_metadata")

# C. 각 입력에 대한 가중치를 다르게 학습할 수 있습니다:
# 주요 특성
main_input = Input(shape=(20,))
main_features = Dense(64, activation='relu')(main_input)

# 보조 특성
aux_input = Input(shape=(10,))
aux_features = Dense(32, activation='relu')(aux_input)

# 가중치가 다르게 학습됨
combined = Concatenate()([main_features, aux_features])
run([main_input, aux_input], combined, "main_and_auxiliary")

# 2. Concatenate 작동 방식
# 올바른 사용 예시
input1 = Input(shape=(100,))  # (batch_size, 100)
input2 = Input(shape=(50,))  # (batch_size, 50)
combined = Concatenate(axis=1)([input1, input2])  # (batch_size, 150)
print("Concatenate(axis=1):", combined.shape)

# 잘못된 사용 예시
input1 = Input(shape=(100, 3))  # (batch_size, 100, 3)
input2 = Input(shape=(50, 4))  # (batch_size, 50, 4)
# 에러 발생! 마지막 차원이 다름 (3 != 4)
try:
    Concatenate()([input1, input2])
except ValueError as e:
    print("Refused:", e)
