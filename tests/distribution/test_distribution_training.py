"""fit/evaluate/predict under DataParallel and ModelParallel on 4 simulated CPU devices.

The scenario (scenarios/single_host.py) trains the same MLP with Adam on one device and under
each distribution, in one subprocess with 4 devices; here we check what it reports.
"""

import pytest
from distribution_runner import run_scenarios


@pytest.fixture(scope="module")
def result():
    return run_scenarios([["single_host.py"]], devices=4, timeout=400)[0]


DISTRIBUTIONS = ["data_parallel", "model_parallel"]


def test_reference_runs_on_one_device(result):
    assert result["reference_meshes"] == ["{}"]


@pytest.mark.parametrize("name", DISTRIBUTIONS)
def test_training_matches_one_device(result, name):
    r = result[name]
    # Same data, shuffling and initial weights: only float summation order differs.
    assert r["weights_diff"] < 1e-5
    assert r["loss_diff"] < 1e-5
    assert r["generator_diff"] < 1e-5


@pytest.mark.parametrize("name", DISTRIBUTIONS)
def test_evaluate_and_predict_match_one_device(result, name):
    r = result[name]
    assert r["evaluate_diff"] < 1e-5
    assert r["predict_diff"] < 1e-5
    assert r["predict_small_diff"] < 1e-5


def test_data_parallel_replicates_everything(result):
    r = result["data_parallel"]
    assert r["meshes"] == ["{'batch': 4}"]
    for spec in list(r["trainable_specs"].values()) + list(r["optimizer_specs"].values()):
        assert all(axis is None for axis in spec), spec


def test_model_parallel_shards_as_the_layout_map_says(result):
    r = result["model_parallel"]
    assert r["meshes"] == ["{'batch': 2, 'model': 2}"]
    trainable = r["trainable_specs"]
    assert len(trainable) == 4
    for path, spec in trainable.items():
        expected = [None, "model"] if path.endswith("kernel") else ["model"]
        assert spec == expected, (path, spec)
    # Adam's slots follow their variable; the step counter and learning rate are replicated.
    optimizer = r["optimizer_specs"]
    assert optimizer.pop("iteration") == [] and optimizer.pop("learning_rate") == []
    assert len(optimizer) == 8
    for path, spec in optimizer.items():
        expected = [None, "model"] if "_kernel_" in path else ["model"]
        assert spec == expected, (path, spec)


@pytest.mark.parametrize("name, parts, bad", [("data_parallel", 4, 17), ("model_parallel", 2, 9)])
@pytest.mark.parametrize("call", ["fit", "evaluate", "generator"])
def test_batch_size_not_divisible_is_a_clear_error(result, name, parts, bad, call):
    message = result[name]["errors"][call]
    assert message is not None, f"{call} with batch size {bad} on {parts} devices did not fail"
    assert f"batch size ({bad})" in message
    assert f"data-parallel devices ({parts}" in message
    assert f"multiple of {parts}" in message


@pytest.mark.parametrize("name", DISTRIBUTIONS)
def test_hooks_for_the_state_and_predict(result, name):
    r = result[name]
    kernel = [None, "model"] if name == "model_parallel" else [None, None]
    assert r["constrain_state_specs"][0] == kernel
    assert r["place_values_specs"][0] == kernel
    assert r["constrain_inputs_spec"] == ["batch"]
    assert r["place_values_specs"][1] == (["model"] if name == "model_parallel" else [None])
