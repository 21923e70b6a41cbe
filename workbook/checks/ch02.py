"""Checks for chapter 02, "Parameter access, initialization and sharing"."""
from __future__ import annotations

import re

import numpy as np

import minigluon as mx
from minigluon import autograd, gluon, init, nd
from minigluon.gluon import nn

from . import Check, ExerciseFailed, call, close, describe, expect, floats, passed, rng


def _as_numpy(value, what: str) -> np.ndarray:
    if isinstance(value, nd.NDArray):
        return value.asnumpy()
    try:
        return np.asarray(value, dtype=np.float64)
    except Exception as err:  # noqa: BLE001 - any failure is the student's answer
        raise ExerciseFailed('%s should be an NDArray or a NumPy array; got %s (%s)'
                             % (what, type(value).__name__, describe(err))) from None


# ---------------------------------------------------------------------------------------
def check_1(HalfZero):
    """02.1: an initializer that fills weights in [-1, 1] and zeroes the first half of the rows."""
    if isinstance(HalfZero, type):
        initializer = call('creating your initializer with HalfZero()', HalfZero)
    else:
        initializer = HalfZero
    expect(isinstance(initializer, init.Initializer),
           'your initializer must be a subclass of init.Initializer (yours is a %s), so that '
           'net.initialize(HalfZero()) can call it' % type(initializer).__name__)
    for rows, cols in [(8, 6), (5, 3)]:
        with mx.name.NameManager():
            layer = nn.Dense(rows, in_units=cols)
        call('initializing nn.Dense(%d, in_units=%d) with your initializer' % (rows, cols),
             layer.initialize, initializer)
        w = layer.weight.data().asnumpy()
        b = layer.bias.data().asnumpy()
        half = rows // 2
        shape = (rows, cols)
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
    passed('02.1', 'half the rows are zero, the rest uniform in [-1, 1], biases untouched')


# ---------------------------------------------------------------------------------------
def _reference_parts(net, X):
    """Gradients of net(X).sum() w.r.t. the shared weight: total, first use, second use."""
    with autograd.record():
        loss = net(X).sum()
    loss.backward()
    total = net[0].weight.grad().asnumpy().copy()
    W = net[0].weight.data()
    b = net[0].bias.data()
    Wa, Wb = W.copy(), W.copy()
    Wa.attach_grad()
    Wb.attach_grad()
    act0, act1 = net[0].act, net[1].act
    with autograd.record():
        h = nd.dot(X, Wa.T) + b
        h = act0(h) if act0 is not None else h
        h = nd.dot(h, Wb.T) + b
        h = act1(h) if act1 is not None else h
        out = net[2](h).sum()
    out.backward()
    return total, Wa.grad.asnumpy().copy(), Wb.grad.asnumpy().copy()


def check_2(make_tied_net, split_grads):
    """02.2: two layers share parameters, and the shared gradient is the sum of both uses."""
    net = call('make_tied_net()', make_tied_net)
    expect(isinstance(net, nn.Sequential),
           'make_tied_net() should return an nn.Sequential; it returned %s' % type(net).__name__)
    expect(len(net) == 3, 'your net should have 3 layers; it has %d' % len(net))
    expect(all(isinstance(layer, nn.Dense) for layer in net._children.values()),
           'all three layers should be nn.Dense; yours are %s'
           % [type(layer).__name__ for layer in net._children.values()])
    expect(net[0].weight is net[1].weight,
           'net[0] and net[1] do not share their weight (they hold %s and %s): create the second '
           'layer with params=<first layer>.params' % (net[0].weight.name, net[1].weight.name))
    expect(net[2].weight is not net[0].weight,
           'net[2] should have its own weight, not the shared one')
    call('net.initialize() on your net', net.initialize, init.Xavier())
    rng = np.random.default_rng(2)
    X = nd.array(rng.uniform(-1, 1, size=(4, 6)))
    total_ref, first_ref, second_ref = call(
        'running your net on an input of shape (4, 6)', _reference_parts, net, X,
        hint=' (the first layer needs in_units=6 and the second 6 units)')
    weights_before = net[0].weight.data().asnumpy().copy()
    result = call('split_grads(net, X)', split_grads, net, X)
    expect(isinstance(result, (tuple, list)) and len(result) == 3,
           'split_grads should return three gradients (total, first, second); it returned %s'
           % type(result).__name__)
    total, first, second = (_as_numpy(g, name) for g, name in
                            zip(result, ('total', 'first', 'second')))
    shape = first_ref.shape
    for g, name in ((total, 'total'), (first, 'first'), (second, 'second')):
        expect(g.shape == shape, 'your %s gradient has shape %s; the shared weight has shape %s'
               % (name, g.shape, shape))
    expect(np.array_equal(net[0].weight.data().asnumpy(), weights_before),
           'split_grads changed the shared weight; it should only compute gradients')

    def close(a, b):
        return np.allclose(a, b, rtol=1e-4, atol=1e-6)

    def gap(a, b):
        return float(np.abs(a - b).max())

    expect(close(total, total_ref),
           'your total gradient is not the gradient of net(X).sum() w.r.t. the shared weight '
           '(largest difference %.2e)' % gap(total, total_ref))
    if close(first, second_ref) and close(second, first_ref):
        raise ExerciseFailed('your first and second gradients are swapped: `first` should be '
                             'the contribution of net[0], the first use of the weight')
    expect(close(first, first_ref),
           'your `first` is not the gradient contribution of the first use (net[0]) alone '
           '(largest difference %.2e)' % gap(first, first_ref))
    expect(close(second, second_ref),
           'your `second` is not the gradient contribution of the second use (net[1]) alone '
           '(largest difference %.2e)' % gap(second, second_ref))
    expect(close(total, first + second),
           'total should equal first + second (largest difference %.2e)'
           % gap(total, first + second))
    passed('02.2', 'the shared weight\'s gradient is the sum of its two uses')


