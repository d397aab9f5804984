"""Checks that a lamina layer behaves like the same Keras 3 layer.

Shared by the convolution, pooling, normalization, regularization, reshaping and embedding tests
(their conftest.py files put this folder on `sys.path`). One call compares, for the same
constructor arguments and the same weights (copied from Keras with `set_weights`): the outputs,
the weights after the call (moving statistics), weight names/shapes/order, `count_params`, the
`get_config` keys and plain values (and that a config written by Keras loads here), the symbolic
output shape, and the gradients of a weighted sum of the outputs with respect to the input and to
the trainable weights.
"""

import jax
import jax.numpy as jnp
import numpy as np

from lamina import layers as lamina_layers


def weight_names(layer):
    return [w.path.split("/")[-1] for w in layer.weights]


def assert_config_matches(keras_layer, lamina_layer):
    kc, lc = keras_layer.get_config(), lamina_layer.get_config()
    # Same keys; their order is not part of the format (Keras's own order shifts with the arguments).
    assert sorted(kc) == sorted(lc), f"config keys differ:\nkeras:  {list(kc)}\nlamina: {list(lc)}"
    for key, kv in kc.items():
        if key == "name":
            continue
        lv = lc[key]
        if isinstance(kv, dict):
            # Nested objects (initializers, dtype policy, ...): the same class is what matters here.
            assert isinstance(lv, dict) and kv.get("class_name") == lv.get("class_name"), (key, kv, lv)
        else:
            assert kv == lv, f"config[{key!r}]: keras {kv!r}, lamina {lv!r}"
    clone = type(lamina_layer).from_config(lc)
    assert clone.get_config() == lc
    # A config written by Keras (e.g. read from a .keras file) rebuilds the same layer here.
    from_keras = type(lamina_layer).from_config(kc).get_config()
    for key, kv in kc.items():
        if not isinstance(kv, dict):
            assert from_keras[key] == kv, f"from Keras config[{key!r}]: {from_keras[key]!r} != {kv!r}"


def _stateless_grads(layer, x, weights, call_kwargs):
    """Gradients of sum(layer(x) * weights) w.r.t. x and the trainable variables."""
    trainable = [jnp.asarray(v.value) for v in layer.trainable_variables]
    non_trainable = [jnp.asarray(v.value) for v in layer.non_trainable_variables]

    def loss(inputs, tv):
        out, _ = layer.stateless_call(tv, non_trainable, inputs, **call_kwargs)
        return jnp.sum(out * weights)

    # One compiled program: much faster on CPU than differentiating op by op.
    return jax.jit(jax.grad(loss, argnums=(0, 1)))(jnp.asarray(x), trainable)


def assert_layer_matches(keras, name, args=(), kwargs=None, x=None, call_kwargs=None, grad=True,
                         rtol=1e-5, atol=1e-5, compare_outputs=True):
    """Builds `name(*args, **kwargs)` in both libraries and compares them on input `x`.

    Returns `(keras_layer, lamina_layer)` for further checks.
    """
    kwargs = kwargs or {}
    call_kwargs = call_kwargs or {}
    k = getattr(keras.layers, name)(*args, **kwargs)
    lam = getattr(lamina_layers, name)(*args, **kwargs)
    # Build both (inference call), then give lamina Keras's initial weights.
    k(x)
    lam(x)
    assert weight_names(lam) == weight_names(k)
    assert [tuple(w.shape) for w in lam.weights] == [tuple(w.shape) for w in k.weights]
    assert [w.trainable for w in lam.weights] == [w.trainable for w in k.weights]
    assert lam.count_params() == k.count_params()
    lam.set_weights([np.asarray(w) for w in k.get_weights()])
    yk = k(x, **call_kwargs)
    yl = lam(x, **call_kwargs)
    assert tuple(yl.shape) == tuple(yk.shape)
    if compare_outputs:
        np.testing.assert_allclose(np.asarray(yl), np.asarray(yk), rtol=rtol, atol=atol)
    for wl, wk in zip(lam.get_weights(), k.get_weights()):
        np.testing.assert_allclose(wl, np.asarray(wk), rtol=rtol, atol=atol)
    assert_config_matches(k, lam)
    symbolic = (None,) + tuple(x.shape[1:])
    assert tuple(lam.compute_output_shape(symbolic)) == tuple(k.compute_output_shape(symbolic))
    if grad and compare_outputs:
        weights = np.random.default_rng(1).normal(size=np.shape(yk)).astype("float32")
        gx_l, gw_l = _stateless_grads(lam, x, weights, call_kwargs)
        gx_k, gw_k = _stateless_grads(k, x, weights, call_kwargs)
        np.testing.assert_allclose(np.asarray(gx_l), np.asarray(gx_k), rtol=1e-4, atol=1e-4)
        for a, b in zip(gw_l, gw_k):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-4, atol=1e-4)
    return k, lam
