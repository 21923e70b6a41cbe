"""Checks for chapter 02, "Parameter access, initialization and sharing"."""
from __future__ import annotations

import re

import numpy as np

import minigluon as mx
from minigluon import autograd, init, nd
from minigluon.gluon import nn

from . import Check, ExerciseFailed, Malformed, call, close, describe, expect, floats, rng


def _as_numpy(value, what: str) -> np.ndarray:
    if isinstance(value, nd.NDArray):
        return value.asnumpy()
    try:
        return np.asarray(value, dtype=np.float64)
    except Exception as err:  # noqa: BLE001 - any failure is the student's answer
        raise ExerciseFailed('%s should be an NDArray or a NumPy array; got %s (%s)'
                             % (what, type(value).__name__, describe(err))) from None


# ---------------------------------------------------------------------------------------
def _sizes_1(seed):
    """The (rows, cols) of the Dense weights the initializer fills."""
    if seed == 0:
        return [(8, 6), (5, 3)]
    stream = rng(seed)
    return [(int(stream.randint(4, 10)), int(stream.randint(2, 8))) for _ in range(2)]


def observe_1(HalfZero, seed: int) -> dict:
    """02.1: the weights and biases of two Dense layers initialized with the initializer."""
    if isinstance(HalfZero, type):
        initializer = call('creating your initializer with HalfZero()', HalfZero)
    else:
        initializer = HalfZero
    expect(isinstance(initializer, init.Initializer),
           'your initializer must be a subclass of init.Initializer (yours is a %s), so that '
           'net.initialize(HalfZero()) can call it' % type(initializer).__name__)
    layers = []
    for rows, cols in _sizes_1(seed):
        with mx.name.NameManager():
            layer = nn.Dense(rows, in_units=cols)
        call('initializing nn.Dense(%d, in_units=%d) with your initializer' % (rows, cols),
             layer.initialize, initializer)
        layers.append({'weight': floats(layer.weight.data()), 'bias': floats(layer.bias.data())})
    return {'layers': layers}


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


check_1 = Check('02.1', observe_1, judge_1)


# ---------------------------------------------------------------------------------------
_ACTIVATIONS = (None, 'relu', 'sigmoid', 'tanh', 'softrelu', 'softsign')


def _draw_2(seed):
    """X (4, 6); the shared weight (6, 6) and bias (6,); the last layer's weight and bias."""
    stream = rng(seed)
    return [stream.uniform(-1, 1, shape).astype(np.float32)
            for shape in ((4, 6), (6, 6), (6,), (1, 6), (1,))]


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


def observe_2(make_tied_net, split_grads, seed: int) -> dict:
    """02.2: the three gradients split_grads returns for the seed's weights and input."""
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
    X, W, b, W2, b2 = (nd.array(a) for a in _draw_2(seed))
    call('running your net on an input of shape (4, 6)', net, X,
         hint=' (the first layer needs in_units=6 and the second 6 units)')
    for param, value in ((net[0].weight, W), (net[0].bias, b), (net[1].bias, b),
                         (net[2].weight, W2), (net[2].bias, b2)):
        call('setting the parameter %s' % param.name, param.set_data, value,
             hint=' (the layers should be Dense(6, in_units=6), Dense(6) and Dense(1))')
    result = call('split_grads(net, X)', split_grads, net, X)
    expect(isinstance(result, (tuple, list)) and len(result) == 3,
           'split_grads should return three gradients (total, first, second); it returned %s'
           % type(result).__name__)
    grads = {name: _as_numpy(g, name) for g, name in zip(result, ('total', 'first', 'second'))}
    for name, g in grads.items():
        expect(g.shape == (6, 6), 'your %s gradient has shape %s; the shared weight has shape %s'
               % (name, g.shape, (6, 6)))
    expect(np.array_equal(net[0].weight.data().asnumpy(), W.asnumpy()),
           'split_grads changed the shared weight; it should only compute gradients')
    acts = [layer.act._act_type if layer.act is not None else None for layer in net._children.values()]
    return dict({name: floats(g) for name, g in grads.items()}, acts=acts)


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


check_2 = Check('02.2', observe_2, judge_2)


# ---------------------------------------------------------------------------------------
def _net_3():
    """Dense layers, one without a bias and one whose prefix contains 'bias'."""
    with mx.name.NameManager():
        net = nn.Sequential()
        net.add(nn.Dense(4, in_units=3), nn.Dense(5, in_units=4, use_bias=False),
                nn.Dense(3, in_units=5, prefix='bias_'), nn.Dense(2, in_units=3))
    return net


def _names_3() -> tuple[list, list]:
    """Every parameter name of the test net, and its biases."""
    names = list(_net_3().collect_params().keys())
    return names, [name for name in names if name.endswith('_bias')]


def observe_3(pattern, seed: int) -> dict:
    """02.3: the names collect_params(pattern) selects from a 3-layer net."""
    expect(isinstance(pattern, str) and pattern != '',
           'your pattern should be a non-empty string; got %r' % (pattern,))
    net = _net_3()

    def select() -> list:
        """The names ``collect_params(pattern)`` selects; a bad regex is the student's mistake."""
        try:
            return list(net.collect_params(pattern).keys())
        except re.error as err:
            raise ExerciseFailed('%r is not a valid regular expression: %s'
                                 % (pattern, err)) from None

    return {'pattern': pattern, 'chosen': call('collect_params(%r)' % (pattern,), select)}


def judge_3(data, seed: int) -> str:
    names, wanted = _names_3()
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


check_3 = Check('02.3', observe_3, judge_3)


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