# ---------------------------------------------------------------------------------------
def check_3(pattern):
    """02.3: a collect_params regex that selects every bias and nothing else."""
    expect(isinstance(pattern, str) and pattern != '',
           'your pattern should be a non-empty string; got %r' % (pattern,))
    with mx.name.NameManager():
        net = nn.Sequential()
        net.add(nn.Dense(4, in_units=3), nn.Dense(5, in_units=4, use_bias=False),
                nn.Dense(3, in_units=5, prefix='bias_'), nn.Dense(2, in_units=3))

    def select() -> list:
        """The names ``collect_params(pattern)`` selects; a bad regex is the student's mistake."""
        try:
            return list(net.collect_params(pattern).keys())
        except re.error as err:
            raise ExerciseFailed('%r is not a valid regular expression: %s'
                                 % (pattern, err)) from None

    chosen = call('collect_params(%r)' % (pattern,), select)
    wanted = [name for name in net.collect_params().keys() if name.endswith('_bias')]
    if not [name for name in chosen if not name.startswith('bias_')]:
        raise ExerciseFailed(
            'collect_params(%r) selected %s from %s. collect_params uses re.match, which '
            'must match from the first character of the name: start the pattern with ".*"'
            % (pattern, 'only %s' % chosen if chosen else 'nothing',
               list(net.collect_params().keys())))
    extra = [name for name in chosen if name not in wanted]
    expect(not extra, 'collect_params(%r) also selected %s, which are not biases%s'
           % (pattern, extra, ": a layer's prefix may contain 'bias' (this one is 'bias_'), so "
              'the pattern must look at the end of the name ($)'
              if any(name.startswith('bias_') for name in extra) else ''))
    missing = [name for name in wanted if name not in chosen]
    expect(not missing, 'collect_params(%r) missed %s' % (pattern, missing))
    passed('02.3', 'collect_params(%r) selects %s' % (pattern, chosen))


# ----- 02.5 (observe/judge protocol) -------------------------------------------------------
_LR_5, _BATCH_5 = 0.5, 4


def _net_5():
    """Dense(4) -> a shared Dense(4) used twice -> Dense(1) whose bias is frozen."""
    net = nn.Sequential()
    shared = nn.Dense(4, in_units=4, activation='tanh')
    net.add(nn.Dense(4, in_units=3, activation='tanh'), shared,
            nn.Dense(4, in_units=4, activation='tanh', params=shared.params), nn.Dense(1, in_units=4))
    return net


def _draw_5(seed):
    """The input (4, 3) and every parameter's value, by structural key."""
    stream = rng(seed)
    shapes = {'0.weight': (4, 3), '0.bias': (4,), '1.weight': (4, 4), '1.bias': (4,),
              '3.weight': (1, 4), '3.bias': (1,)}
    X = stream.uniform(-1, 1, (_BATCH_5, 3)).astype(np.float32)
    return X, {k: stream.uniform(-1, 1, s).astype(np.float32) for k, s in shapes.items()}


def _prepared_5(seed):
    """The net with the seed's values, the output bias frozen, after one backward."""
    X, values = _draw_5(seed)
    with mx.name.NameManager():
        net = _net_5()
    net.initialize()
    params = net._collect_params_with_prefix()
    for key, value in values.items():
        params[key].set_data(nd.array(value))
    net[3].bias.grad_req = 'null'
    with autograd.record():
        loss = (net(nd.array(X)) ** 2).sum()
    loss.backward()
    return net


def _after_5(net) -> dict:
    return {key: p.data().asnumpy().astype(np.float64)
            for key, p in net._collect_params_with_prefix().items() if not key.startswith('2.')}


def observe_5(sgd_step, seed: int) -> dict:
    """Every parameter after ``sgd_step(net, lr, batch_size)`` on a net with a shared layer."""
    net = _prepared_5(seed)
    arrays = {key: p.data() for key, p in net._collect_params_with_prefix().items()}
    call('sgd_step(net, lr=%g, batch_size=%d)' % (_LR_5, _BATCH_5), sgd_step, net, _LR_5, _BATCH_5,
         hint=' (a parameter with grad_req "null" has no gradient: skip it)')
    params = net._collect_params_with_prefix()
    return {'values': {k: floats(v) for k, v in _after_5(net).items()},
            'in_place': all(params[k].data() is arrays[k] for k in arrays)}


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


check_5 = Check('02.5', observe_5, judge_5)
