"""Checks for chapter 01, "Model construction" (exercises 01.1 to 01.3 and 01.5).

The worked example of the observe/judge protocol (see ``minigluon_workbook.checks``): each observe
sets the student's parameters to values drawn from the seed, so the judge knows them
without asking the student's process, and reports only outputs, shapes and gradients.
"""
from __future__ import annotations

import re

import numpy as np

from minigluon import autograd, nd
from minigluon.gluon import Constant, nn
from minigluon.ndarray import NDArray

from . import Check, ExerciseFailed, block, call, close, expect, floats, rng


def _uniform(stream, *shape):
    return stream.uniform(-1, 1, shape).astype(np.float32)


def _output(out, what: str) -> NDArray:
    expect(isinstance(out, NDArray), '%s returned a %s; expected an NDArray' % (what, type(out).__name__))
    return out


# ----- 01.1 ------------------------------------------------------------------------------
def _draw_1(seed):
    """The inputs x (2, 3), y (2, 4) and the Dense's weight (5, 7) and bias (5,)."""
    stream = rng(seed)
    return _uniform(stream, 2, 3), _uniform(stream, 2, 4), _uniform(stream, 5, 7), _uniform(stream, 5)


def observe_1(TwoInputDense, seed: int) -> dict:
    """``TwoInputDense(5)(x, y)`` with the Dense's parameters set from the seed."""
    x, y, weight, bias = _draw_1(seed)
    layer = block(TwoInputDense, 'TwoInputDense(5)', 5)
    expect(isinstance(getattr(layer, 'dense', None), nn.Dense),
           'your layer has no attribute dense holding an nn.Dense; create it in __init__ with '
           'self.dense = nn.Dense(units)')
    expect(len(layer.collect_params()) > 0,
           "collect_params() of your layer is empty, so initialize() cannot reach the Dense: "
           "assign it to an attribute (self.dense = nn.Dense(units)) after super().__init__")
    call('layer.initialize()', layer.initialize)
    what = 'calling your layer(x, y) with x of shape (2, 3) and y of shape (2, 4)'
    out = _output(call(what, layer, nd.array(x), nd.array(y)), 'your layer')
    data = {'out_shape': list(out.shape), 'weight_shape': list(layer.dense.weight.shape)}
    if data['out_shape'] == [2, 5] and data['weight_shape'] == [5, 7]:
        layer.dense.weight.set_data(nd.array(weight))
        layer.dense.bias.set_data(nd.array(bias))
        data['out'] = floats(call(what, layer, nd.array(x), nd.array(y)))
    return data


def judge_1(data, seed: int) -> str:
    x, y, weight, bias = _draw_1(seed)
    shape = data.shape('out_shape')
    expect(shape == (2, 5), 'your layer returned shape %s for x of shape (2, 3) and y of shape '
           '(2, 4); expected (2, 5)' % (shape,))
    expect(data.shape('weight_shape') == (5, 7),
           'your Dense weight has shape %s; expected (5, 7): the Dense must see both inputs, '
           '3 + 4 = 7 features' % (data.shape('weight_shape'),))
    out, want = data.array('out', (2, 5)), np.concatenate([x, y], 1) @ weight.T + bias
    expect(close(out, want, atol=1e-5),
           'your layer(x, y) is not dense(concat(x, y, dim=1)): its output differs by up to %.3g '
           '(did you put y before x?)' % float(np.abs(out - want).max()))
    return 'two inputs, one Dense over their concatenation'


check_1 = Check('01.1', observe_1, judge_1)


# ----- 01.2 ------------------------------------------------------------------------------
_UNITS_2 = (3, 4, 2)   # the three children's outputs; the last has a relu


def _draw_2(seed):
    """The input x (2, 5) and each child's weight and bias."""
    stream = rng(seed)
    x = _uniform(stream, 2, 5)
    return x, [(_uniform(stream, units, 5), _uniform(stream, units)) for units in _UNITS_2]


