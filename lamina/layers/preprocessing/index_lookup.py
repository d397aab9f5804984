"""`IndexLookup`: the vocabulary machinery behind `StringLookup` and `IntegerLookup`.

Index layout (as in Keras): `[mask]` (only if `mask_token` is set and `output_mode="int"`), then
`num_oov_indices` out-of-vocabulary slots, then the vocabulary tokens. Unknown tokens go to the OOV
slot (one slot), to a hashed slot (several: FarmHash of the token's text, or `floormod` for
integers), or raise (none). `adapt` learns the vocabulary ordered by frequency, ties broken by
the larger token, exactly as Keras does; "tf_idf" mode also learns inverse document frequencies.

Integer tokens are looked up with JAX (`searchsorted` in a sorted table), so `IntegerLookup`
runs inside compiled models. Text is looked up on the host with a Python dict; see
`StringLookup`.
"""

import collections
import math

import jax
import jax.numpy as jnp
import numpy as np

from lamina import config
from lamina.backend.keras_tensor import KerasTensor
from lamina.layers.layer import Layer
from lamina.layers.preprocessing import encoding
from lamina.layers.preprocessing.hashing import standardize_salt
from lamina.layers.preprocessing.string_hash import hash_bucket

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
# Masked tokens in encoded modes get an index past any depth, so the encoding drops them.
_DROPPED = np.iinfo(np.int32).max


