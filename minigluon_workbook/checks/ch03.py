"""Checks for chapter 03, "Deferred initialization"."""
from __future__ import annotations

import numpy as np

import minigluon as mx
from minigluon import gluon, init, nd
from minigluon.gluon import nn

from . import Check, ExerciseFailed, call, construct, expect, floats, mentions, rng
from .ch01 import _types, observe_tape_net
from .ch02 import seeded_init

# Its judges run in the grader's process only; the sandbox cannot import them.
JUDGES = 'minigluon_workbook.judges.ch03'


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
            'your forward raised DeferredInitializationError: weight.data() raises it until the weight '
            'has its shape and its initialization is finished; catch it, set weight.shape from the '
            'input, finish the initialization that initialize() recorded (the exercise says how), '
            'then call weight.data() again'
        ) from None


# ---------------------------------------------------------------------------------------
def _draw_1(seed):
    """Values for the net's parameters (in collect_params order) and an input (2, 20)."""
    stream = rng(seed)
    shapes = [(64, 20), (64,), (10, 64), (10,)]
    values = [stream.uniform(-0.3, 0.3, s).astype(np.float32) for s in shapes]
    return values, stream.uniform(-1, 1, (2, 20)).astype(np.float32)


def observe_1(make_net, seed: int) -> dict:
    """03.1: the net's weight shapes right after initialize(), and its output's shape."""
    with mx.name.NameManager():
        net = call('make_net()', make_net)
    expect(isinstance(net, nn.Block),
           'make_net() should return a Block (an nn.Sequential); it returned %s'
           % type(net).__name__)
    call('net.initialize()', net.initialize)
    params = net.collect_params()
    expect(len(params.keys()) > 0, 'your net has no parameters')
    for name, param in params.items():
        call("reading parameter '%s' after net.initialize()" % name, _ready_data, name, param)
    weights = [list(p.shape) for n, p in params.items() if n.endswith('weight')]
    values, X = _draw_1(seed)
    shapes = [p.shape for p in params.values()]
    if shapes == [v.shape for v in values]:  # the seed's values go in, so outputs can be judged
        for param, value in zip(params.values(), values):
            param.set_data(nd.array(value))
    try:  # a wrong weight shape explains a failing forward: the judge says that first
        out = call('running your net on an input of shape (2, 20)', net, nd.array(X))
    except ExerciseFailed as err:
        return {'weights': weights, 'forward_error': str(err)}
    shape = list(getattr(out, 'shape', ()))
    return {'weights': weights, 'out_shape': shape, 'out': floats(out) if shape == [2, 10] else []}


check_1 = Check('03.1', observe_1, JUDGES)


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


check_2 = Check('03.2', observe_2, JUDGES)


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


# 03.3 asks to predict the shape Dense infers: not to build a Dense and look.
_DENSE_3 = (('nn.Dense', nn.Dense, '__init__'),)


def observe_3(predict_weight_shape, seed: int) -> dict:
    """03.3: the predicted weight shape of a Dense layer for each case."""
    predictions = []
    for units, input_shape, flatten in _cases_3(seed):
        what = 'predict_weight_shape(%d, %s, flatten=%s)' % (units, input_shape, flatten)
        predicted = call(what, predict_weight_shape, units, input_shape, flatten=flatten,
                         without=_DENSE_3)
        try:
            predictions.append([int(d) for d in predicted])
        except Exception:  # noqa: BLE001
            raise ExerciseFailed('%s returned %r; expected a tuple of ints' % (what, predicted)) \
                from None
    return {'predictions': predictions, 'review': mentions(predict_weight_shape, _DENSE_3)}


check_3 = Check('03.3', observe_3, JUDGES)


# ----- 03.5 (build track: deferred initialization) -----------------------------------------
_KEYS_5 = ('0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias')


def _draw_5(seed):
    """The input width (3 to 6), X (6, width) and the output weights w (6, 2)."""
    width = 3 + seed % 4
    stream = rng(seed + 1)
    return width, stream.uniform(-1, 1, (6, width)).astype(np.float32), \
        stream.uniform(-1, 1, (6, 2)).astype(np.float32)


def _shapes(params) -> list:
    return [[int(d) for d in getattr(p, 'shape', ())] for p in params.values()]


def observe_5(Var, backprop, Sequential, ReLU, Parameter, initialize, Linear, seed: int) -> dict:
    """Sequential(Linear(5), ReLU(), Linear(4, in_units=5), ReLU(), Linear(2)) initialized by an
    init function drawing from the seed: the shapes it is asked for and the parameters' shapes
    after initialize, after a first and a second forward on an input of the seed's width, the
    values, then sum(net(X) * w) and its gradients."""
    _types(Var=Var, Sequential=Sequential, ReLU=ReLU, Parameter=Parameter, Linear=Linear)
    net = call('Sequential(Linear(5), ReLU(), Linear(4, in_units=5), ReLU(), Linear(2))',
               lambda: Sequential(Linear(5), ReLU(), Linear(4, in_units=5), ReLU(), Linear(2)))
    init, calls = seeded_init(seed)
    call('initialize(net, init)', initialize, net, init)
    params = call('net.named_parameters()', net.named_parameters)
    expect(isinstance(params, dict) and [str(k) for k in params] == list(_KEYS_5),
           'net.named_parameters() has the keys %s; expected %s'
           % (list(params) if isinstance(params, dict) else params, list(_KEYS_5)))
    data = {'after_initialize': {'calls': [list(c) for c in calls], 'shapes': _shapes(params)}}
    width, X, w = _draw_5(seed)
    try:
        call('the first forward, net(Var(X)) for X of shape %s' % (X.shape,), lambda: net(Var(X)))
    except ExerciseFailed as failed:  # say which inferred shape went wrong, not how to infer it
        want = {'0.weight': [5, width], '2.weight': [4, 5], '4.weight': [2, 4]}
        wrong = ['%s had shape %s then; its input there needs %s' % (k, tuple(s), tuple(want[k]))
                 for k, s in zip(params, _shapes(params))
                 if k in want and 0 not in s and s != want[k]]   # a 0: the forward never got there
        if not wrong:
            raise
        raise ExerciseFailed('%s (%s)' % (failed, '; '.join(wrong))) from None
    data['after_forward'] = {'calls': [list(c) for c in calls], 'shapes': _shapes(params)}
    call('a second forward', lambda: net(Var(X)))
    data['after_second'] = {'calls': [list(c) for c in calls]}
    data['values'] = {k: floats(p.value) for k, p in params.items()}
    data.update(observe_tape_net(net, params, Var, backprop, X, w, 'net'))
    return data


check_5 = Check('03.5', observe_5, JUDGES)
