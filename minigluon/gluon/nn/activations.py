"""Activation layers with a parameter-free formula: LeakyReLU, ELU, SELU and Swish (nd.LeakyReLU's
types and x * sigmoid(beta * x)). PReLU and GELU are not part of minigluon (nd.LeakyReLU has no
'prelu' or 'gelu' type here)."""
from __future__ import annotations

from ..block import HybridBlock


class LeakyReLU(HybridBlock):
    """x for x > 0, ``alpha * x`` below (``alpha`` >= 0)."""

    def __init__(self, alpha: float, **kwargs):
        if alpha < 0:
            raise AssertionError('Slope coefficient for LeakyReLU must be no less than 0.')
        super().__init__(**kwargs)
        self._alpha = alpha

    def hybrid_forward(self, F, x):
        return F.LeakyReLU(x, act_type='leaky', slope=self._alpha)

    def __repr__(self):
        return '{name}({alpha})'.format(name=self.__class__.__name__, alpha=self._alpha)


class ELU(HybridBlock):
    """x for x > 0, ``alpha * (exp(x) - 1)`` below."""

    def __init__(self, alpha: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self._alpha = alpha

    def hybrid_forward(self, F, x):
        return F.LeakyReLU(x, act_type='elu', slope=self._alpha)


class SELU(HybridBlock):
    """ELU with SELU's fixed scale and alpha (self-normalizing)."""

    def hybrid_forward(self, F, x):
        return F.LeakyReLU(x, act_type='selu')


class Swish(HybridBlock):
    """``x * sigmoid(beta * x)``."""

    def __init__(self, beta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self._beta = beta

    def hybrid_forward(self, F, x):
        return x * F.sigmoid(self._beta * x)
