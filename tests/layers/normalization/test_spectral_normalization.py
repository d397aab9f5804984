"""SpectralNormalization against real Keras 3: weights, training-time updates, gradients, config, files."""

import jax
import keras  # the oracle; tests/conftest.py selects its JAX backend
import numpy as np
import pytest

import lamina
from lamina import layers

RNG = np.random.default_rng(0)


def _close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def _pair(make, x, power_iterations=1):
    """The same wrapped layer in both libraries, built on `x`, with lamina's weights copied to Keras."""
    kl = keras.layers.SpectralNormalization(make(keras.layers), power_iterations=power_iterations)
    ll = layers.SpectralNormalization(make(layers), power_iterations=power_iterations)
    kl(x)
    ll(x)
    kl.set_weights(ll.get_weights())
    return kl, ll


CASES = [
    ("dense", lambda m: m.Dense(5, name="dense"), RNG.normal(size=(3, 4)).astype("float32"), 1),
    ("dense_rank3", lambda m: m.Dense(3, use_bias=False), RNG.normal(size=(2, 3, 4)).astype("float32"), 2),
    ("conv2d", lambda m: m.Conv2D(3, 2), RNG.normal(size=(2, 5, 5, 2)).astype("float32"), 3),
    ("einsum_dense", lambda m: m.EinsumDense("abc,cd->abd", output_shape=(None, 4), bias_axes="d"),
     RNG.normal(size=(2, 3, 6)).astype("float32"), 1),
]


@pytest.mark.parametrize("name,make,x,iters", CASES, ids=[c[0] for c in CASES])
def test_training_call_updates_like_keras(name, make, x, iters):
    kl, ll = _pair(make, x, iters)
    assert [(w.path, tuple(w.shape), w.trainable) for w in ll.weights] == [
        (w.path, tuple(w.shape), w.trainable) for w in kl.weights]
    # Inference leaves the kernel alone.
    _close(ll(x), kl(x))
    _close(ll.vector_u.numpy(), kl.vector_u.numpy())
    for _ in range(2):
        _close(ll(x, training=True), kl(x, training=True))
        _close(ll.vector_u.numpy(), kl.vector_u.numpy())
        _close(ll.kernel.numpy(), kl.kernel.numpy())
    _close(ll(x), kl(x))
    assert ll.compute_output_shape(x.shape) == tuple(kl(x).shape)


def test_normalized_kernel_has_spectral_norm_one():
    x = RNG.normal(size=(2, 6)).astype("float32")
    sn = layers.SpectralNormalization(layers.Dense(4), power_iterations=30)
    sn(x, training=True)
    assert abs(np.linalg.norm(sn.layer.kernel.numpy(), 2) - 1.0) < 1e-3


def test_gradients_match_keras():
    x = RNG.normal(size=(3, 4)).astype("float32")
    kl, ll = _pair(lambda m: m.Dense(5), x)

    def grads(layer):
        tv = [v.value for v in layer.trainable_variables]
        ntv = [v.value for v in layer.non_trainable_variables]

        def loss(tv):
            out, _ = layer.stateless_call(tv, ntv, x, training=True)
            return (out ** 2).sum()

        return jax.grad(loss)(tv)

    g_l, g_k = grads(ll), grads(kl)
    assert len(g_l) == len(g_k) == 2
    for a, b in zip(g_l, g_k):
        _close(a, b)


def test_zero_kernel_is_left_unchanged():
    x = np.ones((2, 3), "float32")
    sn = layers.SpectralNormalization(layers.Dense(2, kernel_initializer="zeros"))
    sn(x)
    u = sn.vector_u.numpy()
    out = sn(x, training=True)
    assert np.all(np.isfinite(out)) and np.all(sn.layer.kernel.numpy() == 0)
    np.testing.assert_array_equal(sn.vector_u.numpy(), u)


