"""Keras 2 "getting started with the Sequential model": building models, Keras 2 spellings.

Seed: "케라스 Sequential 모델 시작하기", the opening and "입력 형태 지정하기" sections.
"""

from lamina.layers import Activation, Dense
from lamina.models import Sequential

model = Sequential([
    Dense(32, input_shape=(784,)),
    Activation('relu'),
    Dense(10),
    Activation('softmax'),
])
print(model.output_shape)

model = Sequential()
model.add(Dense(32, input_dim=784))
model.add(Activation('relu'))
print(model.output_shape)

# 따라서, 다음의 예시들은 동치입니다.
model = Sequential()
model.add(Dense(32, input_shape=(784,)))
a = model.input_shape

model = Sequential()
model.add(Dense(32, input_dim=784))
b = model.input_shape
print("input_shape=(784,) and input_dim=784 are equivalent:", a == b == (None, 784))