class IndexLookup(Layer):
    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype, vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", name=None, salt=None, **kwargs):
        cls = type(self).__name__
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"{cls}: `max_tokens` must be > 1 when set. Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{cls}: `pad_to_max_tokens=True` needs `max_tokens`. Received: max_tokens=None")
        if num_oov_indices < 0:
            raise ValueError(f"{cls}: `num_oov_indices` must be >= 0. Received: num_oov_indices={num_oov_indices}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"{cls}: `oov_method` must be 'floormod' or 'farmhash'. Received: oov_method={oov_method!r}")
        if salt is not None and vocabulary_dtype != "string" and oov_method != "farmhash":
            raise ValueError(f"{cls}: `salt` only applies with oov_method='farmhash'. Received: oov_method={oov_method!r}")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in _MODES:
            raise ValueError(f"{cls}: `output_mode` must be one of {_MODES}. Received: output_mode={output_mode!r}")
        if invert and output_mode != "int":
            raise ValueError(f"{cls}: `invert=True` needs output_mode='int'. Received: output_mode={output_mode!r}")
        if sparse:
            raise ValueError(f"{cls}: `sparse=True` is not supported by lamina. Received: sparse=True")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{cls}: `idf_weights` only apply to output_mode='tf_idf'. "
                             f"Received: output_mode={output_mode!r}")
        frozen = kwargs.pop("vocabulary_size", None)
        has_vocab = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("dtype", None)
        kwargs.pop("trainable", None)
        super().__init__(name=name, **kwargs)
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = standardize_salt(salt, cls)
        self._frozen_vocab_size = frozen
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = has_vocab
        self._tokens = []
        self._tables = None
        self.idf_weights = None
        if output_mode == "tf_idf" and has_vocab and idf_weights is None:
            raise ValueError(f"{cls}: output_mode='tf_idf' with a `vocabulary` needs `idf_weights` too.")
        self.reset_state()
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.built = True

    # ------------------------------------------------------------------ indices
    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def _is_string(self):
        return self.vocabulary_dtype == "string"

    def _convert_token(self, t):
        if self._is_string():
            return t.decode("utf-8") if isinstance(t, bytes) else str(t)
        return int(t)

    # ------------------------------------------------------------------ vocabulary
    def vocabulary_size(self):
        """Number of indices: mask and OOV slots plus the tokens."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True):
        """The token of each index (OOV slots show `oov_token`, index 0 the mask if any)."""
        vocab = [self.oov_token] * self._token_start_index() + list(self._tokens)
        if self.mask_token is not None and self.output_mode == "int":
            vocab[0] = self.mask_token
        if not include_special_tokens:
            vocab = vocab[self._token_start_index():]
        return vocab

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Replaces the vocabulary (a list/array of tokens, or a text file with one per line)."""
        cls = type(self).__name__
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"{cls}.set_vocabulary(): output_mode='tf_idf' needs `idf_weights`.")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(f"{cls}.set_vocabulary(): `idf_weights` only apply to output_mode='tf_idf'.")
        if isinstance(vocabulary, str):
            if self.output_mode == "tf_idf":
                raise ValueError(f"{cls}: a vocabulary file cannot be used with output_mode='tf_idf'.")
            with open(vocabulary, encoding="utf-8") as f:
                vocabulary = f.read().splitlines()
            while vocabulary and vocabulary[-1] == "":
                vocabulary.pop()
        vocabulary = [self._convert_token(t) for t in np.asarray(vocabulary, dtype=object).reshape(-1).tolist()]
        if not vocabulary:
            raise ValueError(f"{cls}.set_vocabulary(): the vocabulary is empty.")
        start = self._token_start_index()
        specials = [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices
        found_specials = vocabulary[:start] == specials
        tokens = vocabulary[start:] if found_specials else vocabulary
        repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
        if repeated:
            raise ValueError(f"{cls}: the vocabulary repeats tokens {repeated}. Make it unique.")
        if self.mask_token is not None and self.mask_token in tokens:
            raise ValueError(
                f"{cls}: the mask token {self.mask_token!r} appears inside the vocabulary. Leave the mask "
                f"and OOV tokens out, or put them only at the start in this order: {specials}."
            )
        if self.invert and self.oov_token is not None and self.oov_token in tokens:
            raise ValueError(
                f"{cls}: the OOV token {self.oov_token!r} appears inside the vocabulary. Leave it out, or "
                f"put the special tokens only at the start in this order: {specials}."
            )
        if self.max_tokens is not None and start + len(tokens) > self.max_tokens:
            raise ValueError(
                f"{cls}: the vocabulary has {start + len(tokens)} entries (with special tokens), more than "
                f"max_tokens={self.max_tokens}."
            )
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            idf = np.asarray(idf_weights, dtype=np.float64).reshape(-1)
            if len(idf) != len(vocabulary):
                raise ValueError(f"{cls}: `idf_weights` has {len(idf)} entries for a vocabulary of "
                                 f"{len(vocabulary)}; give one weight per token.")
            front = 0 if found_specials else start
            # Special slots without real document counts get the mean weight, as in Keras.
            idf = np.pad(idf, (front, 0), constant_values=np.average(idf))
            self._set_idf(idf)

    def _set_tokens(self, tokens):
        self._tokens = list(tokens)
        self._tables = None
        self._record_vocabulary_size()

    def _set_idf(self, idf):
        if self.pad_to_max_tokens and self.max_tokens is not None:
            idf = np.pad(idf, (0, self.max_tokens - len(idf)))
        self.idf_weights = np.asarray(idf, dtype=config.floatx())

    def _record_vocabulary_size(self):
        size = self.vocabulary_size()
        if (self.output_mode != "int" and not self.pad_to_max_tokens and self._frozen_vocab_size is not None
                and size != self._frozen_vocab_size):
            raise RuntimeError(
                f"{type(self).__name__}: with output_mode={self.output_mode!r} and pad_to_max_tokens=False "
                f"the vocabulary size cannot change once set (it was {self._frozen_vocab_size}, now "
                f"{size}); outputs of the old size may already be in use."
            )
        self._frozen_vocab_size = size

    # ------------------------------------------------------------------ adapt
    def adapt(self, data, steps=None):
        """Learns the vocabulary (and IDF weights) from an array/list or an iterable of batches."""
        if self._has_input_vocabulary:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' was given a fixed vocabulary; it cannot also be adapted."
            )
        self.reset_state()
        if isinstance(data, (list, tuple, np.ndarray, jax.Array)):
            arr = encoding.to_host_array(data)
            if arr.ndim == 1:
                arr = arr[:, None]
            self.update_state(arr)
        else:
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        arr = encoding.to_host_array(data)
        if arr.ndim == 0:
            arr = arr[None]
        if arr.ndim == 1:
            arr = arr[None]
        self._token_counts.update(self._convert_token(t) for t in arr.reshape(-1).tolist())
        if self.output_mode == "tf_idf":
            for doc in arr.reshape(arr.shape[0], -1).tolist():
                self._doc_counts.update({self._convert_token(t) for t in doc})
            self._num_documents += arr.shape[0]

    def finalize_state(self):
        if self._has_input_vocabulary or not self._token_counts:
            return
        counts = dict(self._token_counts)
        counts.pop(self.mask_token, None)
        counts.pop(self.oov_token, None)
        ranked = sorted(counts, key=lambda t: (counts[t], t), reverse=True)
        if self.max_tokens:
            ranked = ranked[:self.max_tokens - self._token_start_index()]
        self._set_tokens(ranked)
        if self.output_mode == "tf_idf":
            idf = np.array([math.log(1 + self._num_documents / (1 + self._doc_counts[t])) for t in ranked])
            idf = np.pad(idf, (self._token_start_index(), 0), constant_values=idf.mean() if len(idf) else 0.0)
            self._set_idf(idf)
        self.reset_state()

    def reset_state(self):
        self._token_counts = collections.Counter()
        self._doc_counts = collections.Counter()
        self._num_documents = 0

    # ------------------------------------------------------------------ lookup
    def _default_index(self):
        return self._oov_start_index() if self.num_oov_indices == 1 else -1

    def _mask_index(self):
        return 0 if self.output_mode == "int" else _DROPPED

    def _lookup_host(self, values):
        """Token -> index on the host (text, or integers that must be hashed)."""
        table = {t: i + self._token_start_index() for i, t in enumerate(self._tokens)}
        flat = [self._convert_token(v) for v in values.reshape(-1).tolist()]
        default = self._default_index()
        out = np.array([table.get(v, default) for v in flat], dtype=np.int64)
        if self.mask_token is not None:
            out = np.where(np.array([v == self.mask_token for v in flat], bool), self._mask_index(), out)
        oov = out == -1
        if oov.any():
            if self.num_oov_indices == 0:
                missing = sorted({flat[i] for i in np.flatnonzero(oov)}, key=str)[:10]
                raise ValueError(
                    f"{type(self).__name__}: with num_oov_indices=0 every input must be in the vocabulary; "
                    f"found {missing}. Set num_oov_indices=1 to map unknown tokens to an OOV index."
                )
            hashed = hash_bucket(np.array([flat[i] for i in np.flatnonzero(oov)], dtype=object),
                                 self.num_oov_indices, salt=self.salt)
            out[oov] = hashed + self._oov_start_index()
        return out.reshape(values.shape)

    def _int_tables(self):
        if self._tables is None:
            tokens = np.asarray(self._tokens, dtype=np.int64)
            order = np.argsort(tokens, kind="stable")
            self._tables = (tokens[order].astype(np.int32),
                            (order + self._token_start_index()).astype(np.int32))
        return self._tables

    def _lookup_jax(self, x):
        """Integer token -> index with JAX (works inside compiled functions)."""
        x = jnp.asarray(x).astype("int32")
        default = jnp.asarray(self._default_index(), "int32")
        if self._tokens:
            keys, vals = (jnp.asarray(a) for a in self._int_tables())
            pos = jnp.clip(jnp.searchsorted(keys, x), 0, keys.shape[0] - 1)
            out = jnp.where(keys[pos] == x, vals[pos], default)
        else:
            out = jnp.full(x.shape, default)
        if self.mask_token is not None:
            out = jnp.where(x == self.mask_token, jnp.asarray(self._mask_index(), "int32"), out)
        if self.num_oov_indices > 1:
            out = jnp.where(out == -1, x % self.num_oov_indices + self._oov_start_index(), out)
        elif self.num_oov_indices == 0 and not isinstance(out, jax.core.Tracer) and bool((out == -1).any()):
            missing = np.unique(np.asarray(x)[np.asarray(out == -1)])[:10].tolist()
            raise ValueError(
                f"{type(self).__name__}: with num_oov_indices=0 every input must be in the vocabulary; "
                f"found {missing}. Set num_oov_indices=1 to map unknown tokens to an OOV index."
            )
        return out

    def _invert_lookup(self, indices):
        tokens = [self.oov_token] * self._token_start_index() + list(self._tokens)
        if self._is_string():
            idx = np.asarray(encoding.to_host_array(indices)).astype(np.int64)
            table = np.empty(len(tokens), dtype=object)
            table[:] = tokens
            valid = (idx >= 0) & (idx < len(tokens))
            out = np.empty(idx.shape, dtype=object)
            out[...] = self.oov_token
            out[valid] = table[idx[valid]]
            if self.mask_token is not None:
                out[idx == 0] = self.mask_token
            return out
        idx = jnp.asarray(indices).astype("int32")
        table = jnp.asarray(np.asarray(tokens, dtype=np.int64).astype(np.int32))
        valid = (idx >= 0) & (idx < len(tokens))
        out = jnp.where(valid, table[jnp.clip(idx, 0, len(tokens) - 1)], jnp.asarray(self.oov_token, "int32"))
        if self.mask_token is not None:
            out = jnp.where(idx == 0, jnp.asarray(self.mask_token, "int32"), out)
        return out

    def _needs_host(self):
        return self._is_string() or (self.num_oov_indices > 1 and self.oov_method == "farmhash")

    def call(self, inputs):
        if self.output_mode != "int" and not self.pad_to_max_tokens and self._frozen_vocab_size is None:
            raise RuntimeError(
                f"{type(self).__name__}: with output_mode={self.output_mode!r}, set the vocabulary (the "
                "`vocabulary` argument or adapt()) before calling the layer, so the output size is known."
            )
        if self.invert:
            return self._invert_lookup(inputs)
        if self._needs_host():
            indices = jnp.asarray(self._lookup_host(encoding.to_host_array(inputs)).astype(np.int32))
        else:
            indices = self._lookup_jax(inputs)
        if self.output_mode == "int":
            return indices
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        out = encoding.encode_categorical(indices, mode, depth, config.floatx())
        if self.output_mode == "tf_idf":
            out = out * jnp.asarray(self.idf_weights)
        return out

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        return encoding.encoded_shape(input_shape, mode, depth)

    def compute_output_spec(self, inputs, **kwargs):
        if self.invert:
            dtype = "string" if self._is_string() else "int32"
        else:
            dtype = "int32" if self.output_mode == "int" else config.floatx()
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    def get_config(self):
        def plain(v):
            return np.asarray(v).tolist() if isinstance(v, (np.ndarray, jax.Array)) else v

        return {
            **super().get_config(),
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": plain(self.input_idf_weights),
            "vocabulary": plain(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocab_size,
            "oov_method": self.oov_method,
            "salt": self.salt,
        }
