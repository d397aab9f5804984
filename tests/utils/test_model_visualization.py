"""plot_model / model_to_dot: the graph's boxes and arrows, and the Graphviz requirement."""

import re

import pytest

import lamina as keras
from lamina.utils import model_to_dot, model_visualization, plot_model


def _branching_model():
    a = keras.Input(shape=(4,), name="a")
    b = keras.Input(shape=(2,), name="b")
    shared = keras.layers.Dense(3, name="shared", activation="relu")
    merged = keras.layers.Concatenate(name="concat")([shared(a), keras.layers.Dense(3, name="side")(b)])
    return keras.Model([a, b], keras.layers.Dense(1, name="head")(merged))


def _edges(dot):
    names = dict(re.findall(r"(n\d+) \[label=<.*?<TD>(\w+) \(", dot))
    return sorted((names[s], names[d]) for s, d in re.findall(r"(n\d+) -> (n\d+);", dot))


def test_functional_graph_edges():
    dot = model_to_dot(_branching_model())
    assert dot.startswith("digraph G {") and dot.rstrip().endswith("}")
    assert _edges(dot) == [("a", "shared"), ("b", "side"), ("concat", "head"),
                           ("shared", "concat"), ("side", "concat")]


def test_sequential_chain_and_options():
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, activation="relu", name="d1"),
                              keras.layers.Dense(2, name="d2")])
    dot = model_to_dot(model, show_shapes=True, show_dtype=True, show_layer_activations=True,
                       show_trainable=True, rankdir="LR")
    assert len(_edges(dot)) == 2 and ("d1", "d2") in _edges(dot)
    for text in ("rankdir=LR", "output: (None, 4)", "input: (None, 4)", "output: (None, 2)",
                 "activation: relu", "trainable: True", "dtype: float32"):
        assert text in dot
    assert "(None, 4)" not in model_to_dot(model)


def test_plot_model_dot_file(tmp_path):
    path = plot_model(_branching_model(), to_file=str(tmp_path / "m.dot"), show_shapes=True)
    assert "(None, 1)" in open(path).read()


def test_image_without_graphviz_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(model_visualization.shutil, "which", lambda name: None)
    with pytest.raises(ImportError, match="install graphviz"):
        plot_model(_branching_model(), to_file=str(tmp_path / "m.png"))


def test_image_is_rendered_by_the_dot_program(tmp_path, monkeypatch):
    # A stand-in for Graphviz's `dot` that records its arguments and input.
    fake = tmp_path / "dot"
    fake.write_text('#!/bin/sh\necho "$@" > "$3.args"\ncat > "$3"\n')
    fake.chmod(0o755)
    monkeypatch.setattr(model_visualization.shutil, "which", lambda name: str(fake))
    out = tmp_path / "m.svg"
    assert plot_model(_branching_model(), to_file=str(out)) == str(out)
    assert out.read_text() == model_to_dot(_branching_model())
    assert (tmp_path / "m.svg.args").read_text().split() == ["-Tsvg", "-o", str(out)]


def test_dot_program_failure_is_reported(tmp_path, monkeypatch):
    fake = tmp_path / "dot"
    fake.write_text('#!/bin/sh\necho "Format: xyz not recognized" >&2\nexit 1\n')
    fake.chmod(0o755)
    monkeypatch.setattr(model_visualization.shutil, "which", lambda name: str(fake))
    with pytest.raises(ValueError, match="not recognized"):
        plot_model(_branching_model(), to_file=str(tmp_path / "m.xyz"))


def test_unbuilt_model_and_bad_rankdir():
    with pytest.raises(ValueError, match="no layer graph"):
        model_to_dot(keras.Sequential([keras.layers.Dense(1)]))
    with pytest.raises(ValueError, match="rankdir='BT'"):
        model_to_dot(_branching_model(), rankdir="BT")
