"""clone_model: same architecture (config), new layers and weights; hooks as in Keras 3."""

import pytest
from saving_builders import ARCHS, assert_same_predictions, make_input

import lamina
from lamina.models.cloning import clone_model


def _layer_ids(model):
    return {id(layer) for layer in model.layers}


@pytest.mark.parametrize("arch", ["seq_dense_dropout", "multi_io", "nested"])
def test_clone_has_same_config_and_new_layers(arch, rng):
    model = ARCHS[arch][0](lamina)
    clone = clone_model(model)
    assert clone.get_config() == model.get_config()
    assert not _layer_ids(clone) & _layer_ids(model)
    clone.set_weights(model.get_weights())
    assert_same_predictions(model, clone, make_input(arch, rng))


def test_shared_layer_stays_shared():
    model = ARCHS["multi_io"][0](lamina)
    clone = clone_model(model)
    assert len(clone.get_layer("shared")._inbound_nodes) == 2


def test_clone_function_can_change_layers():
    model = ARCHS["seq_dense_dropout"][0](lamina)

    def widen(layer):
        config = layer.get_config()
        if layer.name == "d1":
            config["units"] = 7
        return type(layer).from_config(config)

    clone = clone_model(model, clone_function=widen)
    assert clone.get_layer("d1").units == 7
    assert clone.output_shape == (None, 2)


def test_call_function_wraps_calls():
    model = ARCHS["multi_io"][0](lamina)
    called = []

    def call(layer, *args, **kwargs):
        called.append(layer.name)
        return layer(*args, **kwargs)

    clone_model(model, call_function=call)
    assert called.count("shared") == 2 and "cat" in called


def test_input_tensors_replace_inputs():
    model = ARCHS["seq_dense_dropout"][0](lamina)
    x = lamina.Input((4,), name="new_input")
    clone = clone_model(model, input_tensors=x)
    assert clone.inputs[0] is x and clone.get_layer("d1") is not model.get_layer("d1")


def test_recursive_clones_nested_models():
    model = ARCHS["nested"][0](lamina)
    clone = clone_model(model, recursive=True)
    assert clone.get_layer("inner") is not model.get_layer("inner")
    assert clone.get_layer("inner").get_layer("inner_d") is not model.get_layer("inner").get_layer("inner_d")


def test_subclassed_model_rejects_graph_arguments():
    class Sub(lamina.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = lamina.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    with pytest.raises(ValueError, match="subclassed"):
        clone_model(Sub(), clone_function=lambda layer: layer)
