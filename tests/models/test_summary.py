"""`model.summary()` must print exactly the text real Keras 3 prints for the same model.

Each test builds the same model with lamina and with Keras (names reset on both sides so that
auto-generated names agree) and compares the two summaries character for character.
"""

import io
import logging
import sys

import keras
import numpy as np
import pytest

import lamina
from lamina.backend import naming
from lamina.utils import io_utils
from lamina.utils import summary_utils as su


@pytest.fixture(autouse=True)
def _fixed_terminal(monkeypatch):
    # Keras sizes the table by the terminal and crops to the console: pin both, no colours.
    monkeypatch.setenv("COLUMNS", "100")
    for var in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR", "COLORTERM"):
        monkeypatch.delenv(var, raising=False)


def _fresh():
    keras.backend.clear_session()
    naming.reset_uids()


def _captured(model, **kwargs):
    calls = []
    model.summary(print_fn=lambda *args, **kw: calls.append((args, kw)), **kwargs)
    assert len(calls) == 1 and calls[0][1] == {}, calls
    return calls[0][0][0]


def _compare(build, **kwargs):
    """Builds the model with both libraries; returns (keras text, lamina text)."""
    _fresh()
    k_model = build(keras)
    l_model = build(lamina)
    return _captured(k_model, **kwargs), _captured(l_model, **kwargs)


def _assert_same(build, **kwargs):
    expected, got = _compare(build, **kwargs)
    assert got == expected, f"\nkeras:\n{expected}\nlamina:\n{got}"
    return got


# --------------------------------------------------------------------------- models
def seq_called(k):
    model = k.Sequential([k.layers.Dense(2), k.layers.Dense(3), k.layers.Dense(4)])
    model(k.ops.ones((1, 4)))
    return model


def seq_input(k):
    return k.Sequential([k.Input(shape=(4,)), k.layers.Dense(2)])


def convnet(k):
    L = k.layers
    model = k.Sequential()
    model.add(k.Input(shape=(250, 250, 3)))
    model.add(L.Conv2D(32, 5, strides=2, activation="relu"))
    model.add(L.Conv2D(32, 3, activation="relu"))
    model.add(L.MaxPooling2D(3))
    model.add(L.Conv2D(32, 3, activation="relu"))
    model.add(L.Conv2D(32, 3, activation="relu"))
    model.add(L.MaxPooling2D(3))
    model.add(L.Conv2D(32, 3, activation="relu"))
    model.add(L.Conv2D(32, 3, activation="relu"))
    model.add(L.MaxPooling2D(2))
    return model


def two_inputs(k, name="two_inputs"):
    L = k.layers
    a = k.Input((3,), name="a")
    b = k.Input((5,), name="b")
    x = L.Concatenate(name="concat")([L.Dense(4, name="dense_a")(a), b])
    return k.Model([a, b], L.Dense(1, name="out")(x), name=name)


def regularized(k):
    L = k.layers
    return k.Sequential(
        [k.Input((4, 5)), L.Flatten(), L.Dropout(0.5), L.Activation("relu"), L.Dense(1234)]
    )


def batchnorm(k):
    L = k.layers
    return k.Sequential([k.Input((6,)), L.Dense(8), L.BatchNormalization(), L.Dense(2)])


def nested(k):
    L = k.layers
    inner = k.Sequential([L.Dense(3, name="in1"), L.Dropout(0.1, name="in2")], name="inner")
    a = k.Input((4,), name="x")
    b = k.Input((3,), name="y")
    cat = L.Concatenate(name="cat")([inner(a), b])
    return k.Model([a, b], [L.Dense(1, name="out")(cat), cat], name="outer")


def chain(k):
    x = k.Input((4,))
    return k.Model(x, k.layers.Dense(3)(k.layers.Dense(2)(x)))


def shared_layer(k):
    x = k.Input((3,))
    dense = k.layers.Dense(3, name="shared")
    return k.Model(x, dense(dense(x)))


def op_in_graph(k):
    x = k.Input((3,))
    return k.Model(x, k.layers.Dense(2)(k.ops.add(x, x)))


def branchy(k):
    L = k.layers
    x = k.Input((8,), name="inp")
    a = L.Dense(4, name="a1")(x)
    b = L.Dense(4, name="b2")(L.Dense(4, name="b1")(x))
    d = L.Dense(4, name="c1")(L.Add(name="sum")([a, b]))
    e = L.Concatenate(name="cat")([d, a, b])
    return k.Model(x, [e, L.Dense(2, name="head")(e)], name="branchy")


def unused_input(k):
    a = k.Input((3,), name="a")
    b = k.Input((2,), name="b_unused")
    return k.Model([a, b], k.layers.Dense(2, name="d")(a))


def nested_functional(k):
    L = k.layers
    i = k.Input((4,), name="ii")
    inner = k.Model(i, L.Dense(2, name="idense")(L.Dense(3, name="idense0")(i)), name="inner_f")
    x = k.Input((4,), name="x")
    return k.Model(x, L.Add(name="s")([inner(x), inner(x)]), name="outer_f")