def observe_2(Parallel, seed: int) -> dict:
    """``Parallel`` with children Dense(3), Dense(4), Dense(2, relu) added, on x from the seed."""
    x, params = _draw_2(seed)
    par = block(Parallel, 'Parallel()')
    children = [nn.Dense(3), nn.Dense(4), nn.Dense(2, activation='relu')]
    expect(callable(getattr(par, 'add', None)), 'your Parallel has no add method')
    call('par.add(dense_a, dense_b)', par.add, children[0], children[1])
    call('par.add(dense_c)', par.add, children[2])
    names = set(par.collect_params().keys())
    missing = [c.name for c in children if c.weight.name not in names]
    expect(not missing,
           'collect_params() of your Parallel does not find the parameters of %s, so '
           'initialize() cannot reach them: register children in self._children (or with '
           'self.register_child(block)), not in a Python list' % ', '.join(missing))
    call('par.initialize()', par.initialize)
    what = 'calling your Parallel on x of shape (2, 5)'
    out = _output(call(what, par, nd.array(x)), 'your Parallel')
    data = {'out_shape': list(out.shape)}
    if data['out_shape'] == [2, 9]:
        for child, (weight, bias) in zip(children, params):
            child.weight.set_data(nd.array(weight))
            child.bias.set_data(nd.array(bias))
        data['out'] = floats(call(what, par, nd.array(x)))
    return data


def judge_2(data, seed: int) -> str:
    x, params = _draw_2(seed)
    shape = data.shape('out_shape')
    expect(shape == (2, 9),
           'your Parallel returned shape %s for children with 3, 4 and 2 outputs on x of shape '
           '(2, 5); expected (2, 9) (concatenate along axis 1)' % (shape,))
    outs = [x @ weight.T + bias for weight, bias in params]
    outs[-1] = np.maximum(outs[-1], 0)
    out, want = data.array('out', (2, 9)), np.concatenate(outs, 1)
    expect(close(out, want, atol=1e-5),
           "your Parallel output is not the concatenation of its children's outputs in the order "
           'they were added (max difference %.3g)' % float(np.abs(out - want).max()))
    return 'children registered, run on the same input, outputs concatenated in order'


check_2 = Check('01.2', observe_2, judge_2)


# ----- 01.3 ------------------------------------------------------------------------------
_SCALES_3 = (1.0, 100.0, 0.001)   # both the while loop and the "* 10" branch run


def _draw_3(seed):
    """The dense weight (20, 20) and bias (20,), rand_weight (20, 20), one input per scale."""
    stream = rng(seed)
    weight, bias, rand_weight = _uniform(stream, 20, 20), _uniform(stream, 20), _uniform(stream, 20, 20)
    return weight, bias, rand_weight, [_uniform(stream, 2, 20) * scale for scale in _SCALES_3]


def _fancy_reference(weight, bias, rand_weight, x):
    """FancyMLP's output and the gradient of its dense weight, with these values."""
    W = nd.array(weight)
    W.attach_grad()
    b, R, x = nd.array(bias), nd.array(rand_weight), nd.array(x)
    with autograd.record():
        h = nd.relu(nd.dot(x, W.T) + b)
        h = nd.relu(nd.dot(h, R) + 1)
        h = nd.relu(nd.dot(h, W.T) + b)
        while h.norm().asscalar() > 1:
            h = h / 2
        if h.norm().asscalar() < 0.8:
            h = h * 10
        out = h.sum()
    out.backward()
    return float(out.asscalar()), W.grad.asnumpy().astype(np.float64)


def _record_and_backward(net, x):
    """``net(x)`` computed under ``autograd.record()``, after ``backward()`` on it."""
    with autograd.record():
        out = net(x)
    out.backward()
    return out


def observe_3(TrainableFancyMLP, seed: int) -> dict:
    """Output and dense-weight gradient of the model at 3 input scales, weights from the seed."""
    weight, bias, rand_weight, inputs = _draw_3(seed)
    net = block(TrainableFancyMLP, 'TrainableFancyMLP()')
    expect(isinstance(getattr(net, 'dense', None), nn.Dense),
           'your model has no attribute dense holding an nn.Dense(20, activation="relu")')
    constant = getattr(net, 'rand_weight', None)
    expect(isinstance(constant, Constant),
           'your rand_weight is a %s; expected a constant made with '
           "self.params.get_constant('rand_weight', ...), so that training never changes it"
           % type(constant).__name__)
    expect(constant.shape == (20, 20), 'your rand_weight has shape %s; expected (20, 20)'
           % (constant.shape,))
    call('net.initialize()', net.initialize)
    runs = []
    for x in inputs:
        # a first forward completes deferred initialization; then the seed's values go in
        call('your model', net, nd.array(x))
        net.dense.weight.set_data(nd.array(weight))
        net.dense.bias.set_data(nd.array(bias))
        constant.set_data(nd.array(rand_weight))
        out = call('your model under autograd.record()', _record_and_backward, net, nd.array(x),
                   hint=' (in-place updates such as x /= 2 or x *= 10 write into arrays autograd '
                   'has recorded; compute a new array instead: x = x / 2)')
        expect(isinstance(out, NDArray) and out.size == 1,
               'your model returned %s; expected a one-element NDArray (x.sum())'
               % (out.shape if isinstance(out, NDArray) else type(out).__name__,))
        runs.append({'out': float(out.asscalar()), 'grad': floats(net.dense.weight.grad())})
    return {'runs': runs}


