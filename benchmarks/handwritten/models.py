"""The workloads' models by hand: `init(rng) -> params` and `forward(params, x, key, training)`."""

import jax
import jax.numpy as jnp

from handwritten import nn, optim


def _keys(key, n):
    return [None] * n if key is None else list(jax.random.split(key, n))


def mlp(rng):
    params = [nn.dense_params(rng, 20, 64), nn.dense_params(rng, 64, 64), nn.dense_params(rng, 64, 10)]

    def forward(p, x, key, training):
        k = _keys(key, 2)
        h = nn.dropout(jax.nn.relu(nn.dense(p[0], x)), 0.5, k[0], training)
        h = nn.dropout(jax.nn.relu(nn.dense(p[1], h)), 0.5, k[1], training)
        return jax.nn.softmax(nn.dense(p[2], h))

    return params, forward


def small_cnn(rng):
    params = [nn.conv_params(rng, (3, 3), 1, 32), nn.conv_params(rng, (3, 3), 32, 64),
              nn.dense_params(rng, 7 * 7 * 64, 100), nn.dense_params(rng, 100, 10)]

    def forward(p, x, key, training):
        h = nn.max_pool(jax.nn.relu(nn.conv(p[0], x, "SAME")), 2)
        h = nn.max_pool(jax.nn.relu(nn.conv(p[1], h, "SAME")), 2)
        h = jax.nn.relu(nn.dense(p[2], h.reshape(h.shape[0], -1)))
        h = nn.dropout(h, 0.4, _keys(key, 1)[0], training)
        return jax.nn.softmax(nn.dense(p[3], h))

    return params, forward


def vgg(rng):
    params = [nn.conv_params(rng, (3, 3), 3, 32), nn.conv_params(rng, (3, 3), 32, 32),
              nn.conv_params(rng, (3, 3), 32, 64), nn.conv_params(rng, (3, 3), 64, 64),
              nn.dense_params(rng, 22 * 22 * 64, 256), nn.dense_params(rng, 256, 10)]

    def forward(p, x, key, training):
        k = _keys(key, 3)
        h = jax.nn.relu(nn.conv(p[1], jax.nn.relu(nn.conv(p[0], x))))
        h = nn.dropout(nn.max_pool(h, 2), 0.25, k[0], training)
        h = jax.nn.relu(nn.conv(p[3], jax.nn.relu(nn.conv(p[2], h))))
        h = nn.dropout(nn.max_pool(h, 2), 0.25, k[1], training)
        h = nn.dropout(jax.nn.relu(nn.dense(p[4], h.reshape(h.shape[0], -1))), 0.5, k[2], training)
        return jax.nn.softmax(nn.dense(p[5], h))

    return params, forward


def stacked_lstm(rng):
    params = [nn.lstm_params(rng, 16, 32), nn.lstm_params(rng, 32, 32), nn.lstm_params(rng, 32, 32),
              nn.dense_params(rng, 32, 10)]

    def forward(p, x, key, training):
        h = nn.lstm(p[1], nn.lstm(p[0], x, True), True)
        return jax.nn.softmax(nn.dense(p[3], nn.lstm(p[2], h)))

    return params, forward


def embedding_lstm(rng):
    table = jnp.asarray(rng.uniform(-0.05, 0.05, (1024, 256)).astype("float32"))
    params = [table, nn.lstm_params(rng, 256, 128), nn.dense_params(rng, 128, 1)]

    def forward(p, x, key, training):
        h = nn.lstm(p[1], jnp.take(p[0], x, axis=0))
        h = nn.dropout(h, 0.5, _keys(key, 1)[0], training)
        return jax.nn.sigmoid(nn.dense(p[2], h))

    return params, forward


def conv1d(rng):
    params = [nn.conv_params(rng, (3,), 100, 64), nn.conv_params(rng, (3,), 64, 64),
              nn.conv_params(rng, (3,), 64, 128), nn.conv_params(rng, (3,), 128, 128),
              nn.dense_params(rng, 128, 1)]

    def forward(p, x, key, training):
        h = nn.max_pool(jax.nn.relu(nn.conv(p[1], jax.nn.relu(nn.conv(p[0], x)))), 3)
        h = jax.nn.relu(nn.conv(p[3], jax.nn.relu(nn.conv(p[2], h))))
        h = nn.dropout(jnp.mean(h, axis=1), 0.5, _keys(key, 1)[0], training)
        return jax.nn.sigmoid(nn.dense(p[4], h))

    return params, forward


MODELS = {"W1": mlp, "W2": small_cnn, "W3": vgg, "W4": stacked_lstm, "W5": embedding_lstm, "W6": conv1d}
OPTIMIZERS = {"sgd_nesterov": optim.sgd, "adam": optim.adam, "rmsprop": optim.rmsprop}


def build(w, rng):
    """`(params, forward, (opt_init, opt_update), loss_fn, accuracy_kind or None)` for workload `w`."""
    params, forward = MODELS[w.key[:2]](rng)
    binary = w.loss == "binary_crossentropy"
    loss_fn = nn.binary_crossentropy if binary else nn.categorical_crossentropy
    acc = None if not w.metrics else ("binary" if binary else "categorical")
    return params, forward, OPTIMIZERS[w.optimizer](), loss_fn, acc
