"""Loss-valued metrics: running means of cross-entropies, KL divergence, Poisson and hinge losses.

>>> from lamina.metrics import BinaryCrossentropy
>>> m = BinaryCrossentropy()
>>> m.update_state([[1.0]], [[0.5]]); round(float(m.result()), 4)
0.6931
"""

from lamina.losses.crossentropy import (
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
)
from lamina.losses.hinge import categorical_hinge, hinge, squared_hinge
from lamina.losses.probabilistic import kl_divergence, poisson
from lamina.metrics.reduction_metrics import MeanMetricWrapper, NameDtypeConfigMixin


class KLDivergence(NameDtypeConfigMixin, MeanMetricWrapper):
    """Running mean of the KL divergence.

    >>> m = KLDivergence()
    >>> m.update_state([[0.5, 0.5]], [[0.5, 0.5]]); float(m.result())
    0.0
    """

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(fn=kl_divergence, name=name, dtype=dtype)


class Poisson(NameDtypeConfigMixin, MeanMetricWrapper):
    """Running mean of the Poisson loss.

    >>> m = Poisson()
    >>> m.update_state([[0.0]], [[2.0]]); float(m.result())
    2.0
    """

    def __init__(self, name="poisson", dtype=None):
        super().__init__(fn=poisson, name=name, dtype=dtype)


class BinaryCrossentropy(MeanMetricWrapper):
    """Running mean of the binary cross-entropy.

    >>> m = BinaryCrossentropy(from_logits=True)
    >>> m.update_state([[1.0]], [[0.0]]); round(float(m.result()), 4)
    0.6931
    """

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0):
        super().__init__(
            binary_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self._direction = "down"

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
        }


class CategoricalCrossentropy(MeanMetricWrapper):
    """Running mean of the categorical cross-entropy (one-hot targets).

    >>> m = CategoricalCrossentropy()
    >>> m.update_state([[0.0, 1.0]], [[0.5, 0.5]]); round(float(m.result()), 4)
    0.6931
    """

    def __init__(
        self,
        name="categorical_crossentropy",
        dtype=None,
        from_logits=False,
        label_smoothing=0,
        axis=-1,
    ):
        super().__init__(
            categorical_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self._direction = "down"

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Running mean of the sparse categorical cross-entropy (integer targets).

    >>> m = SparseCategoricalCrossentropy()
    >>> m.update_state([1], [[0.5, 0.5]]); round(float(m.result()), 4)
    0.6931
    """

    def __init__(
        self,
        name="sparse_categorical_crossentropy",
        dtype=None,
        from_logits=False,
        ignore_class=None,
        axis=-1,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis
        self._direction = "down"

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
            "axis": self.axis,
        }


class Hinge(NameDtypeConfigMixin, MeanMetricWrapper):
    """Running mean of the hinge loss.

    >>> m = Hinge()
    >>> m.update_state([[1.0]], [[0.25]]); float(m.result())
    0.75
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(fn=hinge, name=name, dtype=dtype)
        self._direction = "down"


class SquaredHinge(NameDtypeConfigMixin, MeanMetricWrapper):
    """Running mean of the squared hinge loss.

    >>> m = SquaredHinge()
    >>> m.update_state([[1.0]], [[0.5]]); float(m.result())
    0.25
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(fn=squared_hinge, name=name, dtype=dtype)
        self._direction = "down"


class CategoricalHinge(NameDtypeConfigMixin, MeanMetricWrapper):
    """Running mean of the categorical hinge loss.

    >>> m = CategoricalHinge()
    >>> m.update_state([[0.0, 1.0]], [[0.3, 0.8]]); float(m.result())
    0.5
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(fn=categorical_hinge, name=name, dtype=dtype)
        self._direction = "down"
