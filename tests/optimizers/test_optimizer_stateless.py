"""The jitted paths (`stateless_apply`, and `apply` inside a `StatelessScope` as the trainer runs
it) give the same numbers as eager `apply`, trace once, and create no variables."""

import jax
import numpy as np
import pytest

from lamina import optimizers
from lamina.backend import StatelessScope, Variable

CASES = {
    "sgd-nesterov-keras2-decay": lambda: optimizers.SGD(lr=0.1, decay=0.2, momentum=0.9,
                                                        nesterov=True),
    "rmsprop-centered-momentum": lambda: optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    "adagrad": lambda: optimizers.Adagrad(0.1, clipvalue=0.3),
    "adadelta": lambda: optimizers.Adadelta(1.0, weight_decay=0.1),
    "adam-ema-accumulation-schedule": lambda: optimizers.Adam(
        optimizers.schedules.CosineDecay(0.01, 4, warmup_target=0.1, warmup_steps=2),
        use_ema=True, ema_overwrite_frequency=2, gradient_accumulation_steps=2,
    ),
    "adamw-amsgrad-clipnorm": lambda: optimizers.AdamW(0.1, amsgrad=True, clipnorm=0.5),
    "adamax-global-clipnorm": lambda: optimizers.Adamax(0.1, global_clipnorm=1.0),
    "nadam": lambda: optimizers.Nadam(0.1, loss_scale_factor=2.0),
    "lion": lambda: optimizers.Lion(0.1, weight_decay=0.1),
    "ftrl": lambda: optimizers.Ftrl(0.1, l1_regularization_strength=0.01, beta=0.1),
}
STEPS = 4


def _setup(rng, missing_gradient=False):
    init = [rng.normal(size=(3, 2)).astype("float32"), rng.normal(size=(2,)).astype("float32")]
    grads = [[rng.normal(size=v.shape).astype("float32") for v in init] for _ in range(STEPS)]
    if missing_gradient:
        grads[1][1] = None
    return init, grads


def _eager(make, init, grads):
    variables = [Variable(v, name=f"w{i}") for i, v in enumerate(init)]
    opt = make()
    for g in grads:
        opt.apply(g, variables)
    return [v.numpy() for v in variables], [v.numpy() for v in opt.variables]


def _trainer_step(opt, variables):
    """What the trainer does: map every variable to a traced value, apply, read back."""

    def step(tv, ov, g):
        mapping = list(zip(variables, tv)) + list(zip(opt.variables, ov))
        with StatelessScope(mapping) as scope:
            opt.apply(g, variables)
        return (
            [scope.get_current_value(v) for v in variables],
            [scope.get_current_value(v) for v in opt.variables],
        )

    return step


@pytest.mark.parametrize("mode", ["stateless_apply", "trainer_scope"])
@pytest.mark.parametrize("name", list(CASES))
def test_jitted_paths_match_eager_apply(name, mode, rng):
    init, grads = _setup(rng)
    want_vars, want_slots = _eager(CASES[name], init, grads)

    variables = [Variable(v, name=f"w{i}") for i, v in enumerate(init)]
    opt = CASES[name]()
    opt.build(variables)  # eagerly, before tracing
    n_slots = len(opt.variables)
    traces = []
    inner = opt.stateless_apply if mode == "stateless_apply" else _trainer_step(opt, variables)

    def step(tv, ov, g):
        traces.append(1)
        if mode == "stateless_apply":
            return inner(ov, g, tv)
        return inner(tv, ov, g)

    step = jax.jit(step)
    tv = [v.value for v in variables]
    ov = [v.value for v in opt.variables]
    for g in grads:
        tv, ov = step(tv, ov, g)

    assert len(traces) == 1, f"retraced {len(traces)} times"
    assert len(opt.variables) == n_slots, "apply created variables while traced"
    # The pure path leaves the Variables themselves untouched.
    np.testing.assert_array_equal(variables[0].numpy(), init[0])
    assert int(np.asarray(opt.iterations)) == 0
    for got, want, var in zip(tv, want_vars, variables):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-6, err_msg=var.path)
    for got, want, var in zip(ov, want_slots, opt.variables):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-6, err_msg=var.path)


def test_stateless_apply_with_a_missing_gradient_matches_eager(rng):
    # Missing gradients are skipped the same way in the pure path as eagerly.
    init, grads = _setup(rng, missing_gradient=True)
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        want_vars, want_slots = _eager(CASES["adamw-amsgrad-clipnorm"], init, grads)
    variables = [Variable(v, name=f"w{i}") for i, v in enumerate(init)]
    opt = CASES["adamw-amsgrad-clipnorm"]()
    opt.build(variables)
    tv = [v.value for v in variables]
    ov = [v.value for v in opt.variables]
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        for g in grads:
            tv, ov = jax.jit(opt.stateless_apply)(ov, g, tv)
    for got, want in zip(tv + ov, want_vars + want_slots):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-6)


def test_stateless_apply_requires_build_and_matching_lengths():
    w = Variable(np.zeros(2), name="w")
    opt = optimizers.Adam()
    with pytest.raises(ValueError, match="build"):
        opt.stateless_apply([], [np.ones(2)], [np.zeros(2)])
    opt.build([w])
    with pytest.raises(ValueError, match="optimizer_variables"):
        opt.stateless_apply([], [np.ones(2)], [np.zeros(2)])
    with pytest.raises(ValueError, match="trainable_variables"):
        opt.stateless_apply([v.value for v in opt.variables], [np.ones(2)], [])


def test_apply_in_a_scope_before_build_is_an_error():
    w = Variable(np.zeros(2), name="w")
    opt = optimizers.SGD(momentum=0.9)
    with StatelessScope([(w, np.zeros(2, "float32"))]):
        with pytest.raises(ValueError, match="build"):
            opt.apply([np.ones(2)], [w])
    assert len(opt.variables) == 2 and not opt.built
