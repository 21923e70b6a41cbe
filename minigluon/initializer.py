"""Initializers fill a parameter's array; they know nothing else about it.

A subclass overrides ``_init_weight(name, data)`` and writes into ``data`` in place. As in
MXNet, a parameter calls its chosen initializer's ``_init_weight`` for every kind of
parameter (biases included), passing an ``InitDesc``: the parameter's name as a ``str``.
"""
from __future__ import annotations

import json
import logging
import re

import numpy as np

from . import random
from .base import MXNetAssertionError, not_implemented
from .ndarray.ndarray import NDArray
from .ndarray.utils import load
from . import registry

_REGISTRY = registry.Registry()
register = _REGISTRY.register  # ``@register``: ``mx.init.create('xavier')`` finds Xavier
alias = _REGISTRY.alias        # ``@alias('zeros')``: another name for a class


def create(init, **kwargs) -> 'Initializer':
    """An Initializer from an instance, a registered name, or ``dumps()`` JSON (as MXNet's
    registry: anything else fails its assertion)."""
    if isinstance(init, Initializer):
        return init
    if not isinstance(init, str):
        raise MXNetAssertionError('initializer must be of string type')
    if init.startswith('['):
        init, kwargs = json.loads(init)
    klass = _REGISTRY.find(init)
    if klass is None:
        raise MXNetAssertionError('%s is not registered. Please register with '
                                  'initializer.register first' % init.lower())
    return klass(**kwargs)


class InitDesc(str):
    """A parameter's name, carrying the attributes the initializer may need and the
    ``global_init``: the initializer it was first given to (``Initializer.__call__`` sets it)."""

    def __new__(cls, name: str, attrs: dict | None = None, global_init=None):
        desc = super().__new__(cls, name)
        desc.attrs = attrs or {}
        desc.global_init = global_init
        return desc


class Initializer:
    """Base class: call it with (InitDesc, NDArray) to fill the array."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._verbose = False

    def set_verbosity(self, verbose: bool = False, print_func=None):
        """Log (``logging.info``) each parameter's name and ``print_func(array)`` (default:
        norm / sqrt(size)) as it is initialized."""
        self._verbose = verbose
        self._print_func = print_func or (
            lambda x: str(np.float32(np.linalg.norm(x.asnumpy()) / np.sqrt(x.size))))
        return self

    def dumps(self) -> str:
        """``["name", {kwargs}]`` JSON, as MXNet writes it."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __eq__(self, other):
        """Same class and arguments, as MXNet compares (so initializers are unhashable)."""
        if not isinstance(other, Initializer):
            return NotImplemented
        return type(self) is type(other) and self._kwargs == other._kwargs

    def __call__(self, desc, arr: NDArray):
        if not isinstance(desc, InitDesc):
            desc = InitDesc(desc)
        if desc.global_init is None:
            desc.global_init = self
        chosen = desc.attrs.get('__init__')
        pattern = next((p for p in ('weight', 'bias', 'beta', 'gamma') if desc.endswith(p)), None)
        if chosen:
            create(chosen)._init_weight(desc, arr)
        elif pattern == 'weight':
            self._init_weight(desc, arr)
        elif pattern in ('bias', 'beta'):
            arr[:] = 0.0
        elif pattern == 'gamma':
            arr[:] = 1.0
        else:  # sic: MXNet's message has no space after "(0.0)."
            raise ValueError('Unknown initialization pattern for %s. Default initialization is '
                             'now limited to "weight", "bias", "gamma" (1.0), and "beta" (0.0).'
                             'Please use mx.sym.Variable(init=mx.init.*) to set initialization '
                             'pattern' % desc)
        if self._verbose:  # as MXNet: the chosen initializer itself, or the name's pattern
            logging.info('Initialized %s as %s: %s', desc, chosen or pattern, self._print_func(arr))

    def _init_weight(self, name, arr: NDArray):
        raise NotImplementedError('Must override it')


@register
class Uniform(Initializer):
    """Uniform on [-scale, scale]: Gluon's default."""

    def __init__(self, scale: float = 0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _, arr):
        random.uniform(-self.scale, self.scale, out=arr)


@register
class Normal(Initializer):
    """Normal with mean 0 and standard deviation ``sigma``."""

    def __init__(self, sigma: float = 0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        random.normal(0, self.sigma, out=arr)


@register
class Constant(Initializer):
    """Every element set to ``value``."""

    def __init__(self, value):
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _, arr):
        arr[:] = self.value


@register
@alias('zeros')
class Zero(Initializer):
    def _init_weight(self, _, arr):
        arr[:] = 0


@register
@alias('ones')
class One(Initializer):
    def _init_weight(self, _, arr):
        arr[:] = 1


@register
class Xavier(Initializer):
    """Glorot: variance scaled by fan-in/fan-out so activations keep their size across layers.

    ``rnd_type`` 'uniform' or 'gaussian'; ``factor_type`` 'avg', 'in' or 'out';
    the scale is sqrt(magnitude / factor).
    """

    def __init__(self, rnd_type: str = 'uniform', factor_type: str = 'avg', magnitude: float = 3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name, arr):
        shape = arr.shape
        if len(shape) < 2:
            raise ValueError('Xavier initializer cannot be applied to vector {0}. It requires at '
                             'least 2D.'.format(name))
        hw_scale = float(np.prod(shape[2:])) if len(shape) > 2 else 1.0
        fan_in, fan_out = shape[1] * hw_scale, shape[0] * hw_scale
        factors = {'avg': (fan_in + fan_out) / 2.0, 'in': fan_in, 'out': fan_out}
        if self.factor_type not in factors:
            raise ValueError('Incorrect factor type')
        scale = np.sqrt(self.magnitude / factors[self.factor_type])
        if self.rnd_type == 'uniform':
            random.uniform(-scale, scale, out=arr)
        elif self.rnd_type == 'gaussian':
            random.normal(0, scale, out=arr)
        else:
            raise ValueError('Unknown random type')


