"""Checks for chapter 07, the capstone (综合练习).

Each check first *observes* the student's code (runs it and collects plain facts: shapes,
names, values) and then *judges* those facts, so the two halves can run apart.

- 07.1 ``check_1(ScaleShift)``: a layer with its own parameters ``gamma`` and ``beta`` whose
  length is inferred at the first forward.
- 07.2 ``check_2(make_net)``: a network whose second and third layers share parameters,
  with every shape deferred.
- 07.3 ``check_3(train)``: a minibatch training loop with ``autograd`` and a ``Trainer``.
- 07.4 ``check_4(save_checkpoint, load_checkpoint)``: a checkpoint of parameters and trainer
  state, reloaded onto another context, resumes exactly where training stopped.
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

from . import ExerciseFailed, call, expect, passed


def _is_deferred(param: gluon.Parameter) -> bool:
    """Whether ``param.data()`` raises DeferredInitializationError."""
    try:
        param.data()
    except gluon.DeferredInitializationError:
        return True
    except RuntimeError:  # never initialized at all
        return False
    return False


def _forward_backward(layer, X, ograd):
    """``layer(X)``, differentiated with output gradient ``ograd``."""
    with autograd.record():
        out = layer(X)
    out.backward(ograd)
    return out


def _values(net) -> dict:
    """Every parameter's value as a NumPy array, by structural key."""
    return {key: p.data().asnumpy() for key, p in net._collect_params_with_prefix().items()}


# ----- 07.1 ---------------------------------------------------------------------------------
def observe_1(ScaleShift) -> dict:
    """Build, initialize, run and differentiate the student's layer; collect what happened."""
    with mx.name.NameManager():
        layer = call('ScaleShift()', ScaleShift)
    facts = {'is_block': isinstance(layer, nn.Block), 'type': type(layer).__name__}
    if not facts['is_block']:
        return facts
    params = layer.collect_params()
    facts['prefix'] = layer.prefix
    facts['names'] = list(params.keys())
    facts['attrs'] = {a: isinstance(getattr(layer, a, None), gluon.Parameter)
                      for a in ('gamma', 'beta')}
    if not all(facts['attrs'].values()):
        return facts
    gamma, beta = layer.gamma, layer.beta
    facts['shapes_before'] = (gamma.shape, beta.shape)
    if any(shape is None or 0 not in shape for shape in facts['shapes_before']):
        return facts  # nothing to defer: judged below
    call('layer.initialize(init.Constant(7))', layer.initialize, init.Constant(7),
         hint=' (did you pass allow_deferred_init=True to params.get?)')
    facts['deferred'] = (_is_deferred(gamma), _is_deferred(beta))
    X = nd.array(np.arange(20, dtype=np.float32).reshape(4, 5) / 10 - 1)
    out = call('running your layer on an input of shape (4, 5)', layer, X,
               hint=' (at the first forward, set the shapes to (x.shape[-1],) before reading '
               'the data: override infer_shape in a HybridBlock)')
    facts['shapes_after'] = (gamma.shape, beta.shape)
    facts['start'] = (gamma.data().asnumpy().tolist(), beta.data().asnumpy().tolist())
    facts['out_start'] = out.asnumpy().tolist() if isinstance(out, nd.NDArray) else repr(out)
    g = np.array([0.5, -1.0, 2.0, 1.5, -0.5], dtype=np.float32)
    b = np.array([0.1, 0.2, -0.3, 0.0, 1.0], dtype=np.float32)
    gamma.set_data(nd.array(g))
    beta.set_data(nd.array(b))
    ograd = np.linspace(-1, 1, 20, dtype=np.float32).reshape(4, 5)
    out = call('running your layer and backward through it', _forward_backward, layer, X,
               nd.array(ograd))
    facts['out'] = out.asnumpy().tolist()
    facts['expected_out'] = (X.asnumpy() * g + b).tolist()
    facts['grads'] = (gamma.grad().asnumpy().tolist(), beta.grad().asnumpy().tolist())
    facts['expected_grads'] = ((X.asnumpy() * ograd).sum(0).tolist(), ograd.sum(0).tolist())
    with mx.name.NameManager():
        other = ScaleShift()
    other.initialize()
    try:
        other(nd.ones((2, 7)))
    except Exception:  # noqa: BLE001 - a layer that cannot take width 7 is judged below
        pass
    facts['width7'] = (other.gamma.shape, other.beta.shape)
    return facts


