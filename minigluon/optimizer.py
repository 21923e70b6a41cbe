"""Update rules. Each updates a weight in place from its gradient and a per-weight state."""
from __future__ import annotations

import warnings

import numpy as np

from . import bitexact
from .base import MXNetAssertionError, MXNetError, not_implemented
from .ndarray.ndarray import NDArray

_FLOAT16_WARNING = ('Accumulating with float16 in optimizer can lead to poor accuracy or slow '
                    'convergence. Consider using multi_precision=True option of the %soptimizer')


class Optimizer:
    """Base class of update rules, with MXNet's bookkeeping.

    Hyper-parameters enter the updates as float32, as in MXNet's kernels, so the updated
    weights have MXNet's digits.

    ``rescale_grad`` multiplies every gradient (Trainer sets it to 1 / batch_size).
    ``param_dict`` maps an update's index to its Parameter, whose ``lr_mult`` and ``wd_mult``
    scale the learning rate and weight decay (Trainer fills it in).

    A subclass that ``Trainer.save_states`` can save declares ``hyper_parameters`` (its own
    constructor arguments, saved and restored by those names) and ``mxnet_only`` (attributes
    that only MXNet's class of the same name has, saved with MXNet's values so that MXNet can
    load the file).
    """
    hyper_parameters: tuple | None = None  # None: this optimizer cannot be saved
    mxnet_only: dict = {}

    opt_registry: dict = {}  # lower-case class name -> class, filled by ``register``
    # multi_precision's state: (float32 copy, state), SGD's the other way round; the name its
    # float16 warning gives
    _master_first, _float16_hint = True, ''

    def __init__(self, rescale_grad: float = 1.0, param_idx2name: dict | None = None,
                 wd: float = 0.0, clip_gradient: float | None = None,
                 learning_rate: float | None = None, lr_scheduler=None, sym=None,
                 begin_num_update: int = 0, multi_precision: bool = False,
                 param_dict: dict | None = None):
        if sym is not None:
            raise not_implemented('Optimizer(sym=...)', 'the symbolic API (mx.sym)')
        if param_idx2name is None:
            param_idx2name = {}
        if not isinstance(param_idx2name, dict):
            raise MXNetAssertionError('param_idx2name should be a dict of param indexes to names.')
        self.rescale_grad = rescale_grad
        self.wd = wd
        self.clip_gradient = clip_gradient
        self.lr_scheduler = lr_scheduler
        if lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate  # None with a scheduler: the scheduler's base_lr rules
        if lr_scheduler is not None and learning_rate is not None \
                and lr_scheduler.base_lr != learning_rate:
            print(UserWarning('learning rate from ``lr_scheduler`` has been overwritten by '
                              '``learning_rate`` in optimizer.'))  # MXNet prints it
            lr_scheduler.base_lr = learning_rate
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update  # the most updates any one weight has had
        # counted per device, as MXNet does: a step on two devices is one update of each weight
        self._all_index_update_counts = {0: {}}
        self._index_update_count = self._all_index_update_counts[0]
        self.multi_precision = multi_precision
        self.idx2name = param_idx2name.copy()
        self.sym_info = ()
        self.param_dict = param_dict if param_dict else {}
        self.set_lr_mult({})
        self.set_wd_mult({})

    @staticmethod
    def register(klass: type) -> type:
        """Class decorator: make ``klass`` available by its lower-case name (warning when it
        replaces a class registered under that name)."""
        if not isinstance(klass, type):
            raise MXNetAssertionError()
        name = klass.__name__.lower()
        old = Optimizer.opt_registry.get(name)
        if old is not None:
            warnings.warn('WARNING: New optimizer %s.%s is overriding existing optimizer %s.%s'
                          % (klass.__module__, klass.__name__, old.__module__, old.__name__))
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name: str, **kwargs) -> 'Optimizer':
        """An optimizer by (case-insensitive) registered name, with its hyper-parameters."""
        klass = Optimizer.opt_registry.get(name.lower())
        if klass is None:
            raise ValueError('Cannot find optimizer %s' % name)
        return klass(**kwargs)

    def set_lr_mult(self, args_lr_mult: dict):
        """Learning-rate multipliers by update index or by name (``param_idx2name``); a
        Parameter that Trainer passes in ``param_dict`` uses its own ``lr_mult`` instead."""
        self.lr_mult = dict(args_lr_mult)

    def set_wd_mult(self, args_wd_mult: dict):
        """Weight-decay multipliers as ``set_lr_mult``; a name of ``param_idx2name`` that does
        not end in '_weight' or '_gamma' gets 0 unless ``args_wd_mult`` says otherwise."""
        self.wd_mult = {name: 0.0 for name in self.idx2name.values()
                        if not (name.endswith('_weight') or name.endswith('_gamma'))}
        self.wd_mult.update(args_wd_mult)

    def set_lr_scale(self, args_lrscale):
        """[Deprecated] Raises DeprecationWarning, as MXNet's does: use set_lr_mult."""
        raise DeprecationWarning

    @property
    def learning_rate(self) -> float:
        """The rate: the scheduler's for the current ``num_update``, else ``lr``."""
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def set_learning_rate(self, lr: float):
        """Set ``lr``; with a scheduler MXNet refuses, raising UserWarning."""
        if self.lr_scheduler is not None:
            raise UserWarning('LRScheduler of the optimizer has already been defined. Note that '
                              'set_learning_rate can mutate the value of the learning rate of '
                              'the optimizer only when the LRScheduler of the optimizer is '
                              'undefined.')
        self.lr = lr

    def create_state(self, index: int, weight):
        """The per-weight state (momentum, running averages), or None."""
        return None

    def update(self, index: int, weight, grad, state):
        """Update ``weight`` in place from ``grad`` (raw arrays from Trainer, or NDArrays)."""
        raise NotImplementedError

    def create_state_multi_precision(self, index: int, weight):
        """``create_state``, or with ``multi_precision`` and a float16 weight, (a float32
        copy of the weight, the state of that copy) (SGD: the other way round); what Trainer
        calls. A float16 weight without ``multi_precision`` warns, as in MXNet."""
        if self.multi_precision and weight.dtype == np.float16:
            master = weight.astype(np.float32)
            state = self.create_state(index, master)
            return (master, state) if self._master_first else (state, master)
        if weight.dtype == np.float16:
            warnings.warn(_FLOAT16_WARNING % self._float16_hint)
        return self.create_state(index, weight)

    def update_multi_precision(self, index: int, weight, grad, state):
        """``update``, or with ``multi_precision`` and a float16 weight, ``update`` of its
        float32 copy from the gradient in float32, then the weight set to the copy rounded
        to float16; what Trainer calls."""
        if self.multi_precision and weight.dtype == np.float16:
            master, state = state if self._master_first else state[::-1]
            self.update(index, master, grad.astype(np.float32), state)
            weight[...] = master.astype(weight.dtype)
        else:
            self.update(index, weight, grad, state)

    def _set_current_context(self, device_id: int):
        """Count the next updates as those of device ``device_id`` (Trainer calls it per device)."""
        self._index_update_count = self._all_index_update_counts.setdefault(device_id, {})

    def _update_count(self, index: int) -> int:
        """Count one more update of weight ``index``; return how many it has had."""
        count = self._index_update_count.get(index, self.begin_num_update) + 1
        self._index_update_count[index] = count
        self.num_update = max(count, self.num_update)
        return count

    def _get_lr(self, index: int) -> float:
        """The rate of update ``index`` (call after ``_update_count``, as MXNet does)."""
        return self.learning_rate * self._mult(index, 'lr_mult')

    def _get_wd(self, index: int) -> float:
        return self.wd * self._mult(index, 'wd_mult')

    def _mult(self, index: int, kind: str) -> float:
        """The ``kind`` ('lr_mult' or 'wd_mult') of update ``index``: its Parameter's, else
        the one set for the index, else the one set for its name, else 1."""
        param = self.param_dict.get(index)
        if param is not None:
            return getattr(param, kind)
        mults = getattr(self, kind)
        if index in mults:
            return mults[index]
        return mults.get(self.idx2name[index], 1.0) if index in self.idx2name else 1.0

    def saved_attributes(self) -> dict:
        """The attributes a trainer-states file holds: MXNet's optimizer object's, in its order."""
        if self.hyper_parameters is None:
            raise MXNetError('minigluon cannot save or load a %s optimizer' % type(self).__name__)
        if self.lr_scheduler is not None:  # MXNet pickles the scheduler object
            raise MXNetError('minigluon cannot save the states of an optimizer with an '
                             'lr_scheduler')
        counts = dict(self._index_update_count)
        all_counts = {device: dict(c) for device, c in self._all_index_update_counts.items()}
        attrs = {'rescale_grad': self.rescale_grad, 'lr_scheduler': None, 'lr': self.lr,
                 'wd': self.wd, 'lr_mult': dict(self.lr_mult), 'wd_mult': dict(self.wd_mult),
                 'begin_num_update': self.begin_num_update, 'num_update': self.num_update,
                 '_all_index_update_counts': all_counts, '_index_update_count': counts,
                 'clip_gradient': self.clip_gradient,
                 'multi_precision': self.multi_precision, 'idx2name': dict(self.idx2name),
                 'sym_info': (), 'allow_np_array': False}
        attrs.update(self.mxnet_only)
        attrs.update({key: getattr(self, key) for key in self.hyper_parameters})
        attrs['param_dict'] = {}
        return attrs

    @staticmethod
    def from_saved_attributes(name: str, attrs: dict) -> 'Optimizer':
        """The optimizer of class ``name`` that ``saved_attributes`` (minigluon's or MXNet's)
        describes; KeyError, TypeError or ValueError if an attribute is missing or mistyped."""
        cls = Optimizer.opt_registry.get(name.lower())
        if cls is None or cls.hyper_parameters is None:
            raise ValueError('minigluon cannot save or load a %s optimizer' % name)
        if attrs.get('lr_scheduler') is not None:
            raise ValueError('a learning-rate scheduler, which minigluon lacks')
        optimizer = cls(learning_rate=attrs['lr'], wd=attrs['wd'],
                        rescale_grad=attrs['rescale_grad'], clip_gradient=attrs['clip_gradient'],
                        begin_num_update=attrs['begin_num_update'],
                        multi_precision=attrs['multi_precision'],
                        param_idx2name=dict(attrs['idx2name']),
                        **{key: attrs[key] for key in cls.hyper_parameters})
        optimizer.lr_mult, optimizer.wd_mult = dict(attrs['lr_mult']), dict(attrs['wd_mult'])
        optimizer.num_update = int(attrs['num_update'])
        current = attrs['_index_update_count']
        counts = attrs.get('_all_index_update_counts') or {0: current}
        optimizer._all_index_update_counts = {int(device): {int(k): int(v) for k, v in c.items()}
                                              for device, c in counts.items()}
        # MXNet's pickle makes the current counts one of the devices' (minigluon's a copy)
        optimizer._index_update_count = next(
            (optimizer._all_index_update_counts[int(device)] for device, c in counts.items()
             if c is current), {int(k): int(v) for k, v in current.items()})
        return optimizer

    def _clip(self, g):
        if self.clip_gradient is None:
            return g
        return np.clip(g, -self.clip_gradient, self.clip_gradient)


