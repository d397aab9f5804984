"""Progbar: same text as Keras 3's for the same updates, plain lines off-terminal, throttled
redraws, and device values read only when drawn."""

import re
import time

import jax.numpy as jnp
import numpy as np
import pytest

from lamina.utils import Progbar, io_utils


class FakeClock:
    """Replaces time.time for lamina's and Keras's Progbar alike."""

    def __init__(self, monkeypatch, start=1000.0):
        self.now = start
        monkeypatch.setattr(time, "time", lambda: self.now)

    def advance(self, seconds):
        self.now += seconds


class Spy:
    """A metric value that counts how often it is read as a number."""

    reads = 0

    def __init__(self, value):
        self.value = value

    def __array__(self, dtype=None, copy=None):
        Spy.reads += 1
        return np.asarray(self.value, dtype=dtype)

    def __float__(self):
        Spy.reads += 1
        return float(self.value)


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(io_utils, "stdout_is_terminal", lambda: True)


@pytest.fixture
def not_terminal(monkeypatch):
    monkeypatch.setattr(io_utils, "stdout_is_terminal", lambda: False)


def _drive(cls, clock, capsys, updates, **kwargs):
    capsys.readouterr()
    bar = cls(**kwargs)
    for dt, current, values, finalize in updates:
        clock.advance(dt)
        bar.update(current, values, finalize=finalize)
    return capsys.readouterr().out


def _steps(n, dt, values=lambda i: [("accuracy", 0.5 + i / 100), ("loss", 1.0 / i)]):
    return [(dt, i, values(i), None) for i in range(1, n + 1)]


SEQUENCES = {
    # name: (updates, Progbar kwargs)
    "averaged": (_steps(32, 0.2), {"target": 32}),
    "as_given": (_steps(32, 0.2), {"target": 32, "stateless_metrics": set()}),
    "stateful_names": (_steps(8, 0.3), {"target": 8, "stateful_metrics": ["loss"]}),
    "unknown_target": (_steps(12, 0.15), {"target": None}),
    "tiny_values_sci": (
        _steps(5, 0.2, lambda i: [("loss", 1e-5 * i), ("mae", 0.5)]),
        {"target": 5, "stateless_metrics": set()},
    ),
    "slow_steps_seconds": (_steps(4, 2.5), {"target": 4}),
    "eta_minutes": (_steps(3, 30.0) + [(30.0, 10, [("loss", 0.1)], None)], {"target": 10}),
    "eta_hours": (_steps(2, 3000.0) + [(3000.0, 5, [("loss", 0.1)], None)], {"target": 5}),
    "fast_steps_us": (
        [(0.2, 1, [("loss", 0.3)], None), (0.0002, 200, [("loss", 0.2)], None),
         (0.2, 1000, [("loss", 0.1)], None)],
        {"target": 1000},
    ),
    "skipped_steps": (
        [(0.2, 3, [("loss", 0.9)], None), (0.2, 7, [("loss", 0.5)], None),
         (0.2, 10, [("loss", 0.1)], None)],
        {"target": 10, "width": 30},
    ),
    "explicit_finalize_and_shrinking_line": (
        [(0.2, 1, [("loss", 12345.678)], None), (0.2, 2, [("loss", 0.5)], None),
         (0.2, 2, [("loss", 0.25)], True)],
        {"target": 4, "stateless_metrics": set()},
    ),
    "samples_unit": (_steps(6, 0.2), {"target": 6, "unit_name": "sample"}),
}


@pytest.mark.parametrize("verbose", [1, 2])
@pytest.mark.parametrize("name", sorted(SEQUENCES))
def test_text_matches_keras(keras3, monkeypatch, capsys, terminal, name, verbose):
    from keras.src.utils import progbar as keras_progbar

    updates, kwargs = SEQUENCES[name]
    clock = FakeClock(monkeypatch)
    expected = _drive(keras_progbar.Progbar, clock, capsys, updates, verbose=verbose, **kwargs)
    clock.now = 1000.0
    got = _drive(Progbar, clock, capsys, updates, verbose=verbose, **kwargs)
    # Keras also writes backspaces before its `\r`; on a terminal they change nothing.
    assert got == expected.replace("\b", "")
    # Every sequence draws something, except verbose=2 with no target (Keras prints nothing then).
    assert bool(got) == (verbose == 1 or kwargs["target"] is not None)


def test_live_line_layout(monkeypatch, capsys, terminal):
    clock = FakeClock(monkeypatch)
    out = _drive(
        Progbar, clock, capsys,
        [(0.002, 1, [("accuracy", 0.91), ("loss", 0.25)], None),
         (0.062, 32, [("accuracy", 0.91), ("loss", 0.25)], None)],
        target=32, stateless_metrics=set(),
    )
    last = out.split("\r")[-1]
    assert last == (
        "\x1b[1m32/32\x1b[0m \x1b[32m" + "\u2501" * 20 + "\x1b[0m\x1b[37m\x1b[0m \x1b[1m0s\x1b[0m "
        "2ms/step - accuracy: 0.9100 - loss: 0.2500\n"
    )
    plain = re.sub(r"\x1b\[\d+m", "", last)
    assert plain == "32/32 " + "\u2501" * 20 + " 0s 2ms/step - accuracy: 0.9100 - loss: 0.2500\n"


