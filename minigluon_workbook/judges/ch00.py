"""Judges for chapter 00 (NDArray and autograd): they run only in the grader's process; what each exercise
observes is in ``minigluon_workbook/checks/ch00.py``."""
from __future__ import annotations

import numpy as np

from minigluon import autograd, nd

from ..checks import ExerciseFailed, expect
from ..checks.ch00 import (
    _LR_5,
    _LRS_1,
    _SHAPES,
    _STEPS_5,
    _case,
    _control_flow,
    _draw_1,
    _draw_2,
    _draw_3,
    _draw_5,
    _fmt,
    _grad_cases,
)
from . import close


def judge_1(data, seed: int) -> str:
    values, grads = _draw_1(seed)
    steps = data.list('steps', len(_LRS_1))
    expect(len(steps) == len(_LRS_1), 'your sgd_step ran %d times; expected %d' % (len(steps), len(_LRS_1)))
    for lr, step in zip(_LRS_1, steps):
        for i, (got, value, grad) in enumerate(zip(step.arrays('params', [v.shape for v in values]),
                                                   values, grads)):
            expect(not np.array_equal(got, value),
                   'your sgd_step left params[%d] unchanged (%s). Assigning to p inside the loop '
                   'only makes the name p point to a new array; the list still holds the old one. '
                   'Change the values inside the array p refers to (section 4, "In-place operations")'
                   % (i, _fmt(got)))
            want = value - np.float32(lr) * grad
            expect(close(got, want, rtol=1e-5, atol=1e-6),
                   'after sgd_step(params, lr=%g), params[%d] is %s; expected %s (p - lr * p.grad)'
                   % (lr, i, _fmt(got), _fmt(want)))
    return 'every parameter was updated in place, keeping its identity'


def _expected_grads(seed):
    """The gradients of the cases, computed here (the control-flow ones by its own scale)."""
    W, v, m, a_pos, a_neg = _draw_2(seed)
    return [2 * v, 3 * v * v, np.exp(v), np.ones((2, 2), np.float32) @ W.T,
            _control_flow(nd.array(a_pos)).asnumpy() / a_pos,
            _control_flow(nd.array(a_neg)).asnumpy() / a_neg]


def judge_2(data, seed: int) -> str:
    cases = _grad_cases(seed)
    grads = data.list('grads', len(cases))
    expect(len(grads) == len(cases), 'your grad_of ran on %d functions; expected %d'
           % (len(grads), len(cases)))
    for (what, _, x), grad, want in zip(cases, grads, _expected_grads(seed)):
        shape = grad.shape('shape')
        expect(shape == x.shape, 'for %s your grad_of returned shape %s; expected %s, the shape of x'
               % (what, shape, x.shape))
        values = grad.array('values', x.shape)
        if not close(values, want, rtol=1e-4, atol=1e-5):
            hint = ''
            if not values.any():
                hint = (' It is all zeros: did you call backward() on f(x), computed inside '
                        'autograd.record(), before reading x.grad?')
            raise ExerciseFailed('for %s your grad_of returned %s; expected %s.%s'
                                 % (what, _fmt(values), _fmt(want), hint))
    return 'gradients of %d functions, control flow included, are right' % len(cases)


def _mul_reference(g, a, b):
    A, B = nd.array(a), nd.array(b)
    A.attach_grad()
    B.attach_grad()
    with autograd.record():
        out = A * B
    out.backward(nd.array(g))
    return A.grad.asnumpy(), B.grad.asnumpy()


def judge_3(data, seed: int) -> str:
    results = data.list('results', len(_SHAPES))
    expect(len(results) == len(_SHAPES), 'your mul_backward ran on %d cases; expected %d'
           % (len(results), len(_SHAPES)))
    for (shape_a, shape_b), (g, a, b), result in zip(_SHAPES, _draw_3(seed), results):
        case = _case(shape_a, shape_b)
        want = _mul_reference(g, a, b)
        for name, ref, shape in (('grad_a', want[0], shape_a), ('grad_b', want[1], shape_b)):
            observed = result.sub(name)
            got_shape = observed.shape('shape')
            expect(got_shape == tuple(shape),
                   'for %s your %s has shape %s; expected %s, the shape of %s'
                   % (case, name, got_shape, tuple(shape), name[-1]))
            got = observed.array('values', shape)
            expect(close(got, ref, rtol=1e-4, atol=1e-5),
                   'for %s your %s has the right shape but differs from autograd by up to %.3g: '
                   'got %s, expected %s'
                   % (case, name, float(np.abs(got - ref).max()), _fmt(got), _fmt(ref)))
    return 'gradients right for %d broadcasting shapes' % len(_SHAPES)


