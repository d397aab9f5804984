"""`EinsumDense`: a dense layer written as an einsum, `activation(einsum(equation, x, kernel) + bias)`.

The equation names the input, kernel and output axes (`"abc,cde->abde"`); a leading or trailing
`...` stands for axes passed through unchanged. `output_shape` gives the output's sizes after the
first (batch) axis; `None` entries are taken from the input. `bias_axes` names the output axes
the bias spans. Keras's multi-head attention projections are EinsumDense layers.

>>> import numpy as np
>>> from lamina import layers
>>> layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 4), bias_axes="de")
>>> layer(np.ones((3, 5, 6))).shape
(3, 5, 2, 4)
>>> [tuple(w.shape) for w in layer.weights]
[(6, 2, 4), (2, 4)]
"""

import re

import jax.numpy as jnp

from lamina import activations, constraints, initializers, regularizers
from lamina.initializers.initializer import VarianceScaling
from lamina.layers.layer import Layer, _register

_FORMS = (
    (r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", None),
    (r"\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)", "left"),
    (r"([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\.", "right"),
)


def analyze_equation(equation, bias_axes, input_shape, output_shape):
    """Kernel shape, bias shape, full output shape and the kernel's input/output axes.

    Returns `(kernel_shape, bias_shape or None, full_output_shape, input_axes, output_axes)`.
    """
    eq = equation.replace(" ", "")
    found = [(m, side) for m, side in ((re.fullmatch(p, eq), side) for p, side in _FORMS) if m]
    if not found:
        raise ValueError(
            f"EinsumDense: invalid equation {equation!r}. Expected the form 'X,Y->Z', '...X,Y->...Z' "
            "or 'X...,Y->Z...' with letters for axes."
        )
    match, elided_side = found[0]
    in_spec, w_spec, out_spec = match.groups()
    input_shape = tuple(input_shape)
    elided = len(input_shape) - len(in_spec)
    if elided < 0 or (elided > 0 and elided_side is None):
        raise ValueError(
            f"EinsumDense: equation {equation!r} expects inputs of rank {len(in_spec)}. "
            f"Received: input_shape={input_shape}"
        )
    partial = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    full = [input_shape[0]] + partial
    if elided_side == "left":
        full[1:1] = list(input_shape[1:elided])
    elif elided_side == "right":
        full += list(input_shape[len(input_shape) - elided:])
    in_offset = elided if elided_side == "left" else 0
    out_offset = elided if elided_side == "left" else 0
    in_pos = {c: i + in_offset for i, c in enumerate(in_spec)}
    out_pos = {c: i + out_offset for i, c in enumerate(out_spec)}
    if len(full) != len(out_spec) + (elided if elided_side else 0):
        raise ValueError(
            f"EinsumDense: `output_shape` must give one size per output axis after the batch axis "
            f"of {equation!r}. Received: output_shape={output_shape}"
        )
    for c in in_spec:
        if c in out_pos:
            size_in, size_out = input_shape[in_pos[c]], full[out_pos[c]]
            if size_out is None:
                full[out_pos[c]] = size_in
            elif size_in is not None and size_in != size_out:
                raise ValueError(
                    f"EinsumDense: axis '{c}' is shared by input and output but the sizes differ: "
                    f"input {size_in}, output {size_out}. Fix `output_shape` or the equation."
                )
    for c in out_spec:
        if c not in in_spec and c not in w_spec:
            raise ValueError(
                f"EinsumDense: output axis '{c}' of {equation!r} appears in neither the input nor "
                "the kernel."
            )
    kernel_shape, input_axes, output_axes = [], [], []
    for i, c in enumerate(w_spec):
        if c in out_pos:
            kernel_shape.append(full[out_pos[c]])
            output_axes.append(i)
        elif c in in_pos:
            kernel_shape.append(input_shape[in_pos[c]])
            input_axes.append(i)
        else:
            raise ValueError(
                f"EinsumDense: kernel axis '{c}' of {equation!r} appears in neither the input nor "
                "the output, so its size is unknown."
            )
    bias_shape = None
    if bias_axes:
        for c in bias_axes:
            if c not in out_spec:
                raise ValueError(
                    f"EinsumDense: bias axis '{c}' is not an output axis of {equation!r}. "
                    f"Received: bias_axes={bias_axes!r}"
                )
        first = min(out_spec.index(c) for c in bias_axes)
        bias_shape = [full[out_pos[c]] if c in bias_axes else 1 for c in out_spec[first:]]
        if elided_side == "right":
            bias_shape += [1] * elided
    return kernel_shape, bias_shape, full, input_axes, output_axes


@_register
class EinsumDense(Layer):
    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 lora_alpha=None, quantization_config=None, **kwargs):
        super().__init__(**kwargs)
        if lora_rank is not None or quantization_config is not None:
            raise ValueError(
                "EinsumDense: LoRA (`lora_rank`) and quantization are not supported by lamina. "
                f"Received: lora_rank={lora_rank}, quantization_config={quantization_config}"
            )
        self.equation = equation
        self.partial_output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        kernel_shape, bias_shape, _, in_axes, out_axes = analyze_equation(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape)
        init = self.kernel_initializer
        if isinstance(init, VarianceScaling) and (init.input_axes is None or init.output_axes is None):
            # Fans come from the axes the kernel contracts and produces, not from its rank.
            init = type(init).from_config({**init.get_config(), "input_axes": in_axes, "output_axes": out_axes})
        self.kernel = self.add_weight(name="kernel", shape=tuple(kernel_shape), initializer=init,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = None
        if bias_shape is not None:
            self.bias = self.add_weight(name="bias", shape=tuple(bias_shape), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self._input_rank = len(input_shape)

    def call(self, inputs):
        if inputs.ndim != self._input_rank:
            raise ValueError(
                f"EinsumDense '{self.name}' was built for inputs of rank {self._input_rank}. "
                f"Received: inputs.shape={tuple(inputs.shape)}"
            )
        y = jnp.einsum(self.equation, inputs, self.kernel.value)
        if self.bias is not None:
            y = y + self.bias.value
        return self.activation(y)

    def compute_output_shape(self, input_shape):
        return tuple(analyze_equation(self.equation, self.bias_axes, input_shape, self.partial_output_shape)[2])

    def get_config(self):
        return {
            **super().get_config(),
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": None,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for k in ("kernel_initializer", "bias_initializer"):
            config[k] = initializers.get(config.get(k)) if config.get(k) is not None else None
        for k in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
            config[k] = regularizers.get(config.get(k))
        for k in ("kernel_constraint", "bias_constraint"):
            config[k] = constraints.get(config.get(k))
        config["activation"] = activations.deserialize(config.get("activation"))
        return super().from_config(config)
