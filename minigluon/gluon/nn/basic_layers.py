"""The layers the book uses: Sequential, Dense, Activation, Dropout, Flatten, Lambda."""
from __future__ import annotations

import numpy as np

from ... import autograd, ndarray
from ...base import MXNetAssertionError, MXNetError
from ...ndarray import ops
from ..block import Block, HybridBlock, _indent


class Sequential(Block):
    """Runs its children one after the other, in the order they were added."""
    _summary_row = False  # summary() shows the layers inside, not the container

    def add(self, *blocks: Block):
        for block in blocks:
            self.register_child(block)

    def forward(self, x):
        for block in self._children.values():
            x = block(x)
        return x

    def __repr__(self):
        modstr = '\n'.join('  ({key}): {block}'.format(key=key, block=_indent(repr(block), 2))
                           for key, block in self._children.items())
        return '{name}(\n{modstr}\n)'.format(name=self.__class__.__name__, modstr=modstr)

    def __getitem__(self, key):
        layers = list(self._children.values())[key]
        if not isinstance(layers, list):
            return layers
        net = type(self)(prefix=self._prefix)
        with net.name_scope():
            net.add(*layers)
        return net

    def __len__(self):
        return len(self._children)


class HybridSequential(Sequential, HybridBlock):
    """Sequential under MXNet's hybridizable name (``hybridize()`` is a no-op here)."""


_ACTIVATIONS = {
    'relu': ops.relu,
    'sigmoid': ops.sigmoid,
    'tanh': ops.tanh,
    'softrelu': ops.softrelu,
    'softsign': lambda x: x / (ops.abs(x) + 1),
}


class Activation(HybridBlock):
    """An activation function by name: 'relu', 'sigmoid', 'tanh', 'softrelu' or 'softsign'."""

    def __init__(self, activation: str, **kwargs):
        self._act_type = activation  # an unknown name fails at the first forward, as in MXNet
        super().__init__(**kwargs)

    def _alias(self) -> str:
        return self._act_type

    def hybrid_forward(self, F, x):
        act = _ACTIVATIONS.get(self._act_type)
        return act(x) if act is not None else F.Activation(x, act_type=self._act_type)

    def __repr__(self):
        return '{name}({_act_type})'.format(name=self.__class__.__name__, **self.__dict__)


class Dense(HybridBlock):
    """Fully connected layer: ``activation(dot(x, weight.T) + bias)``.

    ``weight`` is (units, in_units); with ``in_units=0`` it is inferred at the first forward.
    With ``flatten``, inputs of more than two axes are flattened to (batch, -1) first.
    """

    def __init__(self, units: int, activation: str | None = None, use_bias: bool = True,
                 flatten: bool = True, dtype='float32', weight_initializer=None,
                 bias_initializer='zeros', in_units: int = 0, **kwargs):
        super().__init__(**kwargs)
        self._flatten = flatten
        with self.name_scope():
            self._units = units
            self.weight = self.params.get('weight', shape=(units, in_units), init=weight_initializer,
                                          dtype=dtype, allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get('bias', shape=(units,), init=bias_initializer,
                                            dtype=dtype, allow_deferred_init=True)
            else:
                self.bias = None
            self.act = Activation(activation, prefix=activation + '_') if activation else None

    def infer_shape(self, x, *args):
        in_units = x.shape[-1] if not self._flatten else x.size // x.shape[0] if x.shape[0] else 0
        self.weight.shape = (self._units, in_units)

    def hybrid_forward(self, F, x, weight, bias=None):
        try:
            out = F.FullyConnected(x, weight, bias, flatten=self._flatten)
        except MXNetError as err:
            if x.dtype != weight.dtype:  # the hint below is about features, not dtypes
                raise
            raise MXNetError('%s (layer %s: weight of shape %s expects %d input features; got an '
                             'input of shape %s)' % (err, self.name, weight.shape, weight.shape[1],
                                                     x.shape)) from None
        return out if self.act is None else self.act(out)

    def __repr__(self):
        shape = self.weight.shape
        return '{name}({layout}, {act})'.format(
            name=self.__class__.__name__, act=self.act if self.act else 'linear',
            layout='{0} -> {1}'.format(shape[1] if shape[1] else None, shape[0]))


class Dropout(HybridBlock):
    """Zeroes each element with probability ``rate`` while training (scaling the rest by
    1 / (1 - rate)); the identity when predicting.

    As MXNet does, an element is kept where its uniform draw u satisfies u <= 1 - rate, so
    the same seed drops the same elements. ``axes`` share one draw along those axes.
    """

    def __init__(self, rate: float, axes=(), **kwargs):
        super().__init__(**kwargs)
        self._rate = rate
        self._axes = axes

    def hybrid_forward(self, F, x):
        if not autograd.is_training() or self._rate <= 0:
            return x
        keep = np.float32(1) - np.float32(self._rate)
        shape = tuple(1 if i in self._axes else d for i, d in enumerate(x.shape))
        draw = F.random.uniform(0, 1, shape=shape, ctx=x.context)
        return x * ((draw <= keep) * (np.float32(1) / keep))

    def __repr__(self):
        return '{name}(p = {_rate}, axes={_axes})'.format(name=self.__class__.__name__,
                                                          **self.__dict__)


class Flatten(HybridBlock):
    """(N, a, b, ...) -> (N, a*b*...)."""

    def hybrid_forward(self, F, x):
        return F.flatten(x)

    def __repr__(self):
        return self.__class__.__name__


class Lambda(Block):
    """A block around a function, or the name of an ``nd`` function (``Lambda('tanh')``)."""

    def __init__(self, function, prefix=None):
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            if not hasattr(ndarray, function):
                raise MXNetAssertionError('Function name %s is not found in ndarray.' % function)
            function = getattr(ndarray, function)
        elif not callable(function):
            raise ValueError('Unrecognized function in lambda: {} of type {}'
                             .format(function, type(function)))
        self._func_impl = function

    def forward(self, *args):
        return self._func_impl(*args)

    def __repr__(self):
        return '{name}({function})'.format(name=self.__class__.__name__,
                                           function=self._func_impl.__name__)


class HybridLambda(HybridBlock):
    """A hybrid block around ``function(F, x, *args)``, or the name of an ``nd`` function
    (``HybridLambda('tanh')``). As in MXNet, a callable receives ``F`` (here ``mx.nd``) first."""

    def __init__(self, function, prefix=None):
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            if not hasattr(ndarray, function):
                raise MXNetAssertionError('Function name %s is not found in symbol/ndarray.'
                                          % function)
            func = getattr(ndarray, function)
            self._func = lambda F, *args: func(*args)
            self._func_name = function
        elif callable(function):
            self._func = function
            self._func_name = function.__name__
        else:
            raise ValueError('Unrecognized function in lambda: {} of type {}'
                             .format(function, type(function)))

    def hybrid_forward(self, F, x, *args):
        return self._func(F, x, *args)

    def __repr__(self):
        return '{name}({function})'.format(name=self.__class__.__name__,
                                           function=self._func_name)
