"""Checks for chapter 6, GPU computation (GPU计算). They work with or without a GPU: the
target device is ``gpu(0)`` when there is one, else ``cpu(1)`` (a second CPU context, which
has the same rules for parameters).

- 06.1 ``check_1(to_device)``: move an initialized network to another device, keeping its values.
- 06.2 ``check_2(predict)``: run a network on the device of its parameters, answer on cpu(0).
"""
from __future__ import annotations

import numpy as np

import minigluon as mx
from minigluon import nd
from minigluon.gluon import Block, nn
from minigluon.ndarray import NDArray

from . import call, expect, passed


def target_context():
    """gpu(0) when minigluon sees a GPU, else cpu(1)."""
    return mx.gpu(0) if mx.context.num_gpus() > 0 else mx.cpu(1)


def _net_and_data():
    net = nn.Sequential()
    net.add(nn.Dense(8, activation='relu', in_units=5), nn.Dense(2, in_units=8))
    net.initialize(mx.init.Normal(sigma=0.5), ctx=mx.cpu(0))
    X = nd.array(np.random.default_rng(6).standard_normal((3, 5)))
    return net, X, net(X).asnumpy()


def _contexts(net) -> dict:
    return {name: p.list_ctx() for name, p in net.collect_params().items()}


# ----- 06.1 ---------------------------------------------------------------------------------
def check_1(to_device):
    """``to_device(net, ctx)`` moves every parameter of ``net`` to ``ctx`` and returns ``net``."""
    net, X, Y = _net_and_data()
    ctx = target_context()
    moved = call('to_device(net, %s)' % (ctx,), to_device, net, ctx)
    expect(isinstance(moved, Block), 'to_device returned %r; expected the network' % (moved,))
    for name, ctxs in _contexts(moved).items():
        expect(ctxs == [ctx], 'after to_device(net, %s), parameter %s lives on %s; expected '
               '[%s]. Move the values with net.collect_params().reset_ctx(ctx)'
               % (ctx, name, ctxs, ctx))
    out = call('running the moved network on X.as_in_context(%s)' % (ctx,), moved,
               X.as_in_context(ctx))
    expect(out.context == ctx, 'the moved network answered on %s; expected %s'
           % (out.context, ctx))
    expect(np.allclose(out.asnumpy(), Y, rtol=1e-5, atol=1e-6),
           'the moved network computes other outputs than before the move:\n%s\ninstead of\n%s\n'
           'Its parameters were re-initialized on %s instead of moved: use reset_ctx, which '
           'copies the values' % (out.asnumpy(), Y, ctx))
    passed('06.1', 'every parameter moved to %s with its values (outputs agree)' % ctx)


# ----- 06.2 ---------------------------------------------------------------------------------
def check_2(predict):
    """``predict(net, X)`` runs ``net`` where its parameters live and returns the output on
    cpu(0), for ``X`` on any device."""
    net, X, Y = _net_and_data()
    ctx = target_context()
    net.collect_params().reset_ctx(ctx)
    for where, Xin in (('cpu(0)', X), (str(ctx), X.as_in_context(ctx))):
        out = call('predict(net, X) with net on %s and X on %s' % (ctx, where), predict, net, Xin,
                   hint='. Move X to the device of the parameters first: '
                   'ctx = net[0].weight.list_ctx()[0], then X.as_in_context(ctx)')
        expect(isinstance(out, NDArray), 'predict returned a %s; expected an NDArray on cpu(0)'
               % type(out).__name__)
        expect(out.context == mx.cpu(0), 'predict returned an array on %s; expected cpu(0): '
               'bring the output back with .as_in_context(mx.cpu())' % out.context)
        expect(out.shape == Y.shape and np.allclose(out.asnumpy(), Y, rtol=1e-5, atol=1e-6),
               'predict(net, X) returned\n%s\nexpected net(X) =\n%s' % (out.asnumpy(), Y))
    passed('06.2', 'ran on %s and answered on cpu(0), for X on cpu(0) and on %s' % (ctx, ctx))
