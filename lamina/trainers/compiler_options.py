"""XLA compiler options chosen per compiled function (today: YNNPACK off for training convolutions).

XLA's CPU backend hands convolutions, and the products it rewrites them into, to YNNPACK by
default. In training steps that is up to 3x slower than XLA's own Eigen kernels: the W3
VGG-style step takes 1,275 ms with YNNPACK and 479 ms without, and its 98x98x32 convolution's
kernel gradient 342 ms against 62 ms (`benchmarks/conv_options.py`, `benchmarks/CONV_OPTIONS.md`);
on W2 and W6 training it is even. Inference is mixed (W2 batch predict: 27,000 samples/s with
YNNPACK, 14,000 without; W3: 245 with, 364 without), so inference keeps XLA's defaults. Only
training steps of models with convolutions, on the CPU backend, get the option, given to `jax.jit`
for lamina's own functions: the user's other JAX code keeps its defaults, and an
`xla_cpu_experimental_ynn_fusion_type` set in `XLA_FLAGS` wins.

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


def for_model(model):
    """Compiler options for `model`'s training step, or None for XLA's defaults."""
    if "ynn_fusion_type" in os.environ.get("XLA_FLAGS", ""):
        return None
    if jax.default_backend() != "cpu" or not has_convolutions(model):
        return None
    return dict(YNN_OFF) if _ynn_option_works() else None


def jit(fn, options):
    """`jax.jit(fn)` with `options` when there are any."""
    return jax.jit(fn, compiler_options=options) if options else jax.jit(fn)
