"""Checks for chapter 00, "NDArray and autograd" (exercises 00.1 to 00.3 and 00.5)."""
from __future__ import annotations

import numpy as np

from minigluon import autograd, nd
from minigluon.ndarray import NDArray

from . import Check, ExerciseFailed, call, close, expect, floats, passed, rng


def _fmt(a) -> str:
    return np.array2string(np.asarray(a), precision=4, separator=', ').replace('\n', '')


# ----- 00.1 ------------------------------------------------------------------------------
def check_1(sgd_step):
    """``sgd_step(params, lr)`` updates every NDArray of ``params`` in place: p -= lr * p.grad."""
    expect(callable(sgd_step), 'sgd_step should be a function; you gave a %s' % type(sgd_step).__name__)
    for lr in (0.1, 0.5):
        values = [np.array([1., 2., 3.], np.float32), np.array([[1., -1.], [0.5, 2.]], np.float32)]
        grads = [np.array([0.5, -1., 2.], np.float32), np.array([[1., 1.], [-2., 0.]], np.float32)]
        params = []
        for value, grad in zip(values, grads):
            p = nd.array(value)
            p.attach_grad()
            p.grad[:] = nd.array(grad)
            params.append(p)
        originals = list(params)
        call('calling your sgd_step(params, lr=%g)' % lr, sgd_step, params, lr)
        expect(isinstance(params, list) and len(params) == len(originals),
               'your sgd_step changed the length of the params list; it should only change the '
               "arrays' values")
        for i, (p, original) in enumerate(zip(params, originals)):
            expect(p is original,
                   'your sgd_step replaced params[%d] with a new NDArray; update the array that is '
                   'already there (p[:] = p - lr * p.grad, or p -= lr * p.grad), because a network '
                   'keeps references to the original array' % i)
        for i, (p, value, grad) in enumerate(zip(params, values, grads)):
            got = p.asnumpy()
            expect(not np.array_equal(got, value),
                   'your sgd_step left params[%d] unchanged (%s). Writing p = p - lr * p.grad only '
                   'rebinds the local name p; write into the array instead: p[:] = p - lr * p.grad'
                   % (i, _fmt(got)))
            want = value - np.float32(lr) * grad
            expect(got.shape == want.shape and np.allclose(got, want, atol=1e-6),
                   'after sgd_step(params, lr=%g), params[%d] is %s; expected %s (p - lr * p.grad)'
                   % (lr, i, _fmt(got), _fmt(want)))
    passed('00.1', 'every parameter was updated in place, keeping its identity')


# ----- 00.2 ------------------------------------------------------------------------------
def _control_flow(a):
    b = a * 2
    while b.norm().asscalar() < 1000:
        b = b * 2
    if b.sum().asscalar() > 0:
        c = b
    else:
        c = 100 * b
    return c


_W = np.array([[1., -2.], [0.5, 3.], [2., 1.]], np.float32)


def _grad_cases():
    """(description, f, x, expected gradient as NumPy)."""
    v = np.array([1., -2., 3.], np.float32)
    m = np.array([[0.5, 1., -1.], [2., 0., 1.]], np.float32)
    a_pos, a_neg = np.array([0.3], np.float32), np.array([-0.7], np.float32)

    def cf_expected(a):
        c = _control_flow(nd.array(a)).asnumpy()
        return c / a
    return [
        ('f(x) = x * x at x = %s' % _fmt(v), lambda x: x * x, v, 2 * v),
        ('f(x) = (x ** 3).sum() at x = %s' % _fmt(v), lambda x: (x ** 3).sum(), v, 3 * v * v),
        ('f(x) = nd.exp(x).sum() at x = %s' % _fmt(v), lambda x: nd.exp(x).sum(), v, np.exp(v)),
        ('f(x) = nd.dot(x, W) for x of shape (2, 3)', lambda x: nd.dot(x, nd.array(_W)), m,
         np.ones((2, 2), np.float32) @ _W.T),
        ("the control-flow function f of section 7 at a = %s" % _fmt(a_pos), _control_flow, a_pos,
         cf_expected(a_pos)),
        ("the control-flow function f of section 7 at a = %s" % _fmt(a_neg), _control_flow, a_neg,
         cf_expected(a_neg)),
    ]


