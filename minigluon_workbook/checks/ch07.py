"""Checks for chapter 07, the capstone (综合练习), in the observe/judge protocol.

- 07.1 ``check_1(ScaleShift)``: a layer with its own parameters ``gamma`` and ``beta`` whose
  length is inferred at the first forward.
- 07.2 ``check_2(make_net)``: a network whose second and third layers share parameters,
  with every shape deferred.
- 07.3 ``check_3(train)``: a minibatch training loop with ``autograd`` and a ``Trainer``.
- 07.4 ``check_4(save_checkpoint, load_checkpoint)``: a checkpoint of parameters and trainer
  state, reloaded onto another context into a new net and a new trainer, resumes exactly
  where training stopped.

Each observe sets the parameters to values drawn from the seed, so its judge recomputes the
expected outputs, gradients and losses without asking the student's process.
"""
from __future__ import annotations

import os
import shutil
import tempfile

import numpy as np

import minigluon as mx
from minigluon import autograd, gluon, init, nd
from minigluon.gluon import loss as gloss
from minigluon.gluon import nn

from . import Check, ExerciseFailed, block, call, close, expect, floats, rng


def _uniform(stream, *shape, scale=1.0):
    return (stream.uniform(-1, 1, shape) * scale).astype(np.float32)


def _is_deferred(param: gluon.Parameter) -> bool:
    """Whether ``param.data()`` raises DeferredInitializationError."""
    try:
        param.data()
    except gluon.DeferredInitializationError:
        return True
    except RuntimeError:  # never initialized at all
        return False
    return False


def _shape(param) -> list:
    return list(param.shape) if param.shape is not None else []


# ----- 07.1 ---------------------------------------------------------------------------------
def _draw_1(seed):
    """The input x (4, 5), gamma and beta (5,) and the output gradient (4, 5)."""
    stream = rng(seed)
    return (_uniform(stream, 4, 5), _uniform(stream, 5, scale=2), _uniform(stream, 5),
            _uniform(stream, 4, 5))


def _forward_backward(layer, x, ograd):
    """``layer(x)``, differentiated with output gradient ``ograd``."""
    with autograd.record():
        out = layer(x)
    out.backward(ograd)
    return out


def observe_1(ScaleShift, seed: int) -> dict:
    """Build, initialize, run and differentiate the layer with gamma and beta from the seed."""
    x, gamma_value, beta_value, ograd = _draw_1(seed)
    with mx.name.NameManager():
        layer = block(ScaleShift, 'ScaleShift()')
    missing = [a for a in ('gamma', 'beta')
               if not isinstance(getattr(layer, a, None), gluon.Parameter)]
    expect(not missing, 'your layer has no Parameter attribute %s: create it with '
           'self.params.get(...) in __init__' % ' or '.join(repr(m) for m in missing))
    gamma, beta = layer.gamma, layer.beta
    data = {'names': sorted(n[len(layer.prefix):] for n in layer.collect_params().keys()),
            'gamma_before': _shape(gamma), 'beta_before': _shape(beta)}
    if 0 not in data['gamma_before'] or 0 not in data['beta_before']:
        return data  # nothing to defer: judged from the shapes
    call('layer.initialize(init.Constant(7))', layer.initialize, init.Constant(7),
         hint=' (did you pass allow_deferred_init=True to params.get?)')
    data['gamma_deferred'], data['beta_deferred'] = _is_deferred(gamma), _is_deferred(beta)
    call('running your layer on an input of shape (4, 5)', layer, nd.array(x),
         hint=' (at the first forward, set the shapes to (x.shape[-1],) before reading the '
         'data: override infer_shape in a HybridBlock)')
    data['gamma_after'], data['beta_after'] = _shape(gamma), _shape(beta)
    if data['gamma_after'] != [5] or data['beta_after'] != [5]:
        return data
    data['start'] = [floats(gamma.data()), floats(beta.data())]
    gamma.set_data(nd.array(gamma_value))
    beta.set_data(nd.array(beta_value))
    out = call('running your layer and backward through it', _forward_backward, layer,
               nd.array(x), nd.array(ograd))
    expect(isinstance(out, nd.NDArray) and out.shape == (4, 5), 'your layer returned %s for an '
           'input of shape (4, 5); expected an NDArray of the same shape'
           % (getattr(out, 'shape', type(out).__name__),))
    data['out'] = floats(out)
    data['grads'] = [floats(gamma.grad()), floats(beta.grad())]
    with mx.name.NameManager():
        other = ScaleShift()
    other.initialize()
    try:
        other(nd.ones((2, 7)))
    except Exception:  # noqa: BLE001 - a layer that cannot take width 7 is judged by its shapes
        pass
    data['gamma_width7'], data['beta_width7'] = _shape(other.gamma), _shape(other.beta)
    return data


