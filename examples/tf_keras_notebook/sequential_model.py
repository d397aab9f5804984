"""The tf.keras Sequential notebook ("3.2 케라스를 이용한 구현"), cell by cell, on lamina.

The notebook's imports `import tensorflow as tf; from tensorflow import keras; from
tensorflow.keras import layers` become the lamina imports below, and `tf.ones` becomes
`ops.ones`.
"""

import lamina as keras
from lamina import layers, ops

# In [5]
model = keras.Sequential(
    [
        layers.Dense(2, activation="relu", name="layer1"),  # 맨 앞 param이 뉴런수, w=(3,2), b=(2,)
        layers.Dense(3, activation="relu", name="layer2"),  # w=(2,3), b=(3,)
        layers.Dense(4, name="layer3"),                     # 출력층은 affine연산, w=(3,4), b=(4,)
    ]
)

x = ops.ones((3, 3))
y = model(x)
print(y.shape)
print(y)

# In [7]
layer1 = layers.Dense(2, activation="relu", name="layer1")
layer2 = layers.Dense(3, activation="relu", name="layer2")
layer3 = layers.Dense(4, name="layer3")

x = ops.ones((3, 3))
y = layer3(layer2(layer1(x)))
print(y.shape)
print(y)

# In [10]
layer1 = layers.Dense(2, activation="relu", name="layer1")
layer2 = layers.Dense(3, activation="relu", name="layer2")
layer3 = layers.Dense(4, name="layer3")

x = ops.ones((3, 3))
x = layer1(x)
x = layer2(x)
y = layer3(x)
print(y.shape)
print(y)

# In [11]
model = keras.Sequential(
    [
        layers.Dense(2, activation="relu"),
        layers.Dense(3, activation="relu"),
        layers.Dense(4),
    ]
)

# In [13]
print(model.layers)

# In [14]
model = keras.Sequential()
model.add(layers.Dense(2, activation="relu"))  # layer를 이후에 추가할 수도 있음
model.add(layers.Dense(3, activation="relu"))
model.add(layers.Dense(4))

# In [15]
model.pop()
print(len(model.layers))

# In [16]
model = keras.Sequential(name="my_sequential")
model.add(layers.Dense(2, activation="relu", name="layer1"))
model.add(layers.Dense(3, activation="relu", name="layer2"))
model.add(layers.Dense(4, name="layer3"))

# In [19]
layer = layers.Dense(3)
print(layer.weights)

# In [20]
x = ops.ones((1, 4))
y = layer(x)
print(layer.weights)

# In [22]
model = keras.Sequential(
    [
        layers.Dense(2, activation="relu"),  # (1,4)(4,2) = (1,2)
        layers.Dense(3, activation="relu"),  # (1,2)(2,3 = (1,3))
        layers.Dense(4),                     # (1,3)(3,4) = (1,4)
    ]
)

x = ops.ones((1, 4))
y = model(x)
print(model.weights)
print("Number of weights after calling the model:", len(model.weights))  # 6

# In [23]
model.summary()

# In [25]
model = keras.Sequential()
model.add(keras.Input(shape=(4,)))               # (?,4)
model.add(layers.Dense(2, activation="relu"))    # (?,4)(4,2) => (?,2) param=10

model.summary()

# In [16] (second run)
print(model.layers)

# In [26]
model = keras.Sequential()
model.add(layers.Dense(2, activation="relu", input_shape=(4,)))  # (None,4)(4,2) = (None,2) param=10

model.summary()
