"""Judges for chapter 02 (parameters): they run only in the grader's process; what each exercise
observes is in ``minigluon_workbook/checks/ch02.py``."""
from __future__ import annotations

import numpy as np

from minigluon import autograd, nd
from minigluon.gluon import nn

from ..checks import ExerciseFailed, expect
from ..checks.ch02 import (
    _BATCH_5,
    _KEYS_6,
    _LR_5,
    _after_5,
    _draw_2,
    _draw_5,
    _net_3,
    _prepared_5,
    _sizes_1,
)
from ..checks.ch02 import _draw_6 as _draw_6_bt
from . import Data, Malformed, close
from .ch01 import _fmt as _fmt_bt
from .ch01 import judge_tape_net


def judge_1(data, seed: int) -> str:
    sizes = _sizes_1(seed)
    layers = data.list('layers', len(sizes))
    expect(len(layers) == len(sizes), 'your initializer filled %d layers; expected %d'
           % (len(layers), len(sizes)))
    for (rows, cols), layer in zip(sizes, layers):
        shape = (rows, cols)
        w, b = layer.array('weight', shape), layer.array('bias', (rows,))
        half = rows // 2
        if (w == 0).all():
            raise ExerciseFailed(
                'every entry of the %s weight is zero. Did you write `data = ...` (which only '
                'rebinds the local name) instead of filling the array in place with '
                '`data[:] = ...`?' % (shape,))
        nonzero_top = int((w[:half] != 0).sum())
        expect(nonzero_top == 0,
               'the first %d rows of the %s weight (rows 0 to %d) should be all zero, but %d of '
               'their %d entries are not' % (half, shape, half - 1, nonzero_top, half * cols))
        zero_bottom = int((w[half:] == 0).sum())
        expect(zero_bottom == 0,
               'the last %d rows of the %s weight should hold random values, but %d of their %d '
               'entries are zero (did you zero more than half the rows?)'
               % (rows - half, shape, zero_bottom, (rows - half) * cols))
        biggest = float(np.abs(w).max())
        expect(biggest <= 1.0,
               'the random values should lie in [-1, 1]; yours reach %.3g' % biggest)
        expect(len(np.unique(w[half:])) > 1,
               'the non-zero rows of the %s weight all hold the same value %.3g; draw them with '
               'nd.random.uniform(-1, 1, shape=...)' % (shape, w[half, 0]))
        expect((b == 0).all(),
               'the bias should keep its zeros (Dense gives its bias the "zeros" initializer), but '
               '%d of its %d entries are not: implement _init_weight(self, name, data), not '
               '__call__' % (int((b != 0).sum()), b.size))
    return 'half the rows are zero, the rest uniform in [-1, 1], biases untouched'


# ---------------------------------------------------------------------------------------
_ACTIVATIONS = (None, 'relu', 'sigmoid', 'tanh', 'softrelu', 'softsign')


def _act(x, act_type):
    return nn.Activation(act_type)(x) if act_type else x


def _reference_parts(seed, acts):
    """Gradients of net(X).sum() w.r.t. the shared weight: total, first use, second use."""
    X, W, b, W2, b2 = (nd.array(a) for a in _draw_2(seed))
    Wa, Wb = W.copy(), W.copy()
    Wa.attach_grad()
    Wb.attach_grad()
    with autograd.record():
        h = nd.dot(X, Wa.T) + b
        h = _act(h, acts[0])
        h = nd.dot(h, Wb.T) + b
        h = _act(h, acts[1])
        out = (nd.dot(h, W2.T) + b2)
        out = _act(out, acts[2]).sum()
    out.backward()
    first, second = Wa.grad.asnumpy().astype(np.float64), Wb.grad.asnumpy().astype(np.float64)
    return first + second, first, second


def judge_2(data, seed: int) -> str:
    acts = data._get('acts')
    if not (isinstance(acts, list) and len(acts) == 3 and all(a in _ACTIVATIONS for a in acts)):
        raise Malformed('the observation: acts is not three activation names')
    total_ref, first_ref, second_ref = _reference_parts(seed, acts)
    total, first, second = (data.array(name, (6, 6)) for name in ('total', 'first', 'second'))

    def near(a, b):
        return close(a, b, rtol=1e-4, atol=1e-6)

    def gap(a, b):
        return float(np.abs(a - b).max())

    expect(near(total, total_ref),
           'your total gradient is not the gradient of net(X).sum() w.r.t. the shared weight '
           '(largest difference %.2e)' % gap(total, total_ref))
    if near(first, second_ref) and near(second, first_ref):
        raise ExerciseFailed('your first and second gradients are swapped: `first` should be '
                             'the contribution of net[0], the first use of the weight')
    expect(near(first, first_ref),
           'your `first` is not the gradient contribution of the first use (net[0]) alone '
           '(largest difference %.2e)' % gap(first, first_ref))
    expect(near(second, second_ref),
           'your `second` is not the gradient contribution of the second use (net[1]) alone '
           '(largest difference %.2e)' % gap(second, second_ref))
    expect(near(total, first + second),
           'total should equal first + second (largest difference %.2e)'
           % gap(total, first + second))
    return "the shared weight's gradient is the sum of its two uses"


