"""`<arg>_mask` call parameters: a functional model passes each tensor argument's own mask."""

import numpy as np

import lamina
from lamina import layers


def _masked_mean_layer(base):
    """The same user layer written against lamina or Keras: a masked mean of `a` plus `b`'s."""

    class MaskedPair(base.layers.Layer):
        def call(self, a, b, a_mask=None, b_mask=None):
            ops = base.ops

            def mean(x, m):
                if m is None:
                    return ops.mean(x, axis=1)
                w = ops.expand_dims(ops.cast(m, x.dtype), -1)
                return ops.sum(x * w, axis=1) / ops.maximum(ops.sum(w, axis=1), 1.0)

            return mean(a, a_mask) + 10.0 * mean(b, b_mask)

    return MaskedPair


def _model(base):
    ia, ib = base.Input((5,), dtype="int32"), base.Input((4,), dtype="int32")
    ea = base.layers.Embedding(20, 3, mask_zero=True, name="ea")(ia)
    eb = base.layers.Embedding(20, 3, name="eb")(ib)  # no mask: b_mask stays None
    out = _masked_mean_layer(base)()(ea, eb)
    return base.Model([ia, ib], out)


def test_argument_masks_match_keras(keras3):
    rng = np.random.default_rng(0)
    a = rng.integers(0, 20, (6, 5)).astype("int32")
    a[:, 3:] = 0  # padding that the mask must drop
    b = rng.integers(0, 20, (6, 4)).astype("int32")
    ours, theirs = _model(lamina), _model(keras3)
    theirs.set_weights(ours.get_weights())
    expected = np.asarray(theirs([a, b]))
    np.testing.assert_allclose(np.asarray(ours([a, b])), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.predict([a, b], verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_explicit_argument_mask_is_kept():
    class Probe(layers.Layer):
        # Outputs the two masks it received, as floats: (batch, 2, time).
        def call(self, a, b, a_mask=None, b_mask=None):
            ops = lamina.ops
            ones = ops.ones(ops.shape(a)[:2])
            masks = [ones if m is None else ops.broadcast_to(ops.cast(m, "float32"), ops.shape(ones))
                     for m in (a_mask, b_mask)]
            return ops.stack(masks, axis=1)

    ia, ib = lamina.Input((3,), dtype="int32"), lamina.Input((3,), dtype="int32")
    ea = layers.Embedding(5, 2, mask_zero=True)(ia)
    eb = layers.Embedding(5, 2, mask_zero=True)(ib)
    fixed = np.array([[True, True, True]])
    model = lamina.Model([ia, ib], Probe()(ea, eb, a_mask=fixed))
    got = np.asarray(model([np.array([[1, 0, 0]], "int32"), np.array([[2, 2, 0]], "int32")]))
    np.testing.assert_array_equal(got[0, 0], [1, 1, 1])  # the explicit mask, not [1, 0, 0]
    np.testing.assert_array_equal(got[0, 1], [1, 1, 0])  # b's own mask


def test_mha_query_and_value_masks_come_from_their_tensors(keras3):
    def build(base):
        q_in, v_in = base.Input((4,), dtype="int32"), base.Input((6,), dtype="int32")
        q = base.layers.Embedding(10, 8, mask_zero=True)(q_in)
        v = base.layers.Embedding(10, 8, mask_zero=True)(v_in)
        out = base.layers.MultiHeadAttention(num_heads=2, key_dim=4)(q, v)
        return base.Model([q_in, v_in], out)

    rng = np.random.default_rng(1)
    q = rng.integers(1, 10, (3, 4)).astype("int32")
    v = rng.integers(1, 10, (3, 6)).astype("int32")
    v[:, 4:] = 0
    ours, theirs = build(lamina), build(keras3)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(np.asarray(ours([q, v])), np.asarray(theirs([q, v])), rtol=1e-5, atol=1e-5)
