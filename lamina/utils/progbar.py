"""`Progbar`: the progress line printed by `fit`, `evaluate` and `predict`.

On a terminal (`verbose=1`) it redraws one line in place, at most once per `interval` seconds:

    32/32 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - accuracy: 0.9100 - loss: 0.2500

With `verbose=2` it prints one plain line when the target is reached:

    32/32 - 0s - 2ms/step - accuracy: 0.9100 - loss: 0.2500

Metric values may be JAX arrays: they are read back to the host only when a line is drawn, so a
fast training loop is not forced to wait on the device after every step.

>>> from lamina.utils import Progbar
>>> bar = Progbar(target=2, verbose=2)
>>> bar.update(1, [("loss", 0.5)])
>>> bar.update(2, [("loss", 0.25)])  # doctest: +ELLIPSIS
2/2 - 0s - ...s/step - loss: 0.2500
"""

import math
import time

import numpy as np

from lamina.utils import io_utils

_BOLD, _GREEN, _WHITE, _RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"
_BAR_CHAR = "\u2501"  # '━'
# A stateless metric's pending per-step values are folded into its running mean once this many
# accumulate, so memory stays bounded when nothing is drawn for a long time.
_MAX_PENDING = 256


class Progbar:
    """Displays a progress bar.

    Args:
        target: total number of steps expected, or None if unknown.
        width: bar width in characters.
        verbose: 0 (silent), 1 (live bar), 2 (one line when done).
        interval: minimum seconds between two redraws of the live bar.
        stateful_metrics: names shown as given (not averaged). Give this or `stateless_metrics`.
        stateless_metrics: names averaged over the steps seen; all other names are shown as given.
            When neither is given, every metric is averaged.
        unit_name: what a step is called in the timing (`"step"`, `"sample"`).

    >>> bar = Progbar(target=4, verbose=2, stateful_metrics=["acc"])
    >>> for step in range(1, 5):
    ...     bar.update(step, [("acc", step / 4)])  # doctest: +ELLIPSIS
    4/4 - 0s - ...s/step - acc: 1.0000
    """

    def __init__(
        self,
        target,
        width=20,
        verbose=1,
        interval=0.05,
        stateful_metrics=None,
        stateless_metrics=None,
        unit_name="step",
    ):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "Progbar: pass either `stateful_metrics` (names NOT averaged) or "
                "`stateless_metrics` (names averaged), not both. Received: "
                f"stateful_metrics={stateful_metrics!r}, stateless_metrics={stateless_metrics!r}"
            )
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        if stateless_metrics is not None:
            self.stateful_metrics = None
            self.stateless_metrics = set(stateless_metrics)
        else:
            self.stateful_metrics = set(stateful_metrics or ())
            self.stateless_metrics = None
        self._dynamic_display = io_utils.stdout_is_terminal()
        self._seen_so_far = 0
        # name -> latest raw value (stateful) or [host_sum, host_count, pending] (stateless)
        self._values = {}
        self._values_order = []
        self._start = time.time()
        self._last_update = 0
        self._time_after_first_step = None
        self._prev_total_width = 0

    # ----------------------------------------------------------------------------------- updates
    def _is_stateless(self, name):
        if self.stateful_metrics is not None:
            return name not in self.stateful_metrics
        return name in self.stateless_metrics

    def update(self, current, values=None, finalize=None):
        """Moves the bar to step `current`.

        Args:
            current: index of the current step (1-based count of steps done).
            values: list of `(name, value)` pairs for this step. Averaged names are weighted by the
                number of steps since the previous update.
            finalize: whether this is the last update; defaults to `current >= target`.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            if name not in self._values:
                self._values_order.append(name)
            if not self._is_stateless(name):
                self._values[name] = value
            elif finalize:
                # The final value (e.g. the epoch's aggregate) replaces the running mean.
                self._values[name] = [0.0, 0, [(value, 1)]]
            else:
                weight = max(current - self._seen_so_far, 1)
                entry = self._values.get(name)
                if entry is None:
                    entry = self._values[name] = [0.0, 0, []]
                entry[2].append((value, weight))
                if len(entry[2]) >= _MAX_PENDING:
                    self._fold(entry)
        self._seen_so_far = current

        now = time.time()
        time_per_unit = self._estimate_step_duration(current, now)
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            if self._dynamic_display:
                self._draw_live(current, now, time_per_unit, finalize)
            elif finalize:
                # Not a terminal: no in-place redraws, just the finished bar as a plain line.
                plain, _ = self._bar_line(current, now, time_per_unit, finalize, styled=False)
                io_utils.print_msg(plain + "\n", line_break=False)
        elif self.verbose == 2 and finalize and self.target:
            digits = int(math.log10(self.target)) + 1
            line = f"{current:{digits}d}/{self.target} - {now - self._start:.0f}s -"
            line += _format_time(time_per_unit, self.unit_name) + self._metrics_text()
            io_utils.print_msg(line + "\n", line_break=False)
        self._last_update = now

    def add(self, n, values=None):
        """Advances the bar by `n` steps."""
        self.update(self._seen_so_far + n, values)

    # ----------------------------------------------------------------------------------- drawing
    def _draw_live(self, current, now, time_per_unit, finalize):
        plain, styled = self._bar_line(current, now, time_per_unit, finalize, styled=True)
        width = len(plain)
        message = "\r" + styled
        if self._prev_total_width > width:
            # Blank out the tail of a previous, longer line.
            message += " " * (self._prev_total_width - width)
        if finalize:
            message += "\n"
        io_utils.print_msg(message, line_break=False)
        self._prev_total_width = width

    def _bar_line(self, current, now, time_per_unit, finalize, styled):
        """Returns the line as plain text and with ANSI styling (only built when `styled`)."""

        def bold(text):
            return f"{_BOLD}{text}{_RESET}" if styled else text

        if self.target:
            digits = int(math.log10(self.target)) + 1
            count = f"{current:{digits}d}/{self.target}"
            filled = int(self.width * current / self.target)
            plain = f"{count} " + _BAR_CHAR * max(filled, 0) + _BAR_CHAR * (self.width - filled)
            if styled:
                fancy = f"{bold(count)} "
                if filled > 0:
                    fancy += f"{_GREEN}{_BAR_CHAR * filled}{_RESET}"
                fancy += f"{_WHITE}{_BAR_CHAR * (self.width - filled)}{_RESET}"
        else:
            plain = fancy = f"{current:7d}/Unknown"
        if self.target and not finalize:
            clock = _format_eta(time_per_unit * (self.target - current))
        else:
            clock = f"{now - self._start:.0f}s"
        info = _format_time(time_per_unit, self.unit_name) + self._metrics_text()
        plain += f" {clock}{info}"
        if not styled:
            return plain, None
        return plain, fancy + f" {bold(clock)}{info}"

    def _metrics_text(self):
        text = ""
        for name in self._values_order:
            text += f" - {name}: {_format_value(self._current_value(name))}"
        return text

    # ------------------------------------------------------------------------------------ values
    def _current_value(self, name):
        entry = self._values[name]
        if not self._is_stateless(name) or not isinstance(entry, list):
            return _to_host_scalar(entry)
        self._fold(entry)
        return entry[0] / max(1, entry[1])

    @staticmethod
    def _fold(entry):
        pending = entry[2]
        if not pending:
            return
        # One transfer for all pending device values instead of one per step.
        host = _device_get([value for value, _ in pending])
        for value, (_, weight) in zip(host, pending):
            entry[0] += _to_host_scalar(value) * weight
            entry[1] += weight
        pending.clear()

    def _estimate_step_duration(self, current, now):
        # The first step includes compilation, so later estimates leave it out.
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_unit


def _device_get(values):
    if any(type(v).__module__.startswith("jax") for v in values):
        import jax

        return jax.device_get(values)
    return values


def _to_host_scalar(value):
    if isinstance(value, (int, float)):
        return float(value)
    array = np.asarray(value)
    if array.ndim:
        return float(np.mean(array))
    return float(array)


def _format_value(value):
    if abs(value) > 1e-3:
        return f"{value:.4f}"
    return f"{value:.4e}"


def _format_eta(eta):
    if eta > 3600:
        return "%d:%02d:%02d" % (eta // 3600, (eta % 3600) // 60, eta % 60)
    if eta > 60:
        return "%d:%02d" % (eta // 60, eta % 60)
    return "%ds" % eta


def _format_time(time_per_unit, unit_name):
    if time_per_unit >= 1 or time_per_unit == 0:
        return f" {time_per_unit:.0f}s/{unit_name}"
    if time_per_unit >= 1e-3:
        return f" {time_per_unit * 1e3:.0f}ms/{unit_name}"
    return f" {time_per_unit * 1e6:.0f}us/{unit_name}"
