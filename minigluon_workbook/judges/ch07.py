"""Judges for chapter 07 (the capstone): they run only in the grader's process; what each exercise
observes is in ``minigluon_workbook/checks/ch07.py``."""
from __future__ import annotations

import numpy as np

from minigluon import autograd, gluon, init, nd
from minigluon.gluon import loss as gloss
from minigluon.gluon import nn

from ..checks import ExerciseFailed, expect, rng
from ..checks.ch02 import xavier_scale
from ..checks.ch07 import (
    _BATCH_6,
    _CTX_6,
    _EPOCHS_6,
    _KEYS_6,
    _LR_6,
    _STOP_6,
    PIECES_6,
    _SHAPES,
    _SHAPES_2,
    _draw_1,
    _draw_2,
    _draw_6,
    _progress_6,
    _draw_data,
    _fresh,
    _steps,
    _values,
)
from . import close
from .ch01 import _fmt as _fmt_bt
from .ch01 import shapes_of


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


def _net_2(x, values):
    """What make_net's network computes with these parameter values, in NumPy."""
    h = x
    for i in (0, 1, 1):  # layer 2 uses layer 1's weight and bias
        h = np.tanh(h @ values['%d.weight' % i].T + values['%d.bias' % i])
    h = h * values['3.gamma'] + values['3.beta']
    return h @ values['4.weight'].T + values['4.bias']


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
    _steps(net, trainer, nd.array(X), nd.array(y), 2)
    saved = _values(net)
    continued = _steps(net, trainer, nd.array(X), nd.array(y), 2)
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


