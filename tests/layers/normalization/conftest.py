"""Puts tests/layers/convolutional on sys.path: these tests share its `layer_parity` helpers."""

import sys
from pathlib import Path

_HELPERS = str(Path(__file__).resolve().parents[1] / "convolutional")
if _HELPERS not in sys.path:
    sys.path.insert(0, _HELPERS)