def _raw(weight, grad, state) -> tuple:
    """The arrays under ``weight``, ``grad`` and ``state`` (an array, a tuple of them or None):
    Trainer passes raw arrays, a user calling ``update`` directly passes NDArrays."""
    if not isinstance(weight, NDArray):
        return weight, grad, state
    if isinstance(state, tuple):
        state = tuple(s._data for s in state)
    elif state is not None:
        state = state._data
    return weight._data, grad._data, state


register = Optimizer.register  # ``@register``: ``Trainer(..., 'sgd')`` finds SGD
create = Optimizer.create_optimizer


@register
class SGD(Optimizer):
    """weight -= lr * (grad + wd * weight), with optional momentum."""
    hyper_parameters = ('momentum',)
    _master_first, _float16_hint = False, 'SGD '  # MXNet's mp_sgd kernels' (state, copy)
    mxnet_only = {'aggregate_num': 4, 'lazy_update': True}

    def __init__(self, momentum: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum

    def create_state(self, index: int, weight):
        return weight * 0 if self.momentum else None

    def update(self, index: int, weight, grad, state):
        """weight -= lr * (rescale_grad * grad + wd * weight); with momentum,
        state = momentum * state - lr * (rescale_grad * grad + wd * weight), weight += state.
        A clipped gradient is clipped before the weight decay is added."""
        self._update_count(index)
        bitexact.sgd_step(weight, grad, state, self._get_lr(index), self._get_wd(index),
                          self.momentum, self.rescale_grad, self.clip_gradient)


@register
class Adam(Optimizer):
    """Adam (Kingma & Ba) with MXNet's bias-corrected learning rate."""
    hyper_parameters = ('beta1', 'beta2', 'epsilon')
    mxnet_only = {'aggregate_num': 0, 'lazy_update': True}

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon

    def create_state(self, index: int, weight):
        return weight * 0, weight * 0  # running mean and variance of the gradient

    def update(self, index: int, weight, grad, state):
        weight, grad, state = _raw(weight, grad, state)
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


@register
class NAG(Optimizer):
    """SGD with Nesterov momentum: the step looks ahead along the momentum."""
    hyper_parameters = ('momentum',)
    _master_first, _float16_hint = False, 'NAG '  # MXNet's mp_nag kernels' (state, copy)
    mxnet_only = {'aggregate_num': 0}

    def __init__(self, momentum: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum

    def create_state(self, index: int, weight):
        return weight * 0 if self.momentum != 0.0 else None

    def update(self, index: int, weight, grad, state):
        """MXNet's nag_mom_update in float32, in place: with step = lr * (g + wd * weight),
        g = clip(rescale_grad * grad), mom = momentum * mom;
        weight = weight - mom + (momentum + 1) * (mom - step); mom -= lr * (g + wd * weight)
        with the weight already updated (MXNet's kernel writes the weight first).
        Without a state (momentum 0), MXNet's sgd_update:
        weight = (1 - lr * wd) * weight - lr * g, with (lr * rescale_grad) * grad unclipped."""
        weight, grad, state = _raw(weight, grad, state)
        self._update_count(index)
        dtype = weight.dtype.type  # MXNet's kernel: float32 parameters, computed in this dtype

        def param(value):
            return dtype(np.float32(value))
        lr, wd = param(self._get_lr(index)), param(self._get_wd(index))
        rescale = param(self.rescale_grad)
        clip = self.clip_gradient if self.clip_gradient and self.clip_gradient >= 0 else None
        g = rescale * grad if clip is None else np.clip(rescale * grad, -param(clip), param(clip))
        if state is None:
            lr_g = (lr * rescale) * grad if clip is None else lr * g
            weight[...] = (dtype(1) - lr * wd) * weight - lr_g
            return
        momentum = param(self.momentum if self.momentum > 0 else 0)  # as MXNet passes it
        state *= momentum
        weight[...] = weight - state + (momentum + dtype(1)) * (state - lr * (g + wd * weight))
        state -= lr * (g + wd * weight)


@register
class AdaGrad(Optimizer):
    """AdaGrad (Duchi et al.): each weight's step shrinks with its gradients' sum of squares."""
    mxnet_only = {'aggregate_num': 0}  # not saved: MXNet keeps ``eps`` as float_stable_eps

    def __init__(self, eps: float = 1e-7, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index: int, weight):
        return weight * 0  # the history of squared gradients

    def update(self, index: int, weight, grad, state):
        """history += g**2; weight += (g / sqrt(history + eps) + wd * weight) * -lr, with
        g = clip(rescale_grad * grad), in float32 in MXNet's order."""
        weight, grad, state = _raw(weight, grad, state)
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        g = self._clip(grad * self.rescale_grad)
        state += g * g
        weight += (g / (state + self.float_stable_eps) ** 0.5 + weight * wd) * -lr


@register
class RMSProp(Optimizer):
    """RMSProp (Tieleman & Hinton): steps divided by a running root mean square of gradients."""
    hyper_parameters = ('gamma1', 'gamma2', 'epsilon', 'centered', 'clip_weights')
    mxnet_only = {'aggregate_num': 0}

    def __init__(self, learning_rate: float = 0.001, gamma1: float = 0.9, gamma2: float = 0.9,
                 epsilon: float = 1e-8, centered: bool = False, clip_weights: float | None = None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1, self.gamma2, self.epsilon = gamma1, gamma2, epsilon
        self.centered, self.clip_weights = centered, clip_weights

    def create_state(self, index: int, weight):
        """(n,), the running mean of squared gradients; ``centered``: (n, the running mean
        of gradients, the last step)."""
        if self.centered:
            return weight * 0, weight * 0, weight * 0
        return (weight * 0,)

    def update(self, index: int, weight, grad, state):
        """g = clip(rescale_grad * grad + wd * weight); n = (1 - gamma1) * g * g + gamma1 * n;
        weight -= lr * g / sqrt(n + epsilon): MXNet's rmsprop_update kernel, in float32.
        ``centered`` (rmspropalex_update): also m = (1 - gamma1) * g + gamma1 * m, and
        delta = gamma2 * delta - lr * g / sqrt(n - m * m + epsilon); weight += delta."""
        weight, grad, state = _raw(weight, grad, state)
        self._update_count(index)
        f32 = np.float32
        lr, wd = f32(self._get_lr(index)), f32(self._get_wd(index))
        g = self._clip(f32(self.rescale_grad) * grad + wd * weight)
        n = state[0]
        gamma1 = f32(self.gamma1)
        n[...] = (f32(1) - gamma1) * g * g + gamma1 * n
        if self.centered:
            _, mean, delta = state
            mean[...] = (f32(1) - gamma1) * g + gamma1 * mean
            delta[...] = (f32(self.gamma2) * delta
                          - lr * g / (n - mean * mean + f32(self.epsilon)) ** f32(0.5))
            weight += delta
        else:
            weight -= lr * (g / (n + f32(self.epsilon)) ** f32(0.5))
        if self.clip_weights:
            weight[...] = np.clip(weight, -self.clip_weights, self.clip_weights)


@register
class AdaDelta(Optimizer):
    """AdaDelta (Zeiler): steps scaled by running averages of squared gradients and steps."""
    hyper_parameters = ('rho', 'epsilon')
    mxnet_only = {'aggregate_num': 0}

    def __init__(self, rho: float = 0.90, epsilon: float = 1e-5, **kwargs):
        super().__init__(**kwargs)
        self.rho, self.epsilon = rho, epsilon

    def create_state(self, index: int, weight):
        return weight * 0, weight * 0  # accumulated squared gradients and squared steps

    def update(self, index: int, weight, grad, state):
        """acc_g = rho * acc_g + (1 - rho) * g * g; delta = sqrt(acc_delta + eps) /
        sqrt(acc_g + eps) * g; acc_delta likewise from delta; weight -= delta + wd * weight."""
        weight, grad, state = _raw(weight, grad, state)
        wd = self._get_wd(index)
        self._update_count(index)
        g = self._clip(grad * self.rescale_grad)
        acc_g, acc_delta = state
        acc_g *= self.rho
        acc_g += (1. - self.rho) * g * g
        delta = (acc_delta + self.epsilon) ** 0.5 / (acc_g + self.epsilon) ** 0.5 * g
        acc_delta *= self.rho
        acc_delta += (1. - self.rho) * delta * delta
        weight -= delta + wd * weight