@register
class MSRAPrelu(Xavier):
    """He initialization for (P)ReLU networks: Gaussian with magnitude 2 / (1 + slope**2)."""

    def __init__(self, factor_type: str = 'avg', slope: float = 0.25):
        super().__init__('gaussian', factor_type, 2.0 / (1 + slope ** 2))
        self._kwargs = {'factor_type': factor_type, 'slope': slope}


@register
class Orthogonal(Initializer):
    """A random orthogonal matrix (Saxe et al., 2013) times ``scale``: the singular vectors
    of a ``rand_type`` ('uniform' or 'normal') random (out, in) matrix."""

    def __init__(self, scale: float = 1.414, rand_type: str = 'uniform'):
        super().__init__(scale=scale, rand_type=rand_type)
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _, arr):
        nout, nin = arr.shape[0], int(np.prod(arr.shape[1:]))
        if self.rand_type == 'uniform':
            tmp = random.uniform(-1.0, 1.0, shape=(nout, nin)).asnumpy()
        elif self.rand_type == 'normal':
            tmp = random.normal(0.0, 1.0, shape=(nout, nin)).asnumpy()
        u, _, v = np.linalg.svd(tmp, full_matrices=False)
        res = u if u.shape == tmp.shape else v
        arr[:] = self.scale * res.reshape(arr.shape)


@register
class Bilinear(Initializer):
    """The weight of a bilinear upsampling (a transposed convolution's (out, in, h, w)
    kernel): each h x w filter is the outer product of two triangles over a width."""

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        shape = arr.shape
        f = np.ceil(shape[3] / 2.)
        c = (2 * f - 1 - f % 2) / (2. * f)
        i = np.arange(int(np.prod(shape)))
        x, y = i % shape[3], (i // shape[3]) % shape[2]
        weight = (1 - abs(x / f - c)) * (1 - abs(y / f - c))
        arr[:] = weight.astype(np.float32).reshape(shape)


@register
class LSTMBias(Initializer):
    """An LSTM cell's biases: 0, except the forget gate's (the second quarter), which is
    ``forget_bias`` (Jozefowicz et al. 2015 recommend 1)."""

    def __init__(self, forget_bias: float = 1.0):
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name, arr):
        arr[:] = 0.0
        num_hidden = int(arr.shape[0] / 4)
        arr[num_hidden:2 * num_hidden] = self.forget_bias


@register
class FusedRNN(Initializer):
    """MXNet's initializer of a fused RNN layer's packed weights; it is built (and dumped) as
    MXNet's is, but initializing raises: minigluon has no RNN cells to unpack them. ``init``
    given as ``dumps()`` JSON raises KeyError, as in MXNet."""

    def __init__(self, init, num_hidden: int, num_layers: int, mode: str,
                 bidirectional: bool = False, forget_bias: float = 1.0):
        if isinstance(init, str):  # as MXNet 1.9.1, whose look-up of the class by name fails
            raise KeyError(json.loads(init)[0].lower())
        super().__init__(init=init.dumps() if init is not None else None, num_hidden=num_hidden,
                         num_layers=num_layers, mode=mode, bidirectional=bidirectional,
                         forget_bias=forget_bias)
        self._init = init
        self._num_hidden, self._num_layers, self._mode = num_hidden, num_layers, mode
        self._bidirectional, self._forget_bias = bidirectional, forget_bias

    def _init_weight(self, desc, arr):
        raise not_implemented('mx.init.FusedRNN', "MXNet's RNN cells (mx.rnn), which pack the "
                              'weights it initializes')


class Mixed:
    """Initializes each name with the initializer of the first regex that matches it
    (``re.match``). Like MXNet's, it is not an Initializer: call it on (name, array)."""

    def __init__(self, patterns: list, initializers: list):
        if len(patterns) != len(initializers):
            raise MXNetAssertionError('Mixed needs one initializer per pattern')
        self.map = list(zip([re.compile(p) for p in patterns], initializers))

    def __call__(self, name, arr: NDArray):
        for pattern, init in self.map:
            if pattern.match(name):
                init(name, arr)
                return
        # sic: MXNet's message, with its unfilled %s
        raise ValueError('Parameter name %s did not match any pattern. Consider'
                         'add a ".*" pattern at the and with default Initializer.')


class Load:
    """Initializes each name from a dict (or a file saved by ``nd.save``) of arrays, or with
    ``default_init`` if absent; ``arg:``/``aux:`` prefixes are dropped. Not an Initializer."""

    def __init__(self, param, default_init=None, verbose: bool = False):
        if isinstance(param, str):
            param = load(param)
        if not isinstance(param, dict):
            raise MXNetAssertionError('Load needs a dict of arrays or a file of named arrays')
        self.param = {name[4:] if name.startswith(('arg:', 'aux:')) else name: arr
                      for name, arr in param.items()}
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name, arr: NDArray):
        if name in self.param:
            if arr.shape != self.param[name].shape:
                raise MXNetAssertionError(
                    'Parameter %s cannot be initialized from loading. Shape mismatch, target %s '
                    'vs loaded %s' % (name, str(arr.shape), self.param[name].shape))
            arr[:] = self.param[name]
            if self.verbose:
                logging.info('Initialized %s by loading', name)
        else:
            if self.default_init is None:
                raise MXNetAssertionError('Cannot Initialize %s. Not found in loaded param and no '
                                          'default Initializer is provided.' % name)
            self.default_init(name, arr)
            if self.verbose:
                logging.info('Initialized %s by default', name)
