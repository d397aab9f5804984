"""pack/unpack_x_y_sample_weight against Keras 3."""

import numpy as np
import pytest

from lamina.utils import pack_x_y_sample_weight, unpack_x_y_sample_weight

X, Y, W = np.ones((2, 1)), np.zeros((2, 1)), np.full((2,), 0.5)
UNPACK_CASES = {
    "array": X,
    "tuple1": (X,),
    "tuple2": (X, Y),
    "tuple3": (X, Y, W),
    "list2": [X, Y],
    "dict": {"a": X},
}


@pytest.mark.parametrize("name", sorted(UNPACK_CASES))
def test_unpack_matches_keras(keras3, name):
    data = UNPACK_CASES[name]
    expected = keras3.utils.unpack_x_y_sample_weight(data)
    got = unpack_x_y_sample_weight(data)
    assert len(got) == 3
    for g, e in zip(got, expected):
        assert g is e


def test_unpack_too_many_is_an_error():
    with pytest.raises(ValueError, match="4 elements"):
        unpack_x_y_sample_weight((X, Y, W, W))


@pytest.mark.parametrize(
    "args",
    [(X,), ((X, X),), ([X, X],), (X, Y), (X, Y, W), (X, None, W)],
)
def test_pack_matches_keras(keras3, args):
    expected = keras3.utils.pack_x_y_sample_weight(*args)
    got = pack_x_y_sample_weight(*args)
    assert type(got) is type(expected)
    if isinstance(got, tuple):
        assert len(got) == len(expected)
        assert all(g is e for g, e in zip(got, expected))
    else:
        assert got is expected
