"""Blog, answer 2, advantage 5: a pretrained image model as one input's feature extractor.

Seed: "5. 데이터 특성별 사전학습 모델 활용": VGG16(weights='imagenet', include_top=False) on the
image input, a BERT model on the text input, then Concatenate. lamina has no BERT: a small
Embedding + LSTM text encoder stands in for it. The seed concatenates VGG16's 4D feature map
with the 2D text features, which Keras refuses (ranks differ); the feature map is pooled here.
`weights='imagenet'` downloads Keras's published VGG16 weights once (about 58 MB); offline the
script prints where to put the file and continues with random weights.
"""

import os
import sys

import numpy as np

from lamina.applications import VGG16
from lamina.layers import LSTM, Concatenate, Dense, Embedding, GlobalAveragePooling2D, Input
from lamina.models import Model

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
SIZE, WEIGHTS, SAMPLES = (32, None, 4) if SMALL else (224, 'imagenet', 8)

# 이미지 특성을 위한 사전학습 모델
image_input = Input(shape=(SIZE, SIZE, 3))
try:
    vgg = VGG16(weights=WEIGHTS, include_top=False)
except RuntimeError as e:  # no network: say so, then carry on with random weights
    print(e)
    vgg = VGG16(weights=None, include_top=False)
image_features = vgg(image_input)

# 텍스트 특성을 위한 사전학습 모델 (BERT stand-in: lamina has no BERT)
text_input = Input(shape=(100,))
text_features = LSTM(32)(Embedding(1000, 32)(text_input))

# 두 특성을 결합 (the 4D image feature map is pooled to a vector first)
combined = Concatenate()([GlobalAveragePooling2D()(image_features), text_features])

model = Model(inputs=[image_input, text_input], outputs=Dense(1, activation="sigmoid")(combined))
vgg.trainable = False
images = np.random.uniform(0, 255, (SAMPLES, SIZE, SIZE, 3)).astype("float32")
texts = np.random.randint(1000, size=(SAMPLES, 100))
print(model.predict([images, texts], verbose=0).ravel())
