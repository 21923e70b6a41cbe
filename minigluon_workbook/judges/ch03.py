"""Judges for chapter 03 (deferred initialization): they run only in the grader's process; what each exercise
observes is in ``minigluon_workbook/checks/ch03.py``."""
from __future__ import annotations

import numpy as np

import minigluon as mx
from minigluon import nd
from minigluon.gluon import nn

from ..checks import ExerciseFailed, expect
from ..checks.ch03 import _cases_3, _draw_1, _draw_2
from . import Data, Malformed, close


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

