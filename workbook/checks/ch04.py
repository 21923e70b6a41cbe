"""Checks for chapter 4, custom layers (自定义层).

- 04.1 ``check_1(CosineSimilarity)``: a layer without parameters that takes two inputs.
- 04.2 ``check_2(Scale)``: a layer with its own parameter ``gamma`` made by ``params.get``.
- 04.3 ``check_3(MyHybridDense)``: MyDense as a HybridBlock with ``hybrid_forward``.
"""
from __future__ import annotations

import numpy as np

from minigluon import autograd, nd
from minigluon.gluon import Block, HybridBlock, Parameter
from minigluon.ndarray import NDArray

from . import ExerciseFailed, call, expect, passed


def _make(cls, args: str, *a, **kw):
    """An instance of the student's class, or a failure that says how creating it went wrong."""
    expect(isinstance(cls, type), 'pass your class itself (e.g. %s), not %r'
           % (getattr(cls, '__name__', 'MyLayer'), cls))
    expect(issubclass(cls, Block), '%s does not derive from nn.Block: write class %s(nn.Block)'
           % (cls.__name__, cls.__name__))
    return call('creating %s(%s)' % (cls.__name__, args), cls, *a, **kw)


def _output(layer, what: str, *inputs) -> NDArray:
    """``layer(*inputs)``, which must run and return an NDArray."""
    out = call('calling %s' % what, layer, *inputs)
    expect(isinstance(out, NDArray), 'calling %s returned a %s; expected an NDArray'
           % (what, type(out).__name__))
    return out


# ----- 04.1 ---------------------------------------------------------------------------------
def check_1(CosineSimilarity):
    """A parameter-free layer: ``layer(x, y)`` gives the cosine similarity of each row pair."""
    layer = _make(CosineSimilarity, '')
    n_params = len(layer.collect_params())
    expect(n_params == 0, 'your layer has %d parameter(s); cosine similarity needs none'
           % n_params)
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    out = _output(layer, 'layer(x, y) with x and y of shape (4, 5)',
                  nd.array(x), nd.array(y))
    got = out.asnumpy()
    expected = (x * y).sum(1) / np.sqrt((x * x).sum(1) * (y * y).sum(1))
    if out.shape == (4, 4):
        raise ExerciseFailed('your layer returned shape (4, 4), the similarities of all pairs '
                             'of rows; expected shape (4,): one similarity per row i, between '
                             'x[i] and y[i]')
    expect(out.shape == (4,), 'your layer returned shape %s; expected (4,): one similarity '
           'per row (sum over axis=1, without keepdims)' % (out.shape,))
    if np.allclose(got, (x * y).sum(1), atol=1e-4) and not np.allclose(got, expected, atol=1e-4):
        raise ExerciseFailed('your layer returned the dot products x[i]·y[i]; divide them by '
                             '|x[i]| * |y[i]| to get the cosine')
    expect(np.allclose(got, expected, atol=1e-4),
           'for x[0]=%s and y[0]=%s your layer gave %.4f; expected %.4f'
           % (np.round(x[0], 2), np.round(y[0], 2), got[0], expected[0]))
    same = _output(layer, 'layer(x, 3 * x)', nd.array(x), nd.array(3 * x)).asnumpy()
    expect(np.allclose(same, 1, atol=1e-4), 'layer(x, 3 * x) gave %s; vectors pointing the '
           'same way have cosine 1' % np.round(same, 4))
    passed('04.1', 'cosine similarity of each row pair, shape (4,), no parameters')


# ----- 04.2 ---------------------------------------------------------------------------------
def _recorded(layer):
    """A function computing ``layer(x)`` under ``autograd.record()``."""
    def forward(x):
        with autograd.record():
            return layer(x)
    return forward


