"""Checks for chapter 4, custom layers (自定义层).

Each ``check_k`` is a ``Check`` (observe in the student's kernel, judge from data).

- 04.1 ``check_1(CosineSimilarity)``: a layer without parameters that takes two inputs.
- 04.2 ``check_2(Scale)``: a layer with its own parameter ``gamma`` made by ``params.get``.
- 04.3 ``check_3(MyLazyDense)``: MyDense as a HybridBlock whose weight waits for the first
  input (``infer_shape``).
"""
from __future__ import annotations

import numpy as np

from minigluon import autograd, nd
from minigluon.gluon import Block, HybridBlock, Parameter
from minigluon.ndarray import NDArray

from . import Check, ExerciseFailed, block, call, construct, expect, floats, rng
from .ch01 import _types, observe_tape_net
from .ch02 import seeded_init

# Its judges run in the grader's process only; the sandbox cannot import them.
JUDGES = 'minigluon_workbook.judges.ch04'


def _make(cls, args: str, *a, **kw):
    """An instance of the student's class, or a failure that says how creating it went wrong."""
    expect(isinstance(cls, type), 'pass your class itself (e.g. %s), not %r'
           % (getattr(cls, '__name__', 'MyLayer'), cls))
    expect(issubclass(cls, Block), '%s does not derive from nn.Block: write class %s(nn.Block)'
           % (cls.__name__, cls.__name__))
    return construct(cls, '%s(%s)' % (cls.__name__, args), *a, **kw)


def _output(layer, what: str, *inputs) -> NDArray:
    """``layer(*inputs)``, which must run and return an NDArray."""
    out = call('calling %s' % what, layer, *inputs)
    expect(isinstance(out, NDArray), 'calling %s returned a %s; expected an NDArray'
           % (what, type(out).__name__))
    return out


# ----- 04.1 ---------------------------------------------------------------------------------
def _draw_1(seed):
    """x and y, of shape (4, 5)."""
    stream = np.random.default_rng(4 if seed == 0 else seed)
    return stream.standard_normal((4, 5)), stream.standard_normal((4, 5))


def observe_1(CosineSimilarity, seed: int) -> dict:
    """``layer(x, y)`` and ``layer(x, 3 * x)`` for x, y from the seed; the layer's parameter count."""
    layer = _make(CosineSimilarity, '')
    x, y = _draw_1(seed)
    out = _output(layer, 'layer(x, y) with x and y of shape (4, 5)', nd.array(x), nd.array(y))
    same = _output(layer, 'layer(x, 3 * x)', nd.array(x), nd.array(3 * x))
    return {'params': len(layer.collect_params().keys()), 'out_shape': list(out.shape), 'out': floats(out),
            'same_shape': list(same.shape), 'same': floats(same)}


check_1 = Check('04.1', observe_1, JUDGES)


# ----- 04.2 ---------------------------------------------------------------------------------
def _recorded(layer):
    """A function computing ``layer(x)`` under ``autograd.record()``."""
    def forward(x):
        with autograd.record():
            return layer(x)
    return forward


def _draw_2(seed):
    """gamma's values (4,) and x (3, 4)."""
    if seed == 0:
        return np.array([1., 2., 3., 4.], np.float32), np.arange(12, dtype=np.float32).reshape(3, 4)
    stream = rng(seed)
    return (stream.uniform(-3, 3, 4).astype(np.float32),
            stream.uniform(-5, 5, (3, 4)).astype(np.float32))


