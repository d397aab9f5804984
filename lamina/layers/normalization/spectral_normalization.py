"""`SpectralNormalization`: keeps a wrapped layer's kernel at spectral norm ~1 (Miyato et al., 2018).

The wrapped layer must have a `kernel` (Dense, Conv*, EinsumDense, ...) or an `embeddings`
weight (Embedding). The wrapper adds the non-trainable `vector_u`, shape `(1, kernel.shape[-1])`,
an estimate of the kernel's leading right singular vector. Each training-mode call refines it by
`power_iterations` steps of power iteration on the kernel reshaped to `(-1, kernel.shape[-1])`,
estimates the largest singular value `sigma`, and assigns `kernel / sigma` to the kernel before
running the layer. Inference-mode calls run the layer with the kernel as it is. An all-zero kernel
is left unchanged. Same weights, update rule and ordering as Keras 3.

>>> import numpy as np
>>> from lamina import layers
>>> sn = layers.SpectralNormalization(layers.Dense(4, name="dense"), power_iterations=20,
...                                   name="spectral_normalization")
>>> sn(np.ones((2, 3)), training=True).shape
(2, 4)
>>> [w.path for w in sn.weights]
['spectral_normalization/dense/kernel', 'spectral_normalization/vector_u', 'spectral_normalization/dense/bias']
>>> round(float(np.linalg.norm(sn.layer.kernel.numpy(), 2)), 1)
1.0
"""

import jax
import jax.numpy as jnp

from lamina import config, initializers
from lamina.backend.keras_tensor import KerasTensor
from lamina.layers.core.wrapper import Wrapper
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import _register


def _l2_normalize(x):
    # Whole-array L2 normalization with the inverse norm capped at 1/epsilon (as Keras computes it),
    # so a zero vector stays zero instead of becoming NaN.
    inv_norm = jax.lax.rsqrt(jnp.sum(jnp.square(x)))
    return x * jnp.minimum(inv_norm, jnp.asarray(1.0 / config.epsilon(), x.dtype))


@_register
class SpectralNormalization(Wrapper):
    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if not isinstance(power_iterations, int) or isinstance(power_iterations, bool) or power_iterations <= 0:
            raise ValueError(
                "SpectralNormalization: `power_iterations` must be a positive int (the number of "
                f"power-iteration steps per training call). Received: power_iterations={power_iterations!r}"
            )
        self.power_iterations = power_iterations

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        kernel = getattr(self.layer, "kernel", None)
        if kernel is None:
            kernel = getattr(self.layer, "embeddings", None)
        if kernel is None or not hasattr(kernel, "assign"):
            raise ValueError(
                f"SpectralNormalization '{self.name}': the wrapped layer {type(self.layer).__name__} "
                f"'{self.layer.name}' has no `kernel` or `embeddings` weight to normalize. Wrap a "
                "layer that has one (Dense, Conv2D, EinsumDense, Embedding, ...)."
            )
        # Tracked as this layer's own weight too (Keras's weight order and saved layout).
        self.kernel = kernel
        self.kernel_shape = tuple(kernel.shape)
        self.vector_u = self.add_weight(
            shape=(1, self.kernel_shape[-1]),
            initializer=initializers.TruncatedNormal(stddev=0.02),
            trainable=False,
            name="vector_u",
            dtype=kernel.dtype,
        )

    def normalized_weights(self):
        """The updated `(vector_u, kernel)`: one power-iteration refinement, then `kernel / sigma`."""
        kernel = self.kernel.value.astype(self.kernel.dtype)
        weights = kernel.reshape(-1, self.kernel_shape[-1])
        vector_u = self.vector_u.value
        for _ in range(self.power_iterations):
            vector_v = _l2_normalize(vector_u @ weights.T)
            vector_u = _l2_normalize(vector_v @ weights)
        # sigma is a constant-direction estimate: gradients flow through the kernel only.
        vector_u = jax.lax.stop_gradient(vector_u)
        vector_v = jax.lax.stop_gradient(vector_v)
        sigma = (vector_v @ weights) @ vector_u.T
        new_kernel = (kernel / sigma).reshape(self.kernel_shape)
        return vector_u.astype(self.vector_u.dtype), new_kernel.astype(self.kernel.dtype)

    def call(self, inputs, training=False):
        if training:
            kernel = self.kernel.value.astype(self.kernel.dtype)
            new_u, new_kernel = jax.lax.cond(
                jnp.all(kernel == 0),
                lambda: (self.vector_u.value, kernel),
                self.normalized_weights,
            )
            self.vector_u.assign(new_u)
            self.kernel.assign(new_kernel)
        output = self.layer(inputs)
        # Keras casts the output to the input dtype; done for float inputs only, since an
        # Embedding's integer ids would otherwise truncate its vectors to integers.
        if jnp.issubdtype(inputs.dtype, jnp.floating):
            output = output.astype(inputs.dtype)
        return output

    def compute_output_shape(self, input_shape):
        return tuple(self.layer.compute_output_shape(input_shape))

    def compute_output_spec(self, inputs, training=None):
        spec = self.layer.compute_output_spec(inputs)
        dtype = inputs.dtype if jnp.issubdtype(inputs.dtype, jnp.floating) else spec.dtype
        return KerasTensor(tuple(spec.shape), dtype=dtype)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}
