"""Checks for chapter 6, GPU computation (GPU计算). They work with or without a GPU: the
target device is ``gpu(0)`` when there is one, else ``cpu(1)`` (a second CPU context, which
has the same rules for parameters).

Each ``check_k`` is a ``Check`` (observe in the student's kernel, judge from data).

- 06.1 ``check_1(to_device)``: move an initialized network to another device, keeping its values.
- 06.2 ``check_2(predict)``: run a network on the device of its parameters, answer on cpu(0).
- 06.5 ``check_5(Tensor)``: device dispatch from scratch, on stand-in devices.
"""
from __future__ import annotations

import numpy as np

import minigluon as mx
from minigluon import nd
from minigluon.gluon import Block, nn
from minigluon.ndarray import NDArray

from . import Check, call, expect, floats, rng
from .ch01 import _types
from .ch02 import seeded_init

# Its judges run in the grader's process only; the sandbox cannot import them.
JUDGES = 'minigluon_workbook.judges.ch06'


def target_context():
    """gpu(0) when minigluon sees a GPU, else cpu(1)."""
    return mx.gpu(0) if mx.context.num_gpus() > 0 else mx.cpu(1)


def _draw(seed):
    """The two layers' weights and biases, and X (3, 5)."""
    stream = rng(seed)
    return [stream.uniform(-1, 1, shape).astype(np.float32)
            for shape in ((8, 5), (8,), (2, 8), (2,), (3, 5))]


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


check_1 = Check('06.1', observe_1, JUDGES)


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


check_2 = Check('06.2', observe_2, JUDGES)


# ----- 06.5 (observe/judge protocol) -------------------------------------------------------
class _CountingModule:
    """An array module (like NumPy or CuPy) that counts the calls made through it."""

    def __init__(self):
        self.calls = 0

    def __getattr__(self, name):
        attr = getattr(np, name)
        if not callable(attr):
            return attr

        def counted(*args, **kwargs):
            self.calls += 1
            return attr(*args, **kwargs)
        return counted


class _Device:
    """A stand-in for a context: a name and its own array module ``xp``."""

    def __init__(self, name: str):
        self.name, self.xp = name, _CountingModule()

    def __eq__(self, other):
        return isinstance(other, _Device) and other.name == self.name

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return self.name


def _draw_5(seed):
    stream = rng(seed)
    return (stream.uniform(-1, 1, (2, 3)).astype(np.float32),
            stream.uniform(-1, 1, (2, 3)).astype(np.float32),
            stream.uniform(-1, 1, (3, 4)).astype(np.float32))


def observe_5(Tensor, seed: int) -> dict:
    """The toy Tensor on two stand-in devices whose array modules count their calls."""
    a, b, m = _draw_5(seed)
    dev0, dev1 = _Device('dev0'), _Device('dev1')
    x = call('Tensor(a, dev0)', Tensor, a, dev0)
    data = {'made_with_xp': dev0.xp.calls > 0}
    y, w = Tensor(b, dev0), Tensor(m, dev0)
    total = call('x + y', lambda: x + y)
    product = call('x.dot(w)', x.dot, w)
    data['sum'], data['product'] = floats(np.asarray(total.data)), floats(np.asarray(product.data))
    data['sum_ctx'], data['product_ctx'] = str(total.ctx), str(product.ctx)
    before = dev1.xp.calls
    moved = call('x.to(dev1)', x.to, dev1)
    data['moved_ctx'], data['moved'] = str(moved.ctx), floats(np.asarray(moved.data))
    data['moved_with_target_xp'] = dev1.xp.calls > before
    data['moved_is_copy'] = not np.shares_memory(np.asarray(moved.data), np.asarray(x.data))
    for key, fn in (('mixed_add', lambda: x + Tensor(b, dev1)),
                    ('mixed_dot', lambda: x.dot(Tensor(m, dev1)))):
        try:
            fn()
            data[key] = 'no error'
        except ValueError:
            data[key] = 'ValueError'
        except Exception as err:  # noqa: BLE001 - which error the student raised is judged
            data[key] = type(err).__name__
    return data


check_5 = Check('06.5', observe_5, JUDGES)


# ----- 06.6 (build track: devices for the student's Var and Module) ------------------------
_KEYS_6 = ('0.weight', '0.bias', '2.weight', '2.bias')
HOST_6, DEVICE_6 = mx.cpu(0), mx.cpu(1)     # a second CPU context stands for the device


def _draw_6(seed):
    """The input width (3 to 6), X (5, width) and the output weights w (5, 2)."""
    width = 3 + seed % 4
    stream = rng(seed + 1)
    return width, stream.uniform(-1, 1, (5, width)).astype(np.float32), \
        stream.uniform(-1, 1, (5, 2)).astype(np.float32)


def observe_6(Var, backprop, Sequential, ReLU, Linear, initialize, seed: int) -> dict:
    """A net initialized on the host from the seed's stream, moved with net.to(cpu(1)): where
    its parameters and results live, whether mixing devices raises, and the output and
    gradients computed on the device."""
    _types(Var=Var, Sequential=Sequential, ReLU=ReLU, Linear=Linear)
    width, X, w = _draw_6(seed)

    def build():
        net = Sequential(Linear(4), ReLU(), Linear(2))
        init, _ = seeded_init(seed)
        initialize(net, init)
        net(Var(X))
        return net

    net = call('building Sequential(Linear(4), ReLU(), Linear(2)) on the host', build)
    x_host = call('Var(X)', Var, X)
    data = {'host_ctx': str(getattr(x_host, 'ctx', None))}
    moved = call('net.to(cpu(1))', lambda: net.to(DEVICE_6))
    data['returns_itself'] = moved is net
    params = call('net.named_parameters()', net.named_parameters)
    expect(isinstance(params, dict) and [str(k) for k in params] == list(_KEYS_6),
           'net.named_parameters() has the keys %s; expected %s'
           % (list(params) if isinstance(params, dict) else params, list(_KEYS_6)))
    data['param_ctx'] = [str(getattr(p, 'ctx', None)) for p in params.values()]
    try:
        net(x_host)
        data['mixed'] = 'no error'
    except Exception as err:  # noqa: BLE001 - the same-device rule should raise
        data['mixed'] = type(err).__name__
    x_dev = call('Var(X).to(cpu(1))', lambda: x_host.to(DEVICE_6))
    data['same_is_itself'] = call('x.to(x.ctx)', lambda: x_dev.to(DEVICE_6)) is x_dev
    data['input_is_copy'] = x_dev is not x_host and getattr(x_dev, 'value', None) is not x_host.value
    data['x_ctx'] = [str(getattr(x_host, 'ctx', None)), str(getattr(x_dev, 'ctx', None))]
    out = call('net(x) on the device', lambda: net(x_dev))
    data['out_ctx'] = str(getattr(out, 'ctx', None))
    call('backprop(sum(net(x) * w)) on the device', lambda: backprop((out * Var(w).to(DEVICE_6)).sum()))
    data['out'] = floats(out.value)
    grads = {}
    for key, p in params.items():
        expect(p.grad is not None, 'after backprop on the device, the gradient of %s is None' % key)
        grads[key] = floats(p.grad)
    data['grads'] = grads
    return data


check_6 = Check('06.6', observe_6, JUDGES)
