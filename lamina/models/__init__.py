"""`lamina.models`: `Model`, `Sequential`, and loading/cloning helpers.

>>> from lamina.models import Sequential
>>> Sequential().layers
[]
"""

from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential

__all__ = ["Functional", "Model", "Sequential"]
