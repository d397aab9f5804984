"""What `compile(loss=..., metrics=..., loss_weights=...)` means for each model output.

Losses and metrics may be given once (applied to every output), as a list (by position) or as a
dict keyed by output name. Log names follow Keras 3: `loss`, `<output>_loss`, `<metric>` for one
output, `<output>_<metric>` for several.
"""

import difflib

import jax
import jax.numpy as jnp

_MEAN_REDUCTIONS = ("sum_over_batch_size", "mean", "auto")


def _flatten_outputs(struct):
    return jax.tree_util.tree_leaves(struct)


def structure_per_output(value, output_names, what, single_ok=True):
    """Maps `value` (one, list or dict) onto the list of outputs; errors name the outputs."""
    n = len(output_names)
    if value is None:
        return [None] * n
    if isinstance(value, dict):
        unknown = [k for k in value if k not in output_names]
        if unknown:
            close = {k: difflib.get_close_matches(k, output_names, n=1) for k in unknown}
            hints = "; ".join(f"'{k}' (did you mean '{c[0]}'?)" if c else f"'{k}'" for k, c in close.items())
            raise ValueError(
                f"compile(): `{what}` has keys that are not model outputs: {hints}. The model's "
                f"output names are {output_names}."
            )
        return [value.get(name) for name in output_names]
    if isinstance(value, (list, tuple)) and n > 1:
        if what == "metrics" and not any(isinstance(v, (list, tuple, dict)) for v in value):
            # A flat metrics list with several outputs applies to every output (Keras 2 behaviour).
            return [list(value)] * n
        if len(value) != n:
            raise ValueError(
                f"compile(): `{what}` is a list of {len(value)} entries but the model has {n} "
                f"outputs ({output_names}). Give one entry per output, or a dict keyed by output name."
            )
        return list(value)
    if isinstance(value, (list, tuple)) and n == 1 and what != "metrics":
        if len(value) != 1:
            raise ValueError(
                f"compile(): `{what}` has {len(value)} entries but the model has a single output."
            )
        return [value[0]]
    return [value] * n


def resolve_loss(identifier, y_true_shape=None, y_pred_shape=None):
    from lamina import losses

    if identifier is None:
        return None
    if y_pred_shape is None:
        return losses.get(identifier) if not (isinstance(identifier, str) and identifier in ("crossentropy", "ce")) else identifier
    return losses.resolve_loss(identifier, y_true_shape, y_pred_shape)


def resolve_metric(identifier, y_true_shape, y_pred_shape):
    from lamina import metrics

    return metrics.resolve_metric(identifier, y_true_shape, y_pred_shape)


def _is_user_function_metric(metric):
    """A MeanMetricWrapper around a function that is not one of lamina's own."""
    if not isinstance(metric, _wrapper_class()):
        return False
    fn = getattr(metric, "_fn", None) or getattr(metric, "fn", None)
    module = getattr(fn, "__module__", "") or ""
    return not module.startswith("lamina.")


def _wrapper_class():
    from lamina import metrics

    return metrics.MeanMetricWrapper


class CompiledLosses:
    """The per-output losses, their weights, and the trackers that log them."""

    def __init__(self, loss, loss_weights, output_names, y_true_shapes, y_pred_shapes):
        from lamina import metrics

        self.output_names = list(output_names)
        per_output = structure_per_output(loss, self.output_names, "loss")
        self.losses = [resolve_loss(x, t, p) for x, t, p in zip(per_output, y_true_shapes, y_pred_shapes)]
        weights = structure_per_output(loss_weights, self.output_names, "loss_weights")
        self.weights = [1.0 if w is None else float(w) for w in weights]
        active = [i for i, lf in enumerate(self.losses) if lf is not None]
        self.active = active
        self.trackers = []
        if len(active) > 1 or (len(self.output_names) > 1 and active):
            for i in active:
                self.trackers.append((i, metrics.Mean(name=f"{self.output_names[i]}_loss")))

    def __call__(self, y_true, y_pred, sample_weight, pad_scale):
        """Total weighted loss; also updates the per-output trackers."""
        total = jnp.zeros((), "float32")
        per_output = {}
        for i in self.active:
            lf = self.losses[i]
            yt, yp = y_true[i], y_pred[i]
            if yt is None:
                raise ValueError(
                    f"Output '{self.output_names[i]}' has a loss but no target was given for it. "
                    f"Pass y for every output with a loss ({[self.output_names[j] for j in self.active]})."
                )
            sw = sample_weight[i] if isinstance(sample_weight, list) else sample_weight
            value = lf(yt, yp, sample_weight=sw)
            if pad_scale is not None and getattr(lf, "reduction", "sum_over_batch_size") in _MEAN_REDUCTIONS:
                # The padded rows carry zero weight; rescale so the mean is over the real rows.
                value = value * pad_scale
            per_output[i] = value
            total = total + self.weights[i] * value.astype("float32")
        return total, per_output


class CompiledMetrics:
    """The per-output metric objects, named as Keras 3 names them in logs."""

    def __init__(self, metrics, weighted_metrics, output_names, y_true_shapes, y_pred_shapes):
        self.output_names = list(output_names)
        self.entries = []  # (output index, metric, weighted)
        multi = len(self.output_names) > 1
        for spec, weighted in ((metrics, False), (weighted_metrics, True)):
            per_output = structure_per_output(spec, self.output_names, "metrics" if not weighted else "weighted_metrics")
            for i, ms in enumerate(per_output):
                if ms is None:
                    continue
                ms = ms if isinstance(ms, (list, tuple)) else [ms]
                for m in ms:
                    obj = resolve_metric(m, y_true_shapes[i], y_pred_shapes[i])
                    if multi:
                        obj.name = f"{self.output_names[i]}_{obj.name}"
                    self.entries.append((i, obj, weighted))
        # A user function may reduce over the batch itself (`K.mean(y_pred)`), which padded rows
        # would bias; the trainer then runs the last partial batch unpadded.
        self.has_custom_functions = any(_is_user_function_metric(m) for _, m, _ in self.entries)
        names = [m.name for _, m, _ in self.entries]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"compile(): several metrics are named {dup}. Give them distinct `name=`s.")

    @property
    def metrics(self):
        return [m for _, m, _ in self.entries]

    def update(self, y_true, y_pred, sample_weight, pad_mask):
        for i, m, weighted in self.entries:
            sw = sample_weight[i] if isinstance(sample_weight, list) else sample_weight
            w = sw if (weighted and sw is not None) else pad_mask
            if weighted and sw is not None and pad_mask is not None:
                w = sw
            m.update_state(y_true[i], y_pred[i], sample_weight=w)
