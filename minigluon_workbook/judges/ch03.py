"""Judges for chapter 03 (deferred initialization): they run only in the grader's process; what each exercise
observes is in ``minigluon_workbook/checks/ch03.py``."""
from __future__ import annotations

import numpy as np

import minigluon as mx
from minigluon import nd
from minigluon.gluon import nn

from ..checks import ExerciseFailed, expect, rng
from ..checks.ch03 import _KEYS_5, _cases_3, _draw_1, _draw_2, _draw_5
from . import Data, Malformed, close
from .ch01 import _fmt as _fmt_bt
from .ch01 import judge_tape_net, shapes_of


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
    (W1, b1, W2, b2), X = _draw_1(seed)
    want = np.maximum(X @ W1.T + b1, 0) @ W2.T + b2
    expect(close(data.array('out', (2, 10)), want, rtol=1e-4, atol=1e-5),
           "your net's output is not Dense(10)(Dense(64, activation='relu')(x)) with its own "
           'parameters (is the relu on the first layer?)')
    return 'every parameter was initialized by initialize(), before any forward'


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


# ----- 03.5 (build track) ------------------------------------------------------------------
def judge_5(data, seed: int) -> str:
    width, X, w = _draw_5(seed)
    first = data.sub('after_initialize')
    calls = shapes_of(first, 'calls')
    expect(calls == [(4, 5)], 'initialize(net, init) asked the init function for %s; expected [(4, 5)]: '
           'only the weight whose shape is known (Linear(4, in_units=5)) is initialized now, the '
           'others wait for the first forward' % (calls,))
    shapes = shapes_of(first, 'shapes')
    want = [(5, 0), (5,), (4, 5), (4,), (2, 0), (2,)]
    expect(shapes == want, 'after initialize the shapes are %s; expected %s (0: not known yet)'
           % (shapes, want))
    after = data.sub('after_forward')
    order = [(4, 5), (5, width), (2, 4)]
    calls = shapes_of(after, 'calls')
    expect(calls == order, 'after the first forward on X of shape %s, the init function was asked '
           'for %s; expected %s: each deferred weight is initialized when its layer first sees '
           'an input, with the init function given to initialize' % (X.shape, calls, order))
    shapes = shapes_of(after, 'shapes')
    want = [(5, width), (5,), (4, 5), (4,), (2, 4), (2,)]
    expect(shapes == want, 'after the first forward the shapes are %s; expected %s' % (shapes, want))
    calls = shapes_of(data.sub('after_second'), 'calls')
    expect(calls == order, 'a second forward asked the init function again (%s): initialize a '
           'deferred weight only once' % (calls,))
    stream = rng(seed)
    W = [stream.uniform(-1, 1, s).astype(np.float32) for s in order]
    W[0], W[1] = W[1], W[0]          # drawn in the order (4, 5), (5, width), (2, 4)
    b = [np.zeros(s[0], np.float32) for s in (W[0].shape, W[1].shape, W[2].shape)]
    values = data.sub('values')
    for key, v in zip(_KEYS_5, (W[0], b[0], W[1], b[1], W[2], b[2])):
        got = values.array(key)
        expect(got.shape == v.shape and close(got, v), '%s is %s; expected %s' % (key, _fmt_bt(got), _fmt_bt(v)))
    layers = [('linear', W[0], b[0]), ('relu',), ('linear', W[1], b[1]), ('relu',), ('linear', W[2], b[2])]
    judge_tape_net(data, _KEYS_5, layers, X, w, 'net')
    return 'your Linear learns its in_units (%d here) at the first forward and initializes its ' \
        'weight then, once, with the init given to initialize' % width