def _names_3(seed) -> tuple[list, list]:
    """Every parameter name of the seed's test net, and its biases."""
    names = list(_net_3(seed).collect_params().keys())
    return names, [name for name in names if name.endswith('_bias')]


def judge_3(data, seed: int) -> str:
    names, wanted = _names_3(seed)
    pattern, chosen = data.str('pattern', 200), data.strs('chosen')
    if not [name for name in chosen if not name.startswith('bias_')]:
        raise ExerciseFailed(
            'collect_params(%r) selected %s from %s. collect_params uses re.match, which '
            'must match from the first character of the name: start the pattern with ".*"'
            % (pattern, 'only %s' % chosen if chosen else 'nothing', names))
    extra = [name for name in chosen if name not in wanted]
    expect(not extra, 'collect_params(%r) also selected %s, which are not biases%s'
           % (pattern, extra, ": a layer's prefix may contain 'bias' (this one is 'bias_'), so "
              'the pattern must look at the end of the name ($)'
              if any(name.startswith('bias_') for name in extra) else ''))
    missing = [name for name in wanted if name not in chosen]
    expect(not missing, 'collect_params(%r) missed %s' % (pattern, missing))
    return 'collect_params(%r) selects %s' % (pattern, chosen)


def judge_5(data, seed: int) -> str:
    expect(data.bool('in_place'), 'after sgd_step a parameter holds a new array: update in place '
           '(w[:] = ..., or w -= ...), so that every layer using it sees the new values')
    values = data.sub('values')

    def expected(times_shared: int, scale: float) -> dict:
        net = _prepared_5(seed)
        for key, param in net.collect_params().items():
            if param.grad_req == 'null':
                continue
            times = times_shared if param is net[1].weight or param is net[1].bias else 1
            for _ in range(times):
                param.data()[:] = param.data() - _LR_5 * scale * param.grad()
        return _after_5(net)

    right = expected(1, 1.0 / _BATCH_5)
    got = {k: values.array(k, v.shape) for k, v in right.items()}
    if all(close(got[k], right[k]) for k in right):
        return 'every parameter stepped once, the shared ones included, the frozen bias left alone'
    for wrong, message in [
            (expected(2, 1.0 / _BATCH_5), 'the shared weight and bias were updated twice: net[1] '
             'and net[2] hold the same Parameter; step each parameter once (collect_params() '
             'lists it once)'),
            (expected(1, 1.0), 'the parameters moved batch_size times too far: the gradient is '
             'a sum over the batch, divide it by batch_size')]:
        if all(close(got[k], wrong[k]) for k in right):
            raise ExerciseFailed(message)
    unchanged = [k for k in right if close(got[k], _draw_5(seed)[1][k], rtol=0, atol=0)]
    raise ExerciseFailed('the parameters after your step differ from w - lr * grad / batch_size%s'
                         % (' (%s did not move)' % ', '.join(unchanged) if unchanged else ''))


# ----- 02.6 (build track) ------------------------------------------------------------------
def judge_6(data, seed: int) -> str:
    shapes = [(4, 5), (4, 4), (2, 4)]
    raw = data.raw.get('calls')
    calls = [Data({'c': c}).shape('c') for c in raw] if isinstance(raw, list) and len(raw) < 100 else None
    expect(calls == shapes, 'your initialize asked the init function for the shapes %s; expected %s: '
           'each weight once, in the order of named_parameters(), the shared one only the first '
           'time (and not again on a second initialize), and never for a bias, whose own init '
           '(zeros) wins over the one given' % (calls, shapes))
    expect(data.bool('shared'), "after the net was built, '2.weight' and '4.weight' are not the same "
           'Parameter: sharing is one object in two places')
    stream = np.random.RandomState(seed % 2 ** 32)
    W = [stream.uniform(-1, 1, s).astype(np.float32) for s in shapes]
    b = [np.zeros(s[0], np.float32) for s in shapes]
    want = dict(zip(_KEYS_6, [W[0], b[0], W[1], b[1], W[1], np.zeros(4, np.float32), W[2], b[2]]))
    values = data.sub('values')
    for key, v in want.items():
        got = values.array(key)
        expect(got.shape == v.shape and close(got, v), 'after initialize, %s is %s; expected %s'
               % (key, _fmt_bt(got), _fmt_bt(v)))
    X, w = _draw_6_bt(seed)
    layers = [('linear', W[0], b[0]), ('relu',), ('linear', W[1], b[1]), ('relu',),
              ('linear', W[1], b[1]), ('relu',), ('linear', W[2], b[2])]
    from .ch01 import tape_net_grads
    _, grads = tape_net_grads(layers, X, w)
    grads[2] = grads[4] = grads[2] + grads[4]       # the shared weight: the sum of both uses
    judge_tape_net(data, _KEYS_6, layers, X, w, 'net', grads=grads)
    return 'your Parameters are initialized once each, in order, the shared weight once, and ' \
        'its gradient is the sum of both uses'
