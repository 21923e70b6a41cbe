"""Checks for chapter 01, "Model construction" (exercises 01.1 to 01.3)."""
from __future__ import annotations

import numpy as np

from minigluon import autograd, nd
from minigluon.gluon import Constant, nn
from minigluon.ndarray import NDArray

from . import call, expect, passed


def _inputs(*shapes, seed=0):
    rng = np.random.RandomState(seed)
    return [nd.array(rng.uniform(-1, 1, shape)) for shape in shapes]


def _block(cls, what: str, *args):
    expect(isinstance(cls, type) and issubclass(cls, nn.Block),
           'pass your class itself (a subclass of nn.Block); you gave %r' % (cls,))
    block = call('creating %s' % what, cls, *args)
    expect(hasattr(block, '_children'),
           '%s has no _children: did you call super().__init__(**kwargs) first in __init__?' % what)
    return block


# ----- 01.1 ------------------------------------------------------------------------------
def check_1(TwoInputDense):
    """``TwoInputDense(units)(x, y) == Dense(units)(concat(x, y, dim=1))``, the Dense in self.dense."""
    layer = _block(TwoInputDense, 'TwoInputDense(5)', 5)
    expect(isinstance(getattr(layer, 'dense', None), nn.Dense),
           'your layer has no attribute dense holding an nn.Dense; create it in __init__ with '
           'self.dense = nn.Dense(units)')
    expect(len(layer.collect_params()) > 0,
           "collect_params() of your layer is empty, so initialize() cannot reach the Dense: "
           "assign it to an attribute (self.dense = nn.Dense(units)) after super().__init__")
    call('layer.initialize()', layer.initialize)
    x, y = _inputs((2, 3), (2, 4))
    out = call('calling your layer(x, y) with x of shape (2, 3) and y of shape (2, 4)', layer, x, y)
    expect(isinstance(out, NDArray), 'your layer returned a %s; expected an NDArray'
           % type(out).__name__)
    expect(out.shape == (2, 5), 'your layer returned shape %s for x of shape (2, 3) and y of shape '
           '(2, 4); expected (2, 5)' % (out.shape,))
    weight = layer.dense.weight.data()
    expect(weight.shape == (5, 7),
           'your Dense weight has shape %s; expected (5, 7): the Dense must see both inputs, '
           '3 + 4 = 7 features' % (weight.shape,))
    want = nd.dot(nd.concat(x, y, dim=1), weight.T) + layer.dense.bias.data()
    expect(np.allclose(out.asnumpy(), want.asnumpy(), atol=1e-5),
           'your layer(x, y) is not dense(concat(x, y, dim=1)): its output differs by up to %.3g '
           '(did you put y before x?)' % float(np.abs(out.asnumpy() - want.asnumpy()).max()))
    passed('01.1', 'two inputs, one Dense over their concatenation')


# ----- 01.2 ------------------------------------------------------------------------------
def check_2(Parallel):
    """``Parallel`` with ``add(*blocks)``: concat([child(x) for child in order], dim=1)."""
    par = _block(Parallel, 'Parallel()')
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
    (x,) = _inputs((2, 5))
    out = call('calling your Parallel on x of shape (2, 5)', par, x)
    expect(isinstance(out, NDArray), 'your Parallel returned a %s; expected an NDArray'
           % type(out).__name__)
    expect(out.shape == (2, 9),
           'your Parallel returned shape %s for children with 3, 4 and 2 outputs on x of shape '
           '(2, 5); expected (2, 9) (concatenate along axis 1)' % (out.shape,))
    want = nd.concat(*[c(x) for c in children], dim=1)
    expect(np.allclose(out.asnumpy(), want.asnumpy(), atol=1e-6),
           'your Parallel output is not the concatenation of its children\'s outputs in the order '
           'they were added (max difference %.3g)' % float(np.abs(out.asnumpy() - want.asnumpy()).max()))
    passed('01.2', 'children registered, run on the same input, outputs concatenated in order')


# ----- 01.3 ------------------------------------------------------------------------------
def _fancy_reference(net, x):
    """What FancyMLP computes, with the student's own dense layer and constant."""
    x = net.dense(x)
    x = nd.relu(nd.dot(x, net.rand_weight.data()) + 1)
    x = net.dense(x)
    while x.norm().asscalar() > 1:
        x = x / 2
    if x.norm().asscalar() < 0.8:
        x = x * 10
    return x.sum()


def _record_and_backward(net, x):
    """``net(x)`` computed under ``autograd.record()``, after ``backward()`` on it."""
    with autograd.record():
        out = net(x)
    out.backward()
    return out


def check_3(TrainableFancyMLP):
    """Same outputs as FancyMLP, and ``backward`` works under ``autograd.record()``."""
    net = _block(TrainableFancyMLP, 'TrainableFancyMLP()')
    expect(isinstance(getattr(net, 'dense', None), nn.Dense),
           'your model has no attribute dense holding an nn.Dense(20, activation="relu")')
    rand_weight = getattr(net, 'rand_weight', None)
    expect(isinstance(rand_weight, Constant),
           'your rand_weight is a %s; expected a constant made with '
           "self.params.get_constant('rand_weight', ...), so that training never changes it"
           % type(rand_weight).__name__)
    expect(rand_weight.shape == (20, 20), 'your rand_weight has shape %s; expected (20, 20)'
           % (rand_weight.shape,))
    call('net.initialize()', net.initialize)
    # scales chosen so that both the while loop and the "* 10" branch run
    for scale in (1.0, 100.0, 0.001):
        (x,) = _inputs((2, 20), seed=int(scale * 1000) % 97)
        x = x * scale
        want = _fancy_reference(net, x).asscalar()
        out = call('your model under autograd.record()', _record_and_backward, net, x,
                   hint=' (in-place updates such as x /= 2 or x *= 10 write into arrays autograd '
                   'has recorded; compute a new array instead: x = x / 2)')
        expect(isinstance(out, NDArray) and out.size == 1,
               'your model returned %s; expected a one-element NDArray (x.sum())'
               % (out.shape if isinstance(out, NDArray) else type(out).__name__,))
        got = out.asscalar()
        expect(np.isclose(got, want, rtol=1e-5, atol=1e-6),
               'for an input of scale %g your model returned %.6g; FancyMLP computes %.6g with the '
               'same weights (check the while loop and the "< 0.8" branch)' % (scale, got, want))
        grad = net.dense.weight.grad().asnumpy()
        expect(np.isfinite(grad).all() and np.abs(grad).sum() > 0,
               'after backward() the dense weight has no gradient (all zeros)')
    passed('01.3', 'same outputs as FancyMLP, and trainable under autograd.record()')