def judge_3(data, seed: int) -> str:
    weight, bias, rand_weight, inputs = _draw_3(seed)
    runs = data.list('runs')
    expect(len(runs) == len(_SCALES_3), 'your model ran on %d inputs; expected %d'
           % (len(runs), len(_SCALES_3)))
    for scale, x, run in zip(_SCALES_3, inputs, runs):
        want, want_grad = _fancy_reference(weight, bias, rand_weight, x)
        got = float(run.array('out', ()))
        expect(bool(np.isclose(got, want, rtol=1e-5, atol=1e-6)),
               'for an input of scale %g your model returned %.6g; FancyMLP computes %.6g with the '
               'same weights (check the while loop and the "< 0.8" branch)' % (scale, got, want))
        grad = run.array('grad', (20, 20))
        expect(np.abs(grad).sum() > 0 or not np.abs(want_grad).sum(),
               'after backward() the dense weight has no gradient (all zeros)')
        if not close(grad, want_grad, rtol=1e-4, atol=1e-6):
            raise ExerciseFailed('after backward() the gradient of your dense weight differs from '
                                 "FancyMLP's by up to %.3g for an input of scale %g"
                                 % (float(np.abs(grad - want_grad).max()), scale))
    return 'same outputs as FancyMLP, and trainable under autograd.record()'


check_3 = Check('01.3', observe_3, judge_3)


# ----- 01.5 ------------------------------------------------------------------------------
class _Head(nn.Block):
    """A block with a parameter of its own and two children, one of them a Sequential."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.scale = self.params.get('scale', shape=(1,))
        self.body = nn.Sequential()
        self.body.add(nn.Dense(3), nn.Dense(3))
        self.out = nn.Dense(1)


def _nets_5():
    """The networks 01.5 is tried on (the seed does not matter: keys depend on structure)."""
    plain = nn.Sequential()
    plain.add(nn.Dense(3), nn.Dense(2))
    first = nn.Dense(4, in_units=4)
    shared = nn.Sequential()
    shared.add(first, nn.Dense(4, params=first.params), nn.Dense(1, use_bias=False))
    nested = nn.Sequential()
    nested.add(_Head(), nn.Dense(2))
    return [('nn.Sequential of two Dense', plain),
            ('a Sequential whose layers 0 and 1 share parameters', shared),
            ('a Sequential holding a block with its own parameter and children', nested)]


def observe_5(structural_keys, seed: int) -> dict:
    """``structural_keys(net)`` for each test network, as a list of strings."""
    data = {}
    for i, (what, net) in enumerate(_nets_5()):
        keys = call('structural_keys(%s)' % what, structural_keys, net)
        if isinstance(keys, dict):
            keys = list(keys)
        expect(isinstance(keys, (list, tuple)) and all(isinstance(k, str) for k in keys),
               'structural_keys should return a list of strings; for %s it returned %r'
               % (what, keys))
        data['keys%d' % i] = list(keys)
    return data


def judge_5(data, seed: int) -> str:
    for i, (what, net) in enumerate(_nets_5()):
        got = data.strs('keys%d' % i)
        want = list(net._collect_params_with_prefix())
        if got == want:
            continue
        if sorted(got) == sorted(want):
            raise ExerciseFailed('for %s your keys are right but in another order: %s; expected '
                                 '%s (the block\'s own parameters first, then each child in the '
                                 'order it was registered)' % (what, got, want))
        global_names = got and all(re.fullmatch(r'[a-z]+\d+_\w+', k) for k in got)
        hint = (': these look like global names (collect_params); use the attribute names of '
                '_reg_params and the keys of _children' if global_names else '')
        raise ExerciseFailed('for %s your keys are %s; expected %s%s' % (what, got, want, hint))
    return 'the dotted keys of all three networks, in save_parameters order'


check_5 = Check('01.5', observe_5, judge_5)
