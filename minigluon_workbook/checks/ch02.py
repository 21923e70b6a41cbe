"""Checks for chapter 02, "Parameter access, initialization and sharing"."""
from __future__ import annotations

import re

import numpy as np

import minigluon as mx
from minigluon import autograd, gluon, init, nd, optimizer
from minigluon.gluon import nn

from . import Check, ExerciseFailed, call, defined, describe, expect, floats, mentions, rng
from .ch01 import _types, observe_tape_net

# Its judges run in the grader's process only; the sandbox cannot import them.
JUDGES = 'minigluon_workbook.judges.ch02'


def _as_numpy(value, what: str) -> np.ndarray:
    if isinstance(value, nd.NDArray):
        return value.asnumpy()
    try:
        return np.asarray(value, dtype=np.float64)
    except Exception as err:  # noqa: BLE001 - any failure is the student's answer
        raise ExerciseFailed('%s should be an NDArray or a NumPy array; got %s (%s)'
                             % (what, type(value).__name__, describe(err))) from None


# ---------------------------------------------------------------------------------------
def _sizes_1(seed):
    """The (rows, cols) of the Dense weights the initializer fills."""
    if seed == 0:
        return [(8, 6), (5, 3)]
    stream = rng(seed)
    return [(int(stream.randint(4, 10)), int(stream.randint(2, 8))) for _ in range(2)]


def observe_1(HalfZero, seed: int) -> dict:
    """02.1: the weights and biases of two Dense layers initialized with the initializer."""
    if isinstance(HalfZero, type):
        initializer = call('creating your initializer with HalfZero()', HalfZero)
    else:
        initializer = HalfZero
    expect(isinstance(initializer, init.Initializer),
           'your initializer must be a subclass of init.Initializer (yours is a %s), so that '
           'net.initialize(HalfZero()) can call it' % type(initializer).__name__)
    layers = []
    for rows, cols in _sizes_1(seed):
        with mx.name.NameManager():
            layer = nn.Dense(rows, in_units=cols)
        call('initializing nn.Dense(%d, in_units=%d) with your initializer' % (rows, cols),
             layer.initialize, initializer)
        layers.append({'weight': floats(layer.weight.data()), 'bias': floats(layer.bias.data())})
    return {'layers': layers}


check_1 = Check('02.1', observe_1, JUDGES)


def _draw_2(seed):
    """X (4, 6); the shared weight (6, 6) and bias (6,); the last layer's weight and bias."""
    stream = rng(seed)
    return [stream.uniform(-1, 1, shape).astype(np.float32)
            for shape in ((4, 6), (6, 6), (6,), (1, 6), (1,))]


def observe_2(make_tied_net, split_grads, seed: int) -> dict:
    """02.2: the three gradients split_grads returns for the seed's weights and input."""
    net = call('make_tied_net()', make_tied_net)
    expect(isinstance(net, nn.Sequential),
           'make_tied_net() should return an nn.Sequential; it returned %s' % type(net).__name__)
    expect(len(net) == 3, 'your net should have 3 layers; it has %d' % len(net))
    expect(all(isinstance(layer, nn.Dense) for layer in net._children.values()),
           'all three layers should be nn.Dense; yours are %s'
           % [type(layer).__name__ for layer in net._children.values()])
    expect(net[0].weight is net[1].weight,
           'net[0] and net[1] do not share their weight (they hold %s and %s): create the second '
           'layer with params=<first layer>.params' % (net[0].weight.name, net[1].weight.name))
    expect(net[2].weight is not net[0].weight,
           'net[2] should have its own weight, not the shared one')
    call('net.initialize() on your net', net.initialize, init.Xavier())
    X, W, b, W2, b2 = (nd.array(a) for a in _draw_2(seed))
    call('running your net on an input of shape (4, 6)', net, X,
         hint=' (the first layer needs in_units=6 and the second 6 units)')
    for param, value in ((net[0].weight, W), (net[0].bias, b), (net[1].bias, b),
                         (net[2].weight, W2), (net[2].bias, b2)):
        call('setting the parameter %s' % param.name, param.set_data, value,
             hint=' (the layers should be Dense(6, in_units=6), Dense(6) and Dense(1))')
    result = call('split_grads(net, X)', split_grads, net, X)
    expect(isinstance(result, (tuple, list)) and len(result) == 3,
           'split_grads should return three gradients (total, first, second); it returned %s'
           % type(result).__name__)
    grads = {name: _as_numpy(g, name) for g, name in zip(result, ('total', 'first', 'second'))}
    for name, g in grads.items():
        expect(g.shape == (6, 6), 'your %s gradient has shape %s; the shared weight has shape %s'
               % (name, g.shape, (6, 6)))
    expect(np.array_equal(net[0].weight.data().asnumpy(), W.asnumpy()),
           'split_grads changed the shared weight; it should only compute gradients')
    acts = [layer.act._act_type if layer.act is not None else None for layer in net._children.values()]
    return dict({name: floats(g) for name, g in grads.items()}, acts=acts)


