"""Keras 3's SGD (Nesterov momentum), Adam and RMSprop update rules as pure pytree functions.

Each optimizer is `(init(params) -> state, update(grads, state, params) -> (params, state))`.
"""

import jax
import jax.numpy as jnp

_map = jax.tree_util.tree_map


def sgd(learning_rate=0.01, momentum=0.9, nesterov=True):
    def init(params):
        return _map(jnp.zeros_like, params)

    def update(grads, m, params):
        m = _map(lambda m, g: momentum * m - learning_rate * g, m, grads)
        if nesterov:
            params = _map(lambda p, m, g: p + momentum * m - learning_rate * g, params, m, grads)
        else:
            params = _map(lambda p, m: p + m, params, m)
        return params, m

    return init, update


def adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    def init(params):
        return (_map(jnp.zeros_like, params), _map(jnp.zeros_like, params), jnp.zeros((), "float32"))

    def update(grads, state, params):
        m, v, t = state
        t = t + 1.0
        alpha = learning_rate * jnp.sqrt(1.0 - beta_2 ** t) / (1.0 - beta_1 ** t)
        m = _map(lambda m, g: m + (g - m) * (1.0 - beta_1), m, grads)
        v = _map(lambda v, g: v + (g * g - v) * (1.0 - beta_2), v, grads)
        params = _map(lambda p, m, v: p - alpha * m / (jnp.sqrt(v) + epsilon), params, m, v)
        return params, (m, v, t)

    return init, update


def rmsprop(learning_rate=0.001, rho=0.9, epsilon=1e-7):
    def init(params):
        return _map(jnp.zeros_like, params)

    def update(grads, v, params):
        v = _map(lambda v, g: rho * v + (1.0 - rho) * g * g, v, grads)
        params = _map(lambda p, v, g: p - learning_rate * g / jnp.sqrt(v + epsilon), params, v, grads)
        return params, v

    return init, update