def subclassed(k, call=True):
    class Net(k.Model):
        def __init__(self):
            super().__init__()
            self.d1 = k.layers.Dense(5)
            self.d2 = k.layers.Dense(2)

        def call(self, x):
            return self.d2(self.d1(x))

    model = Net()
    if call:
        model(np.ones((2, 3), "float32"))
    return model


def unbuilt(k):
    return k.Sequential([k.layers.Dense(2), k.layers.Dense(3)])


def multi_output_layer(k):
    class Split(k.layers.Layer):
        def call(self, x):
            return [x[:, :2], x[:, 2:]]

        def compute_output_shape(self, shape):
            return [(shape[0], 2), (shape[0], shape[1] - 2)]

    x = k.Input((5,), name="x")
    p, q = Split(name="split")(x)
    return k.Model(x, [k.layers.Dense(1, name="dp")(p), q])


def long_names(k):
    L = k.layers
    a = k.Input((3,), name="an_input_with_a_very_long_name_indeed")
    b = k.Input((3,), name="b")
    x = L.Add(name="add_layer_with_quite_a_long_name")([a, b])
    return k.Model([a, b], L.Dense(100000, name="dense_layer_with_a_long_name_too")(x))


def frozen(k):
    L = k.layers
    return k.Sequential([k.Input((4,)), L.Dense(2, name="f", trainable=False), L.Dense(3, name="t")])


# --------------------------------------------------------------------------- the seed models
def test_sequential_called_on_data():
    text = _assert_same(seq_called)
    assert "(1, 2)" in text and "(1, 4)" in text
    assert " Total params: 35 (140.00 B)\n" in text


def test_sequential_with_input():
    text = _assert_same(seq_input)
    assert " Total params: 10 (40.00 B)\n" in text


def test_convnet_built_with_add():
    text = _assert_same(convnet)
    assert " Total params: 48,672 (190.12 KB)\n" in text
    assert "max_pooling2d_1 (MaxPooling2D)" in text


def test_functional_two_inputs_has_connected_to_column():
    text = _assert_same(two_inputs)
    assert "Connected to" in text and "dense_a[0][0]," in text


def test_dropout_activation_flatten():
    _assert_same(regularized)


def test_batch_normalization_non_trainable_params():
    text = _assert_same(batchnorm)
    assert " Non-trainable params: 16 (64.00 B)\n" in text


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(show_trainable=True),
        dict(line_length=120),
        dict(positions=[0.3, 0.6, 0.75, 1.0]),
        dict(expand_nested=True),
        dict(expand_nested=True, show_trainable=True, line_length=120),
    ],
)
def test_options_on_nested_model(kwargs):
    text = _assert_same(nested, **kwargs)
    if kwargs.get("expand_nested"):
        assert "   └ in1 (Dense)" in text


# --------------------------------------------------------------------------- other graphs
@pytest.mark.parametrize(
    "build",
    [chain, shared_layer, op_in_graph, branchy, unused_input, nested_functional, subclassed,
     multi_output_layer, long_names],
)
@pytest.mark.parametrize("kwargs", [{}, dict(show_trainable=True, expand_nested=True)])
def test_graph_shapes(build, kwargs):
    _assert_same(build, **kwargs)


def test_chain_functional_has_no_connected_to_column():
    text = _assert_same(chain)
    assert "Connected to" not in text and "input_layer (InputLayer)" in text


def test_unbuilt_subclassed_model_shows_unbuilt_rows():
    # Keras 3 prints unbuilt layers as `?` / `0 (unbuilt)`; lamina does the same for subclassed models.
    _assert_same(lambda k: subclassed(k, call=False))


def test_unbuilt_sequential_summary_explains_how_to_build(keras3):
    # Deliberately unlike Keras 3 (which prints an empty table): the seeds state that summary() of
    # an unbuilt Sequential is not possible, so lamina says why and how to fix it.
    _fresh()
    with pytest.raises(ValueError, match=r"not been built.*keras\.Input\(shape=\.\.\.\).*call the model"):
        unbuilt(lamina).summary()
    unbuilt(keras3).summary(print_fn=lambda *a, **k: None)  # Keras does not raise


def test_frozen_layer_counts_as_non_trainable():
    text = _assert_same(frozen, show_trainable=True)
    assert " Non-trainable params: 10 (40.00 B)\n" in text


@pytest.mark.parametrize("line_length", [33, 47, 75, 99, 201])
@pytest.mark.parametrize("build", [long_names, regularized])
def test_line_lengths_squeeze_and_stretch_columns(build, line_length):
    _assert_same(build, line_length=line_length)


@pytest.mark.parametrize("line_length", [12, 30])
def test_too_narrow_raises_like_keras(line_length):
    _fresh()
    with pytest.raises(ValueError, match="Insufficient console width"):
        seq_input(keras).summary(line_length=line_length, show_trainable=True)
    with pytest.raises(ValueError, match="Insufficient console width"):
        seq_input(lamina).summary(line_length=line_length, show_trainable=True)


