"""`BuiltinRNN`: what SimpleRNN, GRU and LSTM share on top of `RNN`.

Each builds its cell from its own arguments (the cell is named `<layer>_cell`, so weights are
`lstm/lstm_cell/kernel` as in Keras), exposes the cell's arguments as read-only attributes, and
writes them flat into its config.

>>> from lamina import layers
>>> lstm = layers.LSTM(8, dropout=0.1)
>>> lstm.units, lstm.dropout, lstm.cell.name
(8, 0.1, 'lstm_cell')
"""

from lamina import regularizers
from lamina.layers.recurrent.rnn import RNN


def _cell_property(name):
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's `{name}`.")


class BuiltinRNN(RNN):
    cell_class = None
    cell_name = None
    # Cell arguments the layer shows as attributes (and in its config).
    cell_args = ()

    def __init__(self, cell_kwargs, activity_regularizer=None, use_cudnn="auto", **kwargs):
        if use_cudnn not in ("auto", True, False):
            raise ValueError(
                f"{type(self).__name__}: `use_cudnn` must be 'auto', True or False. "
                f"Received: use_cudnn={use_cudnn!r}"
            )
        cell = self.cell_class(
            dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True), name=self.cell_name,
            implementation=kwargs.pop("implementation", 2), **cell_kwargs,
        )
        rnn_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in (
            "return_sequences", "return_state", "go_backwards", "stateful", "unroll",
            "zero_output_for_mask")}
        super().__init__(cell, activity_regularizer=activity_regularizer, **rnn_kwargs, **kwargs)
        # cuDNN kernels do not exist on this backend; XLA compiles the scan on every device.
        self.use_cudnn = use_cudnn

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell_config = self.cell.get_config()
        for k in ("name", "trainable", "dtype"):
            cell_config.pop(k, None)
        config.update(cell_config)
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            from lamina.backend import dtype_policy

            config["dtype"] = dtype_policy.get(config["dtype"])
        return cls(**config)


def add_cell_properties(cls):
    """Class decorator: one read-only property per name in `cls.cell_args`."""
    for name in cls.cell_args:
        setattr(cls, name, _cell_property(name))
    return cls


COMMON_CELL_ARGS = (
    "units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer",
    "bias_initializer", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
    "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout",
)