def judge_1(facts: dict):
    expect(facts['is_block'], 'ScaleShift() should be a Block (nn.HybridBlock or nn.Block); it '
           'is a %s' % facts['type'])
    missing = [a for a, ok in facts['attrs'].items() if not ok]
    expect(not missing, 'your layer has no Parameter attribute %s: create it with '
           'self.params.get(...) in __init__' % ' or '.join(repr(m) for m in missing))
    prefix = facts['prefix']
    expect(sorted(facts['names']) == sorted([prefix + 'beta', prefix + 'gamma']),
           'your layer\'s parameters are %s; expected exactly %s and %s'
           % (facts['names'], prefix + 'gamma', prefix + 'beta'))
    for shape in facts['shapes_before']:
        expect(shape is not None and 0 in shape,
               'before any input the shapes should be unknown, (0,); yours are %s, so nothing '
               'is deferred' % (facts['shapes_before'],))
    expect(all(facts['deferred']), 'right after initialize() both parameters should be '
           'deferred (data() raises DeferredInitializationError); deferred: gamma %s, beta %s'
           % facts['deferred'])
    expect(facts['shapes_after'] == ((5,), (5,)), 'after an input of shape (4, 5), gamma and '
           'beta have shapes %s; expected (5,) each: one per feature (the last axis)'
           % (facts['shapes_after'],))
    gamma0, beta0 = facts['start']
    expect(np.allclose(gamma0, 1) and np.allclose(beta0, 0),
           'after net.initialize(init.Constant(7)) gamma starts at %s and beta at %s; they '
           'should start at 1 and 0 whatever default initialize() is given: give each its '
           'own init= in params.get' % (gamma0[:2], beta0[:2]))
    expect(np.allclose(facts['out'], facts['expected_out'], atol=1e-6),
           'your layer returned %s for the first row; expected x * gamma + beta = %s'
           % (np.round(facts['out'][0], 4).tolist(),
              np.round(facts['expected_out'][0], 4).tolist()))
    for name, got, want in zip(('gamma', 'beta'), facts['grads'], facts['expected_grads']):
        expect(np.allclose(got, want, atol=1e-5),
               "the gradient of %s is %s; expected %s (use the parameter's data in the "
               'computation, not a copy)' % (name, np.round(got, 4).tolist(),
                                             np.round(want, 4).tolist()))
    expect(facts['width7'] == ((7,), (7,)), 'a fresh ScaleShift given inputs of width 7 has '
           'shapes %s; infer the length from x.shape[-1] instead of fixing it'
           % (facts['width7'],))


def check_1(ScaleShift):
    """07.1: gamma and beta, deferred, inferred from the last axis, initialized to 1 and 0."""
    judge_1(observe_1(ScaleShift))
    passed('07.1', 'gamma and beta are inferred at the first forward, start at 1 and 0, and '
           'get their gradients')


