"""Activation layers beyond ``Activation``: LeakyReLU, PReLU, ELU, SELU, Swish and GELU."""
from __future__ import annotations

from ... import initializer
from ...base import MXNetAssertionError
from ..block import HybridBlock


class LeakyReLU(HybridBlock):
    """x where x > 0, else ``alpha * x`` (``alpha`` >= 0)."""

    def __init__(self, alpha: float, **kwargs):
        if not alpha >= 0:
            raise MXNetAssertionError('Slope coefficient for LeakyReLU must be no less than 0.')
        super().__init__(**kwargs)
        self._alpha = alpha

    def hybrid_forward(self, F, x):
        return F.LeakyReLU(x, act_type='leaky', slope=self._alpha)

    def __repr__(self):
        return '{name}({alpha})'.format(name=self.__class__.__name__, alpha=self._alpha)


class PReLU(HybridBlock):
    """LeakyReLU whose slope ``alpha`` is learned: one (``in_channels=1``) or one per channel
    of axis 1; initialized by ``alpha_initializer`` (0.25)."""

    def __init__(self, alpha_initializer=initializer.Constant(0.25), in_channels: int = 1,
                 **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.alpha = self.params.get('alpha', shape=(in_channels,), init=alpha_initializer)

    def hybrid_forward(self, F, x, alpha):
        return F.LeakyReLU(x, alpha, act_type='prelu')


class ELU(HybridBlock):
    """x where x > 0, else ``alpha * (exp(x) - 1)`` (Clevert et al.)."""

    def __init__(self, alpha: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self._alpha = alpha

    def hybrid_forward(self, F, x):
        return F.LeakyReLU(x, act_type='elu', slope=self._alpha)


class SELU(HybridBlock):
    """ELU with Klambauer et al.'s fixed scale and alpha (self-normalizing)."""

    def hybrid_forward(self, F, x):
        return F.LeakyReLU(x, act_type='selu')


class GELU(HybridBlock):
    """x * Phi(x), Phi the standard normal CDF (Hendrycks & Gimpel)."""

    def hybrid_forward(self, F, x):
        return F.LeakyReLU(x, act_type='gelu')


class Swish(HybridBlock):
    """x * sigmoid(``beta`` * x) (Ramachandran et al.)."""

    def __init__(self, beta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self._beta = beta

    def hybrid_forward(self, F, x):
        return x * F.sigmoid(self._beta * x)