def check_2(grad_of):
    """``grad_of(f, x)`` returns d(sum f(x))/dx at x as an NDArray shaped like x."""
    expect(callable(grad_of), 'grad_of should be a function; you gave a %s' % type(grad_of).__name__)
    for what, f, x, want in _grad_cases():
        got = call('calling your grad_of for %s' % what, grad_of, f, nd.array(x))
        expect(isinstance(got, NDArray),
               'for %s your grad_of returned a %s; expected an NDArray (x.grad)'
               % (what, type(got).__name__))
        expect(got.shape == x.shape,
               'for %s your grad_of returned shape %s; expected %s, the shape of x'
               % (what, got.shape, x.shape))
        values = got.asnumpy()
        if not np.allclose(values, want, rtol=1e-4, atol=1e-5):
            hint = ''
            if not values.any():
                hint = (' It is all zeros: did you call backward() on f(x), computed inside '
                        'autograd.record(), before reading x.grad?')
            raise ExerciseFailed('for %s your grad_of returned %s; expected %s.%s'
                                 % (what, _fmt(values), _fmt(want), hint))
    passed('00.2', 'gradients of %d functions, control flow included, are right' % len(_grad_cases()))


# ----- 00.3 ------------------------------------------------------------------------------
_SHAPES = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((2, 3, 4), (4,)), ((5,), (2, 1, 5)),
           ((1,), (3, 2))]


def _mul_reference(g, a, b):
    A, B = nd.array(a), nd.array(b)
    A.attach_grad()
    B.attach_grad()
    with autograd.record():
        out = A * B
    out.backward(nd.array(g))
    return A.grad.asnumpy(), B.grad.asnumpy()


def check_3(mul_backward):
    """``mul_backward(g, a, b)`` returns the gradients of ``a * b`` summed back to a's and b's shapes."""
    expect(callable(mul_backward),
           'mul_backward should be a function; you gave a %s' % type(mul_backward).__name__)
    rng = np.random.RandomState(0)
    for shape_a, shape_b in _SHAPES:
        a = rng.uniform(-2, 2, shape_a).astype(np.float32)
        b = rng.uniform(-2, 2, shape_b).astype(np.float32)
        g = rng.uniform(-1, 1, np.broadcast_shapes(shape_a, shape_b)).astype(np.float32)
        case = 'a of shape %s and b of shape %s' % (shape_a, shape_b)
        result = call('calling your mul_backward(g, a, b) for %s' % case, mul_backward,
                      g.copy(), a.copy(), b.copy())
        expect(isinstance(result, (tuple, list)) and len(result) == 2,
               'for %s your mul_backward returned %s; expected a pair (grad_a, grad_b)'
               % (case, type(result).__name__ if not isinstance(result, (tuple, list))
                  else 'a sequence of %d items' % len(result)))
        want = _mul_reference(g, a, b)
        for name, got, ref, shape in (('grad_a', result[0], want[0], shape_a),
                                      ('grad_b', result[1], want[1], shape_b)):
            try:
                got = np.asarray(got, dtype=np.float32)
            except Exception as err:  # noqa: BLE001
                raise ExerciseFailed('for %s your %s (a %s) is not an array: %s'
                                     % (case, name, type(got).__name__, err)) from None
            expect(got.shape == tuple(shape),
                   'for %s your %s has shape %s; expected %s, the shape of %s: sum the gradient '
                   'over the axes along which %s was broadcast'
                   % (case, name, got.shape, tuple(shape), name[-1], name[-1]))
            expect(np.allclose(got, ref, rtol=1e-4, atol=1e-5),
                   'for %s your %s differs from autograd by up to %.3g: got %s, expected %s '
                   '(d(a*b)/da is b, d(a*b)/db is a, each times g)'
                   % (case, name, float(np.abs(got - ref).max()), _fmt(got), _fmt(ref)))
    passed('00.3', 'gradients right for %d broadcasting shapes' % len(_SHAPES))


