"""Judges for chapter 04 (custom layers): they run only in the grader's process; what each exercise
observes is in ``minigluon_workbook/checks/ch04.py``."""
from __future__ import annotations

import numpy as np

from ..checks import ExerciseFailed, expect, rng
from ..checks.ch04 import _KEYS_5, _draw_1, _draw_2, _draw_3, _draw_5
from . import close
from .ch01 import _fmt as _fmt_bt
from .ch01 import judge_tape_net, shapes_of


def judge_1(data, seed: int) -> str:
    n_params = data.int('params')
    expect(n_params == 0, 'your layer has %d parameter(s); cosine similarity needs none' % n_params)
    x, y = _draw_1(seed)
    expected = (x * y).sum(1) / np.sqrt((x * x).sum(1) * (y * y).sum(1))
    shape = data.shape('out_shape')
    if shape == (4, 4):
        raise ExerciseFailed('your layer returned shape (4, 4), the similarities of all pairs '
                             'of rows; expected shape (4,): one similarity per row i, between '
                             'x[i] and y[i]')
    expect(shape == (4,), 'your layer returned shape %s; expected (4,): one similarity '
           'per row (sum over axis=1, without keepdims)' % (shape,))
    got = data.array('out', (4,))
    if close(got, (x * y).sum(1), atol=1e-4) and not close(got, expected, atol=1e-4):
        raise ExerciseFailed('your layer returned the dot products x[i]·y[i]; divide them by '
                             '|x[i]| * |y[i]| to get the cosine')
    expect(close(got, expected, atol=1e-4),
           'for x[0]=%s and y[0]=%s your layer gave %.4f; expected %.4f'
           % (np.round(x[0], 2), np.round(y[0], 2), got[0], expected[0]))
    same = data.array('same', data.shape('same_shape'))
    expect(close(same, np.ones(4), atol=1e-4), 'layer(x, 3 * x) gave %s; vectors pointing the '
           'same way have cosine 1' % np.round(same, 4))
    return 'cosine similarity of each row pair, shape (4,), no parameters'


def judge_2(data, seed: int) -> str:
    start = data.array('start', (4,))
    expect(close(start, np.ones(4)), 'after initialize(), gamma is %s; expected ones: pass '
           'init=init.One() to params.get, so the layer starts as the identity' % start)
    gamma, x = _draw_2(seed)
    shape = data.shape('out_shape')
    expect(shape == (3, 4), 'your layer returned shape %s; expected (3, 4), the shape of x' % (shape,))
    out, expected = data.array('out', (3, 4)), x * gamma
    expect(close(out, expected), 'with gamma = %s, layer(x) gave\n%s\nexpected x * gamma =\n%s'
           % (gamma.tolist(), out, expected))
    grad = data.array('grad', (4,))
    expect(close(grad, x.sum(0), rtol=1e-4), 'after layer(x).backward(), gamma.grad() is '
           '%s; expected %s (the column sums of x). So gamma gets no gradient: use '
           'self.gamma.data() itself in forward, so that autograd sees it' % (grad, x.sum(0)))
    return "gamma is a registered Parameter '%s' of shape (4,), starts at 1 and gets gradients" \
        % data.str('name', 100)


def judge_3(data, seed: int) -> str:
    x, w, b, _ = _draw_3(seed)
    before = data.shape('weight_before')
    expect(before[:1] == (0,) and len(before) == 2, 'before any input the weight has shape %s; '
           'expected (0, 3): in_units unknown (0), units known' % (before,))
    expect(data.shape('bias_before') == (3,), 'the bias has shape %s; expected (3,)'
           % (data.shape('bias_before'),))
    after = data.shape('weight_after')
    expect(after == (5, 3), 'after an input of shape (2, 5) the weight has shape %s; expected '
           '(5, 3), (input width, units)' % (after,))
    out, expected = data.array('out', (2, 3)), np.maximum(x @ w + b, 0)
    if close(out, x @ w + b, atol=1e-4) and not close(out, expected, atol=1e-4):
        raise ExerciseFailed('your layer returned x·W + b without the ReLU: apply F.relu')
    expect(close(out, expected, atol=1e-4), 'your layer returned\n%s\nexpected relu(x·W + b) '
           '=\n%s' % (np.round(out, 4), np.round(expected, 4)))
    expect(data.shape('weight_7') == (7, 4), 'a fresh MyLazyDense(4) given inputs of width 7 has '
           'a weight of shape %s; expected (7, 4)' % (data.shape('weight_7'),))
    return 'the weight waits for the first input, then relu(x·W + b)'


# ----- 04.5 (build track) ------------------------------------------------------------------
def judge_5(data, seed: int) -> str:
    width, X, gamma, w = _draw_5(seed)
    before = data.shape('gamma_before')
    expect(before == (0,), "right after construction MyScale's gamma has shape %s; expected (0,), "
           'its size waiting for the first forward' % (before,))
    calls = shapes_of(data, 'calls')
    expect(calls == [(4, width), (2, 4)], 'the init function given to initialize was asked for %s; '
           'expected %s, the two weights: gamma has its own init (ones), which wins'
           % (calls, [(4, width), (2, 4)]))
    got = data.array('gamma')
    expect(got.shape == (4,) and bool((got == 1).all()), 'after the first forward gamma is %s; '
           'expected four ones: its shape comes from the input of MyScale (4 features), its values '
           'from its own init' % _fmt_bt(got))
    stream = rng(seed)
    W1, W2 = (stream.uniform(-1, 1, s).astype(np.float32) for s in ((4, width), (2, 4)))
    b1, b2 = np.zeros(4, np.float32), np.zeros(2, np.float32)
    layers = [('linear', W1, b1), ('scale', gamma), ('relu',), ('linear', W2, b2)]
    judge_tape_net(data, _KEYS_5, layers, X, w, 'net')
    return 'your MyScale learns its size at the first forward, keeps its own init, and its op ' \
        'sends the right gradients to x and gamma'