# ----- 07.6 (build track) ------------------------------------------------------------------
class _Scale(nn.Block):
    """minigluon's counterpart of the build track's MyScale: x * gamma, gamma starting at 1."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.gamma = self.params.get('gamma', shape=(units,), init=init.One())

    def forward(self, x):
        return x * self.gamma.data(x.context)


def minigluon_run_6(seed: int):
    """The 07.6 training with minigluon, uninterrupted: Dense + Trainer('sgd') + L2Loss from the
    same initial weights (one Dense(8) in two places, a _Scale); the per-epoch losses and the
    final parameters by structural key."""
    X, y, _, _ = _draw_6(seed)
    net, middle = nn.Sequential(), nn.Dense(8, in_units=8)
    net.add(nn.Dense(8, in_units=3), nn.Activation('relu'), middle, nn.Activation('relu'), middle,
            _Scale(8), nn.Dense(1, in_units=8))
    net.initialize(init.Zero())
    params, stream = net._collect_params_with_prefix(), rng(seed)
    for key, shape in (('0.weight', (8, 3)), ('2.weight', (8, 8)), ('6.weight', (1, 8))):
        params[key].set_data(nd.array((stream.uniform(-1, 1, shape) * xavier_scale(shape))
                                      .astype(np.float32)))
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': _LR_6})
    losses = _run(net, trainer, nd.array(X), nd.array(y), _EPOCHS_6, _BATCH_6)
    return losses, {k: params[k.replace('4.', '2.')].data().asnumpy() for k in _KEYS_6}


_LINK_MESSAGES_6 = {
    'Sequential<Module': 'your Sequential does not subclass your Module',
    'ReLU<Module': 'your ReLU does not subclass your Module',
    'Linear<Module': 'your Linear does not subclass your Module',
    'MyScale<Module': 'your MyScale does not subclass your Module',
    'Parameter<Var': 'your Parameter does not subclass Var',
    'Module.to': 'your Module\'s to is not your module_to',
    'Var.__init__': 'Var.__init__ is not your var_init',
    'Var.to': 'Var.to is not your var_to',
}


def judge_6(data, seed: int) -> str:
    given, stubs = data.strs('given'), data.strs('stubs')
    known = {name for _, name in PIECES_6}
    expect(set(given) <= known and set(stubs) <= known, 'the observation names pieces that do not exist')
    missing = set(given) | set(stubs)
    links = data.strs('links')
    expect(set(links) <= set(_LINK_MESSAGES_6) and not (links and missing),
           'the observation names links that do not exist')
    if links:
        raise ExerciseFailed('your pieces are not linked to each other: %s. A class statement binds the '
                             'classes it builds on when it runs, so a class pasted above the one it '
                             'subclasses gets the reference\'s; compare the order of your YOUR PIECES cell '
                             'with the order of the chapters, and keep its last line, which ties Var and '
                             'Module to your 06.6 pieces' % '; '.join(_LINK_MESSAGES_6[k] for k in links))
    if not missing:
        return _judge_run_6(data, seed, 'your own pieces')
    progress = _progress_6(given, stubs)
    try:
        _judge_run_6(data, seed, 'the reference\'s pieces')
    except ExerciseFailed as err:
        raise ExerciseFailed('%s [l2_loss and train_mine were run on the reference\'s pieces: %s]'
                             % (err, progress)) from None
    raise ExerciseFailed('not done yet: your l2_loss and train_mine already work (on the reference\'s '
                         'pieces they train as minigluon does); %s: paste your own build-track pieces '
                         'into the YOUR PIECES cell' % progress)


def _judge_run_6(data, seed: int, whose: str) -> str:
    """judge_6 on the runs of l2_loss and train_mine (on ``whose`` pieces)."""
    X, y, p, t = _draw_6(seed)
    got = data.array('loss')
    want = np.float32(0.5) * ((p - t) ** 2).sum()
    expect(got.size == 1 and close(got.reshape(()), np.array(want), rtol=1e-5),
           'l2_loss(pred, label) is %s; expected %s, the sum over the batch of 0.5 * (pred - label) ** 2 '
           '(Gluon\'s L2Loss per example, summed)' % (_fmt_bt(got), _fmt_bt(want)))
    g = data.array('loss_grad')
    expect(g.shape == p.shape and close(g, p - t, rtol=1e-5), 'the gradient of l2_loss(pred, label) '
           'with respect to pred is %s; expected pred - label = %s' % (_fmt_bt(g), _fmt_bt(p - t)))
    calls = shapes_of(data, 'calls')
    shapes = [(8, 3), (8, 8), (1, 8)]
    expect(calls == shapes, 'the init function was asked for %s; expected %s (each weight once, at '
           'the first forward, the shared one only the first time; MyScale\'s gamma by its own init)'
           % (calls, shapes))
    want_losses, want_params = minigluon_run_6(seed)
    nonfinite = data.int('nonfinite')
    if nonfinite:
        got = data.array('losses')
        expect(0 < nonfinite <= _EPOCHS_6 and got.shape == (nonfinite - 1,), 'the observation of a '
               'non-finite loss is inconsistent')
        raise ExerciseFailed('your loss became non-finite (inf or nan) at epoch %d (the losses before it: %s; '
                             'minigluon\'s stay finite: %s): compare the size of your SGD step, and what it '
                             'divides the gradient by, with what Trainer(\'sgd\').step(batch_size) does'
                             % (nonfinite, _fmt_bt(got), _fmt_bt(np.array(want_losses))))
    losses = data.array('losses')
    expect(losses.shape == (_EPOCHS_6,), 'train_mine returned %d losses in all (3 epochs, then 3 after '
           'the checkpoint); expected one per epoch (%d)' % (losses.size, _EPOCHS_6))
    # float32 on both sides, summed in other orders: agreement to float32 rounding, not bits
    expect(close(losses, np.array(want_losses), rtol=1e-5, atol=1e-7),
           'your per-epoch losses are %s; minigluon\'s (Dense, Trainer sgd, L2Loss, uninterrupted) are %s: '
           'the mean over the examples of 0.5 * (pred - y) ** 2, each minibatch\'s loss taken before its '
           'SGD step w -= lr / batch_size * grad, once per minibatch for a parameter in two places, and '
           'the checkpoint after epoch %d must give back every parameter'
           % (_fmt_bt(losses), _fmt_bt(np.array(want_losses)), _STOP_6))
    got_keys = data.strs('keys')
    expect(got_keys == list(_KEYS_6), 'the reloaded net has the keys %s; expected %s' % (got_keys, list(_KEYS_6)))
    params = data.sub('params')
    for key in _KEYS_6:
        got, want = params.array(key), want_params[key]
        expect(got.shape == want.shape and close(got, want, rtol=1e-5, atol=1e-6),
               'after training, %s is %s; minigluon\'s is %s' % (key, _fmt_bt(got), _fmt_bt(want)))
    contexts = data.strs('contexts')
    expect(contexts == [_CTX_6], 'after new_net.to(mx.cpu(1)) and training there, the parameters are on '
           '%s; expected only %s' % (contexts, _CTX_6))
    return ('%s train a network with a shared layer and a MyScale, checkpointed in your file '
            'format after epoch %d and resumed on cpu(1), as minigluon does: its %d per-epoch losses and '
            'final weights agree to float32 precision' % (whose, _STOP_6, _EPOCHS_6))
