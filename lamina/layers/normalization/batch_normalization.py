"""`BatchNormalization`: normalizes each feature with batch statistics (training) or moving ones.

In training (`training=True`, as in `fit`) the layer normalizes with the mean and variance of the
current batch and updates `moving_mean`/`moving_variance` by
`moving = moving * momentum + batch_stat * (1 - momentum)`. Otherwise it uses the moving values.
As in Keras 3, a layer with `trainable=False` always runs in inference mode (this is what
fine-tuning with frozen BatchNorm layers relies on).

>>> import numpy as np
>>> from lamina import layers
>>> bn = layers.BatchNormalization()
>>> y = bn(np.array([[0.0], [2.0]]), training=True)
>>> [round(float(v), 3) for v in bn.moving_mean.numpy()]
[0.01]
>>> [w.path.split("/")[-1] for w in bn.weights]
['gamma', 'beta', 'moving_mean', 'moving_variance']
"""

import jax
import jax.numpy as jnp

from lamina import config, constraints, initializers, regularizers
from lamina.layers.layer import Layer, _register
from lamina.layers.normalization import norm_utils


@_register
class BatchNormalization(Layer):
    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            if len(axis) != 1:
                raise ValueError(
                    "BatchNormalization normalizes along a single feature axis; `axis` must be an int. "
                    f"Received: axis={axis}"
                )
            axis = axis[0]
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        # One device holds the whole batch, so "synchronized" statistics are the plain ones.
        self.synchronized = synchronized
        self.renorm = renorm
        if renorm:
            renorm_clipping = dict(renorm_clipping or {})
            unknown = set(renorm_clipping) - {"rmax", "rmin", "dmax"}
            if unknown:
                raise ValueError(
                    "BatchNormalization: `renorm_clipping` accepts only the keys 'rmax', 'rmin', 'dmax'. "
                    f"Received: renorm_clipping={renorm_clipping}"
                )
            rmax, rmin, dmax = (renorm_clipping.get(k) for k in ("rmax", "rmin", "dmax"))
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError(
                    f"BatchNormalization: renorm_clipping 'rmax' must be >= 'rmin'. Received: rmax={rmax}, rmin={rmin}"
                )
            if dmax is not None and dmax < 0:
                raise ValueError(f"BatchNormalization: renorm_clipping 'dmax' must be >= 0. Received: dmax={dmax}")
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.supports_masking = True
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None
        self._ndim = None

    def _axis(self, ndim):
        if not -ndim <= self.axis < ndim:
            raise ValueError(
                f"BatchNormalization '{self.name}': axis {self.axis} is out of bounds for an input of rank "
                f"{ndim}. Received: axis={self.axis}"
            )
        return self.axis % ndim

    def build(self, input_shape):
        axis = self._axis(len(input_shape))
        dim = input_shape[axis]
        if dim is None:
            raise ValueError(
                f"BatchNormalization '{self.name}': the normalized axis {self.axis} of the input must be known. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        shape = (dim,)
        if self.scale:
            self.gamma = self.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         autocast=False)
        if self.center:
            self.beta = self.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        autocast=False)
        self.moving_mean = self.add_weight(name="moving_mean", shape=shape,
                                           initializer=self.moving_mean_initializer, trainable=False,
                                           autocast=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=shape,
                                               initializer=self.moving_variance_initializer, trainable=False,
                                               autocast=False)
        if self.renorm:
            variance_init = self.moving_variance_initializer

            def stddev_init(shape, dtype=None):
                return jnp.sqrt(variance_init(shape, dtype=dtype))

            # Batch renorm tracks the moving standard deviation and its own pair of statistics.
            self.moving_stddev = self.add_weight(name="moving_stddev", shape=shape, initializer=stddev_init,
                                                 trainable=False, autocast=False)
            self.renorm_mean = self.add_weight(name="renorm_mean", shape=shape,
                                               initializer=self.moving_mean_initializer, trainable=False,
                                               autocast=False)
            self.renorm_stddev = self.add_weight(name="renorm_stddev", shape=shape, initializer=stddev_init,
                                                 trainable=False, autocast=False)
        self._ndim = len(input_shape)
        self._dim = dim

    def compute_output_shape(self, input_shape):
        self._axis(len(input_shape))
        return input_shape

    def _check_input(self, shape):
        if self._ndim is not None and len(shape) != self._ndim:
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected ndim={self._ndim}, '
                f"found ndim={len(shape)}. Full shape received: {tuple(shape)}."
            )
        if shape[self._axis(len(shape))] != self._dim:
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected axis {self.axis} of '
                f"input shape to have value {self._dim}, but received input with shape {tuple(shape)}."
            )

    def _moments(self, x, axes, mask):
        if mask is None:
            mean = jnp.mean(x, axis=axes)
            variance = jnp.mean(jnp.square(x - jnp.expand_dims(mean, axes)), axis=axes)
            return mean, variance
        if mask.ndim != x.ndim - 1:
            raise ValueError(
                f"BatchNormalization '{self.name}': the mask must have one axis less than the inputs. "
                f"Received: mask.shape={tuple(mask.shape)}, inputs.shape={tuple(x.shape)}"
            )
        weights = jnp.broadcast_to(jnp.expand_dims(jnp.asarray(mask, bool), -1), x.shape)
        count = jnp.sum(weights.astype(x.dtype), axis=axes) + config.epsilon()
        mean = jnp.sum(jnp.where(weights, x, 0), axis=axes) / count
        centered = jnp.where(weights, x - jnp.expand_dims(mean, axes), 0)
        return mean, jnp.sum(jnp.square(centered), axis=axes) / count

    def _renorm(self, mean, variance, gamma, beta):
        """Batch renormalization: corrects batch statistics toward the renorm moving ones."""
        stddev = jnp.sqrt(variance + self.epsilon)
        renorm_mean = self.renorm_mean.value.astype(mean.dtype)
        renorm_stddev = self.renorm_stddev.value.astype(mean.dtype)
        floor = jnp.maximum(renorm_stddev, jnp.sqrt(jnp.asarray(self.epsilon, mean.dtype)))
        r = stddev / floor
        d = (mean - renorm_mean) / floor
        clip = self.renorm_clipping
        if clip.get("rmin") is not None:
            r = jnp.maximum(r, clip["rmin"])
        if clip.get("rmax") is not None:
            r = jnp.minimum(r, clip["rmax"])
        if clip.get("dmax") is not None:
            d = jnp.clip(d, -clip["dmax"], clip["dmax"])
        r, d = jax.lax.stop_gradient(r), jax.lax.stop_gradient(d)
        new_gamma = r if gamma is None else r * gamma
        new_beta = d if gamma is None else d * gamma
        if beta is not None:
            new_beta = new_beta + beta
        m = self.renorm_momentum
        self.renorm_mean.assign(renorm_mean * m + mean * (1.0 - m))
        self.renorm_stddev.assign(renorm_stddev * m + stddev * (1.0 - m))
        moving_stddev = self.moving_stddev.value.astype(mean.dtype) * self.momentum + stddev * (1.0 - self.momentum)
        self.moving_stddev.assign(moving_stddev)
        self.moving_mean.assign(self.moving_mean.value.astype(mean.dtype) * self.momentum
                                + mean * (1.0 - self.momentum))
        self.moving_variance.assign(jnp.maximum(moving_stddev * moving_stddev - self.epsilon, 0.0))
        return new_gamma, new_beta

    def call(self, inputs, training=None, mask=None):
        self._check_input(inputs.shape)
        x = inputs.astype(norm_utils.compute_dtype_for(inputs))
        axis = self._axis(x.ndim)
        reduce_axes = tuple(i for i in range(x.ndim) if i != axis)
        gamma = None if self.gamma is None else self.gamma.value.astype(x.dtype)
        beta = None if self.beta is None else self.beta.value.astype(x.dtype)
        if training and self.trainable:
            mean, variance = self._moments(x, reduce_axes, mask)
            if self.renorm:
                gamma, beta = self._renorm(mean, variance, gamma, beta)
            else:
                m = self.momentum
                self.moving_mean.assign(self.moving_mean.value.astype(x.dtype) * m + mean * (1.0 - m))
                self.moving_variance.assign(self.moving_variance.value.astype(x.dtype) * m + variance * (1.0 - m))
        else:
            mean = self.moving_mean.value.astype(x.dtype)
            variance = self.moving_variance.value.astype(x.dtype)
        shape = [1] * x.ndim
        shape[axis] = -1
        inv = jax.lax.rsqrt(variance + self.epsilon)
        if gamma is not None:
            inv = inv * gamma
        shift = -mean * inv
        if beta is not None:
            shift = shift + beta
        outputs = x * jnp.reshape(inv, shape) + jnp.reshape(shift, shape)
        return outputs.astype(self.compute_dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        }

    @classmethod
    def from_config(cls, config):
        config = norm_utils.deserialize_gamma_beta(
            config, ("moving_mean_initializer", "moving_variance_initializer")
        )
        return super().from_config(config)