def test_embedding_is_normalized_and_keeps_float_outputs():
    ids = np.array([[1, 2, 3], [0, 4, 2]], "int32")
    kl, ll = _pair(lambda m: m.Embedding(6, 4), ids)
    out = ll(ids, training=True)
    kl(ids, training=True)
    _close(ll.kernel.numpy(), kl.kernel.numpy())
    _close(ll.vector_u.numpy(), kl.vector_u.numpy())
    # Keras 3.15 casts the output to the input dtype, so integer ids give integer (truncated)
    # "embeddings"; lamina keeps the Embedding's float vectors.
    assert str(kl(ids).dtype) == "int32"
    assert out.dtype == np.float32
    _close(out, np.take(ll.kernel.numpy(), ids, axis=0))


def test_fit_matches_keras():
    x = RNG.normal(size=(8, 4)).astype("float32")
    y = RNG.normal(size=(8, 2)).astype("float32")

    def model(m):
        return m.Sequential([m.Input((4,)), m.layers.SpectralNormalization(m.layers.Dense(2))])

    km, lm = model(keras), model(lamina)
    km.set_weights(lm.get_weights())
    for mod, lib in ((km, keras), (lm, lamina)):
        mod.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse")
        mod.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(lm.get_weights(), km.get_weights()):
        _close(a, b, 1e-4)
    _close(lm.predict(x, verbose=0), km.predict(x, verbose=0), 1e-4)


def test_config_matches_keras_and_round_trips():
    kl = keras.layers.SpectralNormalization(keras.layers.Dense(3, name="dense"), power_iterations=2)
    ll = layers.SpectralNormalization(layers.Dense(3, name="dense"), power_iterations=2)
    assert ll.get_config() == kl.get_config()
    clone = layers.SpectralNormalization.from_config(ll.get_config())
    assert clone.power_iterations == 2 and isinstance(clone.layer, layers.Dense) and clone.layer.units == 3
    # A config written by Keras (nested layer with its build config) loads too.
    kl(np.ones((1, 4)))
    from_keras = layers.deserialize(keras.layers.serialize(kl))
    assert from_keras.layer.built and from_keras.get_config()["layer"]["config"]["units"] == 3


def test_symbolic_shape_and_functional_model():
    inp = lamina.Input((7, 7, 2))
    out = layers.SpectralNormalization(layers.Conv2D(4, 3))(inp)
    k_out = keras.layers.SpectralNormalization(keras.layers.Conv2D(4, 3))(keras.Input((7, 7, 2)))
    assert out.shape == tuple(k_out.shape) and out.dtype == "float32"


def test_keras_files_load_both_ways(tmp_path):
    x = RNG.normal(size=(3, 4)).astype("float32")
    km = keras.Sequential([keras.Input((4,)), keras.layers.SpectralNormalization(keras.layers.Dense(2))])
    km.layers[0](x, training=True)  # a non-initial vector_u and kernel
    km.save(tmp_path / "k.keras")
    lm = lamina.saving.load_model(tmp_path / "k.keras")
    _close(lm.predict(x, verbose=0), km.predict(x, verbose=0))
    _close(lm.layers[0].vector_u.numpy(), km.layers[0].vector_u.numpy())
    lm.save(tmp_path / "l.keras")
    back = keras.saving.load_model(tmp_path / "l.keras")
    _close(back.predict(x, verbose=0), km.predict(x, verbose=0))
    again = lamina.saving.load_model(tmp_path / "l.keras")
    _close(again.layers[0].vector_u.numpy(), km.layers[0].vector_u.numpy())


def test_bad_arguments_explain_themselves():
    with pytest.raises(ValueError, match=r"power_iterations.*positive int.*power_iterations=0"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match=r"SpectralNormalization: `layer` must be a layer instance.*Received"):
        layers.SpectralNormalization("dense")
    with pytest.raises(ValueError, match=r"no `kernel` or `embeddings` weight.*Wrap a layer that has one"):
        layers.SpectralNormalization(layers.Dropout(0.1))(np.ones((2, 3)))
