"""Keras 3 Sequential guide: a frozen pretrained Xception base with a new classifier on top.

Seed: "Sequential 모델" guide, section "Sequential 모델을 사용한 전이 학습" (second blueprint).
`weights='imagenet'` downloads Keras's published Xception weights once (about 80 MB) into
`~/.lamina/models`; offline, the error says where to copy the file, and this script falls back to
random weights so the rest still runs. The seed's `compile(...)`/`fit(...)` get random data here.
"""

import os
import sys

import numpy as np

import lamina as keras
import lamina.applications  # noqa: F401  (makes keras.applications available)
from lamina import layers

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
# Small mode: the smallest input Xception accepts, and no download attempt.
SIZE, SAMPLES, EPOCHS, WEIGHTS = (71, 4, 1, None) if SMALL else (299, 32, 2, 'imagenet')

# 사전 트레이닝된 가중치를 사용하여, 컨볼루션 베이스 불러오기
try:
    base_model = keras.applications.Xception(
        weights=WEIGHTS,
        include_top=False,
        pooling='avg')
except RuntimeError as e:  # no network: say so, then carry on with random weights
    print(e)
    base_model = keras.applications.Xception(weights=None, include_top=False, pooling='avg')

# 베이스 모델 동결
base_model.trainable = False

# Sequential 모델을 사용하여, 상단에(on top) 트레이닝 가능한 분류기를 추가합니다.
model = keras.Sequential([
    base_model,
    layers.Dense(1000),
])

# 컴파일 & 트레이닝
images = keras.applications.xception.preprocess_input(
    np.random.uniform(0, 255, (SAMPLES, SIZE, SIZE, 3)).astype("float32"))
labels = np.random.randint(1000, size=(SAMPLES,))
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(images, labels, epochs=EPOCHS, batch_size=4)
print("Trainable weights:", [w.path for w in model.trainable_weights])
