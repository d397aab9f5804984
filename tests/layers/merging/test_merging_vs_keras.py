"""Merging layers against real Keras 3: outputs, symbolic shapes, configs, masks, gradients."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lamina
from lamina import layers

keras = pytest.importorskip("keras")

# (class name, constructor kwargs, input shapes with batch 2)
CASES = [
    ("Add", {}, [(2, 3), (2, 3)]),
    ("Add", {}, [(2, 3), (2, 3), (2, 3)]),
    ("Add", {}, [(2, 4, 3), (2, 1, 3)]),
    ("Add", {}, [(2, 4, 3), (2, 3)]),
    ("Subtract", {}, [(2, 5), (2, 5)]),
    ("Subtract", {}, [(2, 4, 5), (2, 1)]),
    ("Multiply", {}, [(2, 3), (2, 3), (2, 3)]),
    ("Multiply", {}, [(2, 2, 3), (2, 2, 1)]),
    ("Average", {}, [(2, 3), (2, 3)]),
    ("Average", {}, [(2, 4, 3), (2, 3), (2, 1, 3)]),
    ("Maximum", {}, [(2, 3), (2, 3), (2, 3)]),
    ("Minimum", {}, [(2, 3, 2), (2, 3, 2)]),
    ("Concatenate", {}, [(2, 3), (2, 4)]),
    ("Concatenate", {"axis": 1}, [(2, 3, 5), (2, 2, 5), (2, 1, 5)]),
    ("Concatenate", {"axis": -2}, [(2, 3, 5), (2, 2, 5)]),
    ("Concatenate", {"axis": 0}, [(2, 3), (3, 3)]),
    ("Dot", {"axes": 1}, [(2, 4), (2, 4)]),
    ("Dot", {"axes": -1}, [(2, 3, 4), (2, 5, 4)]),
    ("Dot", {"axes": (1, 2)}, [(2, 3, 5), (2, 4, 3)]),
    ("Dot", {"axes": [2, 1]}, [(2, 3, 5), (2, 5, 4)]),
    ("Dot", {"axes": 1}, [(2, 4), (2, 4, 3)]),
    ("Dot", {"axes": (2, 1)}, [(2, 3, 4), (2, 4)]),
    ("Dot", {"axes": (1, 3)}, [(2, 3, 2, 5), (2, 2, 4, 3)]),
    ("Dot", {"axes": 1, "normalize": True}, [(2, 4), (2, 4)]),
    ("Dot", {"axes": (1, 2), "normalize": True}, [(2, 3, 5), (2, 4, 3)]),
]

IDS = [f"{c}-{k}-{s}" for c, k, s in CASES]


def _inputs(shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=s).astype("float32") for s in shapes]


@pytest.mark.parametrize("cls_name, kwargs, shapes", CASES, ids=IDS)
def test_eager_output_matches_keras(cls_name, kwargs, shapes):
    xs = _inputs(shapes)
    ours = getattr(layers, cls_name)(**kwargs)(xs)
    theirs = getattr(keras.layers, cls_name)(**kwargs)(xs)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls_name, kwargs, shapes", CASES, ids=IDS)
def test_symbolic_shape_matches_keras_and_eager(cls_name, kwargs, shapes):
    # Unknown batch axis, as with keras.Input; concatenating along the batch axis keeps it known.
    batch = (lambda s: s[0]) if kwargs.get("axis") == 0 else (lambda s: None)
    ours_in = [lamina.Input(batch_shape=(batch(s),) + s[1:]) for s in shapes]
    theirs_in = [keras.Input(batch_shape=(batch(s),) + s[1:]) for s in shapes]
    ours = getattr(layers, cls_name)(**kwargs)(ours_in)
    theirs = getattr(keras.layers, cls_name)(**kwargs)(theirs_in)
    assert ours.shape == tuple(theirs.shape)
    # And the symbolic shape is what a model really computes.
    model = lamina.Model(ours_in, ours)
    real = model(_inputs(shapes))
    expected = tuple(r if s is None else s for s, r in zip(ours.shape, real.shape))
    assert tuple(real.shape) == expected


@pytest.mark.parametrize("cls_name, kwargs, shapes", CASES, ids=IDS)
def test_compute_output_shape_matches_keras(cls_name, kwargs, shapes):
    ours = getattr(layers, cls_name)(**kwargs).compute_output_shape(shapes)
    theirs = getattr(keras.layers, cls_name)(**kwargs).compute_output_shape(shapes)
    assert tuple(ours) == tuple(theirs)


@pytest.mark.parametrize(
    "cls_name, kwargs",
    [("Add", {}), ("Subtract", {}), ("Multiply", {}), ("Average", {}), ("Maximum", {}),
     ("Minimum", {}), ("Concatenate", {}), ("Concatenate", {"axis": 1}), ("Dot", {"axes": 1}),
     ("Dot", {"axes": [1, 2], "normalize": True}), ("Add", {"name": "plus", "trainable": False})],
)
def test_get_config_matches_keras(cls_name, kwargs):
    ours = getattr(layers, cls_name)(**kwargs).get_config()
    theirs = getattr(keras.layers, cls_name)(**kwargs).get_config()
    rebuilt = getattr(layers, cls_name).from_config(ours)
    assert rebuilt.get_config() == ours
    if "name" not in kwargs:
        # Auto names depend on how many layers each library made in this session.
        ours.pop("name")
        theirs.pop("name")
    assert ours == theirs


@pytest.mark.parametrize(
    "fn_name, cls_name, kwargs",
    [("add", "Add", {}), ("subtract", "Subtract", {}), ("multiply", "Multiply", {}),
     ("average", "Average", {}), ("maximum", "Maximum", {}), ("minimum", "Minimum", {}),
     ("concatenate", "Concatenate", {"axis": 1}), ("dot", "Dot", {"axes": 1, "normalize": True})],
)
def test_function_forms(fn_name, cls_name, kwargs):
    xs = _inputs([(2, 3), (2, 3)])
    ours = getattr(layers, fn_name)(xs, **kwargs)
    theirs = getattr(keras.layers, fn_name)(xs, **kwargs)
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-5, atol=1e-6)
    # On symbolic tensors the function form records a layer of the right class with the kwargs.
    a, b = lamina.Input(shape=(3,)), lamina.Input(shape=(3,))
    out = getattr(layers, fn_name)([a, b], name=f"my_{fn_name}", **kwargs)
    layer = out._keras_history.operation
    assert type(layer).__name__ == cls_name
    assert layer.name == f"my_{fn_name}"
    for k, v in kwargs.items():
        assert getattr(layer, k) == v


def _set_keras_masks(xs, masks):
    from keras.src.backend import set_keras_mask

    arrays = [jnp.asarray(x) for x in xs]
    for a, m in zip(arrays, masks):
        if m is not None:
            set_keras_mask(a, jnp.asarray(m))
    return arrays


MASK_CASES = [
    ("Add", [True, True]),
    ("Subtract", [True, False]),
    ("Average", [True, True, True]),
    ("Multiply", [True, True]),
    ("Multiply", [True, False]),
    ("Multiply", [False, True, True]),
    ("Maximum", [True, True]),
    ("Maximum", [False, True]),
    ("Maximum", [True, True, True]),
    ("Minimum", [True, False, True]),
    ("Minimum", [True, True]),
]


@pytest.mark.parametrize("cls_name, has_mask", MASK_CASES, ids=[f"{c}-{m}" for c, m in MASK_CASES])
def test_masked_merge_matches_keras(cls_name, has_mask):
    rng = np.random.default_rng(1)
    shapes = [(3, 5, 2)] * len(has_mask)
    xs = _inputs(shapes, seed=2)
    masks = [rng.random((3, 5)) > 0.4 if h else None for h in has_mask]
    theirs_layer = getattr(keras.layers, cls_name)()
    theirs = theirs_layer(_set_keras_masks(xs, masks))
    ours_layer = getattr(layers, cls_name)()
    ours = ours_layer(xs, mask=masks)
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6, atol=1e-6)
    ours_mask = ours_layer.compute_mask(xs, masks)
    theirs_mask = theirs_layer.compute_mask(xs, [None if m is None else jnp.asarray(m) for m in masks])
    if theirs_mask is None:
        assert ours_mask is None
    else:
        np.testing.assert_array_equal(np.asarray(ours_mask), np.asarray(theirs_mask))


CONCAT_MASK_CASES = [
    ("3d-both", -1, [(2, 4, 3), (2, 4, 2)], [(2, 4), (2, 4)]),
    ("3d-one", -1, [(2, 4, 3), (2, 4, 2)], [(2, 4), None]),
    ("3d-time-axis", 1, [(2, 4, 3), (2, 2, 3)], [(2, 4), (2, 2)]),
    ("3d-time-axis-one", 1, [(2, 4, 3), (2, 2, 3)], [None, (2, 2)]),
    ("full-rank-masks", -1, [(2, 4, 3), (2, 4, 2)], [(2, 4, 3), (2, 4, 2)]),
]


@pytest.mark.parametrize("case, axis, shapes, mask_shapes", CONCAT_MASK_CASES, ids=[c[0] for c in CONCAT_MASK_CASES])
def test_concatenate_mask_matches_keras(case, axis, shapes, mask_shapes):
    rng = np.random.default_rng(3)
    xs = _inputs(shapes)
    masks = [None if s is None else rng.random(s) > 0.5 for s in mask_shapes]
    ours = layers.Concatenate(axis=axis).compute_mask(xs, masks)
    theirs = keras.layers.Concatenate(axis=axis).compute_mask(
        [jnp.asarray(x) for x in xs], [None if m is None else jnp.asarray(m) for m in masks]
    )
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))
    assert layers.Concatenate(axis=axis).compute_mask(xs, [None] * len(xs)) is None
    assert layers.Concatenate(axis=axis).compute_mask(xs, None) is None


def test_dot_mask_is_dropped():
    xs = _inputs([(2, 4, 3), (2, 4, 3)])
    assert layers.Dot(axes=2).compute_mask(xs, [np.ones((2, 4), bool)] * 2) is None


def _keras_grad(layer, xs):
    def loss(xs):
        out, _ = layer.stateless_call([], [], xs)
        return jnp.sum(jnp.sin(out))

    return jax.grad(loss)([jnp.asarray(x) for x in xs])


@pytest.mark.parametrize(
    "cls_name, kwargs, shapes",
    [("Maximum", {}, [(2, 3), (2, 3)]), ("Multiply", {}, [(2, 4, 3), (2, 3)]),
     ("Dot", {"axes": (1, 2), "normalize": True}, [(2, 3, 5), (2, 4, 3)]),
     ("Concatenate", {"axis": 1}, [(2, 3, 2), (2, 1, 2)]), ("Average", {}, [(2, 3)] * 3)],
)
def test_input_gradients_match_keras(cls_name, kwargs, shapes):
    xs = _inputs(shapes, seed=5)
    ours_layer = getattr(layers, cls_name)(**kwargs)
    theirs_layer = getattr(keras.layers, cls_name)(**kwargs)
    theirs_layer.build(shapes)
    ours = jax.grad(lambda xs: jnp.sum(jnp.sin(ours_layer(xs))))([jnp.asarray(x) for x in xs])
    theirs = _keras_grad(theirs_layer, xs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)


def test_dot_normalize_of_zero_vector_has_finite_gradient():
    x = jnp.zeros((1, 3))
    y = jnp.ones((1, 3))
    g = jax.grad(lambda x: jnp.sum(layers.Dot(axes=1, normalize=True)([x, y])))(x)
    assert np.all(np.isfinite(np.asarray(g)))
    # And the value agrees with Keras at the zero vector (a zero cosine).
    theirs = keras.layers.Dot(axes=1, normalize=True)([np.zeros((1, 3), "float32"), np.ones((1, 3), "float32")])
    np.testing.assert_allclose(np.asarray(layers.Dot(axes=1, normalize=True)([x, y])), np.asarray(theirs))


def test_merge_in_functional_model_matches_keras():
    """Two-branch model ending in each merge kind, with identical weights: identical outputs."""

    def build(lib):
        a = lib.Input(shape=(4,), name="a")
        b = lib.Input(shape=(4,), name="b")
        da = lib.layers.Dense(3, name="da")(a)
        db = lib.layers.Dense(3, name="db")(b)
        merged = [
            lib.layers.add([da, db]), lib.layers.subtract([da, db]), lib.layers.multiply([da, db]),
            lib.layers.average([da, db]), lib.layers.maximum([da, db]), lib.layers.minimum([da, db]),
            lib.layers.dot([da, db], axes=1, normalize=True), lib.layers.concatenate([da, db, a]),
        ]
        return lib.Model([a, b], merged)

    theirs = build(keras)
    ours = build(lamina)
    for name in ("da", "db"):
        ours.get_layer(name).set_weights([np.asarray(w) for w in theirs.get_layer(name).get_weights()])
    xs = _inputs([(5, 4), (5, 4)], seed=9)
    for o, t in zip(ours(xs), theirs(xs)):
        np.testing.assert_allclose(np.asarray(o), np.asarray(t), rtol=1e-5, atol=1e-5)
    assert [t.shape for t in ours.outputs] == [tuple(t.shape) for t in theirs.outputs]