# ----- 07.2 ---------------------------------------------------------------------------------
def observe_2(make_net) -> dict:
    with mx.name.NameManager():
        net = call('make_net()', make_net)
    facts = {'type': type(net).__name__, 'is_sequential': isinstance(net, nn.Sequential)}
    if not facts['is_sequential']:
        return facts
    layers = list(net._children.values())
    facts['layers'] = [type(layer).__name__ for layer in layers]
    facts['same_object'] = len(layers) > 2 and layers[1] is layers[2]
    if len(layers) != 5:
        return facts
    facts['units'] = [getattr(layers[i], '_units', None) for i in (0, 1, 2, 4)]
    facts['activations'] = [getattr(getattr(layer, 'act', None), '_act_type', None)
                            for layer in layers]
    facts['middle_params'] = sorted(n[len(layers[3].prefix):] for n in layers[3].params.keys())

    facts['shared'] = [getattr(layers[1], k, None) is not None
                       and getattr(layers[1], k, None) is getattr(layers[2], k, None)
                       for k in ('weight', 'bias')]
    facts['shapes_before'] = {k: p.shape for k, p in net._collect_params_with_prefix().items()}
    call('net.initialize()', net.initialize)
    X = nd.random.normal(shape=(4, 8))
    out = call('running your net on an input of shape (4, 8)', net, X)
    facts['out_shape'] = getattr(out, 'shape', None)
    facts['shapes_after'] = {k: p.shape for k, p in net._collect_params_with_prefix().items()}
    facts['n_params'] = len(net.collect_params())
    return facts


def judge_2(facts: dict):
    expect(facts['is_sequential'], 'make_net() should return an nn.Sequential; it returned a %s'
           % facts['type'])
    expect(len(facts['layers']) == 5, 'your net has %d layers (%s); expected 5: Dense, Dense, '
           'Dense (sharing the second one\'s parameters), ScaleShift, Dense(1)'
           % (len(facts['layers']), ', '.join(facts['layers'])))
    expect(not facts['same_object'], 'layers 1 and 2 are one Dense object added twice; make '
           'the third layer a new Dense that shares the second one\'s parameters with '
           'params=<second layer>.params')
    kinds = facts['layers']
    expect(kinds[:3] == ['Dense'] * 3 and kinds[4] == 'Dense',
           'your layers are %s; expected Dense, Dense, Dense, ScaleShift, Dense' % kinds)
    expect(facts['middle_params'] == ['beta', 'gamma'], 'layer 3 should be your ScaleShift '
           '(parameters gamma and beta); its parameters are %s' % facts['middle_params'])
    expect(facts['units'] == [16, 16, 16, 1], 'your Dense layers have %s units; expected '
           '16, 16, 16 and 1' % facts['units'])
    expect(facts['activations'][:3] == ['tanh'] * 3 and facts['activations'][4] is None,
           'the activations are %s; expected tanh for the three Dense(16) and none for the output'
           % [facts['activations'][i] for i in (0, 1, 2, 4)])
    expect(all(facts['shared']), 'layers 1 and 2 do not share their weight and bias: create '
           "the third layer with params=<second layer>.params")
    unknown = [k for k, s in facts['shapes_before'].items()
               if k.endswith('weight') and (s is None or 0 not in s)]
    expect(not unknown, 'the weights %s have known shapes before the first forward; give no '
           'in_units, so that every shape is inferred (deferred initialization)' % unknown)
    expect(facts['out_shape'] == (4, 1), 'your net maps a (4, 8) input to %s; expected (4, 1)'
           % (facts['out_shape'],))
    want = {'0.weight': (16, 8), '1.weight': (16, 16), '2.weight': (16, 16), '3.gamma': (16,),
            '3.beta': (16,), '4.weight': (1, 16)}
    got = {k: facts['shapes_after'].get(k) for k in want}
    expect(got == want, 'after the first forward the shapes are %s; expected %s' % (got, want))
    expect(facts['n_params'] == 8, 'collect_params() lists %d parameters; expected 8 (the '
           'shared weight and bias once)' % facts['n_params'])


def check_2(make_net):
    """07.2: five layers, layers 1 and 2 sharing one weight and bias, every shape deferred."""
    judge_2(observe_2(make_net))
    passed('07.2', 'layers 1 and 2 share one weight and bias, and every shape was inferred at '
           'the first forward')


