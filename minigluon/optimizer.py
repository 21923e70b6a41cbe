"""Update rules. Each updates a weight in place from its gradient and a per-weight state."""
from __future__ import annotations

import numpy as np

from . import registry

_REGISTRY = registry.Registry()
register = _REGISTRY.register  # ``@register``: ``Trainer(..., 'sgd')`` finds SGD


def create(name, **kwargs) -> 'Optimizer':
    """An optimizer by name ('sgd', 'adam') with its hyper-parameters."""
    if isinstance(name, Optimizer):
        return name
    klass = _REGISTRY.find(str(name))
    if klass is None:
        raise ValueError('Cannot find optimizer %s' % name)
    return klass(**kwargs)


class Optimizer:
    """Base class of update rules, with MXNet's bookkeeping.

    Hyper-parameters enter the updates as float32, as in MXNet's kernels, so the updated
    weights have MXNet's digits.

    ``rescale_grad`` multiplies every gradient (Trainer sets it to 1 / batch_size).
    ``param_dict`` maps an update's index to its Parameter, whose ``lr_mult`` and ``wd_mult``
    scale the learning rate and weight decay (Trainer fills it in).
    """

    def __init__(self, rescale_grad: float = 1.0, wd: float = 0.0,
                 clip_gradient: float | None = None, learning_rate: float = 0.01,
                 lr_scheduler=None, begin_num_update: int = 0, param_dict: dict | None = None):
        if lr_scheduler is not None:
            raise NotImplementedError('minigluon has no learning-rate schedulers: call '
                                      'Trainer.set_learning_rate between epochs instead')
        self.rescale_grad = rescale_grad
        self.wd = wd
        self.clip_gradient = clip_gradient
        self.lr = learning_rate
        self.lr_scheduler = None
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update  # the most updates any one weight has had
        self._index_update_count = {}
        self.param_dict = param_dict if param_dict else {}

    @property
    def learning_rate(self) -> float:
        return self.lr

    def set_learning_rate(self, lr: float):
        self.lr = lr

    def create_state(self, index: int, weight):
        """The per-weight state (momentum, running averages), or None."""
        return None

    def update(self, index: int, weight, grad, state):
        """Update the raw array ``weight`` in place from ``grad``."""
        raise NotImplementedError

    def _update_count(self, index: int) -> int:
        """Count one more update of weight ``index``; return how many it has had."""
        count = self._index_update_count.get(index, self.begin_num_update) + 1
        self._index_update_count[index] = count
        self.num_update = max(count, self.num_update)
        return count

    def _get_lr(self, index: int) -> float:
        param = self.param_dict.get(index)
        return self.lr * param.lr_mult if param is not None else self.lr

    def _get_wd(self, index: int) -> float:
        param = self.param_dict.get(index)
        return self.wd * param.wd_mult if param is not None else self.wd

    def _clip(self, g):
        if self.clip_gradient is None:
            return g
        return np.clip(g, -self.clip_gradient, self.clip_gradient)


@register
class SGD(Optimizer):
    """weight -= lr * (grad + wd * weight), with optional momentum."""

    def __init__(self, momentum: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum

    def create_state(self, index: int, weight):
        return weight * 0 if self.momentum else None

    def update(self, index: int, weight, grad, state):
        self._update_count(index)
        lr, wd = np.float32(self._get_lr(index)), np.float32(self._get_wd(index))
        # MXNet's Trainer runs its multi_sgd kernel, in float32 in this order:
        # momentum = momentum * momentum - lr*wd * weight - lr * g; weight += momentum
        # with lr * g = (lr * rescale_grad) * grad, or lr * clip(rescale_grad * grad)
        if self.clip_gradient is None:
            lr_g = (lr * np.float32(self.rescale_grad)) * grad
        else:  # as MXNet: the weight decay is not clipped
            lr_g = lr * self._clip(grad * np.float32(self.rescale_grad))
        if state is None:  # weight -= lr*wd * weight + lr * g
            weight -= lr * wd * weight + lr_g if wd else lr_g
        else:
            state *= np.float32(self.momentum)
            if wd:
                state -= lr * wd * weight
            state -= lr_g
            weight += state


@register
class Adam(Optimizer):
    """Adam (Kingma & Ba) with MXNet's bias-corrected learning rate."""

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon

    def create_state(self, index: int, weight):
        return weight * 0, weight * 0  # running mean and variance of the gradient

    def update(self, index: int, weight, grad, state):
        t = self._update_count(index)
        lr = np.float32(self._get_lr(index) * (1 - self.beta2 ** t) ** 0.5 / (1 - self.beta1 ** t))
        beta1, beta2 = np.float32(self.beta1), np.float32(self.beta2)
        g = grad * self.rescale_grad
        wd = self._get_wd(index)
        if wd:
            g += np.float32(wd) * weight  # as MXNet: the weight decay is clipped with the gradient
        g = self._clip(g)
        mean, var = state
        mean *= beta1
        mean += (1 - beta1) * g
        var *= beta2
        var += (1 - beta2) * g * g
        weight -= lr * mean / (var ** 0.5 + np.float32(self.epsilon))
