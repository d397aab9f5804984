from lamina.layers.core.activation import Activation
from lamina.layers.core.dense import Dense
from lamina.layers.core.identity import Identity
from lamina.layers.core.input_layer import Input, InputLayer

__all__ = ["Activation", "Dense", "Identity", "Input", "InputLayer"]
