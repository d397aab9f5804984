"""`lamina.ops` neural-network ops against NumPy formulas (values) and `keras.ops` (dtypes, shapes)."""

import jax
import keras
import numpy as np
import pytest
from op_cases import (
    ALL,
    F32,
    Case,
    In,
    Results,
    case_params,
    check_keras,
    check_values,
    keras_params,
)

from lamina import ops

# The table calls Keras's deprecated `rms_scaling=True` on purpose (lamina keeps its behaviour).
pytestmark = pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`:UserWarning")

M = (3, 5)
ACT_DTYPES = ("float32", "float16", "bfloat16", "int32")
FLOAT_ACT = ACT_DTYPES[:3]  # Keras's sigmoid family rejects integers


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softplus(x):
    return np.logaddexp(0, x)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _erf(x):
    return np.vectorize(__import__("math").erf)(x)


def _gelu(x, approximate=True):
    if approximate:
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
    return 0.5 * x * (1 + _erf(x / np.sqrt(2)))


def _selu(x):
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    return scale * np.where(x > 0, x, alpha * (np.exp(x) - 1))


def _sparsemax(x, axis=-1):
    z = np.moveaxis(x, axis, -1)
    out = np.zeros_like(z)
    for idx in np.ndindex(z.shape[:-1]):
        v = z[idx]
        s = np.sort(v)[::-1]
        k = np.arange(1, len(v) + 1)
        support = 1 + k * s > np.cumsum(s)
        kz = k[support][-1]
        tau = (np.cumsum(s)[kz - 1] - 1) / kz
        out[idx] = np.maximum(v - tau, 0)
    return np.moveaxis(out, -1, axis)


def _one_hot(x, num_classes, axis=-1, dtype=None):
    out = (x[..., None] == np.arange(num_classes)).astype(dtype or "float32")
    return np.moveaxis(out, -1, axis)


def _multi_hot(x, num_classes, dtype=None):
    return _one_hot(x, num_classes).max(axis=-2 if x.ndim > 1 else 0)


EPS = 1e-7


def _bce(target, output, from_logits=False):
    if from_logits:
        output = _sigmoid(output)
    output = np.clip(output, EPS, 1 - EPS)
    return -(target * np.log(output) + (1 - target) * np.log(1 - output))


def _cce(target, output, from_logits=False, axis=-1):
    if from_logits:
        output = _softmax(output, axis)
    else:
        output = np.clip(output / output.sum(axis=axis, keepdims=True), EPS, 1 - EPS)
    return -(target * np.log(output)).sum(axis=axis)


def _scce(target, output, from_logits=False, axis=-1):
    return _cce(_one_hot(target, output.shape[axis], axis=axis), output, from_logits, axis)


def _moments(x, axes, keepdims=False):
    return x.mean(axis=axes, keepdims=keepdims), x.var(axis=axes, keepdims=keepdims)


def _batch_norm(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    shape = [1] * x.ndim
    shape[axis] = -1
    out = (x - mean.reshape(shape)) / np.sqrt(variance.reshape(shape) + epsilon)
    if scale is not None:
        out = out * scale.reshape(shape)
    return out + (offset.reshape(shape) if offset is not None else 0)


def _normalize(x, axis=-1, order=2, epsilon=None):
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.maximum(norm, EPS if epsilon is None else epsilon)


def _layer_norm(x, gamma=None, beta=None, axis=-1, epsilon=EPS):
    mean = x.mean(axis=axis, keepdims=True)
    out = (x - mean) / np.sqrt(x.var(axis=axis, keepdims=True) + epsilon)
    return out * (1 if gamma is None else gamma) + (0 if beta is None else beta)


def _rms_norm(x, scale=None, axis=-1, epsilon=EPS):
    out = x / np.sqrt((x**2).mean(axis=axis, keepdims=True) + epsilon)
    return out * (1 if scale is None else scale)


def _depth_to_space(x, b, data_format="channels_last"):
    if data_format == "channels_first":
        n, c, h, w = x.shape
        y = x.reshape(n, c // (b * b), b, b, h, w).transpose(0, 1, 4, 2, 5, 3)
        return y.reshape(n, c // (b * b), h * b, w * b)
    n, h, w, c = x.shape
    return x.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5).reshape(n, h * b, w * b, -1)


def _space_to_depth(x, b, data_format="channels_last"):
    if data_format == "channels_first":
        n, c, h, w = x.shape
        y = x.reshape(n, c, h // b, b, w // b, b).transpose(0, 1, 3, 5, 2, 4)
        return y.reshape(n, c * b * b, h // b, w // b)
    n, h, w, c = x.shape
    return x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5).reshape(n, h // b, w // b, -1)


def _unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    k = (kernel_size,) * 2 if isinstance(kernel_size, int) else kernel_size
    d = (dilation,) * 2 if isinstance(dilation, int) else dilation
    p = (padding,) * 2 if isinstance(padding, int) else padding
    s = (stride,) * 2 if isinstance(stride, int) else stride
    x = np.pad(x, ((0, 0), (0, 0), (p[0],) * 2, (p[1],) * 2))
    n, c, h, w = x.shape
    oh = (h - d[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (w - d[1] * (k[1] - 1) - 1) // s[1] + 1
    cols = np.zeros((n, c, k[0], k[1], oh, ow), x.dtype)
    for i in range(k[0]):
        for j in range(k[1]):
            cols[:, :, i, j] = x[:, :, i * d[0] : i * d[0] + s[0] * oh : s[0], j * d[1] : j * d[1] + s[1] * ow : s[1]]
    return cols.reshape(n, c * k[0] * k[1], oh * ow)


def _attention(q, k, v, bias=None, mask=None, scale=None, is_causal=False, attn_logits_soft_cap=None):
    heads, kv_heads = q.shape[2], k.shape[2]
    k = np.repeat(k, heads // kv_heads, axis=2)
    v = np.repeat(v, heads // kv_heads, axis=2)
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", q, k) * scale
    if attn_logits_soft_cap is not None:
        logits = attn_logits_soft_cap * np.tanh(logits / attn_logits_soft_cap)
    if bias is not None:
        logits = logits + bias
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep &= np.broadcast_to(mask if mask.ndim == 4 else mask[:, None], logits.shape)
    if is_causal:
        keep &= np.tril(np.ones(logits.shape[-2:], bool))
    logits = np.where(keep, logits, -1e30)
    return np.einsum("bnts,bsnh->btnh", _softmax(logits), v)


def _psnr(x1, x2, max_val):
    return 20 * np.log10(max_val) - 10 * np.log10(np.mean((x1 - x2) ** 2))


def _ctc_loss(target, output, target_length, output_length, mask_index=0):
    """CTC negative log-likelihood by the textbook forward recursion, in float64."""
    logp = np.log(_softmax(output.astype("float64")))
    losses = []
    for b in range(len(target)):
        labels = target[b, : target_length[b]]
        ext = [mask_index]
        for label in labels:
            ext += [int(label), mask_index]
        alpha = np.full(len(ext), -np.inf)
        alpha[0] = logp[b, 0, ext[0]]
        if len(ext) > 1:
            alpha[1] = logp[b, 0, ext[1]]
        for t in range(1, output_length[b]):
            new = np.full_like(alpha, -np.inf)
            for s in range(len(ext)):
                terms = [alpha[s]] + ([alpha[s - 1]] if s > 0 else [])
                if s > 1 and ext[s] != mask_index and ext[s] != ext[s - 2]:
                    terms.append(alpha[s - 2])
                new[s] = np.logaddexp.reduce(terms) + logp[b, t, ext[s]]
            alpha = new
        losses.append(-np.logaddexp.reduce(alpha[-2:]) if len(ext) > 1 else -alpha[-1])
    return np.array(losses)


def _ctc_greedy(inputs, lengths, merge_repeated=True, mask_index=0):
    decoded = -np.ones((1,) + inputs.shape[:2], "int32")
    scores = np.zeros((inputs.shape[0], 1), inputs.dtype)
    for b in range(inputs.shape[0]):
        best = inputs[b, : lengths[b]].argmax(-1)
        scores[b, 0] = -inputs[b, : lengths[b]].max(-1).sum()
        kept = [c for t, c in enumerate(best) if c != mask_index and not (merge_repeated and t and best[t - 1] == c)]
        decoded[0, b, : len(kept)] = kept
    return decoded, scores


RNG = np.random.default_rng(11)
TARGET = np.array([[1, 1, 2], [3, 1, 0], [2, 0, 0]], "int32")
CTC_OUT = In((3, 8, 5))
LENGTHS = (np.array([3, 2, 1], "int32"), np.array([8, 6, 5], "int32"))
Q = In((2, 5, 4, 8))
KV = In((2, 6, 2, 8))
MASK = (RNG.random((2, 4, 5, 6)) > 0.3)

CASES = [
    Case("relu", (In(M),), ref=lambda x: np.maximum(x, 0), dtypes=ACT_DTYPES),
    Case("relu6", (In(M),), ref=lambda x: np.clip(x, 0, 6), dtypes=ACT_DTYPES),
    Case("sigmoid", (In(M),), ref=_sigmoid, dtypes=FLOAT_ACT),
    Case("hard_sigmoid", (In(M),), ref=lambda x: np.clip(x + 3, 0, 6) / 6, dtypes=ACT_DTYPES),
    Case("hard_silu", (In(M),), ref=lambda x: x * np.clip(x + 3, 0, 6) / 6, dtypes=ACT_DTYPES),
    Case("hard_swish", (In(M),), ref=lambda x: x * np.clip(x + 3, 0, 6) / 6, dtypes=ACT_DTYPES),
    Case("softplus", (In(M),), ref=_softplus, dtypes=ACT_DTYPES),
    Case("softsign", (In(M),), ref=lambda x: x / (1 + np.abs(x)), dtypes=ACT_DTYPES),
    Case("silu", (In(M),), ref=lambda x: x * _sigmoid(x), dtypes=FLOAT_ACT),
    Case("swish", (In(M),), ref=lambda x: x * _sigmoid(x), dtypes=FLOAT_ACT),
    Case("log_sigmoid", (In(M),), ref=lambda x: -_softplus(-x), dtypes=ACT_DTYPES),
    Case("leaky_relu", (In(M),), ref=lambda x: np.where(x > 0, x, 0.2 * x), dtypes=ACT_DTYPES),
    Case("leaky_relu", (In(M),), {"negative_slope": 0.5}, ref=lambda x, negative_slope: np.where(x > 0, x, x / 2)),
    Case("elu", (In(M),), ref=lambda x: np.where(x > 0, x, np.expm1(x)), dtypes=ACT_DTYPES),
    Case("elu", (In(M),), {"alpha": 0.5}, ref=lambda x, alpha: np.where(x > 0, x, alpha * np.expm1(x))),
    Case("selu", (In(M),), ref=_selu, dtypes=ACT_DTYPES),
    Case("celu", (In(M),), ref=lambda x: np.maximum(x, 0) + np.minimum(0, np.expm1(x)), dtypes=ACT_DTYPES),
    Case("celu", (In(M),), {"alpha": 2.0},
         ref=lambda x, alpha: np.maximum(x, 0) + np.minimum(0, alpha * np.expm1(x / alpha))),
    Case("gelu", (In(M),), ref=_gelu, dtypes=ACT_DTYPES),
    Case("gelu", (In(M),), {"approximate": False}, ref=_gelu),
    Case("glu", (In((3, 6)),), ref=lambda x: x[:, :3] * _sigmoid(x[:, 3:]), dtypes=("float32", "float16")),
    Case("glu", (In((4, 3)),), {"axis": 0}, ref=lambda x, axis: x[:2] * _sigmoid(x[2:]), none_batch=False),
    Case("tanh_shrink", (In(M),), ref=lambda x: x - np.tanh(x), dtypes=ACT_DTYPES),
    # (uint8 left out: Keras clips it with -1 wrapped around to 255.)
    Case("hard_tanh", (In(M),), ref=lambda x: np.clip(x, -1, 1), dtypes=tuple(d for d in ALL if d != "uint8")),
    Case("hard_shrink", (In(M),), ref=lambda x: np.where(np.abs(x) > 0.5, x, 0), dtypes=ACT_DTYPES),
    Case("hard_shrink", (In(M),), {"threshold": 1.0}, ref=lambda x, threshold: np.where(np.abs(x) > 1, x, 0)),
    Case("soft_shrink", (In(M),), ref=lambda x: np.sign(x) * np.maximum(np.abs(x) - 0.5, 0), dtypes=ACT_DTYPES),
    Case("soft_shrink", (In(M),), {"threshold": 0.2},
         ref=lambda x, threshold: np.sign(x) * np.maximum(np.abs(x) - 0.2, 0)),
    Case("threshold", (In(M), 0.1, -2.0), ref=lambda x, t, v: np.where(x > t, x, v), dtypes=ACT_DTYPES),
    Case("sparse_plus", (In(M),), ref=lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)),
         dtypes=ACT_DTYPES),
    Case("sparse_sigmoid", (In(M),), ref=lambda x: np.clip((x + 1) / 2, 0, 1), dtypes=ACT_DTYPES),
    Case("squareplus", (In(M),), ref=lambda x: (x + np.sqrt(x**2 + 4)) / 2, dtypes=ACT_DTYPES),
    Case("squareplus", (In(M),), {"b": 1.0}, ref=lambda x, b: (x + np.sqrt(x**2 + b)) / 2),
    Case("mish", (In(M),), ref=lambda x: x * np.tanh(_softplus(x)), keras=False),
    Case("softmax", (In(M),), ref=_softmax, dtypes=("float32", "float16", "int32")),
    Case("softmax", (In((2, 3, 4)),), {"axis": 1}, ref=_softmax),
    Case("log_softmax", (In(M),), ref=lambda x: np.log(_softmax(x)), dtypes=("float32", "float16")),
    Case("log_softmax", (In((2, 3, 4)),), {"axis": 0}, ref=lambda x, axis: np.log(_softmax(x, axis))),
    # Keras 3.15's sparsemax output does not lie on the simplex; lamina projects exactly.
    Case("sparsemax", (In(M),), ref=_sparsemax, keras=False),
    Case("sparsemax", (In((3, 4)),), {"axis": 0}, ref=_sparsemax, keras=False),
    Case("one_hot", (In((4,), "index5", dtype="int32"), 5), ref=_one_hot),
    Case("one_hot", (np.array([0, 2, -1, 7], "int32"), 4), {"axis": 0, "dtype": "int32"}, ref=_one_hot,
         none_batch=False),
    Case("multi_hot", (In((3, 2), "index4", dtype="int32"), 4), ref=_multi_hot),
    Case("multi_hot", (In((3,), "index4", dtype="int32"), 4), {"dtype": "int8"}, ref=_multi_hot, none_batch=False),
    Case("binary_crossentropy", (In(M, "index2", dtype="float32"), In(M, "prob")), ref=_bce,
         dtypes=("float32", "float16")),
    Case("binary_crossentropy", (In(M, "index2", dtype="float32"), In(M)), {"from_logits": True}, ref=_bce,
         dtypes=F32 + ("float16",)),
    Case("categorical_crossentropy", (np.eye(5, dtype="float32")[[0, 3, 1]], In(M, "pos")), ref=_cce,
         dtypes=("float32", "float16")),
    Case("categorical_crossentropy", (np.eye(5, dtype="float32")[[0, 3, 1]], In(M)), {"from_logits": True},
         ref=_cce),
    Case("categorical_crossentropy", (np.eye(3, dtype="float32")[[0, 2, 1, 1, 0]].T.copy(), In((3, 5), "pos")),
         {"axis": 0}, ref=_cce, none_batch=False),
    Case("sparse_categorical_crossentropy", (np.array([0, 3, 1], "int32"), In(M, "pos")), ref=_scce,
         dtypes=("float32", "float16")),
    Case("sparse_categorical_crossentropy", (np.array([[0], [3], [1]], "int32"), In(M)), {"from_logits": True},
         ref=lambda t, o, from_logits: _scce(t[:, 0], o, from_logits)),
    Case("moments", (In((2, 3, 4)), (0, 1)), ref=_moments, dtypes=("float32", "float16")),
    Case("moments", (In((2, 3, 4)), [2]), {"keepdims": True}, ref=lambda x, axes, keepdims: _moments(x, 2, True)),
    Case("batch_normalization", (In((2, 3, 4)), In((4,)), In((4,), "pos"), -1), ref=_batch_norm),
    Case("batch_normalization", (In((2, 3, 4)), In((3,)), In((3,), "pos"), 1),
         {"offset": In((3,)), "scale": In((3,)), "epsilon": 0.1}, ref=_batch_norm),
    Case("normalize", (In(M),), ref=_normalize, dtypes=("float32", "float16")),
    Case("normalize", (In((2, 3, 4)),), {"axis": 1, "order": 1}, ref=_normalize),
    Case("l2_normalize", (In(M),), ref=lambda x: x / np.linalg.norm(x, axis=-1, keepdims=True), keras=False),
    Case("layer_normalization", (In(M),), ref=_layer_norm, dtypes=("float32", "float16", "int32")),
    Case("layer_normalization", (In(M), In((5,)), In((5,))), {"epsilon": 1e-3}, ref=_layer_norm),
    Case("layer_normalization", (In((2, 3, 4)),), {"axis": (1, 2)}, ref=_layer_norm),
    Case("layer_normalization", (In(M), In((5,)), In((5,))), {"rms_scaling": True},
         ref=lambda x, g, b, rms_scaling: x / np.sqrt(x.var(-1, keepdims=True) + EPS) * g),
    Case("rms_normalization", (In(M),), ref=_rms_norm, dtypes=("float32", "float16", "int32")),
    Case("rms_normalization", (In(M), In((5,))), {"epsilon": 1e-3}, ref=_rms_norm),
    Case("rms_normalization", (In((2, 3, 4)),), {"axis": (1, 2)}, ref=_rms_norm),
    Case("psnr", (In(M), In(M), 2.0), ref=_psnr, dtypes=("float32", "float16"), none_batch=False),
    Case("polar", (In(M, "pos"), In(M)), ref=lambda r, a: r * np.exp(1j * a), dtypes=("float32", "int32")),
    Case("polar", (In(M, "pos"), In(M)), ref=lambda r, a: r * np.exp(1j * a), dtypes=("float16",), keras=False),
    Case("depth_to_space", (In((2, 3, 3, 8)), 2), ref=_depth_to_space, dtypes=("float32", "int32")),
    Case("depth_to_space", (In((2, 8, 3, 2)), 2), {"data_format": "channels_first"}, ref=_depth_to_space),
    Case("space_to_depth", (In((2, 4, 6, 3)), 2), ref=_space_to_depth, dtypes=("float32", "int32")),
    Case("space_to_depth", (In((2, 3, 4, 6)), 2), {"data_format": "channels_first"}, ref=_space_to_depth),
    *[Case("unfold", (In((2, 3, 7, 6)),), kw, ref=_unfold) for kw in (
        {"kernel_size": 2}, {"kernel_size": (3, 2), "stride": 2, "padding": 1, "dilation": (1, 2)},
        {"kernel_size": 3, "dilation": 2, "padding": (2, 1), "stride": (1, 3)})],
    Case("fold", (In((2, 12, 4)), (4, 4), 2), {"stride": 2}, ref=None),
    Case("fold", (In((2, 12, 12)), (7, 6), (3, 2)), {"stride": 2, "padding": 1, "dilation": (1, 2)}, ref=None),
    # (Eager: Keras's float16 attention compiles only outside jit.)
    Case("dot_product_attention", (Q, KV, KV), ref=_attention, dtypes=("float32", "float16"), tol=1e-4, jit=False),
    Case("dot_product_attention", (Q, KV, KV), {"mask": MASK, "scale": 0.3}, ref=_attention, tol=1e-4,
         none_batch=False),
    Case("dot_product_attention", (Q, KV, KV), {"bias": In((2, 4, 5, 6))}, ref=_attention, tol=1e-4,
         none_batch=False),
    Case("dot_product_attention", (In((2, 6, 4, 8)), KV, KV), {"is_causal": True, "mask": MASK[:, :1, :1]},
         ref=_attention, tol=1e-4, none_batch=False),
    Case("dot_product_attention", (Q, Q, Q), {"mask": MASK[:, 0, :, :5]}, tol=1e-4, none_batch=False,
         ref=_attention),
    # Keras applies the soft cap only in its TPU flash kernel (as cap * tanh(logits / cap)).
    Case("dot_product_attention", (Q, KV, KV), {"attn_logits_soft_cap": 0.5}, ref=_attention, keras=False,
         symbolic=False),
    Case("ctc_loss", (TARGET, CTC_OUT, *LENGTHS), ref=_ctc_loss, tol=1e-4, dtypes=("float32", "float16"),
         none_batch=False),
    Case("ctc_loss", (TARGET - 1, CTC_OUT, *LENGTHS), {"mask_index": 4},
         ref=lambda t, o, tl, ol, mask_index: _ctc_loss(np.maximum(t, 0), o, tl, ol, mask_index), tol=1e-4,
         none_batch=False),
    Case("ctc_decode", (CTC_OUT, LENGTHS[1]), ref=_ctc_greedy, none_batch=False),
    Case("ctc_decode", (CTC_OUT, LENGTHS[1]), {"merge_repeated": False}, ref=_ctc_greedy, none_batch=False),
    Case("ctc_decode", (CTC_OUT, LENGTHS[1]), {"mask_index": None}, ref=None, none_batch=False),
    # (Compiling Keras's beam search takes seconds: one configuration; the brute-force test below
    # checks more.)
    Case("ctc_decode", (CTC_OUT, LENGTHS[1]), {"strategy": "beam_search", "beam_width": 10, "top_paths": 3},
         ref=None, tol=1e-4, none_batch=False),
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
def test_fold_sums_overlapping_patches_back():
    x = RNG.normal(size=(2, 3, 6, 5)).astype("float32")
    kw = dict(kernel_size=(3, 2), stride=1, padding=1)

    @jax.jit
    def roundtrip(x):
        counts = ops.fold(ops.unfold(jax.numpy.ones_like(x), **kw), (6, 5), **kw)
        return ops.fold(ops.unfold(x, **kw), (6, 5), **kw), counts

    folded, counts = roundtrip(x)
    # col2im(im2col(x)) multiplies each pixel by the number of windows covering it.
    np.testing.assert_allclose(folded, x * np.asarray(counts), rtol=1e-5)
    assert np.asarray(counts).max() == 6


def test_depth_to_space_inverts_space_to_depth():
    x = RNG.normal(size=(2, 4, 6, 3)).astype("float32")
    for fmt, y in (("channels_last", x), ("channels_first", x.transpose(0, 3, 1, 2))):
        np.testing.assert_array_equal(ops.depth_to_space(ops.space_to_depth(y, 2, fmt), 2, fmt), y)


def _brute_force_ctc_paths(logp, length, blank=0):
    """Every label sequence's total log-probability, summed over all its alignments."""
    import itertools

    totals = {}
    for path in itertools.product(range(logp.shape[1]), repeat=length):
        labels, prev = [], None
        for c in path:
            if c != prev and c != blank:
                labels.append(c)
            prev = c
        score = sum(logp[t, c] for t, c in enumerate(path))
        totals[tuple(labels)] = np.logaddexp(totals.get(tuple(labels), -np.inf), score)
    return totals


def test_ctc_beam_search_finds_the_most_probable_labelings():
    logits = RNG.normal(size=(2, 4, 3)).astype("float32") * 2
    lengths = np.array([4, 3], "int32")
    decode = jax.jit(lambda x, n: ops.ctc_decode(x, n, strategy="beam_search", beam_width=30, top_paths=3))
    decoded, scores = decode(logits, lengths)
    assert decoded.shape == (3, 2, 4) and scores.shape == (2, 3)
    for b in range(2):
        logp = np.log(_softmax(logits[b, : lengths[b]].astype("float64")))
        best = sorted(_brute_force_ctc_paths(logp, lengths[b]).items(), key=lambda kv: -kv[1])[:3]
        for p, (labels, score) in enumerate(best):
            got = [int(c) for c in np.asarray(decoded[p, b]) if c >= 0]
            assert tuple(got) == labels
            np.testing.assert_allclose(scores[b, p], score, rtol=1e-4)


def test_ctc_loss_gradient_is_finite():
    grad = jax.jit(jax.grad(lambda o: ops.ctc_loss(TARGET, o, *LENGTHS).sum()))(
        RNG.normal(size=(3, 8, 5)).astype("float32")
    )
    assert np.all(np.isfinite(np.asarray(grad)))


def test_dot_product_attention_fully_masked_rows_stay_finite():
    q = RNG.normal(size=(1, 2, 1, 4)).astype("float32")
    mask = np.zeros((1, 1, 2, 2), bool)
    out = ops.dot_product_attention(q, q, q, mask=mask)
    assert np.all(np.isfinite(np.asarray(out)))


def test_multi_hot_accepts_the_keras2_num_tokens_name():
    np.testing.assert_array_equal(ops.multi_hot(np.array([[0, 2]]), num_tokens=3), [[1.0, 0.0, 1.0]])


@pytest.mark.parametrize("call,match", [
    (lambda: ops.depth_to_space(np.ones((1, 2, 2, 3)), 2), "divisible"),
    (lambda: ops.space_to_depth(np.ones((1, 3, 2, 1)), 2), "divisible"),
    (lambda: ops.depth_to_space(np.ones((2, 2, 4)), 2), "4-D"),
    (lambda: ops.depth_to_space(np.ones((1, 2, 2, 4)), 2, "nhwc"), "data_format"),
    (lambda: ops.unfold(np.ones((2, 2, 2)), 2), "4-D"),
    (lambda: ops.fold(np.ones((1, 8, 3)), (4, 4), 2, stride=2), "do not match"),
    (lambda: ops.dot_product_attention(np.ones((1, 2, 3, 4)), np.ones((1, 2, 2, 4)), np.ones((1, 2, 2, 4))),
     "multiple"),
    (lambda: ops.dot_product_attention(np.ones((2, 3, 4)), np.ones((2, 3, 4)), np.ones((2, 3, 4))), "4-D"),
    (lambda: ops.ctc_decode(np.ones((1, 3, 2)), np.array([3]), strategy="prefix"), "strategy"),
    (lambda: ops.ctc_decode(np.ones((1, 3, 2)), np.array([3]), strategy="beam_search", beam_width=2,
                            top_paths=3), "top_paths"),
    (lambda: ops.multi_hot(np.array([1])), "num_classes"),
    (lambda: ops.psnr(np.ones(3), np.ones(4), 1.0), "same shape"),
])
def test_errors_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()

