"""Blog, answer 2, advantage 4: a model factory that includes only the selected inputs.

Seed: "4. 선택적 특성 사용 가능" (`create_model(use_profile=True, use_behavior=True)`).
"""

import numpy as np

from lamina.layers import Concatenate, Dense, Input
from lamina.models import Model


def create_model(use_profile=True, use_behavior=True):
    inputs = []
    features = []

    if use_profile:
        profile_input = Input(shape=(3,))
        profile_features = Dense(32)(profile_input)
        inputs.append(profile_input)
        features.append(profile_features)

    if use_behavior:
        behavior_input = Input(shape=(3,))
        behavior_features = Dense(32)(behavior_input)
        inputs.append(behavior_input)
        features.append(behavior_features)

    combined = Concatenate()(features)
    output = Dense(1, activation='sigmoid')(combined)

    return Model(inputs=inputs, outputs=output)


both = create_model()
print("both inputs:", len(both.inputs), both.predict([np.ones((2, 3)), np.ones((2, 3))], verbose=0).shape)

# One feature group: Concatenate receives a one-element list and passes it through.
profile_only = create_model(use_behavior=False)
print("profile only:", len(profile_only.inputs), profile_only.predict(np.ones((2, 3)), verbose=0).shape)
