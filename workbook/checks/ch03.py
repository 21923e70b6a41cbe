"""Checks for chapter 03, "Deferred initialization"."""
from __future__ import annotations

import numpy as np

import minigluon as mx
from minigluon import gluon, init, nd
from minigluon.gluon import nn

from . import ExerciseFailed, call, expect, passed


def _ready_data(name: str, param: gluon.Parameter):
    """``param.data()``, failing with a hint when the parameter is still deferred."""
    try:
        return param.data()
    except gluon.DeferredInitializationError:
        raise ExerciseFailed(
            "after net.initialize(), parameter '%s' is still deferred (its shape is %s, the 0 "
            "meaning 'unknown'): create that layer with in_units=..." % (name, param.shape)
        ) from None


def _is_deferred(param: gluon.Parameter) -> bool:
    """Whether ``param.data()`` raises DeferredInitializationError."""
    try:
        param.data()
    except gluon.DeferredInitializationError:
        return True
    return False


def _forward(layer, X):
    """``layer(X)``, failing with a hint when the forward leaves the weight deferred."""
    try:
        return layer(X)
    except gluon.DeferredInitializationError:
        raise ExerciseFailed(
            'your forward raised DeferredInitializationError: before calling weight.data(), '
            'set weight.shape = (x.shape[-1],) and call weight._finish_deferred_init()'
        ) from None


# ---------------------------------------------------------------------------------------
def check_1(make_net):
    """03.1: a 20 -> 64 -> 10 MLP whose parameters all exist right after initialize()."""
    with mx.name.NameManager():
        net = call('make_net()', make_net)
    expect(isinstance(net, nn.Block),
           'make_net() should return a Block (an nn.Sequential); it returned %s'
           % type(net).__name__)
    call('net.initialize()', net.initialize)
    params = net.collect_params()
    expect(len(params) > 0, 'your net has no parameters')
    for name, param in params.items():
        call("reading parameter '%s' after net.initialize()" % name, _ready_data, name, param)
    weights = [p.shape for n, p in params.items() if n.endswith('weight')]
    expect(weights == [(64, 20), (10, 64)],
           'your weights have shapes %s; a 20 -> 64 -> 10 MLP has (64, 20) and (10, 64)'
           % weights)
    X = nd.ones((2, 20))
    out = call('running your net on an input of shape (2, 20)', net, X)
    expect(out.shape == (2, 10), 'your net returned shape %s for an input of shape (2, 20); '
           'expected (2, 10)' % (out.shape,))
    passed('03.1', 'every parameter was initialized by initialize(), before any forward')


# ---------------------------------------------------------------------------------------
def check_2(LazyScale):
    """03.2: a layer whose weight's length is inferred from the first input."""
    with mx.name.NameManager():
        layer = call('LazyScale()', LazyScale)
    expect(isinstance(layer, nn.Block),
           'LazyScale should be a subclass of nn.Block; yours is a %s' % type(layer).__name__)
    weight = getattr(layer, 'weight', None)
    expect(isinstance(weight, gluon.Parameter),
           'your layer should have a Parameter attribute `weight` (from self.params.get); it has %s'
           % type(weight).__name__)
    expect(weight.shape is not None and 0 in weight.shape,
           'before any input, the weight\'s shape should be unknown, like (0,); yours is %s, so '
           'there is nothing to defer' % (weight.shape,))
    call('layer.initialize(init.Constant(2))', layer.initialize, init.Constant(2),
         hint=' (did you pass allow_deferred_init=True to params.get?)')
    deferred = call('weight.data() after initialize', _is_deferred, weight)
    expect(deferred, 'right after initialize() the weight should still be deferred (data() '
           'should raise DeferredInitializationError), but it already has data')
    for width, batch in [(5, 3), (5, 4)]:
        X = nd.array(np.arange(batch * width, dtype=np.float32).reshape(batch, width) - 4)
        out = call('running your layer on an input of shape %s' % (X.shape,), _forward, layer, X)
        expect(weight.shape == (width,),
               'after an input of shape %s the weight should have shape (%d,); it has %s'
               % (X.shape, width, weight.shape))
        expect(isinstance(out, nd.NDArray) and out.shape == X.shape,
               'your layer returned %s for an input of shape %s; expected an NDArray of the '
               'same shape' % (getattr(out, 'shape', type(out).__name__), X.shape))
        expect(np.allclose(out.asnumpy(), X.asnumpy() * 2),
               'with init.Constant(2) your layer should return x * 2; for x = %s it returned %s'
               % (X.asnumpy()[0].tolist(), out.asnumpy()[0].tolist()))
    with mx.name.NameManager():
        other = LazyScale()
    other.initialize()
    call('running a fresh LazyScale on an input of width 7', other, nd.ones((2, 7)),
         hint=' (infer the length from x.shape[-1] instead of fixing it)')
    expect(other.weight.shape == (7,),
           'a fresh LazyScale given inputs of width 7 has a weight of shape %s; expected (7,): '
           'infer the length from x.shape[-1] instead of fixing it' % (other.weight.shape,))
    passed('03.2', 'the weight\'s shape is inferred at the first forward')


# ---------------------------------------------------------------------------------------
_SHAPE_CASES = [(10, (8, 20), True), (4, (2, 3, 5), True), (4, (2, 3, 5), False),
                (3, (2, 2, 2, 2), True), (6, (1, 7), False)]


def check_3(predict_weight_shape):
    """03.3: predict the weight shape a Dense layer infers from its first input."""
    for units, input_shape, flatten in _SHAPE_CASES:
        what = 'predict_weight_shape(%d, %s, flatten=%s)' % (units, input_shape, flatten)
        predicted = call(what, predict_weight_shape, units, input_shape, flatten=flatten)
        with mx.name.NameManager():
            layer = nn.Dense(units, flatten=flatten)
        layer.initialize()
        layer(nd.ones(input_shape))
        actual = layer.weight.shape
        try:
            predicted = tuple(int(d) for d in predicted)
        except Exception:  # noqa: BLE001
            raise ExerciseFailed('%s returned %r; expected a tuple of ints' % (what, predicted)) \
                from None
        hint = (' with flatten=True every axis after the first (batch) axis becomes one feature '
                'axis' if flatten else ' with flatten=False only the last axis holds features')
        expect(predicted == actual, 'for nn.Dense(%d, flatten=%s) on an input of shape %s you '
               'predicted %s, but the weight becomes %s:%s'
               % (units, flatten, input_shape, predicted, actual, hint))
    passed('03.3', 'all %d weight shapes predicted' % len(_SHAPE_CASES))
