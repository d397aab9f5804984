"""Blog, "추가질문1" answer 2: one concatenated input versus one input per feature group.

Seed: "Claude 답변 2", examples 1 (단순히 데이터를 연결하는 경우) and 2 (다중 입력을 사용하는 경우);
both are trained briefly on the same random data.
"""

import os
import sys

import numpy as np

from lamina.layers import Concatenate, Dense, Input
from lamina.models import Model

# LAMINA_EXAMPLES_SMALL=1 (or --small) shrinks data and epochs so the test suite can run this.
SMALL = os.environ.get("LAMINA_EXAMPLES_SMALL") == "1" or "--small" in sys.argv
SAMPLES, EPOCHS = (32, 1) if SMALL else (1000, 10)

profile = np.random.random((SAMPLES, 3))  # [나이, 성별, 지역]
behavior = np.random.random((SAMPLES, 3))  # [클릭수, 체류시간, 구매내역]
bought = np.random.randint(2, size=(SAMPLES, 1))

# 1. 단순히 데이터를 연결하는 경우:
# 모든 특성을 하나의 입력으로 처리
input_combined = Input(shape=(6,))  # [나이, 성별, 지역, 클릭수, 체류시간, 구매내역]
x = Dense(64, activation='relu')(input_combined)
output = Dense(1, activation='sigmoid')(x)

single = Model(inputs=input_combined, outputs=output)
single.compile(optimizer="adam", loss="binary_crossentropy")
single.fit(np.concatenate([profile, behavior], axis=1), bought, epochs=EPOCHS)

# 2. 다중 입력을 사용하는 경우:
# 사용자 프로필 처리
profile_input = Input(shape=(3,))  # [나이, 성별, 지역]
profile_features = Dense(32, activation='relu', name='profile_dense1')(profile_input)
profile_features = Dense(16, activation='relu', name='profile_dense2')(profile_features)

# 행동 데이터 처리
behavior_input = Input(shape=(3,))  # [클릭수, 체류시간, 구매내역]
behavior_features = Dense(64, activation='relu', name='behavior_dense1')(behavior_input)
behavior_features = Dense(32, activation='relu', name='behavior_dense2')(behavior_features)

# 특성 결합
combined = Concatenate()([profile_features, behavior_features])
output = Dense(1, activation='sigmoid')(combined)

multi = Model(inputs=[profile_input, behavior_input], outputs=output)
multi.compile(optimizer="adam", loss="binary_crossentropy")
multi.fit([profile, behavior], bought, epochs=EPOCHS)
multi.summary()
