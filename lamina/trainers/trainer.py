"""`compile`, `fit`, `evaluate`, `predict`: one implementation for every model.

The model's Variables hold the truth between calls. During `fit`, their values travel as one state
pytree `(trainable, non_trainable, optimizer, metrics)` through a jitted pure step, and are written
back to the Variables at the end of each epoch (or before a callback that looks at them per batch).
Logs stay on the device until the progress bar or a callback reads them.

>>> import numpy as np, lamina as keras
>>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
>>> model.compile(optimizer="sgd", loss="mse")
>>> history = model.fit(np.ones((8, 4)), np.ones((8, 1)), epochs=2, verbose=0)
>>> len(history.history["loss"])
2
"""

import inspect

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend import state as _state
from lamina.distribution import trainer_hooks as hooks
from lamina.trainers import compile_utils, compiler_options
from lamina.trainers import data as data_lib
from lamina.trainers import step as step_lib


def _flat(struct):
    return jax.tree_util.tree_leaves(struct)


class Trainer:
    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self.stop_training = False
        self.history = None
        self._compiled_losses = None
        self._compiled_metrics = None
        self._loss_tracker = None
        self._fn_cache = {}
        self._compile_args = None
        self.steps_per_execution = 1
        self.run_eagerly = False
        self.jit_compile = True

    # ================================================================== compile
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution="auto",
                jit_compile="auto", auto_scale_loss=True):
        """Configures the model for training.

        `steps_per_execution="auto"` (lamina's default) lets lamina fuse several steps into one
        dispatch where that measurably helps; an int fixes it, as in Keras.
        """
        from lamina import metrics as metrics_module
        from lamina import optimizers

        self.optimizer = optimizers.get(optimizer)
        if (auto_scale_loss and self.dtype_policy.name == "mixed_float16" and self.optimizer is not None
                and not isinstance(self.optimizer, optimizers.LossScaleOptimizer)):
            # float16 gradients underflow without loss scaling (Keras does the same).
            self.optimizer = optimizers.LossScaleOptimizer(self.optimizer)
        self.loss = loss
        self._compile_args = dict(loss=loss, loss_weights=loss_weights, metrics=metrics,
                                  weighted_metrics=weighted_metrics)
        # Resolve names now so a typo fails at compile(), not at the first batch.
        for spec in _flat_specs(loss):
            if spec is not None:
                compile_utils.resolve_loss(spec)
        for spec in _flat_specs(metrics) + _flat_specs(weighted_metrics):
            if isinstance(spec, str) and spec not in ("accuracy", "acc", "crossentropy", "ce"):
                metrics_module.get(spec)
        if steps_per_execution != "auto" and (not isinstance(steps_per_execution, int) or steps_per_execution < 1):
            raise ValueError(
                "compile(): steps_per_execution must be a positive int or 'auto'. "
                f"Received: steps_per_execution={steps_per_execution!r}"
            )
        self.steps_per_execution = steps_per_execution
        self.run_eagerly = bool(run_eagerly)
        self.jit_compile = jit_compile if jit_compile != "auto" else True
        # Not tracked as a layer attribute: compile-time metrics are not model variables.
        object.__setattr__(self, "_loss_tracker", metrics_module.Mean(name="loss"))
        self._compiled_losses = None
        self._compiled_metrics = None
        self._fn_cache = {}
        object.__setattr__(self, "_fn_caches", {})
        self.compiled = True
        self.stop_training = False

    def get_compile_config(self):
        if not self.compiled:
            return None
        from lamina.saving.serialization import serialize_keras_object

        args = self._compile_args
        return {
            "optimizer": serialize_keras_object(self.optimizer),
            "loss": serialize_keras_object(args["loss"]) if not callable(args["loss"]) or hasattr(args["loss"], "get_config") else args["loss"].__name__,
            "loss_weights": args["loss_weights"],
            "metrics": _serialize_metric_spec(args["metrics"]),
            "weighted_metrics": _serialize_metric_spec(args["weighted_metrics"]),
            "run_eagerly": self.run_eagerly,
            "steps_per_execution": self.steps_per_execution if self.steps_per_execution != "auto" else 1,
            "jit_compile": self.jit_compile,
        }

    def compile_from_config(self, config):
        from lamina import losses, optimizers
        from lamina.saving.compile_io import deserialize_compile_config

        # Keras writes metric/loss objects as serialized dicts; turn them back into objects.
        config = dict(deserialize_compile_config(config))
        opt = config.pop("optimizer", "rmsprop")
        opt = optimizers.deserialize(opt) if isinstance(opt, dict) else optimizers.get(opt)
        loss = config.pop("loss", None)
        if isinstance(loss, dict) and "class_name" in loss:
            loss = losses.deserialize(loss)
        self.compile(optimizer=opt, loss=loss, **{k: v for k, v in config.items() if k in (
            "loss_weights", "metrics", "weighted_metrics", "run_eagerly", "jit_compile")})
        if self.built:
            self.optimizer.build(self.trainable_variables)

    def _require_compiled(self, what):
        if not self.compiled:
            raise RuntimeError(
                f"You must call `model.compile(optimizer, loss, ...)` before `model.{what}()`. "
                f"Model '{self.name}' has not been compiled."
            )

    # ================================================================== metrics
    @property
    def metrics(self):
        out = []
        if self._loss_tracker is not None:
            out.append(self._loss_tracker)
        if self._compiled_losses is not None:
            out.extend(t for _, t in self._compiled_losses.trackers)
        if self._compiled_metrics is not None:
            out.extend(self._compiled_metrics.metrics)
        for layer in self._flat_layers():
            out.extend(layer.metrics)
        out.extend(self._metrics)
        return out

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def _metric_variables(self):
        out = []
        for m in self.metrics:
            out.extend(m.variables)
        return out

    def _metric_results(self):
        logs = {}
        for m in self.metrics:
            r = m.result()
            if isinstance(r, dict):
                logs.update(r)
            else:
                logs[m.name] = r
        return logs

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self):
        return {k: _to_python(v) for k, v in self._metric_results().items()}

    # ================================================================== building for training
    def _output_names(self):
        names = getattr(self, "output_names", None)
        if names:
            return list(names)
        return ["output"]

    def _prepare(self, x_spec, y_spec):
        """Builds the model, the optimizer and the compiled losses/metrics from shapes."""
        if not self.built:
            shapes = jax.tree_util.tree_map(lambda a: (None,) + tuple(a.shape[1:]), x_spec)
            self._build_with_shapes(shapes if not isinstance(shapes, list) else shapes)
        if self._compiled_losses is None:
            y_pred = self._output_spec(x_spec)
            flat_pred = _flat(y_pred)
            names = self._output_names()
            if len(names) != len(flat_pred):
                names = [f"output_{i}" for i in range(len(flat_pred))] if len(flat_pred) > 1 else names[:1]
            y_flat = self._align_targets(y_spec, names)
            y_shapes = [tuple(t.shape) if t is not None else tuple(p.shape) for t, p in zip(y_flat, flat_pred)]
            self._compiled_losses = compile_utils.CompiledLosses(
                self._compile_args["loss"], self._compile_args["loss_weights"], names,
                y_shapes, [tuple(p.shape) for p in flat_pred],
            )
            self._compiled_metrics = compile_utils.CompiledMetrics(
                self._compile_args["metrics"], self._compile_args["weighted_metrics"], names,
                y_shapes, [tuple(p.shape) for p in flat_pred],
            )
            self._check_targets(y_flat, flat_pred, names)
            self._fn_cache = {}
            object.__setattr__(self, "_fn_caches", {})
        if self.optimizer is not None and not getattr(self.optimizer, "built", False):
            self.optimizer.build(self.trainable_variables)

    def _output_spec(self, x_spec):
        def f(x):
            return self._eager_forward(x, training=False)

        with _state.StatelessScope(), _state.SymbolicScope():
            return jax.eval_shape(f, x_spec)

    def _eager_forward(self, x, training):
        from lamina.layers.layer import Layer

        return Layer.__call__(self, x, training=training)

    def _align_targets(self, y, names):
        """y (array, list or dict) as a list aligned with the outputs."""
        if y is None:
            return [None] * len(names)
        if isinstance(y, dict):
            unknown = [k for k in y if k not in names]
            if unknown:
                raise ValueError(
                    f"Targets were given for {unknown}, which are not outputs of model '{self.name}'. "
                    f"Output names: {names}."
                )
            return [y.get(n) for n in names]
        if isinstance(y, (list, tuple)) and len(names) > 1:
            if len(y) != len(names):
                raise ValueError(
                    f"Model '{self.name}' has {len(names)} outputs ({names}) but y has {len(y)} "
                    "entries. Pass one target array per output, or a dict keyed by output name."
                )
            return list(y)
        if isinstance(y, (list, tuple)) and len(y) == 1:
            return [y[0]]
        if len(names) > 1:
            raise ValueError(
                f"Model '{self.name}' has {len(names)} outputs ({names}) but a single target array "
                "was given. Pass a list or a dict of targets, one per output."
            )
        return [y]

    def _check_targets(self, y_flat, pred_flat, names):
        from lamina import losses

        for i, (t, p) in enumerate(zip(y_flat, pred_flat)):
            lf = self._compiled_losses.losses[i]
            if t is None or lf is None:
                continue
            t_shape, p_shape = tuple(t.shape), tuple(p.shape)
            fn = getattr(lf, "fn", None)
            is_cce = isinstance(lf, losses.CategoricalCrossentropy) or getattr(fn, "__name__", "") == "categorical_crossentropy"
            if is_cce and p_shape[-1] not in (None, 1) and (len(t_shape) < len(p_shape) or t_shape[-1] == 1):
                raise ValueError(
                    f"Output '{names[i]}': categorical_crossentropy expects one-hot targets of shape "
                    f"{('N',) + tuple(p_shape[1:])}, but received targets of shape {t_shape} (integer "
                    "class labels). Use loss='sparse_categorical_crossentropy', or one-hot encode "
                    "the labels with keras.utils.to_categorical."
                )

    # ================================================================== the pure steps
    def _forward_and_loss(self, trainable_values, nt_values, metric_values, x, y, sw, pad_mask, training):
        lists = self._state_lists
        mapping = list(zip(lists[0], trainable_values)) + list(zip(lists[1], nt_values)) + list(
            zip(lists[3], metric_values)
        )
        with _state.StatelessScope(mapping) as scope:
            y_pred = self._eager_forward(x, training=training)
            loss = self._compute_loss_padded(x, y, y_pred, sw, pad_mask, training)
            n_valid = jnp.sum(pad_mask) if pad_mask is not None else _batch_size(x)
            self._loss_tracker.update_state(loss, sample_weight=n_valid)
        new_nt = [_current(scope, v, val) for v, val in zip(lists[1], nt_values)]
        new_mv = [_current(scope, v, val) for v, val in zip(lists[3], metric_values)]
        return loss, (y_pred, new_nt, new_mv)

    def _compute_loss_padded(self, x, y, y_pred, sw, pad_mask, training=True):
        if self._overrides_method("compute_loss"):
            # A user compute_loss sees unpadded batches (see _pads_last_batch).
            kwargs = {"training": training} if "training" in inspect.signature(self.compute_loss).parameters else {}
            return self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sw, **kwargs)
        names = self._compiled_losses.output_names
        y_flat = self._align_targets(y, names)
        pred_flat = _flat(y_pred)
        w = sw if sw is not None else pad_mask
        scale = None if pad_mask is None else pad_mask.shape[0] / jnp.maximum(jnp.sum(pad_mask), 1.0)
        total, per_output = self._compiled_losses(y_flat, pred_flat, w, scale)
        n_valid = jnp.sum(pad_mask) if pad_mask is not None else _batch_size(x)
        for i, tracker in self._compiled_losses.trackers:
            tracker.update_state(per_output[i], sample_weight=n_valid)
        return total + self._regularization_loss()

    def _regularization_loss(self):
        override = self.__dict__.get("_losses_override")
        if override is not None:
            object.__setattr__(self, "_losses_override", None)
            extra = override
        else:
            extra = self.losses
        if not extra:
            return jnp.zeros((), "float32")
        return sum(jnp.sum(v).astype("float32") for v in extra)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The total loss: compiled losses plus `model.losses` (Keras 3 signature)."""
        if self._compiled_losses is None:
            raise RuntimeError(
                f"compute_loss() needs the losses given to compile(); model '{self.name}' has not "
                "been compiled, or not run on data yet."
            )
        names = self._compiled_losses.output_names
        total, per_output = self._compiled_losses(self._align_targets(y, names), _flat(y_pred), sample_weight, None)
        return total + self._regularization_loss()

    def _overrides_method(self, name):
        return getattr(type(self), name) is not getattr(Trainer, name)

    def _update_metrics(self, metric_values, y, y_pred, sw, pad_mask):
        lists = self._state_lists
        with _state.StatelessScope(list(zip(lists[3], metric_values))) as scope:
            names = self._compiled_losses.output_names
            self._compiled_metrics.update(self._align_targets(y, names), _flat(y_pred), sw, pad_mask)
        return [_current(scope, v, val) for v, val in zip(lists[3], metric_values)]

    def _internal_train_step(self, state, batch):
        tv, ntv, ov, mv = state
        x, y, sw, pad_mask = batch
        def scaled(*args):
            loss, aux = self._forward_and_loss(*args)
            # Loss scaling (mixed float16): apply() divides the gradients back. The scale is
            # optimizer state, so it is read from the values threaded through this step.
            with _state.StatelessScope(list(zip(self._state_lists[2], ov))):
                return self._scale_loss(loss), aux

        grad_fn = jax.value_and_grad(scaled, has_aux=True)
        (loss, (y_pred, ntv, mv)), grads = grad_fn(tv, ntv, mv, x, y, sw, pad_mask, True)
        tv, ov = self._apply_optimizer(tv, ov, grads)
        mv = self._update_metrics(mv, y, y_pred, sw, pad_mask)
        return (tv, ntv, ov, mv)

    def _scale_loss(self, loss):
        from lamina.optimizers import LossScaleOptimizer

        if isinstance(self.optimizer, LossScaleOptimizer) or getattr(self.optimizer, "loss_scale_factor", None):
            return self.optimizer.scale_loss(loss)
        return loss

    def _apply_optimizer(self, tv, ov, grads):
        lists = self._state_lists
        mapping = list(zip(lists[0], tv)) + list(zip(lists[2], ov))
        with _state.StatelessScope(mapping) as scope:
            # apply() also projects variables through their constraints, as Keras does.
            self.optimizer.apply(grads, lists[0])
        new_tv = [_current(scope, v, val) for v, val in zip(lists[0], tv)]
        new_ov = [_current(scope, v, val) for v, val in zip(lists[2], ov)]
        return new_tv, new_ov

    def _internal_test_step(self, state, batch):
        tv, ntv, ov, mv = state
        x, y, sw, pad_mask = batch
        loss, (y_pred, ntv, mv) = self._forward_and_loss(tv, ntv, mv, x, y, sw, pad_mask, False)
        mv = self._update_metrics(mv, y, y_pred, sw, pad_mask)
        return (tv, ntv, ov, mv)

    # Keras 3 (JAX backend) step signatures, for users who override them.
    def train_step(self, state, data):
        x, y, sw = _unpack(data)
        state = self._internal_train_step(tuple(list(s) for s in state), (x, y, sw, None))
        return step_lib.metric_results(self, self._state_lists[3], state[3]), state

    def test_step(self, state, data):
        """Keras 3 JAX signature: `state` is `(trainable, non_trainable, metrics)` values."""
        tv, ntv, mv = state
        x, y, sw = _unpack(data)
        tv, ntv, _, mv = self._internal_test_step((list(tv), list(ntv), [], list(mv)), (x, y, sw, None))
        return step_lib.metric_results(self, self._state_lists[3], mv), (tv, ntv, mv)

    def predict_step(self, state, data):
        """Keras 3 JAX signature: returns `(outputs, non_trainable_values)`."""
        x, _, _ = _unpack(data)
        tv, ntv = state[0], state[1]
        outputs, ntv = self.stateless_call(tv, ntv, x, training=False)
        return outputs, ntv

    def predict_step_fn(self, x):
        return self._eager_forward(x, training=False)

    def compute_loss_and_updates(self, trainable_variables, non_trainable_variables, metrics_variables,
                                 x, y, sample_weight, training=False, optimizer_variables=None):
        """Keras 3 JAX helper: `(loss, (y_pred, non_trainable_variables, metrics_variables))`."""
        return self._forward_and_loss(trainable_variables, non_trainable_variables, metrics_variables,
                                      x, y, sample_weight, None, training)

    def stateless_compute_loss(self, trainable_variables, non_trainable_variables, metrics_variables,
                               x=None, y=None, y_pred=None, sample_weight=None, training=True):
        lists = self._state_lists
        mapping = list(zip(lists[0], trainable_variables)) + list(zip(lists[1], non_trainable_variables)) + list(
            zip(lists[3], metrics_variables))
        with _state.StatelessScope(mapping) as scope:
            loss = self.compute_loss(x, y, y_pred, sample_weight, training)
        return loss, ([_current(scope, v, val) for v, val in zip(lists[1], non_trainable_variables)],
                      [_current(scope, v, val) for v, val in zip(lists[3], metrics_variables)])

    # ================================================================== plumbing
    @property
    def _state_lists(self):
        lists = self.__dict__.get("_cached_state_lists")
        if lists is None:
            lists = step_lib.variable_lists(self)
            object.__setattr__(self, "_cached_state_lists", lists)
        return lists

    def _refresh_state_lists(self):
        object.__setattr__(self, "_cached_state_lists", None)
        lists = self._state_lists
        # Compiled steps depend on which variables are trainable; keep one cache per set, so
        # toggling `trainable` (GAN-style alternation) does not recompile every time.
        key = tuple(len(x) for x in lists) + tuple(id(v) for v in lists[0])
        caches = self.__dict__.setdefault("_fn_caches", {})
        self._fn_cache = caches.setdefault(key, {})
        return lists

    def _choose_steps_per_execution(self, kind, callbacks, data):
        spe = self.steps_per_execution
        if spe != "auto":
            return int(spe)
        if data.kind != "arrays" or self._custom_step(kind):
            return 1
        if callbacks is not None and _user_batch_hooks(callbacks, kind):
            return 1
        # Fusing steps with lax.scan helps dense and recurrent models; on XLA's CPU backend it
        # makes convolutional models much slower, so those run one step per dispatch.
        if compiler_options.has_convolutions(self):
            return 1
        return max(1, min(16, data.steps))

    def _pads_last_batch(self):
        # Padding is exact for lamina's own losses and metrics; a user compute_loss or a metric
        # that reduces over the batch itself sees the real last batch instead (one more compile).
        cm = self._compiled_metrics
        return not (cm is not None and cm.has_custom_functions) and not self._overrides_method("compute_loss")

    def _custom_step(self, kind):
        name = {"train": "train_step", "test": "test_step"}[kind]
        return self._overrides_method(name)

    def _get_fn(self, key, make):
        fn = self._fn_cache.get(key)
        if fn is None:
            fn = make()
            self._fn_cache[key] = fn
        return fn

    def _make_callbacks(self, callbacks, verbose, epochs, steps):
        from lamina.callbacks import CallbackList

        if isinstance(callbacks, CallbackList):
            return callbacks
        return CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                            verbose=verbose, epochs=epochs, steps=steps)

    # ================================================================== fit
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Trains the model; returns a `History` whose `.history` maps each log to its values."""
        self._require_compiled("fit")
        verbose = _resolve_verbose(verbose)
        if validation_split and validation_data is None:
            if data_lib._is_generator_like(x):
                raise ValueError("validation_split is only supported for array inputs, not generators.")
            (x, y, sample_weight), validation_data = data_lib.split_validation(
                data_lib.to_array_tree(x, "x"), data_lib.to_array_tree(y, "y"),
                data_lib.to_array_tree(sample_weight, "sample_weight"), validation_split)
        train = data_lib.make_data(x, y, sample_weight, batch_size, shuffle, steps_per_epoch, class_weight)
        val = None
        if validation_data is not None:
            vx, vy, vsw = _unpack_validation(validation_data)
            val = data_lib.make_data(vx, vy, vsw, validation_batch_size or batch_size or 32, False,
                                     validation_steps, what="fit")
        callbacks = self._make_callbacks(callbacks, verbose, epochs, train.steps)
        self.stop_training = False
        object.__setattr__(self, "_initial_epoch", None)
        callbacks.on_train_begin()
        # BackupAndRestore sets where an interrupted fit resumes, as in Keras.
        initial_epoch = getattr(self, "_initial_epoch", None) or initial_epoch
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            logs = self._run_epoch(train, "train", callbacks)
            epoch_logs = {k: _to_python(v) for k, v in logs.items()}
            if val is not None and _should_validate(epoch, validation_freq):
                val_logs = self._evaluate_data(val, callbacks=None)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            callbacks.on_epoch_end(epoch, _sorted_logs(epoch_logs))
            if self.stop_training:
                break
        if hasattr(self.optimizer, "finalize_variable_values"):
            # With use_ema=True this leaves the averaged weights in the model, as in Keras.
            self.optimizer.finalize_variable_values(self.trainable_variables)
        callbacks.on_train_end(_sorted_logs(epoch_logs))
        return self.history

    def _run_epoch(self, data, kind, callbacks):
        """One pass over `data`; returns the logs (device values). Writes the state back."""
        first_batch = self._peek_spec(data)
        self._prepare(*first_batch)
        lists = self._refresh_state_lists()
        state = hooks.place_state(lists, step_lib.read_state(lists))
        logs = {}
        on_begin = callbacks.on_train_batch_begin if kind == "train" else callbacks.on_test_batch_begin
        on_end = callbacks.on_train_batch_end if kind == "train" else callbacks.on_test_batch_end
        user_hooks = _user_batch_hooks(callbacks, kind)
        if data.kind == "arrays" and not self._custom_step(kind):
            K = self._choose_steps_per_execution(kind, callbacks, data)
            padded = self._pads_last_batch()
            arrays = hooks.place_arrays(data.arrays())
            idx = data.index_matrix(rows_multiple=K if padded else 1)
            runs = [(K, idx, data.steps)]
            if not padded:
                full, partial = data.split_partial(idx)
                k_full = K if len(full) >= K else 1
                rows = -(-len(full) // k_full) * k_full
                full = np.concatenate([full, np.full((rows - len(full), full.shape[1]), -1, np.int32)]) if rows > len(full) else full
                runs = [(k_full, full, data.steps - (partial is not None))]
                if partial is not None:
                    runs.append((1, partial, 1))
            offset = 0
            for k, matrix, n_rows in runs:
                fn = self._get_fn((kind, "arrays", k, padded), lambda k=k: step_lib.make_array_fn(self, kind, lists, k, padded))
                matrix = jnp.asarray(matrix)
                for start in range(0, n_rows, k):
                    last = offset + min(start + k, n_rows) - 1
                    on_begin(offset + start)
                    state, logs = fn(state, arrays, matrix, start, n_rows)
                    if user_hooks:
                        step_lib.write_state(lists, state)
                    on_end(last, logs)
                    if self.stop_training and kind == "train":
                        break
                offset += n_rows
        else:
            custom = self._custom_step(kind)
            fn = self._get_fn((kind, "custom" if custom else "batches"), lambda: (
                step_lib.make_custom_fn(self, kind, lists) if custom else step_lib.make_batch_fn(self, kind, lists)))
            batches = data.batches() if data.kind == "generator" else _array_batches(data)
            if data.kind == "generator":
                data.on_epoch_begin()
            for i, (x, y, sw, pad) in enumerate(batches):
                on_begin(i)
                x, y, sw, pad = hooks.place_batch((x, y, sw, pad))
                if custom:
                    packed = (x,) if y is None else ((x, y) if sw is None else (x, y, sw))
                    state, logs = fn(state, packed)
                else:
                    state, logs = fn(state, (x, y, sw, pad))
                if user_hooks:
                    step_lib.write_state(lists, state)
                on_end(i, logs)
                if self.stop_training and kind == "train":
                    break
            if data.kind == "generator":
                data.on_epoch_end()
        step_lib.write_state(lists, state)
        return logs

    def _peek_spec(self, data):
        if data.kind == "arrays":
            x, y, _ = data.arrays()
            spec = lambda a: jax.ShapeDtypeStruct((data.batch_size,) + tuple(a.shape[1:]), a.dtype)  # noqa: E731
            return jax.tree_util.tree_map(spec, x), (None if y is None else jax.tree_util.tree_map(spec, y))
        x, y, _, _ = data.peek()
        spec = lambda a: jax.ShapeDtypeStruct(np.shape(a), np.asarray(a).dtype)  # noqa: E731
        return jax.tree_util.tree_map(spec, x), (None if y is None else jax.tree_util.tree_map(spec, y))

    # ================================================================== evaluate
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, **kwargs):
        """Returns the loss and metrics on `x`, `y` (a list, or a dict with `return_dict=True`)."""
        self._require_compiled("evaluate")
        verbose = _resolve_verbose(verbose)
        data = data_lib.make_data(x, y, sample_weight, batch_size, False, steps, what="evaluate")
        cbs = self._make_callbacks(callbacks, verbose, 1, data.steps) if (callbacks or verbose) else None
        return _format_logs(self._evaluate_data(data, cbs), return_dict)

    def _evaluate_data(self, data, callbacks):
        from lamina.callbacks import CallbackList

        cbs = callbacks if callbacks is not None else CallbackList([], model=self)
        self.reset_metrics()
        cbs.on_test_begin()
        logs = self._run_epoch(data, "test", cbs)
        logs = {k: _to_python(v) for k, v in logs.items()}
        cbs.on_test_end(logs)
        return logs

    # ================================================================== predict
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Returns the model's outputs on `x` as NumPy arrays, batch by batch."""
        from lamina.models import forward as _forward

        verbose = _resolve_verbose(verbose)
        batch_size = batch_size or 32
        if not data_lib._is_generator_like(x) and not callbacks and steps is None:
            xa = data_lib.to_array_tree(x, "x")
            leaves = _flat(xa)
            n = int(np.shape(leaves[0])[0]) if leaves else 0
            if 0 < n <= batch_size and self.built and not self._overrides_method("predict_step"):
                # Small inputs: the model's cached jitted forward, no batching machinery.
                y = _forward.call(self, (xa,), {"training": False})
                out = jax.tree_util.tree_map(np.asarray, y)
                if verbose:
                    from lamina.utils.progbar import Progbar

                    Progbar(1, verbose=verbose).update(1, finalize=True)
                return out
        data = data_lib.make_data(x, None, None, batch_size, False, steps, what="predict")
        if not self.built:
            xs, _ = self._peek_spec(data)
            self._prepare_model_only(xs)
        from lamina.callbacks import CallbackList

        cbs = callbacks if isinstance(callbacks, CallbackList) else CallbackList(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1, steps=data.steps)
        cbs.on_predict_begin()
        variables = list(self.trainable_variables) + list(self.non_trainable_variables)
        lists = ([], variables)
        fn = self._get_fn(("predict", len(variables)), lambda: step_lib.make_predict_fn(self, (variables, [])))
        # Predict runs on each process's own devices: its outputs must be fetchable here.
        values = _forward.current_values(variables)
        outputs = []
        if data.kind == "arrays":
            idx = jnp.asarray(data.index_matrix())
            arrays = data.arrays()[0]
            n_valid = data.num_samples
            for i in range(data.steps):
                cbs.on_predict_batch_begin(i)
                out = fn(values, arrays, idx, i)
                outputs.append(out)
                cbs.on_predict_batch_end(i, {"outputs": out})
        else:
            n_valid = 0
            single = step_lib.compile_fn(self, lambda vals, xb: _predict_with(self, variables, vals, xb))
            for i, (xb, _, _, pad) in enumerate(data.batches()):
                cbs.on_predict_batch_begin(i)
                out = single(values, xb)
                real = int(np.sum(pad))
                outputs.append(jax.tree_util.tree_map(lambda a, r=real: a[:r], out))
                n_valid += real
                cbs.on_predict_batch_end(i, {"outputs": out})
        cbs.on_predict_end()
        del lists
        if not outputs:
            raise ValueError("predict() received no data (0 samples).")
        result = jax.tree_util.tree_map(lambda *parts: np.concatenate([np.asarray(p) for p in parts], axis=0)[:n_valid], *outputs)
        return result

    def _prepare_model_only(self, x_spec):
        if not self.built:
            shapes = jax.tree_util.tree_map(lambda a: (None,) + tuple(a.shape[1:]), x_spec)
            self._build_with_shapes(shapes)

    # ================================================================== single batches
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        self._require_compiled("train_on_batch")
        data = data_lib.ArrayData(x, y, sample_weight, batch_size=None, class_weight=class_weight)
        data.batch_size = max(data.num_samples, 1)
        data.steps = 1
        from lamina.callbacks import CallbackList

        self.reset_metrics()
        logs = self._run_epoch(data, "train", CallbackList([], model=self))
        return _format_logs(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._require_compiled("test_on_batch")
        data = data_lib.ArrayData(x, y, sample_weight, batch_size=None)
        data.batch_size = max(data.num_samples, 1)
        data.steps = 1
        logs = self._evaluate_data(data, None)
        return _format_logs(logs, return_dict)

    def predict_on_batch(self, x):
        from lamina.models import forward as _forward

        if not self.built:
            return jax.tree_util.tree_map(np.asarray, self(data_lib.to_array_tree(x, "x")))
        return jax.tree_util.tree_map(np.asarray, _forward.call(self, (data_lib.to_array_tree(x, "x"),), {"training": False}))


# ---------------------------------------------------------------------- helpers
def _predict_with(model, variables, values, x):
    with _state.StatelessScope(list(zip(variables, values))):
        return model.predict_step_fn(x)


def _current(scope, var, default):
    v = scope.get_current_value(var)
    return default if v is None else v


def _batch_size(x):
    return _flat(x)[0].shape[0]


def _unpack(data):
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    return data[0], data[1], data[2]


def _unpack_validation(validation_data):
    if data_lib._is_generator_like(validation_data):
        return validation_data, None, None
    if isinstance(validation_data, (tuple, list)) and len(validation_data) in (2, 3):
        vx, vy = validation_data[0], validation_data[1]
        vsw = validation_data[2] if len(validation_data) == 3 else None
        return vx, vy, vsw
    raise ValueError(
        "validation_data must be a tuple (x_val, y_val) or (x_val, y_val, sample_weight), or a "
        f"generator. Received: {type(validation_data).__name__}"
    )


def _array_batches(data):
    """Unpadded batches, for user-written steps (the last one may be smaller)."""
    idx = data.index_matrix()
    x, y, sw = data.arrays()
    for row in idx:
        xb, yb, swb, _ = data_lib.gather_batch((x, y, sw), jnp.asarray(row[row >= 0]), padded=False)
        yield xb, yb, swb, None


def _to_python(v):
    try:
        a = np.asarray(v)
    except Exception:
        return v
    return float(a) if a.ndim == 0 else a


def _sorted_logs(logs):
    return {k: logs[k] for k in sorted(logs)}


def _format_logs(logs, return_dict):
    logs = _sorted_logs({k: _to_python(v) for k, v in logs.items()})
    if return_dict:
        return logs
    values = [logs.get("loss")] + [v for k, v in logs.items() if k != "loss"] if "loss" in logs else list(logs.values())
    return values[0] if len(values) == 1 else values


def _should_validate(epoch, freq):
    if isinstance(freq, int):
        return (epoch + 1) % freq == 0
    return (epoch + 1) in freq


def _resolve_verbose(verbose):
    from lamina.utils.io_utils import resolve_verbose

    if verbose not in ("auto", 0, 1, 2):
        raise ValueError(f"verbose must be 'auto', 0, 1 or 2. Received: verbose={verbose!r}")
    return resolve_verbose(verbose)


def _flat_specs(spec):
    if spec is None:
        return []
    if isinstance(spec, dict):
        return [e for v in spec.values() for e in _flat_specs(v)]
    if isinstance(spec, (list, tuple)):
        return [e for v in spec for e in _flat_specs(v)]
    return [spec]


def _serialize_metric_spec(spec):
    from lamina.saving.serialization import serialize_keras_object

    if spec is None:
        return None
    if isinstance(spec, dict):
        return {k: _serialize_metric_spec(v) for k, v in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [_serialize_metric_spec(v) for v in spec]
    if isinstance(spec, str):
        return spec
    return serialize_keras_object(spec)


def _user_batch_hooks(callbacks, kind):
    """True when a callback other than History/ProgbarLogger wants every batch of `kind`."""
    from lamina.callbacks import History, ProgbarLogger

    for cb in getattr(callbacks, "callbacks", []):
        if isinstance(cb, (History, ProgbarLogger)):
            continue
        if getattr(cb, f"_implements_{kind}_batch_hooks", lambda: True)():
            return True
    return False