check_2 = Check('02.2', observe_2, JUDGES)


# ---------------------------------------------------------------------------------------
def _net_3(seed):
    """Dense layers, some without a bias and one whose prefix contains 'bias' (how many,
    which and where come from the seed; seed 0: the notebook's four)."""
    with mx.name.NameManager():
        net = nn.Sequential()
        if seed == 0:
            net.add(nn.Dense(4, in_units=3), nn.Dense(5, in_units=4, use_bias=False),
                    nn.Dense(3, in_units=5, prefix='bias_'), nn.Dense(2, in_units=3))
            return net
        stream = rng(seed)
        count = int(stream.randint(3, 7))
        trap = int(stream.randint(count))
        net.add(*[nn.Dense(2, in_units=2, use_bias=bool(stream.randint(3)),
                           **({'prefix': 'bias_'} if i == trap else {})) for i in range(count)])
    return net


def observe_3(pattern, seed: int) -> dict:
    """02.3: the names collect_params(pattern) selects from a 3-layer net."""
    defined('bias_pattern', pattern)
    expect(isinstance(pattern, str) and pattern != '',
           'your pattern should be a non-empty string; got %r' % (pattern,))
    net = _net_3(seed)

    def select() -> list:
        """The names ``collect_params(pattern)`` selects; a bad regex is the student's mistake."""
        try:
            return list(net.collect_params(pattern).keys())
        except re.error as err:
            raise ExerciseFailed('%r is not a valid regular expression: %s'
                                 % (pattern, err)) from None

    return {'pattern': pattern, 'chosen': call('collect_params(%r)' % (pattern,), select)}


check_3 = Check('02.3', observe_3, JUDGES)


# ----- 02.5 (observe/judge protocol) -------------------------------------------------------
_LR_5, _BATCH_5 = 0.5, 4


def _net_5():
    """Dense(4) -> a shared Dense(4) used twice -> Dense(1) whose bias is frozen."""
    net = nn.Sequential()
    shared = nn.Dense(4, in_units=4, activation='tanh')
    net.add(nn.Dense(4, in_units=3, activation='tanh'), shared,
            nn.Dense(4, in_units=4, activation='tanh', params=shared.params), nn.Dense(1, in_units=4))
    return net


def _draw_5(seed):
    """The input (4, 3) and every parameter's value, by structural key."""
    stream = rng(seed)
    shapes = {'0.weight': (4, 3), '0.bias': (4,), '1.weight': (4, 4), '1.bias': (4,),
              '3.weight': (1, 4), '3.bias': (1,)}
    X = stream.uniform(-1, 1, (_BATCH_5, 3)).astype(np.float32)
    return X, {k: stream.uniform(-1, 1, s).astype(np.float32) for k, s in shapes.items()}


def _prepared_5(seed):
    """The net with the seed's values, the output bias frozen, after one backward."""
    X, values = _draw_5(seed)
    with mx.name.NameManager():
        net = _net_5()
    net.initialize()
    params = net._collect_params_with_prefix()
    for key, value in values.items():
        params[key].set_data(nd.array(value))
    net[3].bias.grad_req = 'null'
    with autograd.record():
        loss = (net(nd.array(X)) ** 2).sum()
    loss.backward()
    return net


def _after_5(net) -> dict:
    return {key: p.data().asnumpy().astype(np.float64)
            for key, p in net._collect_params_with_prefix().items() if not key.startswith('2.')}


# 02.5 asks for the update a Trainer does: not by handing it to one.
_TRAINER_5 = (('gluon.Trainer.step', gluon.Trainer, 'step'), ('gluon.Trainer.update', gluon.Trainer, 'update'),
              ('optimizer.SGD.update', optimizer.SGD, 'update'),
              ('optimizer.Optimizer.update', optimizer.Optimizer, 'update'))


