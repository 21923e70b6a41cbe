"""Checks for chapter 01, "Model construction" (exercises 01.1 to 01.3 and 01.5).

The worked example of the observe/judge protocol (see ``minigluon_workbook.checks``): each observe
sets the student's parameters to values drawn from the seed, so the judge knows them
without asking the student's process, and reports only outputs, shapes and gradients.
"""
from __future__ import annotations

import numpy as np

from minigluon import autograd, nd
from minigluon.gluon import Constant, nn
from minigluon.ndarray import NDArray

from . import Check, block, call, expect, floats, mentions, rng

# Its judges run in the grader's process only; the sandbox cannot import them.
JUDGES = 'minigluon_workbook.judges.ch01'


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
    dense = getattr(layer, 'dense', None)
    expect(isinstance(dense, nn.Dense), 'your layer has no attribute dense holding an nn.Dense'
           if dense is None else 'your layer.dense is a %s; expected an nn.Dense' % type(dense).__name__)
    expect(len(layer.collect_params().keys()) > 0,
           'collect_params() of your layer is empty: its Dense is not registered as a child of '
           'the layer, so initialize() cannot reach it')
    call('layer.initialize()', layer.initialize)
    what = 'calling your layer(x, y) with x of shape (2, 3) and y of shape (2, 4)'
    out = _output(call(what, layer, nd.array(x), nd.array(y)), 'your layer')
    data = {'out_shape': list(out.shape), 'weight_shape': list(layer.dense.weight.shape)}
    if data['out_shape'] == [2, 5] and data['weight_shape'] == [5, 7]:
        layer.dense.weight.set_data(nd.array(weight))
        layer.dense.bias.set_data(nd.array(bias))
        data['out'] = floats(call(what, layer, nd.array(x), nd.array(y)))
    return data


check_1 = Check('01.1', observe_1, JUDGES)


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


check_2 = Check('01.2', observe_2, JUDGES)


# ----- 01.3 ------------------------------------------------------------------------------
_SCALES_3 = (1.0, 100.0, 0.001)   # both the while loop and the "* 10" branch run


def _draw_3(seed):
    """The dense weight (20, 20) and bias (20,), rand_weight (20, 20), one input per scale."""
    stream = rng(seed)
    weight, bias, rand_weight = _uniform(stream, 20, 20), _uniform(stream, 20), _uniform(stream, 20, 20)
    return weight, bias, rand_weight, [_uniform(stream, 2, 20) * scale for scale in _SCALES_3]


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


check_3 = Check('01.3', observe_3, JUDGES)


# ----- 01.5 ------------------------------------------------------------------------------
_WORDS_5 = ('scale', 'body', 'out', 'gate', 'mix', 'proj', 'skip', 'core', 'head', 'tail')


def _head_5(names) -> nn.Block:
    """A block with a parameter of its own and two children, one of them a Sequential,
    held under the attribute names ``names`` (parameter, Sequential, Dense)."""
    head = nn.Block()
    setattr(head, names[0], head.params.get(names[0], shape=(1,)))
    body = nn.Sequential()
    body.add(nn.Dense(3), nn.Dense(3))
    setattr(head, names[1], body)
    setattr(head, names[2], nn.Dense(1))
    return head


def _nets_5(seed):
    """The networks 01.5 is tried on; their structure, and so their keys, comes from the seed
    (seed 0: the notebook's three)."""
    stream = rng(seed)
    sizes = [3, 2] if seed == 0 else [int(u) for u in stream.randint(1, 5, stream.randint(2, 5))]
    plain = nn.Sequential()
    plain.add(*[nn.Dense(units, use_bias=seed == 0 or bool(stream.randint(2))) for units in sizes])
    first = nn.Dense(4, in_units=4)
    layers = [nn.Dense(1, use_bias=False)] if seed == 0 else [
        nn.Dense(2, use_bias=bool(stream.randint(2))) for _ in range(stream.randint(1, 3))]
    at = 0 if seed == 0 else int(stream.randint(0, len(layers) + 1))
    layers[at:at] = [first, nn.Dense(4, params=first.params)]
    shared = nn.Sequential()
    shared.add(*layers)
    nested = nn.Sequential()
    names = _WORDS_5[:3] if seed == 0 else [str(w) for w in stream.choice(_WORDS_5, 3, replace=False)]
    nested.add(_head_5(names), nn.Dense(2))
    return [('a Sequential of %d Dense' % len(sizes), plain),
            ('a Sequential whose layers %d and %d share parameters' % (at, at + 1), shared),
            ('a Sequential holding a block with its own parameter and children', nested)]