def test_layer_range():
    def stack(k):
        L = k.layers
        return k.Sequential([k.Input((3,)), L.Dense(2, name="d"), L.Dense(2, name="e"), L.Dense(2, name="f")])

    text = _assert_same(stack, layer_range=["e", "f"])
    assert "d (Dense)" not in text and "e (Dense)" in text
    _assert_same(stack, layer_range=["f", "d"])  # reversed bounds are swapped
    _fresh()
    with pytest.raises(ValueError, match="layer_range"):
        stack(lamina).summary(layer_range=["nope", "f"])
    with pytest.raises(ValueError, match="layer_range"):
        stack(lamina).summary(layer_range=["d"])


def test_positions_must_cover_every_column():
    _fresh()
    with pytest.raises(ValueError, match="positions"):
        seq_input(lamina).summary(positions=[0.5, 1.0])


def test_optimizer_params_line_once_optimizer_is_built():
    def compiled(k):
        model = seq_input(k)
        model.compile(optimizer="adam", loss="mse")
        return model

    text = _assert_same(compiled)
    assert "Optimizer params" not in text  # compiled, optimizer not built yet
    _fresh()
    k_model, l_model = compiled(keras), compiled(lamina)
    k_model.optimizer.build(k_model.trainable_variables)
    l_model.optimizer.build(l_model.trainable_variables)
    expected, got = _captured(k_model), _captured(l_model)
    assert got == expected
    assert " Optimizer params: 22 (88.00 B)\n" in got


# --------------------------------------------------------------------------- the console
@pytest.mark.parametrize("columns", ["50", "73", "200"])
def test_console_width_crops_and_wraps_like_keras(monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)

    def long_title(k):
        return two_inputs(k, name="model_with_a_long_name_" + "x" * 60)

    _assert_same(long_title)
    _assert_same(long_title, show_trainable=True, line_length=120)


def test_default_prints_to_stdout(capsys):
    _fresh()
    k_model, l_model = two_inputs(keras), two_inputs(lamina)
    k_model.summary()
    expected = capsys.readouterr().out
    l_model.summary()
    assert capsys.readouterr().out == expected


@pytest.mark.parametrize(
    "env",
    [
        {"FORCE_COLOR": "1", "TERM": "xterm-256color"},
        {"FORCE_COLOR": "1", "TERM": "xterm"},
        {"FORCE_COLOR": "1", "COLORTERM": "truecolor"},
        {"FORCE_COLOR": "1", "TERM": "xterm-256color", "NO_COLOR": "1"},
        {"FORCE_COLOR": "1", "TERM": "dumb"},
    ],
)
def test_terminal_colours_match_keras(capsys, monkeypatch, env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    # rich caches each style's ANSI codes for the colour system it first met; start it afresh so
    # that Keras's output is what a new process would print.
    from rich.style import Style

    Style.parse.cache_clear()
    Style._add.cache_clear()
    _fresh()
    k_model, l_model = nested(keras), nested(lamina)
    k_model.summary(show_trainable=True, expand_nested=True)
    expected = capsys.readouterr().out
    l_model.summary(show_trainable=True, expand_nested=True)
    got = capsys.readouterr().out
    assert got == expected
    if env.get("TERM") == "xterm-256color" and "NO_COLOR" not in env:
        assert "\x1b[38;5;34m" in got


def test_ascii_stdout_uses_ascii_box(monkeypatch):
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    text = _assert_same(two_inputs)
    assert text.splitlines()[1].startswith("+---")


def test_disabled_interactive_logging_goes_to_logger(caplog):
    _fresh()
    model = seq_input(lamina)
    expected = _captured(model)
    io_utils.disable_interactive_logging()
    try:
        with caplog.at_level(logging.INFO, logger="lamina"):
            model.summary()
    finally:
        io_utils.enable_interactive_logging()
    assert [r.getMessage() for r in caplog.records] == [expected]


# --------------------------------------------------------------------------- helpers
@pytest.mark.parametrize("size", [0, 40, 1023, 1024, 194688, 5 * 1024**3, 3 * 1024**6])
def test_readable_memory_size(size):
    from keras.src.utils import summary_utils as ksu

    assert su.readable_memory_size(size) == ksu.readable_memory_size(size)


def test_cell_width_of_wide_characters():
    assert su.cell_len("カテゴリ_x") == 10
    assert su.set_cell_size("カテゴリ", 3) == "カ "
    assert su.chop_cells("abcdefg", 3) == ["abc", "def", "g"]


def test_wide_character_names():
    def wide(k):
        x = k.Input((3,), name="入力")
        return k.Model(x, k.layers.Dense(2, name="カテゴリ_dense_layer_name")(x))

    _assert_same(wide)
    _assert_same(wide, line_length=40)