def observe_5(sgd_step, seed: int) -> dict:
    """Every parameter after ``sgd_step(net, lr, batch_size)`` on a net with a shared layer."""
    net = _prepared_5(seed)
    arrays = {key: p.data() for key, p in net._collect_params_with_prefix().items()}
    call('sgd_step(net, lr=%g, batch_size=%d)' % (_LR_5, _BATCH_5), sgd_step, net, _LR_5, _BATCH_5,
         hint=' (a parameter with grad_req "null" has no gradient: skip it)', without=_TRAINER_5)
    params = net._collect_params_with_prefix()
    return {'values': {k: floats(v) for k, v in _after_5(net).items()},
            'in_place': all(params[k].data() is arrays[k] for k in arrays),
            'review': mentions(sgd_step, _TRAINER_5)}


check_5 = Check('02.5', observe_5, JUDGES)


# ----- 02.6 (build track: Parameter, initialize, sharing) ----------------------------------
_KEYS_6 = ('0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias', '6.weight', '6.bias')


def seeded_init(seed: int, xavier: bool = False):
    """An init function drawing from the seed's stream, and the list of shapes it was asked for;
    ``xavier``: each draw scaled by xavier_scale(shape), so deep nets train stably."""
    stream, calls = rng(seed), []

    def init(shape):
        calls.append([int(d) for d in shape])
        scale = xavier_scale(shape) if xavier else 1.0
        return (stream.uniform(-1, 1, tuple(shape)) * scale).astype(np.float32)
    return init, calls


def xavier_scale(shape) -> float:
    """Xavier's uniform bound sqrt(6 / (fan_in + fan_out)) for a weight (out, in); 1 otherwise."""
    return float(np.sqrt(6 / sum(shape))) if len(shape) == 2 else 1.0


def _draw_6(seed):
    """X (6, 5) and the output weights w (6, 2) of the loss sum(net(X) * w)."""
    stream = rng(seed + 1)
    return stream.uniform(-1, 1, (6, 5)).astype(np.float32), stream.uniform(-1, 1, (6, 2)).astype(np.float32)


def observe_6(Var, backprop, Module, Sequential, ReLU, Parameter, initialize, Linear, seed: int) -> dict:
    """A net whose layers '2' and '4' share their weight, initialized by an init function that
    draws from the seed: the shapes it was asked for, every parameter's value, then
    sum(net(X) * w) and its gradients."""
    _types(Var=Var, Module=Module, Sequential=Sequential, ReLU=ReLU, Parameter=Parameter, Linear=Linear)
    expect(issubclass(Parameter, Var), 'Parameter should be a subclass of Var, so that the tape '
           'gives it a gradient as any leaf')
    expect(callable(initialize), 'initialize should be a function initialize(module, init)')

    def build():
        net = Sequential(Linear(4, 5), ReLU(), Linear(4, 4), ReLU(), Linear(4, 4), ReLU(), Linear(2, 4))
        getattr(net, '4').weight = getattr(net, '2').weight      # share layer 2's weight
        return net

    net = call('building Sequential(Linear(4, 5), ReLU(), Linear(4, 4), ..., Linear(2, 4)) with '
               "layer '4' sharing layer '2''s weight", build)
    init, calls = seeded_init(seed)
    call('initialize(net, init)', initialize, net, init)
    call('initialize(net, init) a second time', initialize, net, init)
    params = call('net.named_parameters()', net.named_parameters)
    expect(isinstance(params, dict) and [str(k) for k in params] == list(_KEYS_6),
           'net.named_parameters() has the keys %s; expected %s (chapter 1\'s Module lists a shared '
           'parameter under each of its places)' % (list(params) if isinstance(params, dict) else params,
                                                    list(_KEYS_6)))
    for key, p in params.items():
        expect(isinstance(p, Parameter), '%s is a %s; Linear should make its weight and bias '
               'Parameters' % (key, type(p).__name__))
    data = {'calls': calls, 'values': {k: floats(p.value) for k, p in params.items()},
            'shared': params['2.weight'] is params['4.weight']}
    X, w = _draw_6(seed)
    data.update(observe_tape_net(net, params, Var, backprop, X, w, 'net'))
    return data


check_6 = Check('02.6', observe_6, JUDGES)