def observe_2(Scale, seed: int) -> dict:
    """``Scale(4)``: gamma at the start, then layer(x) and gamma's gradient with gamma from the seed."""
    layer = _make(Scale, '4', 4)
    gamma = layer.__dict__.get('gamma')
    params = layer.collect_params()
    if gamma is None:
        raise ExerciseFailed('your layer has no attribute gamma: create it in __init__ with '
                             "self.gamma = self.params.get('gamma', shape=(units,), "
                             "init=init.One())")
    if isinstance(gamma, NDArray):
        raise ExerciseFailed('self.gamma is an NDArray, not a Parameter: nothing would '
                             "initialize, train or save it. Create it with "
                             "self.params.get('gamma', ...)")
    expect(isinstance(gamma, Parameter), 'self.gamma is a %s; expected a Parameter made by '
           'self.params.get' % type(gamma).__name__)
    if gamma not in list(params.values()):
        raise ExerciseFailed("self.gamma (named '%s') is not in layer.collect_params(), so "
                             "initialize() and Trainer never see it: it was made with "
                             "gluon.Parameter(...) directly. Use self.params.get('gamma', ...), "
                             "which also adds the prefix" % gamma.name)
    expect(gamma.name == layer.prefix + 'gamma', "your parameter is named '%s'; expected '%s' "
           "(params.get adds the block's prefix to 'gamma')" % (gamma.name, layer.prefix + 'gamma'))
    expect(gamma.shape == (4,), 'Scale(4).gamma has shape %s; expected (4,): one factor per '
           'feature' % (gamma.shape,))
    expect(len(params.keys()) == 1, 'Scale has %d parameters (%s); expected only gamma'
           % (len(params.keys()), ', '.join(params.keys())))
    call('layer.initialize()', layer.initialize)
    start = floats(gamma.data())
    values, x = _draw_2(seed)
    gamma.set_data(nd.array(values))
    out = _output(_recorded(layer), 'layer(x) with x of shape (3, 4)', nd.array(x))
    data = {'name': gamma.name, 'start': start, 'out_shape': list(out.shape)}
    if out.shape == (3, 4):
        data['out'] = floats(out)
        call('out.backward()', out.backward,
             hint='. So gamma gets no gradient: compute the output from self.gamma.data() itself, '
             'not from a copy made with asnumpy() or nd.array()')
        data['grad'] = floats(gamma.grad())
    return data


check_2 = Check('04.2', observe_2, JUDGES)


# ----- 04.3 (observe/judge protocol) -------------------------------------------------------
def _draw_3(seed):
    """x (2, 5), the weight (5, 3) and bias (3,) set after the first forward, x7 (2, 7)."""
    stream = rng(seed)
    return (stream.uniform(-1, 1, (2, 5)).astype(np.float32),
            stream.uniform(-1, 1, (5, 3)).astype(np.float32),
            stream.uniform(-1, 1, (3,)).astype(np.float32),
            stream.uniform(-1, 1, (2, 7)).astype(np.float32))


def _shape(param) -> list:
    return list(param.shape) if param.shape is not None else []


def observe_3(MyLazyDense, seed: int) -> dict:
    """Shapes before and after the first forward, and the output with weights from the seed."""
    x, w, b, x7 = _draw_3(seed)
    expect(isinstance(MyLazyDense, type) and issubclass(MyLazyDense, HybridBlock),
           '%s is not an nn.HybridBlock: write class %s(nn.HybridBlock)'
           % (getattr(MyLazyDense, '__name__', MyLazyDense),
              getattr(MyLazyDense, '__name__', 'MyLazyDense')))
    expect(MyLazyDense.hybrid_forward is not HybridBlock.hybrid_forward,
           '%s does not define hybrid_forward(self, F, x, weight, bias)' % MyLazyDense.__name__)
    layer = block(MyLazyDense, 'MyLazyDense(3)', 3, base=HybridBlock)
    weight, bias = layer._reg_params.get('weight'), layer._reg_params.get('bias')
    expect(isinstance(weight, Parameter) and isinstance(bias, Parameter),
           'MyLazyDense(3) should have the parameters weight and bias as attributes '
           '(self.weight = self.params.get(...)); it has %s' % sorted(layer._reg_params))
    data = {'weight_before': _shape(weight), 'bias_before': _shape(bias)}
    if 0 not in data['weight_before']:
        return data
    call('layer.initialize()', layer.initialize,
         hint=' (did you pass allow_deferred_init=True to params.get?)')
    try:
        call('layer(x) with x of shape (2, 5)', layer, nd.array(x))
    except ExerciseFailed as failed:  # say which shape the forward met, not how to set it
        now = tuple(_shape(weight))
        if 0 not in now:
            why = 'the weight had shape %s then; x of shape (2, 5) needs (5, 3) in x·W' % (now,)
        elif MyLazyDense.infer_shape is HybridBlock.infer_shape:
            why = 'the weight still had shape %s: nothing gave it the input width' % (now,)
        else:
            why = 'the weight kept its declared shape %s' % (now,)
        raise ExerciseFailed('%s (%s)' % (failed, why)) from None
    data['weight_after'] = _shape(weight)
    if data['weight_after'] != [5, 3]:
        return data
    weight.set_data(nd.array(w))
    bias.set_data(nd.array(b))
    out = _output(layer, 'layer(x) with x of shape (2, 5)', nd.array(x))
    data['out'] = floats(out)
    other = block(MyLazyDense, 'MyLazyDense(4)', 4, base=HybridBlock)
    other.initialize()
    call('a fresh MyLazyDense(4) on x of shape (2, 7)', other, nd.array(x7))
    data['weight_7'] = _shape(other._reg_params['weight'])
    return data


