"""Judges for chapter 01 (model construction): they run only in the grader's process; what each exercise
observes is in ``minigluon_workbook/checks/ch01.py``."""
from __future__ import annotations

import re

import numpy as np

from minigluon import autograd, nd

from ..checks import ExerciseFailed, expect
from ..checks.ch01 import (
    _KEYS_6,
    _SCALES_3,
    _draw_1,
    _draw_2,
    _draw_3,
    _draw_6,
    _nets_5,
)
from . import Data, Malformed, close


def judge_1(data, seed: int) -> str:
    x, y, weight, bias = _draw_1(seed)
    shape = data.shape('out_shape')
    expect(shape == (2, 5), 'your layer returned shape %s for x of shape (2, 3) and y of shape '
           '(2, 4); expected (2, 5)' % (shape,))
    weight_shape = data.shape('weight_shape')
    expect(weight_shape == (5, 7),
           'your Dense weight has shape %s, so the Dense read %s features per example; expected '
           '(5, 7), for the 3 + 4 features of x and y' % (weight_shape, (weight_shape or ('no',))[-1]))
    out, want = data.array('out', (2, 5)), np.concatenate([x, y], 1) @ weight.T + bias
    if not close(out, want, atol=1e-5):
        i = np.unravel_index(np.argmax(np.abs(out - want)), want.shape)
        swapped = close(out, np.concatenate([y, x], 1) @ weight.T + bias, atol=1e-5)
        raise ExerciseFailed(
            'your layer(x, y) differs from the expected output by up to %.3g (at %s: got %.4g, '
            'expected %.4g)%s' % (float(np.abs(out - want).max()), list(map(int, i)), out[i], want[i],
                                  "; it is what the Dense gives with each example's features of y "
                                  'before those of x' if swapped else ''))
    return 'two inputs, one Dense over their concatenation'


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


def judge_5(data, seed: int) -> str:
    for i, (what, net) in enumerate(_nets_5(seed)):
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


# ----- 01.6 (build track) ------------------------------------------------------------------
def tape_net_grads(layers, X, w):
    """Output and gradients of sum(net(X) * w) for a net of ('linear', W, b) / ('relu',) /
    ('scale', gamma) layers, by hand in NumPy (shared by the build track's judges)."""
    acts, x = [], X
    for layer in layers:
        acts.append(x)
        if layer[0] == 'linear':
            x = x @ layer[1].T + layer[2]
        elif layer[0] == 'relu':
            x = np.maximum(x, 0)
        else:
            x = x * layer[1]
    out, g, grads = x, w, []
    for layer, a in zip(layers[::-1], acts[::-1]):
        if layer[0] == 'linear':
            grads[:0] = [g.T @ a, g.sum(axis=0)]
            g = g @ layer[1]
        elif layer[0] == 'relu':
            g = g * (a > 0)
        else:
            grads[:0] = [(g * a).sum(axis=0)]
            g = g * layer[1]
    return out, grads


def judge_tape_net(data, keys, layers, X, w, what: str, grads=None):
    """Compare the observed output and gradients (observe_tape_net) with tape_net_grads
    (``grads``: the expected gradients, where parameters are shared)."""
    out, own = tape_net_grads(layers, X, w)
    grads = own if grads is None else grads
    got = data.array('out')
    expect(got.shape == out.shape, '%s(X) has shape %s; expected %s' % (what, got.shape, out.shape))
    expect(close(got, out, rtol=1e-4, atol=1e-5), '%s(X) is %s; expected %s'
           % (what, _fmt(got), _fmt(out)))
    observed = data.sub('grads')
    for key, want in zip(keys, grads):
        g = observed.array(key)
        expect(g.shape == want.shape, 'after backprop, the gradient of %s has shape %s; expected %s, '
               'the shape of the parameter (sum a broadcast gradient over the broadcast axes)'
               % (key, g.shape, want.shape))
        expect(close(g, want, rtol=1e-4, atol=1e-5), 'after backprop, the gradient of %s is %s; '
               'expected %s' % (key, _fmt(g), _fmt(want)))


def shapes_of(data, key) -> list:
    """A list of shapes, read with validation."""
    raw = data.raw.get(key)
    if not isinstance(raw, list) or len(raw) > 1000:
        raise Malformed('%s: %r is not a list of shapes' % (data.where, key))
    return [Data({key: s}, data.where).shape(key) for s in raw]


def _fmt(a) -> str:
    return np.array2string(np.asarray(a), precision=4, separator=', ', threshold=12).replace('\n', '')


def minigluon_keys_6() -> list:
    """The structural keys of minigluon's Sequential(Dense(4), Activation, Dense(3))."""
    from minigluon.gluon import nn
    net = nn.Sequential()
    net.add(nn.Dense(4, in_units=5), nn.Activation('relu'), nn.Dense(3, in_units=4))
    return list(net._collect_params_with_prefix())


def judge_6(data, seed: int) -> str:
    nested = data.strs('nested')
    want_nested = ['body.0.weight', 'body.0.bias', 'head.weight', 'head.bias', 'scale']
    expect(nested == want_nested, 'a Module with body = Sequential(Linear(2, 3), ReLU()), head = '
           'Linear(1, 2), scale = Var(...) and note = "..." lists the parameters %s; expected %s '
           '(children in the order they were set, their keys joined with ".", plain values '
           'left out)' % (nested, want_nested))
    keys, want_keys = data.strs('keys'), minigluon_keys_6()
    expect(keys == want_keys, 'Sequential(Linear(4, 5), ReLU(), Linear(3, 4)).named_parameters() '
           'has the keys %s; expected %s, the structural keys minigluon\'s save_parameters '
           'writes (Sequential names its children "0", "1", "2")' % (keys, want_keys))
    shapes = shapes_of(data, 'shapes')
    want_shapes = [(4, 5), (4,), (3, 4), (3,)]
    expect(shapes == want_shapes, 'the parameters have the shapes %s; expected %s (Linear(units, '
           'in_units) has a weight of shape (units, in_units), as Dense)' % (shapes, want_shapes))
    *weights, X, w = _draw_6(seed)
    W1, b1, W2, b2 = weights
    judge_tape_net(data, _KEYS_6, [('linear', W1, b1), ('relu',), ('linear', W2, b2)], X, w, 'net')
    return 'your Module registers children and parameters under structural keys, and a ' \
        'Sequential of your Linear and ReLU computes the right output and gradients'
