"""Checks for chapter 03, "Deferred initialization"."""
from __future__ import annotations

import numpy as np

import minigluon as mx
from minigluon import gluon, init, nd
from minigluon.gluon import nn

from . import Check, Data, ExerciseFailed, Malformed, call, close, construct, expect, floats, rng


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
def observe_1(make_net, seed: int) -> dict:
    """03.1: the net's weight shapes right after initialize(), and its output's shape."""
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
    weights = [list(p.shape) for n, p in params.items() if n.endswith('weight')]
    try:  # a wrong weight shape explains a failing forward: the judge says that first
        out = call('running your net on an input of shape (2, 20)', net, nd.ones((2, 20)))
    except ExerciseFailed as err:
        return {'weights': weights, 'forward_error': str(err)}
    return {'weights': weights, 'out_shape': list(getattr(out, 'shape', ()))}


def judge_1(data, seed: int) -> str:
    raw = data._get('weights')
    if not isinstance(raw, list) or len(raw) > 100:
        raise Malformed('the observation: weights is not a list of shapes')
    weights = [Data({'shape': w}).shape('shape') for w in raw]
    expect(weights == [(64, 20), (10, 64)],
           'your weights have shapes %s; a 20 -> 64 -> 10 MLP has (64, 20) and (10, 64)'
           % weights)
    if data.has('forward_error'):
        raise ExerciseFailed(data.str('forward_error'))
    shape = data.shape('out_shape')
    expect(shape == (2, 10), 'your net returned shape %s for an input of shape (2, 20); '
           'expected (2, 10)' % (shape,))
    return 'every parameter was initialized by initialize(), before any forward'


check_1 = Check('03.1', observe_1, judge_1)


# ---------------------------------------------------------------------------------------
def _draw_2(seed):
    """The inputs (one width, two batch sizes) and the width of a fresh layer's input."""
    if seed == 0:
        return [np.arange(b * 5, dtype=np.float32).reshape(b, 5) - 4 for b in (3, 4)], 7
    stream = rng(seed)
    width = int(stream.randint(3, 9))
    inputs = [stream.uniform(-5, 5, (int(stream.randint(2, 6)), width)).astype(np.float32)
              for _ in range(2)]
    return inputs, width + int(stream.randint(1, 4))


def observe_2(LazyScale, seed: int) -> dict:
    """03.2: the weight's shape and the output after each input, and a fresh layer's weight."""
    inputs, fresh_width = _draw_2(seed)
    expect(isinstance(LazyScale, type) and issubclass(LazyScale, nn.Block),
           'LazyScale should be a subclass of nn.Block; you gave %r' % (LazyScale,))
    with mx.name.NameManager():
        layer = construct(LazyScale, 'LazyScale()')
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
    runs = []
    for X in inputs:
        out = call('running your layer on an input of shape %s' % (X.shape,), _forward, layer, nd.array(X))
        expect(isinstance(out, nd.NDArray), 'your layer returned %s for an input of shape %s; '
               'expected an NDArray of the same shape' % (type(out).__name__, X.shape))
        runs.append({'weight_shape': list(weight.shape), 'out_shape': list(out.shape),
                     'out': floats(out) if out.shape == X.shape else []})
    with mx.name.NameManager():
        other = LazyScale()
    other.initialize()
    call('running a fresh LazyScale on an input of width %d' % fresh_width, other,
         nd.ones((2, fresh_width)), hint=' (infer the length from x.shape[-1] instead of fixing it)')
    return {'runs': runs, 'fresh_shape': list(other.weight.shape)}


def judge_2(data, seed: int) -> str:
    inputs, fresh_width = _draw_2(seed)
    runs = data.list('runs', len(inputs))
    expect(len(runs) == len(inputs), 'your layer ran on %d inputs; expected %d' % (len(runs), len(inputs)))
    for X, run in zip(inputs, runs):
        width = X.shape[1]
        shape = run.shape('weight_shape')
        expect(shape == (width,), 'after an input of shape %s the weight should have shape (%d,); '
               'it has %s' % (X.shape, width, shape))
        out_shape = run.shape('out_shape')
        expect(out_shape == X.shape, 'your layer returned shape %s for an input of shape %s; '
               'expected an NDArray of the same shape' % (out_shape, X.shape))
        out = run.array('out', X.shape)
        expect(close(out, X * 2.0),
               'with init.Constant(2) your layer should return x * 2; for x = %s it returned %s'
               % (X[0].tolist(), out[0].tolist()))
    fresh = data.shape('fresh_shape')
    expect(fresh == (fresh_width,),
           'a fresh LazyScale given inputs of width %d has a weight of shape %s; expected (%d,): '
           'infer the length from x.shape[-1] instead of fixing it' % (fresh_width, fresh, fresh_width))
    return "the weight's shape is inferred at the first forward"


check_2 = Check('03.2', observe_2, judge_2)


# ---------------------------------------------------------------------------------------
_SHAPE_CASES = [(10, (8, 20), True), (4, (2, 3, 5), True), (4, (2, 3, 5), False),
                (3, (2, 2, 2, 2), True), (6, (1, 7), False)]


def _cases_3(seed):
    """(units, input shape, flatten): the fixed cases, and two more drawn from the seed."""
    if seed == 0:
        return _SHAPE_CASES
    stream = rng(seed)
    extra = [(int(stream.randint(1, 9)), tuple(int(d) for d in stream.randint(1, 6, int(stream.randint(2, 5)))),
              bool(flatten)) for flatten in (True, False)]
    return _SHAPE_CASES + extra


def observe_3(predict_weight_shape, seed: int) -> dict:
    """03.3: the predicted weight shape of a Dense layer for each case."""
    predictions = []
    for units, input_shape, flatten in _cases_3(seed):
        what = 'predict_weight_shape(%d, %s, flatten=%s)' % (units, input_shape, flatten)
        predicted = call(what, predict_weight_shape, units, input_shape, flatten=flatten)
        try:
            predictions.append([int(d) for d in predicted])
        except Exception:  # noqa: BLE001
            raise ExerciseFailed('%s returned %r; expected a tuple of ints' % (what, predicted)) \
                from None
    return {'predictions': predictions}


def judge_3(data, seed: int) -> str:
    cases = _cases_3(seed)
    raw = data._get('predictions')
    if not isinstance(raw, list) or len(raw) != len(cases):
        raise Malformed('the observation: predictions is not a list of %d shapes' % len(cases))
    for (units, input_shape, flatten), predicted in zip(cases, raw):
        predicted = Data({'shape': predicted}).shape('shape')
        with mx.name.NameManager():
            layer = nn.Dense(units, flatten=flatten)
        layer.initialize()
        layer(nd.ones(input_shape))
        actual = layer.weight.shape
        hint = (' with flatten=True every axis after the first (batch) axis becomes one feature '
                'axis' if flatten else ' with flatten=False only the last axis holds features')
        expect(predicted == actual, 'for nn.Dense(%d, flatten=%s) on an input of shape %s you '
               'predicted %s, but the weight becomes %s:%s'
               % (units, flatten, input_shape, predicted, actual, hint))
    return 'all %d weight shapes predicted' % len(cases)


check_3 = Check('03.3', observe_3, judge_3)
