"""`lamina.ops` math ops (segments, top-k, special functions, FFT/STFT) against NumPy and Keras."""

import jax
import keras
import numpy as np
import pytest
from op_cases import (
    F32,
    FLOATS,
    Case,
    In,
    Results,
    case_params,
    check_keras,
    check_values,
    keras_params,
)

from lamina import ops


def _np_segment(reduce, empty):
    def ref(data, ids, num_segments=None, sorted=False):  # noqa: A002
        n = num_segments if num_segments is not None else ids.max() + 1
        out = np.full((n,) + data.shape[1:], empty(data.dtype), data.dtype)
        for s in range(n):
            rows = data[ids == s]
            if len(rows):
                out[s] = reduce(rows, axis=0)
        return out

    return ref


def _lowest(dtype):
    return -np.inf if np.issubdtype(dtype, np.floating) else np.iinfo(dtype).min


def _highest(dtype):
    return np.inf if np.issubdtype(dtype, np.floating) else np.iinfo(dtype).max


def _np_top_k(x, k, sorted=True):  # noqa: A002
    idx = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, idx, axis=-1), idx


def _np_in_top_k(targets, predictions, k):
    target = predictions[np.arange(len(targets)), targets]
    return (predictions > target[:, None]).sum(axis=1) < k


def _np_logsumexp(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def _np_cdist(x, y):
    return np.sqrt(((x[..., :, None, :] - y[..., None, :, :]) ** 2).sum(-1))


def _np_frames(x, length, stride):
    count = 1 + (x.shape[-1] - length) // stride
    return np.stack([x[..., i * stride : i * stride + length] for i in range(count)], axis=-2)


def _np_split(z):
    return np.real(z), np.imag(z)


def _erf(x):
    return np.vectorize(__import__("math").erf)(x.astype("float64"))


def _np_stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    if center:
        x = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(fft_length // 2,) * 2], mode="reflect")
    frames = _np_frames(x, fft_length, sequence_stride)
    n = np.arange(sequence_length)
    win = 0.5 - 0.5 * np.cos(2 * np.pi * n / sequence_length)  # periodic Hann
    left = (fft_length - sequence_length) // 2
    win = np.pad(win, (left, fft_length - sequence_length - left))
    return _np_split(np.fft.rfft(frames * win, n=fft_length, axis=-1))


SEG = dict(num_segments=4)
SEG_ARGS = (In((6, 3)), np.array([0, 0, 1, 3, 3, 3], "int32"))

CASES = [
    Case("segment_sum", SEG_ARGS, SEG, ref=_np_segment(np.sum, lambda d: 0), dtypes=("float32", "int32")),
    Case("segment_prod", SEG_ARGS, SEG, ref=_np_segment(np.prod, lambda d: 1), dtypes=("float32", "int32")),
    Case("segment_max", SEG_ARGS, SEG, ref=_np_segment(np.max, _lowest), dtypes=("float32", "int32")),
    Case("segment_min", SEG_ARGS, SEG, ref=_np_segment(np.min, _highest), dtypes=("float32", "int32")),
    Case("segment_sum", (In((5,)), np.array([0, 0, 1, 1, 2], "int32")), {"num_segments": 3, "sorted": True},
         ref=_np_segment(np.sum, lambda d: 0)),
    Case("top_k", (In((3, 6), "distinct"), 2), ref=_np_top_k, dtypes=("float32", "int32", "float16")),
    Case("top_k", (In((6,), "distinct"), 6), {"sorted": True}, ref=_np_top_k, none_batch=False),
    Case("in_top_k", (np.array([0, 3, 1], "int32"), In((3, 5), "distinct"), 2), ref=_np_in_top_k),
    Case("logsumexp", (In((3, 4)),), ref=_np_logsumexp, dtypes=("float32", "float16", "int32")),
    Case("logsumexp", (In((3, 4)),), {"axis": 1, "keepdims": True}, ref=_np_logsumexp),
    Case("erf", (In((3, 4)),), ref=_erf, dtypes=FLOATS[::-1]),
    Case("erfc", (In((3, 4)),), ref=lambda x: 1 - _erf(x), dtypes=FLOATS[::-1]),
    Case("erfinv", (In((3, 4), "unit"),), ref=None, dtypes=FLOATS[::-1]),
    Case("rsqrt", (In((3, 4), "pos"),), ref=lambda x: 1 / np.sqrt(x), dtypes=FLOATS[::-1]),
    Case("logdet", (In((2, 3, 3), "spd"),), ref=lambda x: np.linalg.slogdet(x)[1], tol=1e-4),
    Case("cdist", (In((3, 4)), In((5, 4))), ref=_np_cdist, dtypes=F32, tol=1e-4),
    Case("cdist", (In((2, 3, 4)), In((2, 5, 4))), ref=_np_cdist, tol=1e-4),
    Case("view_as_complex", (In((3, 2)),), ref=lambda x: x[..., 0] + 1j * x[..., 1]),
    Case("view_as_real", (np.array([1 + 2j, -3j], "complex64"),), ref=lambda z: np.stack([z.real, z.imag], -1)),
    Case("fft", ((In((3, 8)), In((3, 8))),), ref=lambda z: _np_split(np.fft.fft(z[0] + 1j * z[1])), tol=1e-4),
    Case("fft2", ((In((2, 4, 4)), In((2, 4, 4))),), ref=lambda z: _np_split(np.fft.fft2(z[0] + 1j * z[1])),
         tol=1e-4),
    Case("ifft2", ((In((2, 4, 4)), In((2, 4, 4))),), ref=lambda z: _np_split(np.fft.ifft2(z[0] + 1j * z[1])),
         tol=1e-4),
    Case("rfft", (In((3, 8)),), ref=lambda x: _np_split(np.fft.rfft(x)), dtypes=("float32", "int32"), tol=1e-4),
    Case("rfft", (In((3, 8)),), {"fft_length": 6}, ref=lambda x, fft_length: _np_split(np.fft.rfft(x, fft_length)),
         tol=1e-4),
    Case("irfft", ((In((3, 5)), In((3, 5))),), ref=lambda z: np.fft.irfft(z[0] + 1j * z[1]), tol=1e-4),
    Case("irfft", ((In((3, 5)), In((3, 5))), 7), ref=lambda z, n: np.fft.irfft(z[0] + 1j * z[1], n), tol=1e-4),
    Case("extract_sequences", (In((2, 10)), 4, 3), ref=_np_frames, dtypes=("float32", "int32")),
    Case("stft", (In((2, 20)), 6, 3, 8), ref=_np_stft, tol=1e-4),
    Case("stft", (In((20,)), 8, 4, 8), {"center": False}, ref=_np_stft, tol=1e-4, none_batch=False),
    *[Case("stft", (In((2, 21)), 7, 2, 10), {"window": w, "center": c}, ref=None, tol=1e-4)
      for w in ("hamming", None) for c in (True, False)],
    Case("stft", (In((2, 16)), 4, 2, 4), {"window": np.linspace(0.2, 1.0, 4).astype("float32")}, ref=None),
    *[Case("istft", ((In((2, 7, 5)), In((2, 7, 5))), 6, 3, 8), kw, ref=None, tol=1e-4)
      for kw in ({}, {"length": 20}, {"center": False}, {"window": "hamming", "length": 18})],
    Case("istft", ((In((2, 9, 5)), In((2, 9, 5))), 8, 2, 8), {"window": np.linspace(0.2, 1.0, 8).astype("float32")},
         ref=None, tol=1e-4),
]


@pytest.fixture(scope="module")
def results():
    return Results(CASES, keras)


@pytest.mark.parametrize("case", case_params(CASES))
def test_values_match_numpy(case, results):
    check_values(case, results)


@pytest.mark.parametrize("case", keras_params(CASES))
def test_matches_keras(case, results):
    check_keras(case, results)


# -- behaviour the tables cannot express ---------------------------------------------------------
STFT_ARGS = [(8, 2, 8), (6, 3, 8), (16, 4, 16), (7, 2, 10)]


def test_istft_inverts_stft():
    x = np.random.default_rng(3).normal(size=(2, 40)).astype("float32")

    @jax.jit  # one compile for all the round trips
    def roundtrips(x):
        return [
            ops.istft(ops.stft(x, *args, window=w), *args, length=40, window=w)
            for args in STFT_ARGS for w in ("hann", "hamming", None)
        ]

    for y in roundtrips(x):
        np.testing.assert_allclose(y, x, atol=1e-4)


def test_istft_without_window_fixes_keras_scaling():
    # Keras 3.15 scales this case by fft_length / sequence_stride; lamina returns the signal.
    x = np.random.default_rng(4).normal(size=(30,)).astype("float32")

    @jax.jit
    def both(x):
        spec = keras.ops.stft(x, 8, 2, 8, window=None)
        kwargs = dict(length=30, window=None)
        return ops.istft(spec, 8, 2, 8, **kwargs), keras.ops.istft(spec, 8, 2, 8, **kwargs) * 2 / 8

    ours, theirs = both(x)
    np.testing.assert_allclose(ours, theirs, atol=1e-4)
    np.testing.assert_allclose(ours, x, atol=1e-4)


def test_segment_ops_infer_num_segments_eagerly():
    data = np.arange(5, dtype="float32")
    np.testing.assert_allclose(ops.segment_sum(data, np.array([0, 0, 2, 2, 2])), [1.0, 0.0, 9.0])


def test_fft_roundtrip_and_half_precision():
    real = np.random.default_rng(5).normal(size=(2, 4, 4)).astype("float16")
    out = ops.ifft2(ops.fft2((real, np.zeros_like(real))))
    assert out[0].dtype == np.float16
    np.testing.assert_allclose(np.asarray(out[0], "float32"), real.astype("float32"), atol=1e-2)


def test_fft_gradient_flows():
    def loss(x):
        real, imag = ops.rfft(x)
        return (real**2 + imag**2).sum()

    x = np.random.default_rng(6).normal(size=(8,)).astype("float32")
    # Parseval: sum |rfft|^2 weights interior bins twice; the gradient is finite and non-zero.
    g = np.asarray(jax.grad(loss)(x))
    assert np.all(np.isfinite(g)) and np.abs(g).sum() > 0


@pytest.mark.parametrize("call,match", [
    (lambda: ops.fft(np.ones(4)), "tuple"),
    (lambda: ops.fft((np.ones(4), np.ones(3))), "share a shape"),
    (lambda: ops.stft(np.ones(16), 8, 2, 4), "sequence_length"),
    (lambda: ops.stft(np.ones(16), 4, 2, 4, window="kaiser"), "window"),
    (lambda: ops.stft(np.ones(16), 4, 2, 4, window=np.ones(3)), "window.shape"),
    (lambda: ops.extract_sequences(np.ones(3), 4, 1), "sequence_length"),
    (lambda: ops.view_as_complex(np.ones((2, 3))), "length 2"),
])
def test_errors_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
