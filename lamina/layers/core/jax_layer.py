"""`JaxLayer`: a layer around a plain JAX function `call_fn(params, inputs, ...)`.

`call_fn` is matched by argument *name*: it must take `inputs` and may take `params` (trainable
leaves), `state` (non-trainable leaves; `call_fn` then returns `(outputs, new_state)`), `rng` (a
JAX key in training, `None` in inference) and `training`. The weights come from `params`/`state`
given to the constructor, or from `init_fn(rng, inputs, training)` (any subset of those names)
called at build time on ones shaped like the input; it returns `params`, or `(params, state)`
when `call_fn` takes `state`. Every array leaf becomes a Variable, so the layer trains with `fit`
and saves its weights; non-array leaves are passed through untouched (model configuration).

>>> import jax, numpy as np
>>> from lamina.layers.core.jax_layer import JaxLayer
>>> def init_fn(rng, inputs):
...     return {"w": jax.random.normal(rng, (inputs.shape[-1], 2))}
>>> def call_fn(params, inputs):
...     return inputs @ params["w"]
>>> layer = JaxLayer(call_fn, init_fn)
>>> layer(np.ones((3, 4))).shape
(3, 2)
>>> [tuple(w.shape) for w in layer.weights]
[(4, 2)]
"""

import inspect

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend import state as _state
from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import Layer, _register

_CALL_ARGS = ("params", "state", "rng", "inputs", "training")
_INIT_ARGS = ("rng", "inputs", "training")


def _argument_names(layer_name, fn, fn_name, allowed):
    if not callable(fn):
        raise TypeError(f"{layer_name}: `{fn_name}` must be callable. Received: {fn_name}={fn!r}")
    names = list(inspect.signature(fn).parameters)
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise ValueError(
            f"{layer_name}: `{fn_name}` has an unsupported argument `{unknown[0]}`. Arguments are "
            f"matched by name; the supported names are {list(allowed)}. Rename it, or wrap "
            f"`{fn_name}` in a function with those argument names."
        )
    if "inputs" not in names:
        raise ValueError(
            f"{layer_name}: `{fn_name}` must take an argument named `inputs`. Received a function "
            f"with arguments {names}."
        )
    return names


def _is_array_leaf(value):
    return isinstance(value, (np.ndarray, np.generic, jax.Array)) or (
        isinstance(value, (bool, int, float)))


