"""Update rules. Each updates a weight in place from its gradient and a per-weight state."""
from __future__ import annotations

import numpy as np

_REGISTRY: dict = {}


def register(klass):
    _REGISTRY[klass.__name__.lower()] = klass
    return klass


def create(name, **kwargs) -> 'Optimizer':
    """An optimizer by name ('sgd', 'adam') with its hyper-parameters."""
    if isinstance(name, Optimizer):
        return name
    klass = _REGISTRY.get(str(name).lower())
    if klass is None:
        raise ValueError('Cannot find optimizer %s; known: %s' % (name, ', '.join(sorted(_REGISTRY))))
    return klass(**kwargs)


class Optimizer:
    """``rescale_grad`` multiplies every gradient (Trainer sets it to 1 / batch_size)."""

    def __init__(self, learning_rate: float = 0.01, wd: float = 0.0, rescale_grad: float = 1.0,
                 clip_gradient: float | None = None):
        self.learning_rate = learning_rate
        self.wd = wd
        self.rescale_grad = rescale_grad
        self.clip_gradient = clip_gradient

    def create_state(self, weight):
        return None

    def _gradient(self, weight, grad, wd):
        g = grad * self.rescale_grad
        if self.clip_gradient is not None:
            g = np.clip(g, -self.clip_gradient, self.clip_gradient)
        return g + wd * weight if wd else g

    def update(self, weight, grad, state, lr_mult: float = 1.0, wd_mult: float = 1.0):
        """Update the raw array ``weight`` in place; a parameter's ``lr_mult`` and ``wd_mult``
        scale the learning rate and the weight decay for it."""
        raise NotImplementedError


@register
class SGD(Optimizer):
    """weight -= lr * grad, with optional momentum."""

    def __init__(self, momentum: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum

    def create_state(self, weight):
        return weight * 0 if self.momentum else None

    def update(self, weight, grad, state, lr_mult: float = 1.0, wd_mult: float = 1.0):
        g = self._gradient(weight, grad, self.wd * wd_mult)
        lr = self.learning_rate * lr_mult
        if state is None:
            weight -= lr * g
        else:
            state *= self.momentum
            state -= lr * g
            weight += state


@register
class Adam(Optimizer):
    """Adam (Kingma & Ba) with MXNet's bias-corrected learning rate."""

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon

    def create_state(self, weight):
        return [weight * 0, weight * 0, 0]  # mean, variance, step count

    def update(self, weight, grad, state, lr_mult: float = 1.0, wd_mult: float = 1.0):
        g = self._gradient(weight, grad, self.wd * wd_mult)
        mean, var, t = state
        t = state[2] = t + 1
        lr = self.learning_rate * lr_mult * (1 - self.beta2 ** t) ** 0.5 / (1 - self.beta1 ** t)
        mean *= self.beta1
        mean += (1 - self.beta1) * g
        var *= self.beta2
        var += (1 - self.beta2) * g * g
        weight -= lr * mean / ((var ** 0.5) + self.epsilon)
