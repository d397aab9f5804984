"""Two processes on loopback join with `lamina.distribution.initialize` and train together.

Each process has 2 simulated CPU devices; `DataParallel()` spans all 4 (JAX's CPU collectives,
gloo). The processes must end with identical weights, equal to one-device training with the seed
they shared, also when each process feeds its own half of every batch from a generator.
"""

import numpy as np
import pytest
from distribution_runner import free_port, run_scenarios


@pytest.fixture(scope="module")
def results():
    port = free_port()
    workers = run_scenarios(
        [["multi_host.py", "worker", 0, port], ["multi_host.py", "worker", 1, port]],
        devices=2, timeout=300,
    )
    reference = run_scenarios([["multi_host.py", "reference", workers[0]["seed"]]], devices=1,
                              timeout=300)[0]
    return workers, reference


def _max_diff(a, b):
    return max(float(np.max(np.abs(np.asarray(x) - np.asarray(y)))) for x, y in zip(a, b))


def test_processes_span_all_devices(results):
    workers, _ = results
    for w in workers:
        assert (w["process_count"], w["device_count"], w["local_device_count"]) == (2, 4, 2)
        assert w["meshes"] == ["{'batch': 4}"]


def test_processes_share_the_seed(results):
    workers, _ = results
    assert workers[0]["seed"] == workers[1]["seed"]
    assert isinstance(workers[0]["seed"], int)


@pytest.mark.parametrize("key", ["weights", "generator_weights"])
def test_processes_end_with_identical_weights(results, key):
    workers, _ = results
    assert _max_diff(workers[0][key], workers[1][key]) == 0.0


@pytest.mark.parametrize("key", ["weights", "generator_weights"])
def test_training_together_matches_one_device(results, key):
    workers, reference = results
    assert _max_diff(workers[0][key], reference[key]) < 1e-5


def test_history_evaluate_and_predict_match_one_device(results):
    workers, reference = results
    for w in workers:
        np.testing.assert_allclose(w["loss"], reference["loss"], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(w["evaluate"], reference["evaluate"], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(w["predict"], reference["predict"], rtol=1e-5, atol=1e-5)


def test_different_arrays_in_the_processes_are_refused(results):
    workers, _ = results
    for w in workers:
        assert w["different_data_error"] is not None
        assert "different in-memory data" in w["different_data_error"]
