"""Dtype policies: which dtype a layer computes in and which it stores variables in.

>>> from lamina.backend.dtype_policy import DTypePolicy
>>> p = DTypePolicy("mixed_float16")
>>> p.compute_dtype, p.variable_dtype
('float16', 'float32')
"""

from lamina import config
from lamina.backend.dtypes import standardize_dtype


class DTypePolicy:
    def __init__(self, name=None):
        name = name or config.floatx()
        if isinstance(name, DTypePolicy):
            name = name.name
        if name in ("mixed_float16", "mixed_bfloat16"):
            self._compute = name.split("_")[1]
            self._variable = "float32"
        else:
            try:
                self._compute = self._variable = standardize_dtype(name)
            except ValueError as e:
                raise ValueError(
                    "Unknown dtype policy. Expected a dtype name ('float32', 'bfloat16', ...), "
                    f"'mixed_float16' or 'mixed_bfloat16'. Received: {name!r}"
                ) from e
        self.name = name if name.startswith("mixed_") else self._compute

    @property
    def compute_dtype(self):
        return self._compute

    @property
    def variable_dtype(self):
        return self._variable

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f'<DTypePolicy "{self.name}">'

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __hash__(self):
        return hash(self.name)


_GLOBAL = None


def set_dtype_policy(policy):
    global _GLOBAL
    _GLOBAL = policy if isinstance(policy, DTypePolicy) or policy is None else DTypePolicy(policy)


def dtype_policy():
    return _GLOBAL if _GLOBAL is not None else DTypePolicy(config.floatx())


def get(identifier):
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return DTypePolicy(identifier.get("config", identifier).get("name"))
    return DTypePolicy(identifier)


def serialize(policy):
    return {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": policy.name},
        "registered_name": None,
    }
