"""Blog, answer 2, advantages 2 and 3: per-group L2 regularization, and an explicit interaction
term (Multiply) concatenated with both branches.

Seed: "2. 특성 그룹별 가중치 조절 가능" (kernel_regularizer=l2(...)) and "3. 특성 간 상호작용 명시적
모델링" (Multiply). The seed's snippets share `profile_input`/`behavior_input` but never define
them or a head; both are added here and the model is trained on random data.
"""

import os
import sys

import numpy as np

from lamina.layers import Concatenate, Dense, Input, Multiply
from lamina.models import Model
from lamina.regularizers import l2

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
SAMPLES, EPOCHS = (32, 1) if SMALL else (1000, 10)

profile_input = Input(shape=(3,))
behavior_input = Input(shape=(3,))

# 2. 특성 그룹별 가중치 조절 가능
profile_features = Dense(32, kernel_regularizer=l2(0.01))(profile_input)  # 더 강한 규제
behavior_features = Dense(32, kernel_regularizer=l2(0.001))(behavior_input)  # 더 약한 규제

# 3. 특성 간 상호작용 명시적 모델링
# 프로필 데이터 처리
profile_branch = profile_features
# 행동 데이터 처리
behavior_branch = behavior_features

# 상호작용 학습
interaction = Multiply()([profile_branch, behavior_branch])

# 각각의 특성과 상호작용을 모두 결합
combined = Concatenate()([profile_branch, behavior_branch, interaction])

output = Dense(1, activation='sigmoid')(combined)
model = Model(inputs=[profile_input, behavior_input], outputs=output)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
print("Regularization losses before training:", [float(v) for v in model.losses])
model.fit([np.random.random((SAMPLES, 3)), np.random.random((SAMPLES, 3))],
          np.random.randint(2, size=(SAMPLES, 1)), epochs=EPOCHS)
model.summary()
