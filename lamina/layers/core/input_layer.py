"""`Input` and `InputLayer`: where a functional graph starts.

>>> import lamina as keras
>>> keras.Input(shape=784).shape
(None, 784)
"""

import numpy as np

from lamina.backend.dtypes import standardize_dtype
from lamina.backend.keras_tensor import KerasTensor
from lamina.layers.layer import Layer, _register
from lamina.ops.node import Node


def _normalize_shape(shape, arg="shape"):
    if shape is None:
        return None
    if isinstance(shape, (int, np.integer)):
        # Keras 2 accepted `Input(shape=784)`; a bare int means a 1-D sample.
        return (int(shape),)
    try:
        shape = tuple(shape)
    except TypeError:
        raise ValueError(
            f"Input: `{arg}` must be a tuple of ints or None (the batch axis excluded). "
            f"Received: {arg}={shape!r}"
        ) from None
    for d in shape:
        if d is not None and (not isinstance(d, (int, np.integer)) or d < 0):
            raise ValueError(
                f"Input: `{arg}` must contain non-negative ints or None. Received: {arg}={shape!r}"
            )
    return tuple(None if d is None else int(d) for d in shape)


@_register
class InputLayer(Layer):
    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, ragged=None, **kwargs):
        # Keras 2 spellings.
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError(
                "InputLayer: give either `shape` or `batch_shape`, not both. "
                f"Received: shape={shape}, batch_shape={batch_shape}"
            )
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise ValueError(
                    f"InputLayer: `input_tensor` must be a symbolic KerasTensor. Received: {input_tensor!r}"
                )
            batch_shape = input_tensor.shape
        elif batch_shape is not None:
            batch_shape = _normalize_shape(batch_shape, "batch_shape")
        else:
            if shape is None:
                raise ValueError(
                    "Input needs a `shape` (without the batch axis), e.g. keras.Input(shape=(784,)). "
                    "Received: shape=None"
                )
            batch_shape = (batch_size,) + _normalize_shape(shape)
        self._batch_shape = tuple(batch_shape)
        self._dtype = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.optional = optional
        self.built = True
        if input_tensor is None:
            input_tensor = KerasTensor(self._batch_shape, dtype=self._dtype, name=self.name)
        self._input_tensor = input_tensor
        Node(self, call_args=(), call_kwargs={}, outputs=input_tensor)

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def dtype(self):
        return self._dtype

    def call(self):
        return None

    @property
    def output(self):
        return self._input_tensor

    def get_config(self):
        return {
            "batch_shape": list(self._batch_shape),
            "dtype": self._dtype,
            "sparse": self.sparse,
            "ragged": False,
            "name": self.name,
            "optional": self.optional,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None,
          tensor=None, optional=False, ragged=None, **kwargs):
    """A symbolic input: the start of a functional model.

    >>> import lamina as keras
    >>> x = keras.Input(shape=(28, 28, 1), name="image")
    >>> x.shape
    (None, 28, 28, 1)
    """
    if "batch_input_shape" in kwargs:
        batch_shape = kwargs.pop("batch_input_shape")
    if kwargs:
        raise ValueError(f"Input() got unexpected arguments: {sorted(kwargs)}. Valid: shape, batch_size, "
                         "dtype, sparse, batch_shape, name, tensor, optional.")
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, name=name, input_tensor=tensor, optional=optional)
    return layer.output
