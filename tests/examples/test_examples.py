"""Every example script runs to the end in small mode (LAMINA_EXAMPLES_SMALL=1), offline.

Scripts run in this process with `runpy` (importing lamina once keeps this fast). Downloads are
made to fail, so no example silently depends on the network.
"""

import pathlib
import runpy
import sys
import urllib.error
import urllib.request

import numpy as np
import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = sorted(p for p in EXAMPLES.rglob("*.py") if p.name != "demo.py")

# What each script must print (beyond running without an exception).
EXPECTED = {
    "sequential_guide/02_creating_a_sequential_model.py": ["\n2\n", "my_sequential ['layer1', 'layer2', 'layer3']"],
    "sequential_guide/03_specifying_the_input_shape.py": ["Number of weights after calling the model: 6",
                                                         "Total params: 35", "Total params: 10"],
    "sequential_guide/04_add_and_summary_debugging.py": ["(None, 40, 40, 32)", "(None, 4, 4, 32)",
                                                        "Final output shape: (None, 10)"],
    "sequential_guide/05_feature_extraction.py": ["(1, 123, 123, 32), (1, 121, 121, 32), (1, 119, 119, 32)",
                                                 "One layer: (1, 121, 121, 32)"],
    "sequential_guide/06_transfer_learning_freeze_layers.py": ["Frozen layers unchanged by fit: True"],
    "sequential_guide/07_transfer_learning_pretrained_base.py": ["Trainable weights: ['sequential/dense/kernel', "
                                                                "'sequential/dense/bias']"],
    "tf_keras_notebook/sequential_model.py": ["(3, 4)", "Number of weights after calling the model: 6"],
    "keras2_getting_started/01_sequential_construction.py": ["are equivalent: True"],
    "keras2_getting_started/02_compilation.py": ["['accuracy', 'loss', 'mean_pred']"],
    "keras2_getting_started/05_mlp_softmax.py": ["Test loss and accuracy:"],
    "functional_blog/04_multi_output_age_gender.py": ["Refused, as in Keras:", "val_output_age_mae"],
    "functional_blog/05_multi_input_multi_output.py": ["Disconnected graph refused:"],
    "functional_blog/06_why_multiple_inputs.py": ["Concatenate(axis=1): (None, 150)", "Refused:"],
    "functional_blog/10_optional_inputs.py": ["both inputs: 2 (2, 1)", "profile only: 1 (2, 1)"],
    "functional_blog/12_image_text_sentiment.py": ["The seed's version is refused:"],
}


@pytest.fixture
def small_offline(monkeypatch, tmp_path):
    monkeypatch.setenv("LAMINA_EXAMPLES_SMALL", "1")
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))

    def no_network(url, *args, **kwargs):
        raise urllib.error.URLError(f"tests are offline ({url})")

    monkeypatch.setattr(urllib.request, "urlretrieve", no_network)
    np.random.seed(0)


def _run(script, monkeypatch, *args):
    monkeypatch.setattr(sys, "argv", [str(script), *args])
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as e:
        return e.code
    return 0


def test_every_seed_section_has_examples():
    names = {p.relative_to(EXAMPLES).as_posix() for p in SCRIPTS}
    assert set(EXPECTED) <= names
    for folder in ("sequential_guide", "tf_keras_notebook", "keras2_getting_started", "functional_blog"):
        assert any(n.startswith(folder + "/") for n in names)


@pytest.mark.parametrize("script", [p for p in SCRIPTS if p.name != "mnist_convnet.py"],
                         ids=lambda p: p.relative_to(EXAMPLES).as_posix())
def test_example_runs(script, small_offline, monkeypatch, capsys):
    assert _run(script, monkeypatch) == 0
    out = capsys.readouterr().out
    for text in EXPECTED.get(script.relative_to(EXAMPLES).as_posix(), []):
        assert text in out


def test_mnist_convnet_reports_test_accuracy(tmp_path, small_offline, monkeypatch, capsys):
    rng = np.random.default_rng(0)
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=rng.integers(0, 256, (64, 28, 28)).astype("uint8"),
             y_train=rng.integers(0, 10, 64).astype("uint8"),
             x_test=rng.integers(0, 256, (32, 28, 28)).astype("uint8"),
             y_test=rng.integers(0, 10, 32).astype("uint8"))
    assert _run(EXAMPLES / "mnist_convnet.py", monkeypatch, "--path", str(path)) == 0
    out = capsys.readouterr().out
    assert "64 train samples, 32 test samples" in out
    assert "Test accuracy: " in out


def test_mnist_convnet_without_mnist_says_how_to_get_it(small_offline, monkeypatch, capsys):
    monkeypatch.delenv("MNIST_PATH", raising=False)
    assert _run(EXAMPLES / "mnist_convnet.py", monkeypatch) == 1
    out = capsys.readouterr().out
    assert "MNIST is not available" in out and "--path" in out and "mnist.npz" in out