# ----- 07.3 ---------------------------------------------------------------------------------
def _small_net():
    """A network the checks build themselves: deferred shapes, sharing, no student code."""
    net = nn.Sequential()
    shared = nn.Dense(6, activation='tanh')
    net.add(nn.Dense(6, activation='tanh'), shared,
            nn.Dense(6, activation='tanh', params=shared.params), nn.Dense(1))
    return net


def _data(n: int = 24, d: int = 5, seed: int = 3):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    y = (np.tanh(X @ rng.normal(size=(d, 1))) * 2 + 0.5).astype(np.float32)
    return nd.array(X), nd.array(y)


def _fresh(seed: int, optimizer: str = 'adam', ctx=None):
    """The same initialized net and a new trainer, every time for the same seed."""
    mx.random.seed(seed)
    with mx.name.NameManager():
        net = _small_net()
    net.initialize(init.Xavier(), ctx=ctx)
    net(_data()[0].as_in_context(ctx or mx.cpu()))  # the first forward infers the shapes
    trainer = gluon.Trainer(net.collect_params(), optimizer, {'learning_rate': 0.05})
    return net, trainer


def reference_train(net, trainer, X, y, epochs: int, batch_size: int) -> list[float]:
    """The loop 07.3 asks for: minibatches in order, L2Loss, one step per batch."""
    l2 = gloss.L2Loss()
    n = X.shape[0]
    losses = []
    for _ in range(epochs):
        total = 0.0
        for start in range(0, n, batch_size):
            Xb, yb = X[start:start + batch_size], y[start:start + batch_size]
            with autograd.record():
                loss = l2(net(Xb), yb)
            loss.backward()
            trainer.step(Xb.shape[0])
            total += loss.sum().asscalar()
        losses.append(total / n)
    return losses


def observe_3(train) -> dict:
    X, y = _data()
    net, trainer = _fresh(11, 'sgd')
    start = _values(net)
    returned = call('train(net, trainer, X, y, epochs=3, batch_size=8)', train, net, trainer,
                    X, y, 3, 8)
    facts = {'returned_type': type(returned).__name__}
    try:
        facts['losses'] = [float(v.asscalar() if isinstance(v, nd.NDArray) else v)
                           for v in returned]
    except Exception:  # noqa: BLE001 - anything but a list of numbers is the student's problem
        facts['losses'] = None
    after = _values(net)
    ref_net, ref_trainer = _fresh(11, 'sgd')
    facts['expected'] = reference_train(ref_net, ref_trainer, X, y, 3, 8)
    expected = _values(ref_net)
    facts['moved'] = any(not np.array_equal(start[k], after[k]) for k in start)
    facts['params_match'] = all(np.allclose(after[k], expected[k], rtol=1e-4, atol=1e-6)
                                for k in expected)
    full, full_trainer = _fresh(11, 'sgd')
    reference_train(full, full_trainer, X, y, 3, X.shape[0])
    facts['like_full_batch'] = all(np.allclose(after[k], v, rtol=1e-4, atol=1e-6)
                                   for k, v in _values(full).items())
    return facts


def judge_3(facts: dict):
    losses = facts['losses']
    expect(losses is not None, 'train(...) returned a %s; expected a list with one number per '
           'epoch' % facts['returned_type'])
    expect(len(losses) == 3, 'train(..., epochs=3, ...) returned %d values; expected 3, the mean '
           'loss of each epoch' % len(losses))
    expect(facts['moved'], 'the parameters did not change: call trainer.step(batch_size) after '
           'each backward')
    expect(not facts['like_full_batch'], 'the parameters moved as if the whole data set were one '
           'batch: take minibatches X[i:i + batch_size] and step after each one')
    expect(facts['params_match'], 'the parameters after 3 epochs differ from the reference loop: '
           'minibatches in order (no shuffling), L2Loss, loss.backward() then '
           'trainer.step(batch_size) once per minibatch')
    expect(np.allclose(losses, facts['expected'], rtol=1e-4),
           'your epoch losses are %s; expected %s, the mean per-example L2 loss of each epoch '
           '(sum the per-example losses of every batch, divide by the number of examples)'
           % (np.round(losses, 4).tolist(), np.round(facts['expected'], 4).tolist()))


