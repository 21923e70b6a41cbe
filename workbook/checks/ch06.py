"""Checks for chapter 6, GPU computation (GPU计算). They work with or without a GPU: the
target device is ``gpu(0)`` when there is one, else ``cpu(1)`` (a second CPU context, which
has the same rules for parameters).

Each ``check_k`` is a ``Check`` (observe in the student's kernel, judge from data).

- 06.1 ``check_1(to_device)``: move an initialized network to another device, keeping its values.
- 06.2 ``check_2(predict)``: run a network on the device of its parameters, answer on cpu(0).
"""
from __future__ import annotations

import numpy as np

import minigluon as mx
from minigluon import nd
from minigluon.gluon import Block, nn
from minigluon.ndarray import NDArray

from . import Check, Data, Malformed, call, close, expect, floats, rng


def target_context():
    """gpu(0) when minigluon sees a GPU, else cpu(1)."""
    return mx.gpu(0) if mx.context.num_gpus() > 0 else mx.cpu(1)


_TARGETS = ('gpu(0)', 'cpu(1)')


def _draw(seed):
    """The two layers' weights and biases, and X (3, 5)."""
    stream = rng(seed)
    return [stream.uniform(-1, 1, shape).astype(np.float32)
            for shape in ((8, 5), (8,), (2, 8), (2,), (3, 5))]


def _expected(seed) -> np.ndarray:
    W1, b1, W2, b2, X = _draw(seed)
    return np.maximum(X @ W1.T + b1, 0) @ W2.T + b2


def _net_and_data(seed):
    """A Dense(8, relu) -> Dense(2) net on cpu(0) holding the seed's values, and X on cpu(0)."""
    net = nn.Sequential()
    net.add(nn.Dense(8, activation='relu', in_units=5), nn.Dense(2, in_units=8))
    net.initialize(mx.init.Normal(sigma=0.5), ctx=mx.cpu(0))
    W1, b1, W2, b2, X = _draw(seed)
    for param, value in zip(net.collect_params().values(), (W1, b1, W2, b2)):
        param.set_data(nd.array(value))
    return net, nd.array(X)


def _contexts(net) -> dict:
    return {name: [str(c) for c in p.list_ctx()] for name, p in net.collect_params().items()}


def _target(data) -> str:
    target = data.str('target')
    if target not in _TARGETS:
        raise Malformed('the observation: the target device %r is not one of %s' % (target, _TARGETS))
    return target


def _agrees(out, seed) -> bool:
    return close(out, _expected(seed), rtol=1e-5, atol=1e-5)


# ----- 06.1 ---------------------------------------------------------------------------------
def observe_1(to_device, seed: int) -> dict:
    """06.1: where the moved network's parameters live, and what it computes there."""
    net, X = _net_and_data(seed)
    ctx = target_context()
    moved = call('to_device(net, %s)' % (ctx,), to_device, net, ctx)
    expect(isinstance(moved, Block), 'to_device returned %r; expected the network' % (moved,))
    contexts = _contexts(moved)
    data = {'target': str(ctx), 'contexts': [[name, ctxs] for name, ctxs in contexts.items()]}
    if all(ctxs == [str(ctx)] for ctxs in contexts.values()):
        out = call('running the moved network on X.as_in_context(%s)' % (ctx,), moved,
                   X.as_in_context(ctx))
        data.update(out_context=str(out.context), out=floats(out))
    return data


def judge_1(data, seed: int) -> str:
    ctx = _target(data)
    raw = data._get('contexts')
    if not isinstance(raw, list) or len(raw) > 100:
        raise Malformed('the observation: contexts is not a list')
    for item in raw:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
            raise Malformed('the observation: %r is not (name, contexts)' % (item,))
        name, ctxs = item[0][:100], Data({'c': item[1]}).strs('c')
        expect(ctxs == [ctx], 'after to_device(net, %s), parameter %s lives on [%s]; expected '
               '[%s]. Move the values with net.collect_params().reset_ctx(ctx)'
               % (ctx, name, ', '.join(ctxs), ctx))
    expect(len(raw) == 4, 'the moved network has %d parameters; expected 4' % len(raw))
    out_context = data.str('out_context')
    expect(out_context == ctx, 'the moved network answered on %s; expected %s' % (out_context, ctx))
    out = data.array('out', (3, 2))
    expect(_agrees(out, seed),
           'the moved network computes other outputs than before the move:\n%s\ninstead of\n%s\n'
           'Its parameters were re-initialized on %s instead of moved: use reset_ctx, which '
           'copies the values' % (out, _expected(seed), ctx))
    return 'every parameter moved to %s with its values (outputs agree)' % ctx


check_1 = Check('06.1', observe_1, judge_1)


# ----- 06.2 ---------------------------------------------------------------------------------
def observe_2(predict, seed: int) -> dict:
    """06.2: predict's output and its device, for X on cpu(0) and on the network's device."""
    net, X = _net_and_data(seed)
    ctx = target_context()
    net.collect_params().reset_ctx(ctx)
    runs = []
    for where, Xin in (('cpu(0)', X), (str(ctx), X.as_in_context(ctx))):
        out = call('predict(net, X) with net on %s and X on %s' % (ctx, where), predict, net, Xin,
                   hint='. Move X to the device of the parameters first: '
                   'ctx = net[0].weight.list_ctx()[0], then X.as_in_context(ctx)')
        expect(isinstance(out, NDArray), 'predict returned a %s; expected an NDArray on cpu(0)'
               % type(out).__name__)
        runs.append({'context': str(out.context), 'shape': list(out.shape), 'out': floats(out)})
    return {'target': str(ctx), 'runs': runs}


def judge_2(data, seed: int) -> str:
    ctx = _target(data)
    runs = data.list('runs', 2)
    expect(len(runs) == 2, 'predict ran %d times; expected 2' % len(runs))
    for run in runs:
        context = run.str('context')
        expect(context == 'cpu(0)', 'predict returned an array on %s; expected cpu(0): '
               'bring the output back with .as_in_context(mx.cpu())' % context)
        shape = run.shape('shape')
        out = run.array('out', shape)
        expect(shape == (3, 2) and _agrees(out, seed),
               'predict(net, X) returned\n%s\nexpected net(X) =\n%s' % (out, _expected(seed)))
    return 'ran on %s and answered on cpu(0), for X on cpu(0) and on %s' % (ctx, ctx)


check_2 = Check('06.2', observe_2, judge_2)
