"""Blog: a multi-output model (face image -> age regression + gender classification).

Seed: section "4. 멀티 입력/출력", "멀티 출력 모델 예시". The seed's first `fit` passes targets keyed
'category' and 'color', names that belong to no output of this model: Keras rejects that, and so
does lamina (shown below). Its second `fit`, keyed by the output names, is the working one.
"""

import os
import sys

import numpy as np

import lamina as keras
from lamina import layers

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
SAMPLES, EPOCHS = (20, 1) if SMALL else (500, 10)

# 입력: 얼굴 이미지 (28x28, 흑백)
input_img = keras.Input(shape=(28, 28, 1), name="face_image")

# 공유되는 CNN 레이어 (=특징 추출)
x = layers.Conv2D(32, kernel_size=3, activation="relu")(input_img)
x = layers.MaxPooling2D(2)(x)
x = layers.Conv2D(64, kernel_size=3, activation="relu")(x)
x = layers.MaxPooling2D(2)(x)
x = layers.Flatten()(x)

# 출력1: 나이 예측
output_age = layers.Dense(1, name="output_age")(x)  # 회귀 (나이 예측)

# 출력2: 성별 분류  # 다중분류면 노드 개수를 1이 아닌 클래스 개수만큼 해야함
output_gender = layers.Dense(1, activation="sigmoid", name="output_gender")(x)  # 분류 (0=여자, 1=남자)

# ⭐모델 정의 (입력 1개 → 출력 2개)
model = keras.Model(
    inputs=input_img,
    outputs=[output_age, output_gender]
)

# ⭐모델 컴파일 - 각 출력에 맞는 loss함수, metric 지정
model.compile(
    optimizer="adam",
    loss={
        "output_age": "mse",  # 회귀 = Mean Squared Error
        "output_gender": "binary_crossentropy",  # 이진 분류 = Binary Crossentropy
    },
    metrics={
        "output_age": "mae",  # 회귀 성능 = Mean Absolute Error
        "output_gender": "accuracy",  # 분류 성능 = Accuracy
    }
)

image_data = np.random.random((SAMPLES, 28, 28, 1))
age_labels = np.random.uniform(10, 80, (SAMPLES, 1))
gender_labels = np.random.randint(2, size=(SAMPLES, 1))

# The seed's first fit: its target keys match no output name, so it is refused.
try:
    model.fit(
        image_data,  # 입력 데이터
        {'category': age_labels,  # 첫 번째 출력의 정답
         'color': gender_labels},  # 두 번째 출력의 정답
        epochs=EPOCHS
    )
except (KeyError, ValueError) as e:
    print("Refused, as in Keras:", e)

# 데이터 준비
x_train = image_data  # 입력 데이터 (이미지 데이터)
y_train = {"output_age": age_labels, "output_gender": gender_labels}  # 다중 출력 레이블

# 모델 학습 예시
history = model.fit(
    x_train,  # 입력 데이터
    y_train,  # 출력 데이터 (딕셔너리 형태)
    epochs=EPOCHS,  # 학습 횟수
    batch_size=32,  # 배치 크기
    validation_split=0.2  # 검증 데이터 비율
)
print(sorted(history.history))