@_register
class JaxLayer(Layer):
    """Wraps `call_fn(params, state, rng, inputs, training)` (names matter, most optional).

    Args:
        call_fn: the model function; see the module docstring for its arguments.
        init_fn: `init_fn(rng, inputs, training)` (any subset) returning `params` or
            `(params, state)`; called at build time when `params` and `state` are both None.
        params: the trainable parameters (a pytree of arrays), instead of `init_fn`.
        state: the non-trainable state (a pytree of arrays), instead of `init_fn`.
        seed: seed of the generator behind the `rng` given to `call_fn`.
        native_serialization_platforms: accepted for Keras compatibility (TensorFlow export only).
    """

    def __init__(self, call_fn, init_fn=None, params=None, state=None, seed=None,
                 native_serialization_platforms=None, **kwargs):
        super().__init__(**kwargs)
        name = type(self).__name__
        self.call_fn_arguments = _argument_names(name, call_fn, "call_fn", _CALL_ARGS)
        self.call_fn = call_fn
        self.init_fn = init_fn
        self.call_fn_has_params = "params" in self.call_fn_arguments
        self.call_fn_has_state = "state" in self.call_fn_arguments
        if init_fn is None and params is None and state is None and (
                self.call_fn_has_params or self.call_fn_has_state):
            raise ValueError(
                f"{name}: `call_fn` takes `params` or `state` but none of `init_fn`, `params`, "
                "`state` was given, so there is nothing to initialize them from. Pass "
                "`init_fn=` (called at build time) or the initial `params=`/`state=`."
            )
        if init_fn is not None:
            self.init_fn_arguments = _argument_names(name, init_fn, "init_fn", _INIT_ARGS)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed) if "rng" in self.call_fn_arguments else None
        self.jax2tf_native_serialization_platforms = native_serialization_platforms
        self._set_structures(params, state)
        if params is not None or state is not None:
            # Given weights: nothing depends on the input shape, the layer is built already.
            self.built = True

    # ------------------------------------------------------------------ weights
    def _to_variables(self, values, trainable):
        def create(value):
            if not _is_array_leaf(value):
                return value
            value = jnp.asarray(value)
            floating = jnp.issubdtype(value.dtype, jnp.floating)
            # Float leaves follow the layer's dtype policy; ints and bools keep their dtype.
            return self.add_weight(value.shape, initializer=_Constant(value),
                                   dtype=None if floating else str(value.dtype), trainable=trainable)

        with _state.name_scope(self.name, owner=self):
            return jax.tree_util.tree_map(create, values)

    def _set_structures(self, params, state):
        # The pytrees of Variables are kept out of attribute tracking: add_weight tracks them.
        object.__setattr__(self, "params", self._to_variables(params, True))
        object.__setattr__(self, "state", self._to_variables(state, False))

    def build(self, input_shape):
        if self.params is None and self.state is None and (self.call_fn_has_params or self.call_fn_has_state):
            self._initialize(input_shape)

    def _initialize(self, input_shape):
        def ones(shape):
            return jnp.ones([1 if d is None else d for d in shape])

        inputs = _map_shapes(ones, input_shape)
        values = {"rng": lambda: draw_seed(None), "inputs": lambda: inputs, "training": lambda: True}
        result = self.init_fn(*[values[n]() for n in self.init_fn_arguments])
        if self.call_fn_has_state:
            if not (isinstance(result, (tuple, list)) and len(result) == 2):
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': `call_fn` takes `state`, so `init_fn` "
                    f"must return a pair `(params, state)`. Received: {type(result).__name__}."
                )
            params, state = result
        else:
            params, state = result, None
        self._set_structures(params, state)

    # ------------------------------------------------------------------ calling
    def call(self, inputs, training=False):
        def read(v):
            return v.value if hasattr(v, "assign") else v

        given = {
            "params": lambda: jax.tree_util.tree_map(read, self.params),
            "state": lambda: jax.tree_util.tree_map(read, self.state),
            "rng": lambda: self._call_rng(training),
            "inputs": lambda: inputs,
            "training": lambda: training,
        }
        result = self.call_fn(*[given[n]() for n in self.call_fn_arguments])
        if not self.call_fn_has_state:
            return result
        outputs, new_state = result

        def assign(value, variable):
            if not hasattr(variable, "assign"):
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': the state returned by `call_fn` does not "
                    "have the structure of the initial state. `call_fn` must return "
                    "`(outputs, new_state)` with `new_state` shaped like the state it received."
                )
            variable.assign(value)

        jax.tree_util.tree_map(assign, new_state, self.state)
        return outputs

    def _call_rng(self, training):
        # Keras's default: a fresh key in training, None in inference.
        return draw_seed(self.seed_generator) if training else None

    # ------------------------------------------------------------------ config
    def get_config(self):
        from lamina.saving.serialization import serialize_keras_object

        return {**super().get_config(), "call_fn": serialize_keras_object(self.call_fn),
                "init_fn": serialize_keras_object(self.init_fn),
                "native_serialization_platforms": self.jax2tf_native_serialization_platforms}

    @classmethod
    def from_config(cls, config):
        from lamina.saving.serialization import deserialize_keras_object

        config = dict(config)
        for key in ("call_fn", "init_fn"):
            if isinstance(config.get(key), dict):
                config[key] = deserialize_keras_object(config[key], what=key)
        return super().from_config(config)


class _Constant:
    """An initializer returning a fixed array (cast to the requested dtype)."""

    def __init__(self, value):
        self.value = value

    def __call__(self, shape, dtype=None):
        return jnp.asarray(self.value, dtype=dtype)


def _is_shape(s):
    return isinstance(s, (list, tuple)) and all(d is None or isinstance(d, (int, np.integer)) for d in s)


def _map_shapes(fn, shapes):
    if _is_shape(shapes):
        return fn(tuple(shapes))
    if isinstance(shapes, dict):
        return {k: _map_shapes(fn, v) for k, v in shapes.items()}
    return type(shapes)(_map_shapes(fn, s) for s in shapes)
