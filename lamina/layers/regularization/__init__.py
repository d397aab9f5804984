from lamina.layers.regularization.dropout import Dropout

__all__ = ["Dropout"]