def judge_1(data, seed: int) -> str:
    x, gamma_value, beta_value, ograd = _draw_1(seed)
    names = data.strs('names')
    expect(names == ['beta', 'gamma'], "your layer's parameters are %s (after the prefix); "
           "expected exactly 'gamma' and 'beta'" % names)
    before = data.shape('gamma_before'), data.shape('beta_before')
    expect(all(0 in s for s in before), 'before any input the shapes should be unknown, (0,); '
           'yours are %s and %s, so nothing is deferred' % before)
    expect(data.bool('gamma_deferred') and data.bool('beta_deferred'), 'right after '
           'initialize() both parameters should be deferred (data() raises '
           'DeferredInitializationError)')
    after = data.shape('gamma_after'), data.shape('beta_after')
    expect(after == ((5,), (5,)), 'after an input of shape (4, 5), gamma and beta have shapes '
           '%s and %s; expected (5,) each: one per feature (the last axis)' % after)
    start = data.array('start', (2, 5))
    expect(close(start[0], np.ones(5)) and close(start[1], np.zeros(5)),
           'after initialize(init.Constant(7)) gamma starts at %s and beta at %s; they should '
           'start at 1 and 0 whatever default initialize() is given: give each its own init= '
           'in params.get' % (start[0][:2].tolist(), start[1][:2].tolist()))
    out, want = data.array('out', (4, 5)), x * gamma_value + beta_value
    expect(close(out, want), 'your layer returned %s for the first row; expected x * gamma + '
           'beta = %s' % (np.round(out[0], 4).tolist(), np.round(want[0], 4).tolist()))
    grads = data.array('grads', (2, 5))
    for name, got, want in zip(('gamma', 'beta'), grads, ((x * ograd).sum(0), ograd.sum(0))):
        expect(close(got, want, atol=1e-5), "the gradient of %s is %s; expected %s (use the "
               "parameter's data in the computation, not a copy)"
               % (name, np.round(got, 4).tolist(), np.round(want, 4).tolist()))
    width7 = data.shape('gamma_width7'), data.shape('beta_width7')
    expect(width7 == ((7,), (7,)), 'a fresh ScaleShift given inputs of width 7 has shapes %s and '
           '%s; infer the length from x.shape[-1] instead of fixing it' % width7)
    return ('gamma and beta are inferred at the first forward, start at 1 and 0, and get their '
            'gradients')


check_1 = Check('07.1', observe_1, judge_1)


# ----- 07.2 ---------------------------------------------------------------------------------
_SHAPES_2 = {'0.weight': (16, 8), '0.bias': (16,), '1.weight': (16, 16), '1.bias': (16,),
             '3.gamma': (16,), '3.beta': (16,), '4.weight': (1, 16), '4.bias': (1,)}


def _draw_2(seed):
    """The input x (4, 8) and a value for every parameter (the shared pair once, as '1.*')."""
    stream = rng(seed)
    x = _uniform(stream, 4, 8)
    return x, {key: _uniform(stream, *shape, scale=0.5) for key, shape in _SHAPES_2.items()}


def _net_2(x, values):
    """What make_net's network computes with these parameter values, in NumPy."""
    h = x
    for i in (0, 1, 1):  # layer 2 uses layer 1's weight and bias
        h = np.tanh(h @ values['%d.weight' % i].T + values['%d.bias' % i])
    h = h * values['3.gamma'] + values['3.beta']
    return h @ values['4.weight'].T + values['4.bias']


