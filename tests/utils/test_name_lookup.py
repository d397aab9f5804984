"""The shared name lookup behind activations/constraints/initializers/regularizers `get()`."""

import pytest

import lamina
from lamina.utils.name_lookup import did_you_mean, resolve


class Thing:
    pass


def test_resolve_kinds_of_identifier():
    table = {"thing": Thing}
    assert resolve(None, "thing", table) is None
    assert resolve(None, "thing", table, if_none="default") == "default"
    assert isinstance(resolve("thing", "thing", table), Thing)
    assert resolve("thing", "thing", table, make=lambda c: c) is Thing
    assert resolve({"x": 1}, "thing", table, deserialize=lambda d: ("deserialized", d)) == ("deserialized", {"x": 1})
    assert resolve(len, "thing", table) is len


def test_unknown_name_suggests_and_lists():
    with pytest.raises(ValueError, match=r"Unknown thing: 'thnig'. Did you mean: thing\? Valid names: thing\."):
        resolve("thnig", "thing", {"thing": Thing})


def test_uninterpretable_names_the_kind_and_value():
    with pytest.raises(ValueError, match=r"Could not interpret thing: expected a name.*Received: 3"):
        resolve(3, "thing", {})


def test_did_you_mean_empty_without_close_names():
    assert did_you_mean("zzz", ["relu"]) == ""


@pytest.mark.parametrize("module,bad,suggestion", [
    (lamina.activations, "rleu", "relu"),
    (lamina.constraints, "max_nrm", "max_norm"),
    (lamina.initializers, "glorot_unifrom", "glorot_uniform"),
    (lamina.regularizers, "l1_l3", "l1_l2"),
])
def test_every_get_uses_it(module, bad, suggestion):
    with pytest.raises(ValueError, match=f"Did you mean: {suggestion}"):
        module.get(bad)