def check_3(train):
    """07.3: the student's loop trains exactly as the reference loop does."""
    judge_3(observe_3(train))
    passed('07.3', 'the same parameters and epoch losses as the reference loop')


# ----- 07.4 ---------------------------------------------------------------------------------
def observe_4(save_checkpoint, load_checkpoint) -> dict:
    X, y = _data()
    folder = tempfile.mkdtemp(prefix='check07-4-')
    prefix = os.path.join(folder, 'ckpt')
    facts = {}
    try:
        net, trainer = _fresh(5)
        reference_train(net, trainer, X, y, 2, 8)
        snapshot = _values(net)
        before = set(os.listdir(folder))
        call('save_checkpoint(net, trainer, prefix)', save_checkpoint, net, trainer, prefix)
        facts['files'] = sorted(set(os.listdir(folder)) - before)
        facts['continued'] = reference_train(net, trainer, X, y, 2, 8)

        ctx = mx.cpu(1)
        with mx.name.NameManager():
            fresh = _small_net()
        fresh_trainer = gluon.Trainer(fresh.collect_params(), 'adam', {'learning_rate': 0.05})
        call('load_checkpoint(net, trainer, prefix, mx.cpu(1))', load_checkpoint, fresh,
             fresh_trainer, prefix, ctx)
        params = fresh._collect_params_with_prefix()
        facts['initialized'] = all(p._data is not None for p in params.values())
        if not facts['initialized']:
            return facts
        facts['contexts'] = sorted({str(c) for p in params.values() for c in p.list_ctx()})
        if facts['contexts'] != ['cpu(1)']:
            return facts
        loaded = _values(fresh)
        facts['params_equal'] = all(np.array_equal(loaded[k], snapshot[k]) for k in snapshot)
        facts['resumed'] = call('training the reloaded net on cpu(1)', reference_train, fresh,
                                fresh_trainer, X.as_in_context(ctx), y.as_in_context(ctx), 2, 8)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return facts


def judge_4(facts: dict):
    expect(len(facts['files']) >= 2, 'save_checkpoint wrote %d file(s) (%s); a checkpoint needs '
           'two: the parameters (net.save_parameters) and the trainer state '
           '(trainer.save_states)' % (len(facts['files']), facts['files']))
    expect(facts['initialized'], 'after load_checkpoint the new net still has parameters without '
           'data: load the parameter file with net.load_parameters(..., ctx=ctx)')
    expect(facts['contexts'] == ['cpu(1)'], 'the reloaded parameters live on %s; expected only '
           'cpu(1), the context given to load_checkpoint (pass ctx= to load_parameters)'
           % facts['contexts'])
    expect(facts['params_equal'], 'the reloaded parameters differ from the ones saved: load the '
           'parameter file that save_checkpoint wrote')
    same = np.allclose(facts['resumed'], facts['continued'], rtol=1e-5, atol=1e-7)
    expect(same, 'after reloading, training gives the losses %s, but uninterrupted training '
           'gives %s: the parameters are right, so the optimizer state is missing. Save it with '
           'trainer.save_states and load it with trainer.load_states (Adam keeps two moving '
           'averages and a step count per parameter)'
           % (np.round(facts['resumed'], 5).tolist(), np.round(facts['continued'], 5).tolist()))


def check_4(save_checkpoint, load_checkpoint):
    """07.4: stop, save, reload on cpu(1), resume: the same losses as never stopping."""
    judge_4(observe_4(save_checkpoint, load_checkpoint))
    passed('07.4', 'training resumed on cpu(1) gives the same losses as uninterrupted training')