# ----- 00.5 (observe/judge protocol) ------------------------------------------------------
def _draw_5(seed):
    """a (3, 4), b (4, 2), the output weights w (3, 2); a tiny regression task and its
    initial weights W1 (4, 5), W2 (5, 1)."""
    stream = rng(seed)
    a, b, w = (stream.uniform(-1, 1, s).astype(np.float32) for s in ((3, 4), (4, 2), (3, 2)))
    X = stream.uniform(-1, 1, (8, 4)).astype(np.float32)
    y = np.sin(X.sum(axis=1, keepdims=True)).astype(np.float32)
    W1 = stream.uniform(-0.5, 0.5, (4, 5)).astype(np.float32)
    W2 = stream.uniform(-0.5, 0.5, (5, 1)).astype(np.float32)
    return a, b, w, X, y, W1, W2


_STEPS_5, _LR_5 = 20, 0.05


def observe_5(Var, backprop, dot, relu, seed: int) -> dict:
    """Gradients of sum(relu(dot(a, b)) * w) on the student's ops, and 20 SGD steps of a
    two-layer relu net trained with them."""
    a, b, w, X, y, W1, W2 = _draw_5(seed)
    va, vb = Var(a), Var(b)
    out = call('relu(dot(a, b))', lambda: relu(dot(va, vb)))
    expect(isinstance(out, Var), 'dot and relu should return a Var; relu(dot(a, b)) returned a %s'
           % type(out).__name__)
    loss = (out * Var(w)).sum()
    call('backprop(sum(relu(dot(a, b)) * w))', backprop, loss)
    expect(va.grad is not None and vb.grad is not None,
           'after backprop, a.grad or b.grad is None: does dot pass (a, b) as its parents?')
    data = {'value': floats(out.value), 'grad_a': floats(va.grad), 'grad_b': floats(vb.grad)}
    def train(W1, W2):
        losses = []
        for _ in range(_STEPS_5):
            v1, v2 = Var(W1), Var(W2)
            diff = dot(relu(dot(Var(X), v1)), v2) + Var(-y)
            loss = (diff * diff).sum()
            backprop(loss)
            losses.append(float(loss.value))
            W1 = (W1 - _LR_5 * np.asarray(v1.grad)).astype(np.float32)
            W2 = (W2 - _LR_5 * np.asarray(v2.grad)).astype(np.float32)
        return losses

    losses = call('training a two-layer net with your dot and relu', train, W1, W2)
    data['losses'] = losses
    return data


def _train_5(X, y, W1, W2) -> list:
    """The same training written out by hand in NumPy (forward, then the chain rule)."""
    losses = []
    for _ in range(_STEPS_5):
        z = X @ W1
        h = np.maximum(z, 0)
        diff = h @ W2 - y
        losses.append(float((diff * diff).sum()))
        g_pred = 2 * diff
        g_W2, g_h = h.T @ g_pred, g_pred @ W2.T
        g_W1 = X.T @ (g_h * (z > 0))
        W1, W2 = (W1 - _LR_5 * g_W1).astype(np.float32), (W2 - _LR_5 * g_W2).astype(np.float32)
    return losses


def judge_5(data, seed: int) -> str:
    a, b, w, X, y, W1, W2 = _draw_5(seed)
    z = a @ b
    value = data.array('value', (3, 2))
    expect(close(value, np.maximum(z, 0)), 'relu(dot(a, b)) computed %s; expected %s'
           % (_fmt(value), _fmt(np.maximum(z, 0))))
    g_z = w * (z > 0)
    for name, want in (('a', g_z @ b.T), ('b', a.T @ g_z)):
        got = data.array('grad_' + name, want.shape)
        expect(close(got, want, atol=1e-5), 'the gradient of %s is %s; expected %s (dot\'s backward '
               'sends g @ b.T to a and a.T @ g to b; relu\'s lets g through where its input was '
               'positive)' % (name, _fmt(got), _fmt(want)))
    losses, want = data.array('losses', (_STEPS_5,)), np.array(_train_5(X, y, W1, W2))
    expect(close(losses, want, rtol=1e-4), 'training with your ops gives the losses %s ...; '
           'expected %s ...' % (_fmt(losses[:3]), _fmt(want[:3])))
    expect(want[-1] < want[0], 'training should lower the loss')  # a sanity check of the task
    return 'dot and relu on the mini tape: right gradients, and the loss falls over %d SGD steps' \
        % _STEPS_5


check_5 = Check('00.5', observe_5, judge_5)
