"""Custom training (issue 10): Keras 3 JAX-style train_step/test_step, compute_loss overrides,
add_loss in layers, knowledge distillation and a two-optimizer GAN."""

import jax
import numpy as np
import pytest

import lamina
from lamina import layers, ops


def _custom_model_class(lib):
    """The Keras guide's 'customizing fit() with JAX' model, written against `lib`."""

    class CustomModel(lib.Model):
        def compute_loss_and_updates(self, trainable_variables, non_trainable_variables, x, y, training=False):
            y_pred, non_trainable_variables = self.stateless_call(
                trainable_variables, non_trainable_variables, x, training=training)
            loss = self.compute_loss(x, y, y_pred)
            return loss, (y_pred, non_trainable_variables)

        def train_step(self, state, data):
            trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables = state
            x, y = data
            grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
            (loss, (y_pred, non_trainable_variables)), grads = grad_fn(
                trainable_variables, non_trainable_variables, x, y, training=True)
            trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
                optimizer_variables, grads, trainable_variables)
            new_metrics_vars, logs = [], {}
            for metric in self.metrics:
                this = metrics_variables[len(new_metrics_vars):len(new_metrics_vars) + len(metric.variables)]
                if metric.name == "loss":
                    this = metric.stateless_update_state(this, loss)
                else:
                    this = metric.stateless_update_state(this, y, y_pred)
                logs[metric.name] = metric.stateless_result(this)
                new_metrics_vars += this
            return logs, (trainable_variables, non_trainable_variables, optimizer_variables, new_metrics_vars)

        def test_step(self, state, data):
            trainable_variables, non_trainable_variables, metrics_variables = state
            x, y = data
            y_pred, non_trainable_variables = self.stateless_call(
                trainable_variables, non_trainable_variables, x, training=False)
            loss = self.compute_loss(x, y, y_pred)
            new_metrics_vars, logs = [], {}
            for metric in self.metrics:
                this = metrics_variables[len(new_metrics_vars):len(new_metrics_vars) + len(metric.variables)]
                this = metric.stateless_update_state(this, loss) if metric.name == "loss" else \
                    metric.stateless_update_state(this, y, y_pred)
                logs[metric.name] = metric.stateless_result(this)
                new_metrics_vars += this
            return logs, (trainable_variables, non_trainable_variables, new_metrics_vars)

    return CustomModel


def _build(lib, regularized=False):
    inputs = lib.Input(shape=(8,))
    reg = lib.regularizers.l2(0.01) if regularized else None
    h = lib.layers.Dense(16, activation="relu", kernel_regularizer=reg)(inputs)
    outputs = lib.layers.Dense(1)(h)
    return _custom_model_class(lib)(inputs, outputs)


def test_keras_jax_custom_train_step_matches_keras(keras3):
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 8)).astype("float32"), rng.random((64, 1)).astype("float32")
    km, lm = _build(keras3), _build(lamina)
    lm.set_weights(km.get_weights())
    km.compile(optimizer="adam", loss="mse", metrics=["mae"])
    lm.compile(optimizer="adam", loss="mse", metrics=["mae"])
    hk = km.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0).history
    hl = lm.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0).history
    for wk, wl in zip(km.get_weights(), lm.get_weights()):
        np.testing.assert_allclose(wl, wk, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(hl["loss"], hk["loss"], rtol=1e-5)
    assert hl["loss"][-1] < hl["loss"][0]
    np.testing.assert_allclose(lm.evaluate(x, y, verbose=0), km.evaluate(x, y, verbose=0), rtol=1e-5)


def test_keras_jax_custom_train_step_with_regularizer(keras3):
    # Keras 3.15.1 crashes on its own guide's pattern when a layer has a weight regularizer:
    # compute_loss reads model.losses, whose regularizer reads a Variable with no value inside
    # the JAX step ("'NoneType' object is not callable"). lamina computes those losses from the
    # values given to stateless_call, so the same code trains.
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 8)).astype("float32"), rng.random((64, 1)).astype("float32")
    km = _build(keras3, regularized=True)
    km.compile(optimizer="adam", loss="mse")
    with pytest.raises(TypeError, match="NoneType"):
        km.fit(x, y, epochs=1, batch_size=16, verbose=0)

    lm = _build(lamina, regularized=True)
    lm.compile(optimizer="adam", loss="mse")
    h = lm.fit(x, y, epochs=5, batch_size=16, verbose=0).history
    assert h["loss"][-1] < h["loss"][0]
    # The logged loss includes the l2 penalty computed from the traced weights.
    plain = _build(lamina)
    plain.set_weights(lm.get_weights())
    plain.compile(optimizer="adam", loss="mse")
    kernel = lm.get_weights()[0]
    penalty = 0.01 * float(np.sum(kernel ** 2))
    np.testing.assert_allclose(lm.evaluate(x, y, verbose=0), plain.evaluate(x, y, verbose=0) + penalty, rtol=1e-4)


def test_compute_loss_override_with_own_tracker():
    class MyModel(lamina.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)
            self.loss_tracker = lamina.metrics.Mean(name="my_loss")

        def call(self, x):
            return self.dense(x)

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, allow_empty=False):
            loss = ops.mean((y_pred - y) ** 2)
            self.loss_tracker.update_state(loss)
            return loss

    m = MyModel()
    m.compile(optimizer=lamina.optimizers.SGD(0.1))
    x = np.random.rand(50, 3).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")
    h = m.fit(x, y, epochs=10, batch_size=16, verbose=0).history
    assert "my_loss" in h and h["my_loss"][-1] < h["my_loss"][0] / 2
    assert m.summary is not None and len(m.weights) == 2


