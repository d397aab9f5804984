from lamina.layers.core.activation import Activation
from lamina.layers.core.dense import Dense
from lamina.layers.core.embedding import Embedding
from lamina.layers.core.identity import Identity
from lamina.layers.core.input_layer import Input, InputLayer
from lamina.layers.core.jax_layer import JaxLayer
from lamina.layers.core.lambda_layer import Lambda
from lamina.layers.core.reversible_embedding import ReversibleEmbedding
from lamina.layers.core.wrapper import Wrapper

__all__ = ["Activation", "Dense", "Embedding", "Identity", "Input", "InputLayer", "JaxLayer", "Lambda",
           "ReversibleEmbedding", "Wrapper"]
