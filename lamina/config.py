"""Global settings: float type, fuzz factor, image layout, and the backend name.

>>> import lamina
>>> lamina.config.floatx()
'float32'
"""

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_VALID_FLOATX = ("float16", "bfloat16", "float32", "float64")


def floatx():
    """The default float dtype for weights and inputs (`'float32'`)."""
    return _FLOATX


def set_floatx(value):
    global _FLOATX
    if value not in _VALID_FLOATX:
        raise ValueError(
            f"set_floatx() got an unknown dtype. Expected one of {_VALID_FLOATX}. Received: value={value!r}"
        )
    _FLOATX = str(value)


def epsilon():
    """The fuzz factor added to denominators (`1e-7`)."""
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def image_data_format():
    """`'channels_last'` (default) or `'channels_first'`."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    global _IMAGE_DATA_FORMAT
    data_format = str(data_format).lower()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "set_image_data_format() expects 'channels_last' or 'channels_first'. "
            f"Received: data_format={data_format!r}"
        )
    _IMAGE_DATA_FORMAT = data_format


def standardize_data_format(data_format):
    if data_format is None:
        return image_data_format()
    data_format = str(data_format).lower()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "data_format must be 'channels_last' or 'channels_first'. "
            f"Received: data_format={data_format!r}"
        )
    return data_format


def backend():
    """The name of the compute backend. lamina always runs on JAX."""
    return "jax"


def set_dtype_policy(policy):
    from lamina.backend.dtype_policy import set_dtype_policy as _set

    _set(policy)


def dtype_policy():
    from lamina.backend.dtype_policy import dtype_policy as _get

    return _get()


def enable_unsafe_deserialization():
    """Allows loading Lambda bytecode from files (only for files you trust)."""
    from lamina.saving.safe_mode import enable_unsafe_deserialization as _enable

    _enable()