def check_2(Scale):
    """``Scale(units)`` multiplies each feature by its own learnable ``gamma``, starting at 1."""
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
    expect(len(params) == 1, 'Scale has %d parameters (%s); expected only gamma'
           % (len(params), ', '.join(params.keys())))
    call('layer.initialize()', layer.initialize)
    start = gamma.data().asnumpy()
    expect(np.allclose(start, 1), 'after initialize(), gamma is %s; expected ones: pass '
           'init=init.One() to params.get, so the layer starts as the identity' % start)
    x = nd.array(np.arange(12).reshape(3, 4))
    gamma.set_data(nd.array([1, 2, 3, 4]))
    out = _output(_recorded(layer), 'layer(x) with x of shape (3, 4)', x)
    expected = x.asnumpy() * np.array([1, 2, 3, 4])
    expect(out.shape == (3, 4), 'your layer returned shape %s; expected (3, 4), the shape of x'
           % (out.shape,))
    expect(np.allclose(out.asnumpy(), expected), 'with gamma = [1, 2, 3, 4], layer(x) gave\n%s\n'
           'expected x * gamma =\n%s' % (out.asnumpy(), expected))
    call('out.backward()', out.backward,
         hint='. So gamma gets no gradient: compute the output from self.gamma.data() itself, '
         'not from a copy made with asnumpy() or nd.array()')
    grad = gamma.grad().asnumpy()
    expect(np.allclose(grad, x.asnumpy().sum(0)), 'after layer(x).backward(), gamma.grad() is '
           '%s; expected %s (the column sums of x). So gamma gets no gradient: use '
           'self.gamma.data() itself in forward, so that autograd sees it' % (grad, x.asnumpy().sum(0)))
    passed('04.2', "gamma is a registered Parameter '%s' of shape (4,), starts at 1 and gets "
           'gradients' % gamma.name)


# ----- 04.3 ---------------------------------------------------------------------------------
def check_3(MyHybridDense):
    """MyDense as a HybridBlock: ``hybrid_forward(F, x, weight, bias)`` gives relu(x·W + b)."""
    expect(isinstance(MyHybridDense, type) and issubclass(MyHybridDense, HybridBlock),
           '%s is not an nn.HybridBlock: write class %s(nn.HybridBlock)'
           % (getattr(MyHybridDense, '__name__', MyHybridDense),
              getattr(MyHybridDense, '__name__', 'MyHybridDense')))
    expect(MyHybridDense.hybrid_forward is not HybridBlock.hybrid_forward,
           '%s does not define hybrid_forward(self, F, x, weight, bias)' % MyHybridDense.__name__)
    expect(MyHybridDense.forward is HybridBlock.forward,
           '%s overrides forward; a HybridBlock defines hybrid_forward and lets '
           'HybridBlock.forward pass it F and the parameters' % MyHybridDense.__name__)
    layer = _make(MyHybridDense, 'units=3, in_units=5', units=3, in_units=5)
    params = layer.collect_params()
    shapes = {name[len(layer.prefix):]: p.shape for name, p in params.items()}
    expect(shapes == {'weight': (5, 3), 'bias': (3,)}, 'MyHybridDense(units=3, in_units=5) has '
           'parameters %s; expected weight of shape (5, 3) and bias of shape (3,)' % shapes)
    call('layer.initialize()', layer.initialize)
    rng = np.random.default_rng(43)
    w, b, x = rng.standard_normal((5, 3)), rng.standard_normal(3), rng.standard_normal((2, 5))
    params[layer.prefix + 'weight'].set_data(nd.array(w))
    params[layer.prefix + 'bias'].set_data(nd.array(b))
    out = _output(layer, 'layer(x) with x of shape (2, 5)', nd.array(x))
    expected = np.maximum(x @ w + b, 0)
    expect(out.shape == (2, 3), 'your layer returned shape %s; expected (2, 3)' % (out.shape,))
    if np.allclose(out.asnumpy(), x @ w + b, atol=1e-4):
        raise ExerciseFailed('your layer returned x·W + b without the ReLU: apply F.relu')
    expect(np.allclose(out.asnumpy(), expected, atol=1e-4), 'your layer returned\n%s\nexpected '
           'relu(x·W + b) =\n%s' % (out.asnumpy(), expected))
    passed('04.3', 'hybrid_forward(F, x, weight, bias) computes relu(x·W + b)')
