"""Judges for chapter 06 (GPU computation): they run only in the grader's process; what each exercise
observes is in ``minigluon_workbook/checks/ch06.py``."""
from __future__ import annotations

import numpy as np

from ..checks import expect, rng
from ..checks.ch06 import _KEYS_6, _draw, _draw_5, _draw_6
from . import Data, Malformed, close
from .ch01 import judge_tape_net

_TARGETS = ('gpu(0)', 'cpu(1)')


def _expected(seed) -> np.ndarray:
    W1, b1, W2, b2, X = _draw(seed)
    return np.maximum(X @ W1.T + b1, 0) @ W2.T + b2


def _target(data) -> str:
    target = data.str('target')
    if target not in _TARGETS:
        raise Malformed('the observation: the target device %r is not one of %s' % (target, _TARGETS))
    return target


def _agrees(out, seed) -> bool:
    return close(out, _expected(seed), rtol=1e-5, atol=1e-5)


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


def judge_5(data, seed: int) -> str:
    a, b, m = _draw_5(seed)
    expect(data.bool('made_with_xp'), 'Tensor(data, ctx) did not create its array with ctx.xp '
           '(ctx.xp.asarray(data)): that is what puts it on the device')
    expect(close(data.array('sum', (2, 3)), a + b), 'x + y gave wrong values')
    expect(close(data.array('product', (2, 4)), a @ m, atol=1e-5), 'x.dot(w) gave wrong values')
    expect(data.str('sum_ctx') == 'dev0' and data.str('product_ctx') == 'dev0',
           'the results live on %s and %s; expected the inputs\' device, dev0'
           % (data.str('sum_ctx'), data.str('product_ctx')))
    for key, what in (('mixed_add', 'x + y'), ('mixed_dot', 'x.dot(y)')):
        got = data.str(key)
        expect(got == 'ValueError', '%s with x on dev0 and y on dev1 gave %s; expected a '
               'ValueError: inputs must be on the same device' % (what, got))
    expect(data.str('moved_ctx') == 'dev1', 'x.to(dev1) is on %s; expected dev1'
           % data.str('moved_ctx'))
    expect(close(data.array('moved', (2, 3)), a), 'x.to(dev1) changed the values')
    expect(data.bool('moved_with_target_xp'), 'x.to(dev1) did not create its array with '
           "dev1's xp: the copy must be made by the target device's array module")
    expect(data.bool('moved_is_copy'), 'x.to(dev1) shares memory with x; expected a copy')
    return 'each array is made by its device\'s xp, operations stay on one device and refuse ' \
           'mixed inputs, to() copies'


# ----- 06.6 (build track) ------------------------------------------------------------------
def judge_6(data, seed: int) -> str:
    expect(data.str('host_ctx') == 'cpu(0)', 'Var(X) is on %s; a Var made from a NumPy array starts '
           'on the host, cpu(0)' % data.str('host_ctx'))
    expect(data.bool('returns_itself'), 'net.to(ctx) should return the module itself (moved in place)')
    ctxs = data.strs('param_ctx')
    expect(ctxs == ['cpu(1)'] * 4, 'after net.to(cpu(1)) the parameters are on %s; expected all on '
           'cpu(1)' % ctxs)
    expect(data.str('mixed') != 'no error', 'net(x) with x on cpu(0) and the net on cpu(1) ran: '
           'an op whose inputs are on different devices should raise (the same-device rule)')
    expect(data.strs('x_ctx') == ['cpu(0)', 'cpu(1)'], 'x and x.to(cpu(1)) are on %s; expected '
           "['cpu(0)', 'cpu(1)']: to() returns a copy on the new device and leaves x where it is"
           % data.strs('x_ctx'))
    expect(data.bool('input_is_copy'), 'x.to(cpu(1)) returned x itself or shares its array: moving '
           'to another device is a copy')
    expect(data.bool('same_is_itself'), 'x.to(x.ctx) made a copy: as as_in_context, it should '
           'return x itself when it is already there')
    expect(data.str('out_ctx') == 'cpu(1)', 'net(x) on the device gave a result on %s; an op\'s '
           'result lives where its inputs are (cpu(1))' % data.str('out_ctx'))
    width, X, w = _draw_6(seed)
    stream = rng(seed)
    W1, W2 = (stream.uniform(-1, 1, s).astype(np.float32) for s in ((4, width), (2, 4)))
    layers = [('linear', W1, np.zeros(4, np.float32)), ('relu',), ('linear', W2, np.zeros(2, np.float32))]
    judge_tape_net(data, _KEYS_6, layers, X, w, 'net on the device')
    return 'your Var and Module move between host and device, results follow their inputs, ' \
        'and mixing devices raises'
