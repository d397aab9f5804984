"""Math ops (`keras.ops` names): segment reductions, top-k, special functions, FFT and STFT.

Complex results are returned as `(real, imag)` pairs of float arrays, as in Keras.

>>> from lamina import ops
>>> ops.segment_sum([1.0, 2.0, 3.0], [0, 0, 1], num_segments=2).tolist()
[3.0, 3.0]
"""

import jax
import jax.numpy as jnp
import numpy as np

from lamina.ops.dispatch import keras_op
from lamina.ops.numpy import _float, _t  # the shared conversions (Python floats -> floatx)


# -- segment reductions --------------------------------------------------------------------------
def _segment(jfn, name, empty):
    def f(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002 - Keras name
        data, segment_ids = _t(data), _t(segment_ids)
        if num_segments is None:
            # Only possible eagerly: the number of segments sets the output shape.
            num_segments = int(jnp.max(segment_ids)) + 1 if segment_ids.size else 0
        return jfn(data, segment_ids, num_segments, indices_are_sorted=sorted)

    f.__name__ = name
    f.__doc__ = (
        f"The {name[8:]} of the rows of `data` that share a segment id ({empty} for an empty "
        "segment).\n\n"
        f"    >>> from lamina import ops\n"
        f"    >>> ops.{name}([1.0, 2.0, 4.0], [0, 0, 1], num_segments=2).shape\n    (2,)\n"
    )
    return keras_op(f)


segment_sum = _segment(jax.ops.segment_sum, "segment_sum", "0")
segment_prod = _segment(jax.ops.segment_prod, "segment_prod", "1")
segment_max = _segment(jax.ops.segment_max, "segment_max", "the dtype's lowest value")
segment_min = _segment(jax.ops.segment_min, "segment_min", "the dtype's highest value")


# -- top-k ---------------------------------------------------------------------------------------
@keras_op
def top_k(x, k, sorted=True):  # noqa: A002 - Keras name
    """`(values, indices)` of the `k` largest entries along the last axis (always sorted).

    >>> from lamina import ops
    >>> values, indices = ops.top_k([1.0, 3.0, 2.0], 2)
    >>> values.tolist(), indices.tolist()
    ([3.0, 2.0], [1, 2])
    """
    values, indices = jax.lax.top_k(_t(x), k)
    return values, indices.astype("int32")


@keras_op
def in_top_k(targets, predictions, k):
    """Whether each target class is among the `k` highest predictions (ties count as in).

    >>> from lamina import ops
    >>> ops.in_top_k([1, 0], [[0.1, 0.9], [0.2, 0.8]], 1).tolist()
    [True, False]
    """
    targets, predictions = _t(targets), _t(predictions)
    target_scores = jnp.take_along_axis(predictions, targets[:, None].astype("int32"), axis=-1)
    return jnp.sum(predictions > target_scores, axis=-1) < k


# -- special functions ---------------------------------------------------------------------------
@keras_op
def logsumexp(x, axis=None, keepdims=False):
    """`log(sum(exp(x)))` over `axis`, computed stably.

    >>> from lamina import ops
    >>> round(float(ops.logsumexp([0.0, 0.0])), 4)
    0.6931
    """
    return jax.nn.logsumexp(_float(x), axis=axis, keepdims=keepdims)


@keras_op
def erf(x):
    """The Gauss error function.

    >>> from lamina import ops
    >>> float(ops.erf([0.0])[0])
    0.0
    """
    return jax.scipy.special.erf(_float(x))


@keras_op
def erfc(x):
    """The complementary error function `1 - erf(x)`.

    >>> from lamina import ops
    >>> float(ops.erfc([0.0])[0])
    1.0
    """
    return jax.scipy.special.erfc(_float(x))


@keras_op
def erfinv(x):
    """The inverse error function.

    >>> from lamina import ops
    >>> float(ops.erfinv([0.0])[0])
    0.0
    """
    return jax.scipy.special.erfinv(_float(x))


@keras_op
def rsqrt(x):
    """Elementwise `1 / sqrt(x)`.

    >>> from lamina import ops
    >>> ops.rsqrt([4.0]).tolist()
    [0.5]
    """
    return jax.lax.rsqrt(_float(x))


@keras_op
def logdet(x):
    """`log|det(x)|` of (batches of) square matrices.

    >>> from lamina import ops
    >>> round(float(ops.logdet(ops.eye(2) * 2)), 4)
    1.3863
    """
    return jnp.linalg.slogdet(_float(x))[1]


@keras_op
def cdist(x, y):
    """Euclidean distances between the rows of `x` (..., n, d) and of `y` (..., m, d).

    >>> from lamina import ops
    >>> ops.cdist([[0.0, 0.0]], [[3.0, 4.0]]).tolist()
    [[5.0]]
    """
    x, y = _float(x), _float(y)
    diff = x[..., :, None, :] - y[..., None, :, :]
    return jnp.sqrt(jnp.sum(jnp.square(diff), axis=-1))


# -- complex views -------------------------------------------------------------------------------
@keras_op
def view_as_complex(x):
    """A complex array from `x` whose last axis (of length 2) holds (real, imag).

    >>> from lamina import ops
    >>> complex(ops.view_as_complex([[1.0, 2.0]])[0])
    (1+2j)
    """
    x = _float(x)
    if x.shape[-1:] != (2,):
        raise ValueError(
            f"view_as_complex() expects a last axis of length 2 (real, imag). Received: x.shape={x.shape}"
        )
    return jax.lax.complex(x[..., 0], x[..., 1])


@keras_op
def view_as_real(x):
    """The (real, imag) parts of complex `x` stacked on a new last axis.

    >>> from lamina import ops
    >>> ops.view_as_real(ops.view_as_complex([[1.0, 2.0]])).tolist()
    [[1.0, 2.0]]
    """
    x = _t(x)
    return jnp.stack([jnp.real(x), jnp.imag(x)], axis=-1)


# -- FFT -----------------------------------------------------------------------------------------
def _complex_input(x, name):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(
            f"{name}() expects `x` as a tuple (real, imag) of two float arrays. Received: x={x!r}"
        )
    real, imag = _float(x[0]), _float(x[1])
    if real.shape != imag.shape:
        raise ValueError(
            f"{name}() expects the real and imaginary parts to share a shape. "
            f"Received: real.shape={real.shape}, imag.shape={imag.shape}"
        )
    dtype = jnp.result_type(real, imag)
    compute = "float32" if dtype in (jnp.float16, jnp.bfloat16) else dtype
    return jax.lax.complex(real.astype(compute), imag.astype(compute)), dtype


def _split(z, dtype):
    return jnp.real(z).astype(dtype), jnp.imag(z).astype(dtype)


@keras_op
def fft(x):
    """FFT along the last axis of the complex input `x = (real, imag)`; returns `(real, imag)`.

    >>> from lamina import ops
    >>> real, imag = ops.fft((ops.ones((4,)), ops.zeros((4,))))
    >>> real.tolist()
    [4.0, 0.0, 0.0, 0.0]
    """
    z, dtype = _complex_input(x, "fft")
    return _split(jnp.fft.fft(z, axis=-1), dtype)


@keras_op
def fft2(x):
    """2-D FFT over the last two axes of `x = (real, imag)`; returns `(real, imag)`.

    >>> from lamina import ops
    >>> real, imag = ops.fft2((ops.ones((2, 2)), ops.zeros((2, 2))))
    >>> real.tolist()
    [[4.0, 0.0], [0.0, 0.0]]
    """
    z, dtype = _complex_input(x, "fft2")
    return _split(jnp.fft.fft2(z, axes=(-2, -1)), dtype)


@keras_op
def ifft2(x):
    """Inverse 2-D FFT over the last two axes of `x = (real, imag)`; returns `(real, imag)`.

    >>> from lamina import ops
    >>> real, imag = ops.ifft2(ops.fft2((ops.ones((2, 2)), ops.zeros((2, 2)))))
    >>> real.tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    z, dtype = _complex_input(x, "ifft2")
    return _split(jnp.fft.ifft2(z, axes=(-2, -1)), dtype)


def _real_float(x):
    x = _float(x)
    dtype = x.dtype
    compute = "float32" if dtype in (jnp.float16, jnp.bfloat16) else dtype
    return x.astype(compute), dtype


@keras_op
def rfft(x, fft_length=None):
    """FFT of real `x` along the last axis (the non-negative frequencies); returns `(real, imag)`.

    >>> from lamina import ops
    >>> real, imag = ops.rfft(ops.ones((4,)))
    >>> real.tolist()
    [4.0, 0.0, 0.0]
    """
    x, dtype = _real_float(x)
    return _split(jnp.fft.rfft(x, n=fft_length, axis=-1), dtype)


@keras_op
def irfft(x, fft_length=None):
    """Inverse of `rfft`: a real signal (of length `fft_length`) from `x = (real, imag)`.

    >>> from lamina import ops
    >>> ops.irfft(ops.rfft(ops.ones((4,)))).tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    z, dtype = _complex_input(x, "irfft")
    return jnp.fft.irfft(z, n=fft_length, axis=-1).astype(dtype)


# -- framing and STFT ----------------------------------------------------------------------------
def _frame(x, length, stride):
    """Frames of `length` samples every `stride` samples along the last axis."""
    count = 1 + (x.shape[-1] - length) // stride
    index = np.arange(count)[:, None] * stride + np.arange(length)[None, :]
    return x[..., index]


@keras_op
def extract_sequences(x, sequence_length, sequence_stride):
    """Overlapping windows of `sequence_length` samples every `sequence_stride` (last axis).

    >>> from lamina import ops
    >>> ops.extract_sequences(ops.arange(6), 3, 2).tolist()
    [[0, 1, 2], [2, 3, 4]]
    """
    x = _t(x)
    if x.ndim < 1 or x.shape[-1] < sequence_length:
        raise ValueError(
            "extract_sequences() needs at least `sequence_length` samples on the last axis. "
            f"Received: x.shape={x.shape}, sequence_length={sequence_length}"
        )
    return _frame(x, int(sequence_length), int(sequence_stride))


_WINDOWS = ("hann", "hamming")


def _stft_window(window, sequence_length, fft_length, dtype):
    """The analysis window, centred and zero-padded to `fft_length` (None when no window)."""
    if window is None:
        return None
    if isinstance(window, str):
        if window not in _WINDOWS:
            raise ValueError(
                f"`window` must be one of {_WINDOWS}, an array, or None. Received: window={window!r}"
            )
        # Periodic windows (as used for spectral analysis): the symmetric window of length n+1
        # without its last sample.
        n = np.arange(sequence_length)
        a = 0.5 if window == "hann" else 0.54
        win = jnp.asarray(a - (1 - a) * np.cos(2 * np.pi * n / sequence_length), dtype)
    else:
        win = _t(window).astype(dtype)
        if win.shape != (sequence_length,):
            raise ValueError(
                "`window` must have shape (sequence_length,). "
                f"Received: window.shape={win.shape}, sequence_length={sequence_length}"
            )
    left = (fft_length - sequence_length) // 2
    return jnp.pad(win, (left, fft_length - sequence_length - left))


def _check_stft_lengths(sequence_length, fft_length):
    if sequence_length > fft_length:
        raise ValueError(
            "`sequence_length` must not exceed `fft_length`. "
            f"Received: sequence_length={sequence_length}, fft_length={fft_length}"
        )


@keras_op
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform along the last axis; returns `(real, imag)`.

    Frames of `sequence_length` samples every `sequence_stride` are windowed, zero-padded to
    `fft_length` and transformed; `center=True` reflect-pads the signal by `fft_length // 2` so
    frames are centred on their sample. Output shape: `(..., frames, fft_length // 2 + 1)`.

    >>> from lamina import ops
    >>> real, imag = ops.stft(ops.ones((16,)), 8, 4, 8)
    >>> real.shape
    (5, 5)
    """
    _check_stft_lengths(sequence_length, fft_length)
    x, dtype = _real_float(x)
    if center:
        pad = [(0, 0)] * (x.ndim - 1) + [(fft_length // 2, fft_length // 2)]
        x = jnp.pad(x, pad, mode="reflect")
    frames = _frame(x, int(fft_length), int(sequence_stride))
    win = _stft_window(window, sequence_length, fft_length, x.dtype)
    if win is not None:
        frames = frames * win
    return _split(jnp.fft.rfft(frames, n=fft_length, axis=-1), dtype)


@keras_op
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """Inverse of `stft`: a real signal from `x = (real, imag)` by windowed overlap-add.

    The overlap-add is divided by the overlap-added squared window, so a signal analysed by
    `stft` with the same arguments comes back unchanged (give `length` to trim it to its
    original length).

    >>> from lamina import ops
    >>> y = ops.istft(ops.stft(ops.arange(16.0), 8, 2, 8), 8, 2, 8, length=16)
    >>> [round(v) for v in y.tolist()][:4]
    [0, 1, 2, 3]
    """
    _check_stft_lengths(sequence_length, fft_length)
    z, dtype = _complex_input(x, "istft")
    frames = jnp.fft.irfft(z, n=fft_length, axis=-1)
    count = frames.shape[-2]
    win = _stft_window(window, sequence_length, fft_length, frames.dtype)
    if win is not None:
        frames = frames * win
    total = fft_length + sequence_stride * (count - 1)
    starts = np.arange(count) * sequence_stride
    index = (starts[:, None] + np.arange(fft_length)[None, :]).reshape(-1)
    flat = frames.reshape(frames.shape[:-2] + (-1,))
    signal = jnp.zeros(frames.shape[:-2] + (total,), frames.dtype).at[..., index].add(flat)
    # Divide by the overlap-added squared window (where it is not ~0): the exact inverse of the
    # windowed analysis. Without a window each sample is divided by the number of frames it is in.
    squares = jnp.ones((fft_length,), frames.dtype) if win is None else jnp.square(win)
    norm = jnp.zeros((total,), frames.dtype).at[index].add(jnp.tile(squares, count))
    signal = signal / jnp.where(norm > 1e-10, norm, 1.0)
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + length
    elif center:
        end = total - fft_length // 2
    else:
        end = total
    return signal[..., start:end].astype(dtype)

__all__ = [
    "cdist",
    "erf",
    "erfc",
    "erfinv",
    "extract_sequences",
    "fft",
    "fft2",
    "ifft2",
    "in_top_k",
    "irfft",
    "istft",
    "logdet",
    "logsumexp",
    "rfft",
    "rsqrt",
    "segment_max",
    "segment_min",
    "segment_prod",
    "segment_sum",
    "stft",
    "top_k",
    "view_as_complex",
    "view_as_real",
]