def _train_5(X, y, W1, W2) -> list:
    """The same training written out by hand in NumPy (forward, then the chain rule)."""
    losses = []
    for _ in range(_STEPS_5):
        z = X @ W1
        h = np.maximum(z, 0)
        diff = h @ W2 - y
        losses.append(float((diff * diff).sum()))
        g_pred = 2 * diff
        g_W2, g_h = h.T @ g_pred, g_pred @ W2.T
        g_W1 = X.T @ (g_h * (z > 0))
        W1, W2 = (W1 - _LR_5 * g_W1).astype(np.float32), (W2 - _LR_5 * g_W2).astype(np.float32)
    return losses


def _differences(got, want, show=2) -> str:
    """Where ``got`` first differs from ``want``, in reading order: 'at [i, j] x instead of y'."""
    bad = np.argwhere(~np.isclose(got, want, rtol=1e-5, atol=1e-5))
    text = ', '.join('at %s %.4g instead of %.4g' % (list(map(int, i)), got[tuple(i)], want[tuple(i)])
                     for i in bad[:show])
    if len(bad) > show:
        text += ' (%d more of its %d values differ)' % (len(bad) - show, want.size)
    return text


def _wrong_gradients_5(a, b, z, g_z, grads, wants, wrong) -> str:
    """Which gradient is wrong (of a or of b), its expected shape and first differing values, and
    whether dot's or relu's backward is the likely culprit, never the rule itself. A right dot fed
    a wrong gradient R by relu's backward gives grad_a = R @ b.T and grad_b = a.T @ R: when one
    R (solved for from grad_a) explains both, relu is to blame, and R shows where."""
    first = wrong[0]
    text = ('the gradient of %s has the expected shape %s but other values: %s'
            % (first, wants[first].shape, _differences(grads[first], wants[first])))
    R = grads['a'] @ np.linalg.pinv(b.T)
    off = np.argwhere(~np.isclose(R, g_z, rtol=1e-5, atol=1e-5))
    if (wrong == ['a', 'b'] and len(off) and close(R @ b.T, grads['a'], atol=1e-5)
            and close(a.T @ R, grads['b'], atol=1e-5)):
        i = tuple(off[0])
        sign = 'positive' if z[i] > 0 else 'negative' if z[i] < 0 else 'zero'
        return ('%s; the gradient of b is wrong too. Both fit a wrong gradient coming back from relu '
                '(or a dot whose backward is off for both operands alike): at %s, where relu\'s '
                'input was %.4g (%s), relu\'s backward sent %.4g instead of %.4g'
                % (text, list(map(int, i)), z[i], sign, R[i], g_z[i]))
    if wrong == ['a', 'b']:
        text += '; the gradient of b is wrong too'
    return "%s. Look at what dot's backward returns for %s" % (text, ' and for '.join(wrong))


def judge_5(data, seed: int) -> str:
    a, b, w, X, y, W1, W2 = _draw_5(seed)
    z = a @ b
    value = data.array('value', (3, 2))
    expect(close(value, np.maximum(z, 0)), 'relu(dot(a, b)) computed %s; expected %s'
           % (_fmt(value), _fmt(np.maximum(z, 0))))
    g_z = w * (z > 0)
    wants = {'a': g_z @ b.T, 'b': a.T @ g_z}
    grads = {}
    for name, want in wants.items():
        got = data.array('grad_' + name)
        expect(got.shape == want.shape, 'the gradient of %s has shape %s; expected %s, the shape of '
               '%s: what dot\'s backward returns for %s must have its shape'
               % (name, got.shape, want.shape, name, name))
        grads[name] = got
    wrong = [name for name in wants if not close(grads[name], wants[name], atol=1e-5)]
    if wrong:
        raise ExerciseFailed(_wrong_gradients_5(a, b, z, g_z, grads, wants, wrong))
    losses, want = data.array('losses', (_STEPS_5,)), np.array(_train_5(X, y, W1, W2))
    expect(close(losses, want, rtol=1e-4), 'training with your ops gives the losses %s ...; '
           'expected %s ...' % (_fmt(losses[:3]), _fmt(want[:3])))
    expect(want[-1] < want[0], 'training should lower the loss')  # a sanity check of the task
    return 'dot and relu on the mini tape: right gradients, and the loss falls over %d SGD steps' \
        % _STEPS_5