def observe_2(make_net, seed: int) -> dict:
    """The structure of ``make_net()``, and its output with the parameters from the seed."""
    x, values = _draw_2(seed)
    with mx.name.NameManager():
        net = call('make_net()', make_net)
    expect(isinstance(net, nn.Sequential), 'make_net() should return an nn.Sequential; it '
           'returned a %s' % type(net).__name__)
    layers = list(net._children.values())
    data = {'layers': [type(layer).__name__ for layer in layers],
            'same_object': len(layers) > 2 and layers[1] is layers[2]}
    if len(layers) != 5:
        return data
    data['units'] = [int(getattr(layers[i], '_units', -1)) for i in (0, 1, 2, 4)]
    data['activations'] = [str(getattr(getattr(layers[i], 'act', None), '_act_type', 'none'))
                           for i in (0, 1, 2, 4)]
    data['middle'] = sorted(n[len(layers[3].prefix):] for n in layers[3].params.keys())
    data['shared'] = all(getattr(layers[1], k, None) is not None
                         and getattr(layers[1], k, None) is getattr(layers[2], k, None)
                         for k in ('weight', 'bias'))
    data['known_before'] = sorted(k for k, p in net._collect_params_with_prefix().items()
                                  if k.endswith('weight') and p.shape and 0 not in p.shape)
    call('net.initialize()', net.initialize)
    out = call('running your net on an input of shape (4, 8)', net, nd.array(x))
    data['out_shape'] = list(getattr(out, 'shape', ()))
    params = net._collect_params_with_prefix()
    data['shapes'] = {k: _shape(p) for k, p in params.items()}
    data['count'] = len(net.collect_params())
    if all(tuple(data['shapes'].get(k, ())) == s for k, s in _SHAPES_2.items()):
        for key, value in values.items():
            params[key].set_data(nd.array(value))
        data['out'] = floats(call('running your net', net, nd.array(x)))
    return data


def judge_2(data, seed: int) -> str:
    x, values = _draw_2(seed)
    expect(not data.bool('same_object'), 'layers 1 and 2 are one Dense object added twice; '
           "make the third layer a new Dense that shares the second one's parameters with "
           'params=<second layer>.params')
    kinds = data.strs('layers')
    expect(len(kinds) == 5, 'your net has %d layers (%s); expected 5: Dense, Dense, Dense '
           "(sharing the second one's parameters), ScaleShift, Dense(1)"
           % (len(kinds), ', '.join(kinds)))
    expect(kinds[:3] == ['Dense'] * 3 and kinds[4] == 'Dense', 'your layers are %s; expected '
           'Dense, Dense, Dense, ScaleShift, Dense' % kinds)
    expect(data.strs('middle') == ['beta', 'gamma'], 'layer 3 should be your ScaleShift '
           '(parameters gamma and beta); its parameters are %s' % data.strs('middle'))
    expect(data.array('units', (4,)).tolist() == [16, 16, 16, 1], 'your Dense layers have %s '
           'units; expected 16, 16, 16 and 1' % data.array('units', (4,)).astype(int).tolist())
    activations = data.strs('activations')
    expect(activations == ['tanh', 'tanh', 'tanh', 'none'], 'the activations are %s; expected '
           'tanh for the three Dense(16) and none for the output' % activations)
    expect(data.bool('shared'), 'layers 1 and 2 do not share their weight and bias: create the '
           'third layer with params=<second layer>.params')
    known = data.strs('known_before')
    expect(not known, 'the weights %s have known shapes before the first forward; give no '
           'in_units, so that every shape is inferred (deferred initialization)' % known)
    expect(data.shape('out_shape') == (4, 1), 'your net maps a (4, 8) input to %s; expected '
           '(4, 1)' % (data.shape('out_shape'),))
    shapes = data.sub('shapes')
    got = {k: shapes.shape(k) if shapes.has(k) else None for k in _SHAPES_2}
    expect(got == _SHAPES_2, 'after the first forward the shapes are %s; expected %s'
           % (got, _SHAPES_2))
    expect(data.int('count') == 8, 'collect_params() lists %d parameters; expected 8 (the '
           'shared weight and bias once)' % data.int('count'))
    out, want = data.array('out', (4, 1)), _net_2(x, values)
    expect(close(out, want, atol=1e-5), 'with the same parameter values your net computes %s; '
           'expected %s: tanh after each Dense(16), then ScaleShift, then the output layer'
           % (np.round(out.ravel(), 4).tolist(), np.round(want.ravel(), 4).tolist()))
    return ('layers 1 and 2 share one weight and bias, and every shape was inferred at the '
            'first forward')


check_2 = Check('07.2', observe_2, judge_2)


# ----- 07.3 and 07.4: the checks' own network, data and training loop ------------------------
_SHAPES = {'0.weight': (6, 5), '0.bias': (6,), '1.weight': (6, 6), '1.bias': (6,),
           '3.weight': (1, 6), '3.bias': (1,)}