def test_verbose2_single_line(monkeypatch, capsys, not_terminal):
    clock = FakeClock(monkeypatch)
    out = _drive(
        Progbar, clock, capsys,
        [(0.0015, i, [("accuracy", 0.55), ("loss", 0.8362)], None) for i in range(1, 5)],
        target=4, verbose=2, stateless_metrics=set(),
    )
    assert out == "4/4 - 0s - 1ms/step - accuracy: 0.5500 - loss: 0.8362\n"


def test_not_a_terminal_gives_plain_lines(monkeypatch, capsys, not_terminal):
    clock = FakeClock(monkeypatch)
    out = _drive(Progbar, clock, capsys, _steps(20, 0.5), target=20, verbose=1)
    assert "\x1b" not in out and "\b" not in out and "\r" not in out
    assert out.count("\n") == 1
    assert out.startswith("20/20 " + "\u2501" * 20 + " 10s ")


def test_auto_verbose_follows_the_terminal(monkeypatch):
    monkeypatch.setattr(io_utils, "stdout_is_terminal", lambda: False)
    assert io_utils.resolve_verbose("auto") == 2
    monkeypatch.setattr(io_utils, "stdout_is_terminal", lambda: True)
    assert io_utils.resolve_verbose("auto") == 1
    assert [io_utils.resolve_verbose(v) for v in (0, 1, 2)] == [0, 1, 2]
    with pytest.raises(ValueError, match="verbose=3"):
        io_utils.resolve_verbose(3)


def test_captured_stdout_is_not_a_terminal(capsys):
    assert io_utils.stdout_is_terminal() is False


def test_redraws_are_throttled(monkeypatch, capsys, terminal):
    clock = FakeClock(monkeypatch)
    # 1000 steps in 0.09 s: one draw at the first step, then only the final one.
    updates = [(0.00009, i, [("loss", 0.5)], None) for i in range(1, 1001)]
    out = _drive(Progbar, clock, capsys, updates, target=1000, interval=0.1)
    assert out.count("\r") == 2
    # 1000 steps over ~2 s with a 0.1 s interval: about 20 draws, not 1000.
    updates = [(0.002, i, [("loss", 0.5)], None) for i in range(1, 1001)]
    out = _drive(Progbar, clock, capsys, updates, target=1000, interval=0.1)
    assert 15 <= out.count("\r") <= 22


def test_values_read_only_when_drawn(monkeypatch, capsys, terminal):
    clock = FakeClock(monkeypatch)
    Spy.reads = 0
    for kwargs in ({"stateless_metrics": set()}, {}):
        bar = Progbar(target=100, interval=10.0, **kwargs)
        clock.advance(1.0)
        bar.update(1, [("loss", Spy(1.0))])  # first update draws
        reads_after_first_draw = Spy.reads
        for i in range(2, 100):
            clock.advance(0.01)
            bar.update(i, [("loss", Spy(1.0))])
        assert Spy.reads == reads_after_first_draw
        clock.advance(0.01)
        bar.update(100, [("loss", Spy(0.5))])
        assert Spy.reads > reads_after_first_draw
        assert capsys.readouterr().out.endswith("loss: 0.5000\n")


def test_jax_values_render_like_floats(monkeypatch, capsys, terminal):
    clock = FakeClock(monkeypatch)
    floats = _steps(10, 0.2)
    arrays = [(dt, i, [(k, jnp.float32(v)) for k, v in vals], f) for dt, i, vals, f in floats]
    text_floats = _drive(Progbar, clock, capsys, floats, target=10)
    clock.now = 1000.0
    text_arrays = _drive(Progbar, clock, capsys, arrays, target=10)
    assert text_arrays == text_floats


def test_many_undrawn_averaged_values_stay_bounded(monkeypatch, capsys, terminal):
    FakeClock(monkeypatch)
    bar = Progbar(target=None, verbose=2)
    for i in range(1, 2001):
        bar.update(i, [("loss", float(i % 2))])
    entry = bar._values["loss"]
    assert len(entry[2]) < 300
    assert bar._current_value("loss") == pytest.approx(0.5)


def test_add_advances(monkeypatch, capsys, not_terminal):
    clock = FakeClock(monkeypatch)
    bar = Progbar(target=3, verbose=2)
    for _ in range(3):
        clock.advance(0.5)
        bar.add(1, [("loss", 0.25)])
    assert capsys.readouterr().out == "3/3 - 2s - 500ms/step - loss: 0.2500\n"


def test_both_metric_lists_is_an_error():
    with pytest.raises(ValueError, match="not both"):
        Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])


def test_silent(monkeypatch, capsys, terminal):
    clock = FakeClock(monkeypatch)
    assert _drive(Progbar, clock, capsys, _steps(5, 0.2), target=5, verbose=0) == ""