check_3 = Check('04.3', observe_3, JUDGES)


# ----- 04.5 (build track: a layer of one's own, with its op on the tape) -------------------
_KEYS_5 = ('0.weight', '0.bias', '1.gamma', '3.weight', '3.bias')


def _draw_5(seed):
    """The input width (3 to 6), X (6, width), gamma (4,) and the output weights w (6, 2)."""
    width = 3 + seed % 4
    stream = rng(seed + 1)
    return (width, stream.uniform(-1, 1, (6, width)).astype(np.float32),
            stream.uniform(0.5, 1.5, (4,)).astype(np.float32),
            stream.uniform(-1, 1, (6, 2)).astype(np.float32))


def observe_5(Var, backprop, Sequential, ReLU, Linear, initialize, MyScale, seed: int) -> dict:
    """Sequential(Linear(4), MyScale(), ReLU(), Linear(2)) initialized from the seed's stream:
    gamma's shape right after construction, the init calls and gamma after the first forward,
    then, with gamma set from the seed, sum(net(X) * w) and its gradients."""
    _types(Var=Var, Sequential=Sequential, ReLU=ReLU, Linear=Linear, MyScale=MyScale)
    net = call('Sequential(Linear(4), MyScale(), ReLU(), Linear(2))',
               lambda: Sequential(Linear(4), MyScale(), ReLU(), Linear(2)))
    before = call('net.named_parameters() right after construction', net.named_parameters)
    keys = list(before) if isinstance(before, dict) else before
    expect(isinstance(before, dict) and '1.gamma' in before,
           'right after construction, before any forward, net.named_parameters() has the keys %s: '
           "MyScale's gamma is not among them, so initialize, and anything that collects the "
           'parameters before training, never sees it; expected 1.gamma there, with shape (0,) '
           'until the first forward' % (keys,))
    shape = getattr(before['1.gamma'], 'shape', None)
    gamma_before = tuple(shape) if isinstance(shape, (tuple, list)) else shape
    expect(gamma_before == (0,),
           "right after construction MyScale's gamma has shape %s; expected (0,): MyScale() is not "
           'told its number of features, which only the first forward gives' % (gamma_before,))
    init, calls = seeded_init(seed)
    call('initialize(net, init)', initialize, net, init)
    width, X, gamma, w = _draw_5(seed)
    call('the first forward, net(Var(X)) for X of shape %s' % (X.shape,), lambda: net(Var(X)))
    params = call('net.named_parameters()', net.named_parameters)
    expect(isinstance(params, dict) and [str(k) for k in params] == list(_KEYS_5),
           'net.named_parameters() has the keys %s; expected %s (MyScale keeps its parameter in '
           'self.gamma)' % (list(params) if isinstance(params, dict) else params, list(_KEYS_5)))
    data = {'gamma_before': [0], 'calls': [list(c) for c in calls],
            'gamma': floats(params['1.gamma'].value)}
    params['1.gamma'].value = gamma.copy()
    data.update(observe_tape_net(net, params, Var, backprop, X, w, 'net'))
    return data


check_5 = Check('04.5', observe_5, JUDGES)
