"""Fixtures for the recurrent-layer tests."""

import pytest
from rnn_helpers import set_projection


@pytest.fixture(params=[False, True], ids=["loop_projection", "hoisted_projection"])
def projection(request, monkeypatch):
    """Runs a test twice: input projection inside the time loop, then hoisted before it."""
    set_projection(monkeypatch, request.param)
    return request.param