def _small_net():
    """Deferred shapes and a shared pair, built without the student's code."""
    net = nn.Sequential()
    shared = nn.Dense(6, activation='tanh')
    net.add(nn.Dense(6, activation='tanh'), shared,
            nn.Dense(6, activation='tanh', params=shared.params), nn.Dense(1))
    return net


def _draw_data(seed, n: int = 24, d: int = 5):
    """Inputs X (n, d), targets y (n, 1) and the initial parameter values."""
    stream = rng(seed)
    X = _uniform(stream, n, d, scale=2)
    y = (np.tanh(X @ _uniform(stream, d, 1)) * 2 + 0.5).astype(np.float32)
    values = {key: _uniform(stream, *shape, scale=0.5) for key, shape in _SHAPES.items()}
    return X, y, values


def _fresh(values, optimizer: str, ctx=None):
    """The small net on ``ctx`` with these initial values, and a new trainer for it."""
    with mx.name.NameManager():
        net = _small_net()
    net.initialize(ctx=ctx)
    net(nd.zeros((1, 5), ctx=ctx))  # the first forward infers the shapes
    params = net._collect_params_with_prefix()
    for key, value in values.items():
        params[key].set_data(nd.array(value))
    return net, gluon.Trainer(net.collect_params(), optimizer, {'learning_rate': 0.05})


def _values(net) -> dict:
    params = net._collect_params_with_prefix()
    return {key: params[key].data().asnumpy().astype(np.float64) for key in _SHAPES}


def _run(net, trainer, X, y, epochs: int, batch_size: int) -> list:
    """Minibatches in order, L2Loss, one step per batch; the mean loss of each epoch."""
    l2 = gloss.L2Loss()
    losses = []
    for _ in range(epochs):
        total = 0.0
        for start in range(0, X.shape[0], batch_size):
            Xb, yb = X[start:start + batch_size], y[start:start + batch_size]
            with autograd.record():
                loss = l2(net(Xb), yb)
            loss.backward()
            trainer.step(Xb.shape[0])
            total += float(loss.sum().asscalar())
        losses.append(total / X.shape[0])
    return losses


# ----- 07.3 ---------------------------------------------------------------------------------
def observe_3(train, seed: int) -> dict:
    """``train(net, trainer, X, y, 3, 8)`` on the checks' net, data and initial values."""
    X, y, values = _draw_data(seed)
    net, trainer = _fresh(values, 'sgd')
    returned = call('train(net, trainer, X, y, epochs=3, batch_size=8)', train, net, trainer,
                    nd.array(X), nd.array(y), 3, 8)
    try:
        losses = [float(v.asscalar() if isinstance(v, nd.NDArray) else v) for v in returned]
    except Exception:  # noqa: BLE001 - anything but a list of numbers is the student's problem
        raise ExerciseFailed('train(...) returned a %s; expected a list with one number per '
                             'epoch' % type(returned).__name__) from None
    return {'losses': losses, 'params': {k: floats(v) for k, v in _values(net).items()}}


def judge_3(data, seed: int) -> str:
    X, y, values = _draw_data(seed)
    losses = data.array('losses')
    expect(losses.shape == (3,), 'train(..., epochs=3, ...) returned %d values; expected 3, the '
           'mean loss of each epoch' % losses.size)
    params = data.sub('params')
    got = {k: params.array(k, s) for k, s in _SHAPES.items()}
    expect(any(not close(got[k], values[k], rtol=0, atol=0) for k in _SHAPES),
           'the parameters did not change: call trainer.step(batch_size) after each backward')
    net, trainer = _fresh(values, 'sgd')
    want_losses = _run(net, trainer, nd.array(X), nd.array(y), 3, 8)
    want = _values(net)
    if not all(close(got[k], want[k], rtol=1e-4) for k in _SHAPES):
        full, full_trainer = _fresh(values, 'sgd')
        _run(full, full_trainer, nd.array(X), nd.array(y), 3, X.shape[0])
        as_full = _values(full)
        expect(not all(close(got[k], as_full[k], rtol=1e-4) for k in _SHAPES),
               'the parameters moved as if the whole data set were one batch: take minibatches '
               'X[i:i + batch_size] and step after each one')
        raise ExerciseFailed('the parameters after 3 epochs differ from the reference loop: '
                             'minibatches in order (no shuffling), L2Loss, loss.backward() then '
                             'trainer.step(batch_size) once per minibatch')
    expect(close(losses, np.array(want_losses), rtol=1e-4),
           'your epoch losses are %s; expected %s, the mean per-example L2 loss of each epoch '
           '(sum the per-example losses of every batch, divide by the number of examples)'
           % (np.round(losses, 4).tolist(), np.round(want_losses, 4).tolist()))
    return 'the same parameters and epoch losses as the reference loop'


