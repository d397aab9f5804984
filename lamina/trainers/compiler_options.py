"""XLA compiler options chosen per compiled function (today: YNNPACK off for convolutions on CPU).

XLA's CPU backend hands convolutions, and the products it rewrites them into, to YNNPACK by
default. For the shapes of training steps and batch inference that is 1.5-8x slower than XLA's
own Eigen kernels: the W3 VGG-style training step takes 1,275 ms with YNNPACK and 479 ms without,
and its 98x98x32 convolution 269 ms forward with YNNPACK and 32 ms without
(`benchmarks/conv_options.py`, `benchmarks/CONV_OPTIONS.md`). For one-sample inference YNNPACK
is faster (0.04 vs 0.08 ms), and dense and recurrent models gain nothing either way. So only
functions of models with convolutions that run on batches of 8 or more are compiled with YNNPACK
off. The option is given to `jax.jit` for lamina's own functions only: the user's other JAX code
keeps its defaults, and an `xla_cpu_experimental_ynn_fusion_type` set in `XLA_FLAGS` wins.

>>> from lamina import layers, models
>>> from lamina.trainers.compiler_options import for_model
>>> dense = models.Sequential([layers.Input((4,)), layers.Dense(2)])
>>> for_model(dense) is None
True
"""

import functools
import os

import jax

YNN_OFF = {"xla_cpu_experimental_ynn_fusion_type": ""}
# Below this many samples per call YNNPACK's convolutions are the faster ones (measured at 1).
MIN_BATCH = 8


def all_layers(model):
    """Every layer inside `model` (nested models and RNN cells included)."""
    out, stack = [], list(getattr(model, "_flat_layers", lambda: [])())
    while stack:
        layer = stack.pop()
        out.append(layer)
        stack.extend(layer._flat_layers())
        cell = getattr(layer, "cell", None)
        if cell is not None:
            out.append(cell)
    return out


def has_convolutions(model):
    return any("Conv" in type(layer).__name__ for layer in all_layers(model))


@functools.lru_cache(maxsize=None)
def _ynn_option_works():
    # An XLA without the option rejects it at compile time; lamina then keeps XLA's defaults.
    try:
        jax.jit(lambda x: x + 1, compiler_options=YNN_OFF)(1.0)
    except Exception:
        return False
    return True


def for_model(model, batch=None):
    """Compiler options for a function of `model` on batches of `batch` samples (None: unknown,
    as for training steps), or None for XLA's defaults."""
    if batch is not None and batch < MIN_BATCH:
        return None
    if "ynn_fusion_type" in os.environ.get("XLA_FLAGS", ""):
        return None
    if jax.default_backend() != "cpu" or not has_convolutions(model):
        return None
    return dict(YNN_OFF) if _ynn_option_works() else None


def jit(fn, options):
    """`jax.jit(fn)` with `options` when there are any."""
    return jax.jit(fn, compiler_options=options) if options else jax.jit(fn)