def test_add_loss_in_a_layer_is_trained():
    class Penalized(layers.Layer):
        def call(self, x):
            self.add_loss(0.1 * ops.sum(ops.square(x)))
            return x

    model = lamina.Sequential([lamina.Input((4,)), layers.Dense(4), Penalized(), layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = np.ones((8, 4), "float32"), np.zeros((8, 1), "float32")
    model.fit(x, y, epochs=1, verbose=0)
    # The logged loss includes the layer's penalty: evaluate with and without it differs.
    with_penalty = model.evaluate(x, y, verbose=0)
    pred = model.predict(x, verbose=0)
    assert with_penalty > float(np.mean(pred ** 2)) + 1e-6


def test_knowledge_distillation_trains():
    class Distiller(lamina.Model):
        def __init__(self, student, teacher):
            super().__init__()
            self.teacher, self.student = teacher, student

        def compile(self, optimizer, metrics, student_loss_fn, distillation_loss_fn, alpha=0.1, temperature=3):
            super().compile(optimizer=optimizer, metrics=metrics)
            self.student_loss_fn, self.distillation_loss_fn = student_loss_fn, distillation_loss_fn
            self.alpha, self.temperature = alpha, temperature

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, allow_empty=False):
            teacher_pred = ops.stop_gradient(self.teacher(x, training=False))
            student_loss = self.student_loss_fn(y, y_pred)
            distillation_loss = self.distillation_loss_fn(
                ops.softmax(teacher_pred / self.temperature, axis=1),
                ops.softmax(y_pred / self.temperature, axis=1)) * self.temperature ** 2
            return self.alpha * student_loss + (1 - self.alpha) * distillation_loss

        def call(self, x):
            return self.student(x)

    teacher = lamina.Sequential([lamina.Input((16,)), layers.Dense(32, activation="relu"), layers.Dense(4)])
    teacher.trainable = False
    student = lamina.Sequential([lamina.Input((16,)), layers.Dense(8, activation="relu"), layers.Dense(4)])
    d = Distiller(student, teacher)
    d.compile(lamina.optimizers.Adam(0.01), ["sparse_categorical_accuracy"],
              lamina.losses.SparseCategoricalCrossentropy(from_logits=True), lamina.losses.KLDivergence())
    x = np.random.rand(128, 16).astype("float32")
    y = np.asarray(teacher.predict(x, verbose=0)).argmax(-1)
    before = [w.copy() for w in teacher.get_weights()]
    h = d.fit(x, y, epochs=15, batch_size=32, verbose=0).history
    assert h["loss"][-1] < h["loss"][0]
    for a, b in zip(before, teacher.get_weights()):
        np.testing.assert_array_equal(a, b)  # the frozen teacher is not trained


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gan_with_two_optimizers_trains(seed):
    # Keras 3 style: the two players are compiled with their own optimizers and alternate;
    # `discriminator.trainable` is toggled around the generator's step.
    lamina.utils.set_random_seed(seed)
    latent = 4
    generator = lamina.Sequential([lamina.Input((latent,)), layers.Dense(8, activation="relu"), layers.Dense(2)])
    discriminator = lamina.Sequential([lamina.Input((2,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
    combined = lamina.Sequential([lamina.Input((latent,)), generator, discriminator])
    bce = lamina.losses.BinaryCrossentropy(from_logits=True)
    discriminator.compile(lamina.optimizers.Adam(1e-2), bce)
    discriminator.trainable = False
    combined.compile(lamina.optimizers.Adam(1e-2), bce)
    assert combined.optimizer is not discriminator.optimizer

    rng = np.random.default_rng(0)
    real = rng.normal(loc=3.0, size=(64, 2)).astype("float32")
    z = rng.normal(size=(64, latent)).astype("float32")
    ones, zeros = np.ones((64, 1), "float32"), np.zeros((64, 1), "float32")
    d_before = [w.copy() for w in discriminator.get_weights()]
    start_gap = np.abs(np.asarray(generator.predict(z, verbose=0)).mean(0) - 3.0).max()
    for _ in range(60):
        fake = np.asarray(generator.predict(z, verbose=0))
        discriminator.trainable = True
        discriminator.train_on_batch(np.concatenate([real, fake]), np.concatenate([ones, zeros]))
        discriminator.trainable = False
        d_mid = [w.copy() for w in discriminator.get_weights()]
        combined.train_on_batch(z, ones)
        for a, b in zip(d_mid, discriminator.get_weights()):
            np.testing.assert_array_equal(a, b)  # the generator's step leaves D alone
    assert not all(np.array_equal(a, b) for a, b in zip(d_before, discriminator.get_weights()))
    end_gap = np.abs(np.asarray(generator.predict(z, verbose=0)).mean(0) - 3.0).max()
    assert end_gap < start_gap  # the generator moved its samples towards the real data


@pytest.mark.parametrize("override", ["train_step", "test_step"])
def test_custom_steps_see_unpadded_last_batch(override):
    seen = []

    class Spy(lamina.Model):
        def __init__(self):
            super().__init__()
            self.d = layers.Dense(1)

        def call(self, x):
            return self.d(x)

    def train_step(self, state, data):
        seen.append(data[0].shape[0])
        return {}, state

    def test_step(self, state, data):
        seen.append(data[0].shape[0])
        return {}, state

    setattr(Spy, override, train_step if override == "train_step" else test_step)
    m = Spy()
    m.compile("sgd", "mse")
    x, y = np.ones((10, 2), "float32"), np.ones((10, 1), "float32")
    if override == "train_step":
        m.fit(x, y, batch_size=4, epochs=1, verbose=0)
    else:
        m(x)
        m.evaluate(x, y, batch_size=4, verbose=0)
    assert seen[-3:] == [4, 4, 2] or sorted(set(seen)) == [2, 4]