check_3 = Check('07.3', observe_3, judge_3)


# ----- 07.4 ---------------------------------------------------------------------------------
def observe_4(save_checkpoint, load_checkpoint, seed: int) -> dict:
    """Train 2 epochs, checkpoint, reload onto cpu(1) into a new net and trainer, train 2 more."""
    X, y, values = _draw_data(seed)
    folder = tempfile.mkdtemp(prefix='check07-4-')
    prefix = os.path.join(folder, 'ckpt')
    try:
        net, trainer = _fresh(values, 'adam')
        _run(net, trainer, nd.array(X), nd.array(y), 2, 8)
        call('save_checkpoint(net, trainer, prefix)', save_checkpoint, net, trainer, prefix)
        data = {'files': len(os.listdir(folder))}
        ctx = mx.cpu(1)
        with mx.name.NameManager():  # the same names as the saved net, as in a new process
            fresh = _small_net()
        fresh_trainer = call('load_checkpoint(net, prefix, mx.cpu(1))', load_checkpoint, fresh,
                             prefix, ctx, hint=' (load the parameters first: a Trainer needs '
                             'initialized parameters)')
        expect(isinstance(fresh_trainer, gluon.Trainer), 'load_checkpoint returned a %s; '
               'expected the new gluon.Trainer, with the state loaded'
               % type(fresh_trainer).__name__)
        params = fresh._collect_params_with_prefix()
        data['initialized'] = all(p._data is not None for p in params.values())
        if not data['initialized']:
            return data
        data['contexts'] = sorted({str(c) for p in params.values() for c in p.list_ctx()})
        if data['contexts'] != ['cpu(1)']:
            return data
        data['params'] = {k: floats(v) for k, v in _values(fresh).items()}
        data['resumed'] = call('training the reloaded net on cpu(1)', _run, fresh, fresh_trainer,
                               nd.array(X, ctx=ctx), nd.array(y, ctx=ctx), 2, 8)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return data


def judge_4(data, seed: int) -> str:
    X, y, values = _draw_data(seed)
    files = data.int('files')
    expect(files >= 2, 'save_checkpoint wrote %d file(s); a checkpoint needs two: the '
           'parameters (net.save_parameters) and the trainer state (trainer.save_states)' % files)
    expect(data.bool('initialized'), 'after load_checkpoint the new net still has parameters '
           'without data: load the parameter file with net.load_parameters(..., ctx=ctx)')
    contexts = data.strs('contexts')
    expect(contexts == ['cpu(1)'], 'the reloaded parameters live on %s; expected only cpu(1), '
           'the context given to load_checkpoint (pass ctx= to load_parameters)' % contexts)
    net, trainer = _fresh(values, 'adam')
    _run(net, trainer, nd.array(X), nd.array(y), 2, 8)
    saved = _values(net)
    continued = _run(net, trainer, nd.array(X), nd.array(y), 2, 8)
    params = data.sub('params')
    # close, not equal: the grader's process may sum in another order than the student's kernel
    expect(all(close(params.array(k, s), saved[k], rtol=1e-5, atol=1e-6)
               for k, s in _SHAPES.items()),
           'the reloaded parameters differ from the ones saved: load the parameter file that '
           'save_checkpoint wrote')
    resumed = data.array('resumed', (2,))
    expect(close(resumed, np.array(continued), rtol=1e-5, atol=1e-7),
           'after reloading, training gives the losses %s, but uninterrupted training gives %s: '
           'the parameters are right, so the optimizer state is missing. Save it with '
           'trainer.save_states and load it with trainer.load_states (Adam keeps two moving '
           'averages and a step count per parameter)'
           % (np.round(resumed, 5).tolist(), np.round(continued, 5).tolist()))
    return 'training resumed on cpu(1) gives the same losses as uninterrupted training'


check_4 = Check('07.4', observe_4, judge_4)
