"""Checks for chapter 07, the capstone (综合练习), in the observe/judge protocol.

- 07.1 ``check_1(ScaleShift)``: a layer with its own parameters ``gamma`` and ``beta`` whose
  length is inferred at the first forward.
- 07.2 ``check_2(make_net)``: a network whose second and third layers share parameters,
  with every shape deferred.
- 07.3 ``check_3(train)``: a minibatch training loop with ``autograd`` and a ``Trainer``.
- 07.4 ``check_4(save_checkpoint, load_checkpoint)``: a checkpoint of parameters and trainer
  state, taken on cpu(1) and reloaded onto cpu(1) (not the default context) into a new net and
  a new trainer, resumes exactly where training stopped (on a device of the same id: the
  states file keeps Adam's step counts per device id, as MXNet's does).
- 07.6 ``check_6(REFERENCE, pieces, Var, backprop, l2_loss, train_mine)`` (build track): the
  student's own pieces (none still the reference's or a stub, each class subclassing the
  student's own) train a network with a shared layer and a MyScale, checkpointed in their file
  format and resumed on cpu(1), as minigluon does; until all 16 are theirs, l2_loss and
  train_mine are judged on the reference's pieces and the pieces still to paste are named.

Each observe sets the parameters to values drawn from the seed, so its judge recomputes the
expected outputs, gradients and losses without asking the student's process.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile

import numpy as np

import minigluon as mx
from minigluon import autograd, gluon, init, nd
from minigluon.gluon import loss as gloss
from minigluon.gluon import nn
from minigluon.ndarray import NDArray

from . import Check, ExerciseFailed, block, call, expect, floats, mentions, rng
from .ch01 import _types
from .ch02 import seeded_init

# Its judges run in the grader's process only; the sandbox cannot import them.
JUDGES = 'minigluon_workbook.judges.ch07'


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


check_1 = Check('07.1', observe_1, JUDGES)


# ----- 07.2 ---------------------------------------------------------------------------------
_SHAPES_2 = {'0.weight': (16, 8), '0.bias': (16,), '1.weight': (16, 16), '1.bias': (16,),
             '3.gamma': (16,), '3.beta': (16,), '4.weight': (1, 16), '4.bias': (1,)}


def _draw_2(seed):
    """The input x (4, 8) and a value for every parameter (the shared pair once, as '1.*')."""
    stream = rng(seed)
    x = _uniform(stream, 4, 8)
    return x, {key: _uniform(stream, *shape, scale=0.5) for key, shape in _SHAPES_2.items()}


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
    data['count'] = len(net.collect_params().keys())
    if all(tuple(data['shapes'].get(k, ())) == s for k, s in _SHAPES_2.items()):
        for key, value in values.items():
            params[key].set_data(nd.array(value))
        data['out'] = floats(call('running your net', net, nd.array(x)))
    return data


check_2 = Check('07.2', observe_2, JUDGES)


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


def _steps(net, trainer, X, y, steps: int) -> list:
    """``steps`` full-batch steps with L2Loss, the loss of each (07.4's training; deliberately
    not 07.3's minibatch loop, which the sandbox must not hold)."""
    l2 = gloss.L2Loss()
    losses = []
    for _ in range(steps):
        with autograd.record():
            loss = l2(net(X), y)
        loss.backward()
        trainer.step(X.shape[0])
        losses.append(float(loss.mean().asscalar()))
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


check_3 = Check('07.3', observe_3, JUDGES)


# ----- 07.4 ---------------------------------------------------------------------------------
def observe_4(save_checkpoint, load_checkpoint, seed: int) -> dict:
    """Train 2 epochs on cpu(1), checkpoint, reload onto cpu(1) into a new net and trainer,
    train 2 more."""
    X, y, values = _draw_data(seed)
    ctx = mx.cpu(1)
    folder = tempfile.mkdtemp(prefix='check07-4-')
    prefix = os.path.join(folder, 'ckpt')
    try:
        net, trainer = _fresh(values, 'adam', ctx)
        _steps(net, trainer, nd.array(X, ctx=ctx), nd.array(y, ctx=ctx), 2)
        call('save_checkpoint(net, trainer, prefix)', save_checkpoint, net, trainer, prefix)
        data = {'files': len(os.listdir(folder))}
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
        data['resumed'] = call('training the reloaded net on cpu(1)', _steps, fresh, fresh_trainer,
                               nd.array(X, ctx=ctx), nd.array(y, ctx=ctx), 2)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return data


check_4 = Check('07.4', observe_4, JUDGES)


# ----- 07.6 (build track: training with the student's framework) --------------------------
# The student's pieces, in chapter order, as the check cell passes them (after REFERENCE).
PIECES_6 = (('00.5', 'dot'), ('00.5', 'relu'), ('01.6', 'linear'), ('01.6', 'Module'),
            ('01.6', 'Sequential'), ('01.6', 'ReLU'), ('02.6', 'Parameter'), ('03.5', 'initialize'),
            ('03.5', 'Linear'), ('04.5', 'my_scale'), ('04.5', 'MyScale'), ('05.5', 'save_parameters'),
            ('05.5', 'load_parameters'), ('06.6', 'var_init'), ('06.6', 'var_to'), ('06.6', 'module_to'))
_N_6, _BATCH_6, _EPOCHS_6, _STOP_6, _LR_6 = 32, 8, 6, 3, 0.1
# Sequential(Linear(8), ReLU(), shared, ReLU(), shared, MyScale(), Linear(1)), shared = Linear(8)
_KEYS_6 = ('0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias', '5.gamma', '6.weight', '6.bias')
_CTX_6 = 'cpu(1)'
# The loop is the student's: minigluon's trainer and autograd may not run it for them.
_MINIGLUON_6 = (('gluon.Trainer.step', gluon.Trainer, 'step'),
                ('gluon.Trainer.update', gluon.Trainer, 'update'),
                ('autograd.backward', autograd, 'backward'), ('NDArray.backward', NDArray, 'backward'),
                ('autograd.record', autograd, 'record'))


def _draw_6(seed):
    """A regression task: X (32, 3), y = sin(sum of X) + noise (32, 1); a prediction p (5, 1)
    and labels t (5, 1) for the loss alone."""
    stream = rng(seed + 1)
    X = stream.uniform(-1, 1, (_N_6, 3)).astype(np.float32)
    y = (np.sin(X.sum(axis=1, keepdims=True)) + stream.normal(0, 0.05, (_N_6, 1))).astype(np.float32)
    p, t = (stream.uniform(-2, 2, (5, 1)).astype(np.float32) for _ in range(2))
    return X, y, p, t


def _is_stub(piece) -> bool:
    """Whether ``piece`` is still the student edition's stub: a function whose code does nothing
    but raise NotImplementedError, or a class with such a method."""
    if isinstance(piece, type):
        return any(_is_stub(v) for v in vars(piece).values() if callable(v))
    code = getattr(piece, '__code__', None)
    return code is not None and code.co_names == ('NotImplementedError',)


def _net_6(Sequential, ReLU, Linear, MyScale):
    """The checks' network, every shape deferred: one Linear(8) in two places and a MyScale."""
    shared = Linear(8)
    return Sequential(Linear(8), ReLU(), shared, ReLU(), shared, MyScale(), Linear(1))


# The links between the pieces: (code, what must hold) -- a class pasted before the class it builds
# on subclasses the reference's instead, and the patch line at the end of 06.6 ties Var and Module
# to the device pieces.
_LINKS_6 = ('Sequential<Module', 'ReLU<Module', 'Linear<Module', 'MyScale<Module', 'Parameter<Var',
            'Module.to', 'Var.__init__', 'Var.to')


def _broken_links(mine, Var) -> list:
    """The codes of _LINKS_6 that the student's pieces break."""
    def holds(link):
        if '<' in link:
            sub, base = link.split('<')
            return isinstance(mine[sub], type) and issubclass(mine[sub], Var if base == 'Var' else mine[base])
        owner, attr = link.split('.')
        piece = {'Module.to': 'module_to', 'Var.__init__': 'var_init', 'Var.to': 'var_to'}[link]
        return vars(Var if owner == 'Var' else mine['Module']).get(attr) is mine[piece]
    return [link for link in _LINKS_6 if not holds(link)]


@contextlib.contextmanager
def _on_reference(REFERENCE, Var, *functions):
    """Run ``functions`` with the reference's pieces in their namespace (and the reference's device
    pieces patched onto Var and the reference Module), restoring everything afterwards."""
    scopes = list({id(f.__globals__): f.__globals__ for f in functions if hasattr(f, '__globals__')}.values())
    saved = [{n: scope[n] for n in REFERENCE if n in scope} for scope in scopes]
    module = REFERENCE['Module']
    attrs = [(Var, '__init__'), (Var, 'to'), (module, 'to')]
    old = [vars(owner).get(attr) for owner, attr in attrs]
    for scope in scopes:
        scope.update(REFERENCE)
    Var.__init__, Var.to, module.to = REFERENCE['var_init'], REFERENCE['var_to'], REFERENCE['module_to']
    try:
        yield
    finally:
        for scope, kept in zip(scopes, saved):
            for n in REFERENCE:
                if n in kept:
                    scope[n] = kept[n]
                else:
                    scope.pop(n, None)
        for (owner, attr), value in zip(attrs, old):
            if value is None:
                delattr(owner, attr)
            else:
                setattr(owner, attr, value)


def _progress_6(given, stubs) -> str:
    """'k of 16 pieces are yours (still stubs: 00.5 dot | still the reference's: 04.5 MyScale)'."""
    def listed(names):
        chapters = {}
        for chapter, name in PIECES_6:
            if name in names:
                chapters.setdefault(chapter, []).append(name)
        return '; '.join('%s %s' % (c, ', '.join(n)) for c, n in chapters.items())
    parts = (['still stubs: %s' % listed(stubs)] if stubs else []) + \
        (['still the reference\'s: %s' % listed(given)] if given else [])
    return '%d of %d pieces are yours (%s)' % (len(PIECES_6) - len(set(given) | set(stubs)), len(PIECES_6),
                                               ' | '.join(parts))


def observe_6(REFERENCE, pieces, Var, backprop, l2_loss, train_mine, seed: int) -> dict:
    """Which pieces are still stubs or the reference's, and which links between the student's
    pieces are broken; then l2_loss on its own (value, gradient); then the checks' network built
    from the student's pieces (from the reference's while any piece is not the student's), trained
    by ``train_mine`` for 3 epochs on cpu(0), saved with save_parameters, read back with
    load_parameters into a new network moved to cpu(1) with Module.to, and trained 3 more epochs
    there: the init calls, the 6 per-epoch losses (up to the first non-finite one, whose epoch is
    recorded), the parameters and their contexts."""
    expect(isinstance(REFERENCE, dict) and isinstance(pieces, (list, tuple)) and len(pieces) == len(PIECES_6),
           'pass REFERENCE and the list of your %d pieces, as the check cell does' % len(PIECES_6))
    mine = {name: piece for (_, name), piece in zip(PIECES_6, pieces)}
    data = {'given': [name for name, piece in mine.items() if piece is REFERENCE.get(name)],
            'stubs': [name for name, piece in mine.items() if _is_stub(piece)]}
    for name, fn in (('l2_loss', l2_loss), ('train_mine', train_mine), ('backprop', backprop)):
        expect(callable(fn), '%s should be a function' % name)
    if data['given'] or data['stubs']:
        data['links'] = []
        with _on_reference(REFERENCE, Var, l2_loss, train_mine):
            try:
                return _run_6(data, REFERENCE, Var, backprop, l2_loss, train_mine, seed)
            except ExerciseFailed as err:
                raise ExerciseFailed('%s [l2_loss and train_mine were run on the reference\'s pieces: %s]'
                                     % (err, _progress_6(data['given'], data['stubs']))) from None
    _types(Var=Var, Module=mine['Module'], Sequential=mine['Sequential'], ReLU=mine['ReLU'],
           Parameter=mine['Parameter'], Linear=mine['Linear'], MyScale=mine['MyScale'])
    data['links'] = _broken_links(mine, Var)
    if data['links']:
        return data
    return _run_6(data, mine, Var, backprop, l2_loss, train_mine, seed)


def _run_6(data, mine, Var, backprop, l2_loss, train_mine, seed: int) -> dict:
    """observe_6's runs of l2_loss and train_mine on the pieces ``mine``."""
    X, y, p, t = _draw_6(seed)
    pred = call('Var(pred)', Var, p)
    loss = call('l2_loss(pred, label)', l2_loss, pred, t, without=_MINIGLUON_6)
    expect(isinstance(loss, Var), 'l2_loss returned a %s; expected a Var' % type(loss).__name__)
    call('backprop(l2_loss(pred, label))', backprop, loss)
    expect(pred.grad is not None, 'after backprop(l2_loss(pred, label)), pred.grad is None: is pred '
           'a parent of the loss?')
    data.update(loss=floats(loss.value), loss_grad=floats(pred.grad))
    layers = [mine[k] for k in ('Sequential', 'ReLU', 'Linear', 'MyScale')]
    what = 'Sequential(Linear(8), ReLU(), shared, ReLU(), shared, MyScale(), Linear(1))'
    net = call(what + ' with shared = Linear(8)', _net_6, *layers)
    init, calls = seeded_init(seed, xavier=True)  # uniform(-1, 1) diverges for a few seeds
    call('initialize(net, init)', mine['initialize'], net, init)
    cpu0, cpu1 = mx.cpu(0), mx.cpu(1)
    how = 'train_mine(net, X, y, lr=%g, epochs=%%d, batch_size=%d, ctx=%%s)' % (_LR_6, _BATCH_6)
    hint = ' (make each minibatch a Var on ctx, and l2_loss its constants on pred.ctx)'
    losses = call(how % (_STOP_6, 'mx.cpu(0)'), train_mine, net, X.copy(), y.copy(), _LR_6, _STOP_6, _BATCH_6, cpu0,
                  without=_MINIGLUON_6, hint=hint)
    data['calls'] = [list(c) for c in calls]
    folder = tempfile.mkdtemp(prefix='check07-6-')
    try:
        path = os.path.join(folder, 'net.params')
        call('save_parameters(net, path)', mine['save_parameters'], net, path)
        fresh = call('a new ' + what, _net_6, *layers)
        call('initialize(new_net, init)', mine['initialize'], fresh, lambda shape: np.zeros(shape, np.float32))
        call('new_net(Var(X[:1])) (its first forward, which infers the shapes)', lambda: fresh(Var(X[:1])))
        call('load_parameters(new_net, path)', mine['load_parameters'], fresh, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    call('new_net.to(mx.cpu(1))', fresh.to, cpu1)
    more = call(how % (_EPOCHS_6 - _STOP_6, 'mx.cpu(1)') + ' for the reloaded net', train_mine, fresh, X.copy(), y.copy(), _LR_6,
                _EPOCHS_6 - _STOP_6, _BATCH_6, cpu1, without=_MINIGLUON_6, hint=hint)
    try:
        losses = [float(v) for v in list(losses) + list(more)]
    except (TypeError, ValueError):
        raise ExerciseFailed('train_mine returned %r and %r; expected lists of per-epoch losses'
                             % (losses, more)) from None
    # the data protocol carries finite numbers only: a diverging run is recorded as its epoch
    finite = [bool(np.isfinite(v)) for v in losses]
    data['nonfinite'] = 0 if all(finite) else finite.index(False) + 1
    if data['nonfinite']:
        data['losses'] = losses[:data['nonfinite'] - 1]
        return data
    params = call('new_net.named_parameters()', fresh.named_parameters)
    data.update(losses=losses, keys=[str(k) for k in params],
                params={str(k): floats(v.value) for k, v in params.items()},
                contexts=sorted({str(getattr(v, 'ctx', None)) for v in params.values()}))
    data['review'] = mentions(train_mine, _MINIGLUON_6) + mentions(l2_loss, _MINIGLUON_6)
    return data


check_6 = Check('07.6', observe_6, JUDGES)
