"""`lamina.models`: `Model`, `Sequential`, and loading/cloning helpers.

>>> from lamina.models import Sequential
>>> Sequential().layers
[]
"""

from lamina.models.cloning import clone_model
from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential
from lamina.saving.saving_api import load_model, model_from_json, save_model

__all__ = ["Functional", "Model", "Sequential", "clone_model", "load_model", "model_from_json", "save_model"]