# 01.5 asks for what Block._collect_params_with_prefix computes: not by calling it.
_BUILT_IN_5 = (('Block._collect_params_with_prefix', nn.Block, '_collect_params_with_prefix'),
               ('Block.save_parameters', nn.Block, 'save_parameters'))


def observe_5(structural_keys, seed: int) -> dict:
    """``structural_keys(net)`` for each test network, as a list of strings."""
    data = {}
    for i, (what, net) in enumerate(_nets_5(seed)):
        keys = call('structural_keys(%s)' % what, structural_keys, net, without=_BUILT_IN_5)
        if isinstance(keys, dict):
            keys = list(keys)
        expect(isinstance(keys, (list, tuple)) and all(isinstance(k, str) for k in keys),
               'structural_keys should return a list of strings; for %s it returned %r'
               % (what, keys))
        data['keys%d' % i] = list(keys)
    data['review'] = mentions(structural_keys, _BUILT_IN_5)
    return data


check_5 = Check('01.5', observe_5, JUDGES)


# ----- 01.6 (build track: Module, Sequential, Linear on the mini tape) --------------------
_KEYS_6 = ('0.weight', '0.bias', '2.weight', '2.bias')


def _draw_6(seed):
    """The net's weights (Linear(4, 5), ReLU, Linear(3, 4)) in _KEYS_6 order, inputs X (6, 5)
    and the output weights w (6, 3) of the loss sum(net(X) * w)."""
    stream = rng(seed)
    shapes = ((4, 5), (4,), (3, 4), (3,), (6, 5), (6, 3))
    return [stream.uniform(-1, 1, s).astype(np.float32) for s in shapes]


def _types(**classes):
    for name, cls in classes.items():
        expect(isinstance(cls, type), 'pass your class %s itself; you gave %r' % (name, cls))


def observe_tape_net(net, params, Var, backprop, X, w, what: str) -> dict:
    """Run ``sum(net(X) * w)`` on the student's tape: the output and each parameter's gradient
    (shared by the build track's checks)."""
    out = call('%s(Var(X))' % what, lambda: net(Var(X)))
    expect(isinstance(out, Var), '%s(Var(X)) returned a %s; expected a Var' % (what, type(out).__name__))
    call('backprop(sum(%s(X) * w))' % what, lambda: backprop((out * Var(w)).sum()))
    grads = {}
    for name, p in params.items():
        expect(p.grad is not None, 'after backprop, the gradient of %s is None: does every op '
               'pass its inputs as parents?' % name)
        grads[name] = floats(p.grad)
    return {'out': floats(out.value), 'grads': grads}


def observe_6(Var, backprop, Module, Sequential, Linear, ReLU, seed: int) -> dict:
    """The keys of named_parameters() of a Sequential and of a nested Module of the check's own,
    then sum(net(X) * w) and its gradients with weights from the seed."""
    _types(Var=Var, Module=Module, Sequential=Sequential, Linear=Linear, ReLU=ReLU)

    def pair_keys():
        class Pair(Module):
            def __init__(self):
                super().__init__()
                self.body = Sequential(Linear(2, 3), ReLU())
                self.head = Linear(1, 2)
                self.scale = Var(np.ones(1))
                self.note = 'not a parameter'
        return list(Pair().named_parameters())

    nested = call('named_parameters() of a Module holding a Sequential, a Linear, a Var and a '
                  'string', pair_keys)
    net = call('Sequential(Linear(4, 5), ReLU(), Linear(3, 4))',
               lambda: Sequential(Linear(4, 5), ReLU(), Linear(3, 4)))
    params = call('net.named_parameters()', net.named_parameters)
    expect(isinstance(params, dict), 'named_parameters() returned a %s; expected a dict '
           '{name: Var}' % type(params).__name__)
    data = {'nested': [str(k) for k in nested], 'keys': [str(k) for k in params],
            'shapes': [list(np.shape(getattr(p, 'value', ()))) for p in params.values()]}
    if [str(k) for k in params] != list(_KEYS_6):
        return data
    *weights, X, w = _draw_6(seed)
    for key, value in zip(_KEYS_6, weights):
        params[key].value = value.copy()
    data.update(observe_tape_net(net, params, Var, backprop, X, w, 'net'))
    return data


check_6 = Check('01.6', observe_6, JUDGES)
