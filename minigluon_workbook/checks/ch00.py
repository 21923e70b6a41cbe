"""Checks for chapter 00, "NDArray and autograd" (exercises 00.1 to 00.3 and 00.5)."""
from __future__ import annotations

import numpy as np

from minigluon import autograd, nd
from minigluon.ndarray import NDArray

from . import Check, ExerciseFailed, call, describe, expect, floats, mentions, rng

# Its judges run in the grader's process only; the sandbox cannot import them.
JUDGES = 'minigluon_workbook.judges.ch00'


def _fmt(a) -> str:
    return np.array2string(np.asarray(a), precision=4, separator=', ').replace('\n', '')


# ----- 00.1 ------------------------------------------------------------------------------
_LRS_1 = (0.1, 0.5)


def _draw_1(seed):
    """Two parameters' values and gradients (the notebook's fixed ones for seed 0)."""
    if seed == 0:
        return ([np.array([1., 2., 3.], np.float32), np.array([[1., -1.], [0.5, 2.]], np.float32)],
                [np.array([0.5, -1., 2.], np.float32), np.array([[1., 1.], [-2., 0.]], np.float32)])
    stream = rng(seed)
    values = [stream.uniform(-3, 3, shape).astype(np.float32) for shape in ((3,), (2, 2))]
    return values, [stream.uniform(-3, 3, v.shape).astype(np.float32) for v in values]


def observe_1(sgd_step, seed: int) -> dict:
    """Each parameter after ``sgd_step(params, lr)``, for two learning rates."""
    expect(callable(sgd_step), 'sgd_step should be a function; you gave a %s' % type(sgd_step).__name__)
    values, grads = _draw_1(seed)
    steps = []
    for lr in _LRS_1:
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
                   'your sgd_step replaced params[%d] with a new NDArray, but a network keeps '
                   'references to the original array: change the values of the array that is '
                   'already there (section 4, "In-place operations")' % i)
        steps.append({'params': [floats(p) for p in params]})
    return {'steps': steps}


check_1 = Check('00.1', observe_1, JUDGES)


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


def _draw_2(seed):
    """W, the vector v, the matrix m, and a positive and a negative scalar for control flow."""
    if seed == 0:
        return (np.array([[1., -2.], [0.5, 3.], [2., 1.]], np.float32),
                np.array([1., -2., 3.], np.float32),
                np.array([[0.5, 1., -1.], [2., 0., 1.]], np.float32),
                np.array([0.3], np.float32), np.array([-0.7], np.float32))
    stream = rng(seed)
    W, v, m = (stream.uniform(-2, 2, shape).astype(np.float32) for shape in ((3, 2), (3,), (2, 3)))
    return (W, v, m, stream.uniform(0.1, 1, (1,)).astype(np.float32),
            -stream.uniform(0.1, 1, (1,)).astype(np.float32))


def _grad_cases(seed):
    """(description, f, x) for each function whose gradient grad_of must find."""
    W, v, m, a_pos, a_neg = _draw_2(seed)
    return [
        ('f(x) = x * x at x = %s' % _fmt(v), lambda x: x * x, v),
        ('f(x) = (x ** 3).sum() at x = %s' % _fmt(v), lambda x: (x ** 3).sum(), v),
        ('f(x) = nd.exp(x).sum() at x = %s' % _fmt(v), lambda x: nd.exp(x).sum(), v),
        ('f(x) = nd.dot(x, W) for x of shape (2, 3)', lambda x: nd.dot(x, nd.array(W)), m),
        ("the control-flow function f of section 7 at a = %s" % _fmt(a_pos), _control_flow, a_pos),
        ("the control-flow function f of section 7 at a = %s" % _fmt(a_neg), _control_flow, a_neg),
    ]


def observe_2(grad_of, seed: int) -> dict:
    """``grad_of(f, x)`` for 6 functions, control flow included, at points from the seed."""
    expect(callable(grad_of), 'grad_of should be a function; you gave a %s' % type(grad_of).__name__)
    grads = []
    for what, f, x in _grad_cases(seed):
        got = call('calling your grad_of for %s' % what, grad_of, f, nd.array(x))
        expect(isinstance(got, NDArray),
               'for %s your grad_of returned a %s; expected an NDArray (x.grad)'
               % (what, type(got).__name__))
        grads.append({'shape': list(got.shape), 'values': floats(got)})
    return {'grads': grads}


check_2 = Check('00.2', observe_2, JUDGES)


# ----- 00.3 ------------------------------------------------------------------------------
_SHAPES = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((2, 3, 4), (4,)), ((5,), (2, 1, 5)),
           ((1,), (3, 2))]


def _draw_3(seed):
    """(g, a, b) for each pair of shapes."""
    stream = rng(seed)
    cases = []
    for shape_a, shape_b in _SHAPES:
        a = stream.uniform(-2, 2, shape_a).astype(np.float32)
        b = stream.uniform(-2, 2, shape_b).astype(np.float32)
        g = stream.uniform(-1, 1, np.broadcast_shapes(shape_a, shape_b)).astype(np.float32)
        cases.append((g, a, b))
    return cases


def _case(shape_a, shape_b) -> str:
    return 'a of shape %s and b of shape %s' % (shape_a, shape_b)


# 00.3 asks for the broadcasting rule by hand: autograd may not compute it for the student.
_AUTOGRAD_3 = (('autograd.record', autograd, 'record'), ('autograd.backward', autograd, 'backward'),
               ('autograd.grad', autograd, 'grad'), ('NDArray.backward', NDArray, 'backward'),
               ('NDArray.attach_grad', NDArray, 'attach_grad'))


def observe_3(mul_backward, seed: int) -> dict:
    """``mul_backward(g, a, b)`` for 5 broadcasting shapes, values from the seed."""
    expect(callable(mul_backward),
           'mul_backward should be a function; you gave a %s' % type(mul_backward).__name__)
    results = []
    for (shape_a, shape_b), (g, a, b) in zip(_SHAPES, _draw_3(seed)):
        case = _case(shape_a, shape_b)
        result = call('calling your mul_backward(g, a, b) for %s (g of shape %s)' % (case, g.shape),
                      mul_backward, g.copy(), a.copy(), b.copy(), without=_AUTOGRAD_3)
        expect(isinstance(result, (tuple, list)) and len(result) == 2,
               'for %s your mul_backward returned %s; expected a pair (grad_a, grad_b)'
               % (case, type(result).__name__ if not isinstance(result, (tuple, list))
                  else 'a sequence of %d items' % len(result)))
        pair = {}
        for name, got in (('grad_a', result[0]), ('grad_b', result[1])):
            try:
                got = np.asarray(got.asnumpy() if isinstance(got, NDArray) else got, dtype=np.float32)
            except Exception as err:  # noqa: BLE001
                raise ExerciseFailed('for %s your %s (a %s) is not an array: %s'
                                     % (case, name, type(got).__name__, err)) from None
            pair[name] = {'shape': list(got.shape), 'values': floats(got)}
        results.append(pair)
    return {'results': results, 'review': mentions(mul_backward, _AUTOGRAD_3)}


check_3 = Check('00.3', observe_3, JUDGES)


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


def _shape_guarded(op, name: str, operands: tuple):
    """``op`` whose result's backward must return one gradient per operand, each of its
    operand's shape: else the exercise fails there, naming the operator and the operand, before
    backprop hands a wrong shape on (where NumPy would fail far from the cause)."""
    def guarded(*args):
        out = op(*args)
        backward, parents = getattr(out, 'backward', None), getattr(out, 'parents', ())
        if not callable(backward) or len(parents) != len(operands):
            return out
        shapes = ' and '.join('%s of shape %s' % (n, np.shape(p.value)) for n, p in zip(operands, parents))

        def checked(g):
            try:
                grads = backward(g)
            except Exception as err:  # noqa: BLE001 - any error in student code is reported
                raise ExerciseFailed("%s's backward raised %s; it was called with g of shape %s, for %s"
                                     % (name, describe(err), np.shape(g), shapes)) from None
            expect(isinstance(grads, (tuple, list)) and len(grads) == len(parents),
                   "%s's backward returned %s; expected one gradient for each of %s"
                   % (name, 'a %s' % type(grads).__name__ if not isinstance(grads, (tuple, list))
                      else '%d items' % len(grads), ', '.join(operands)))
            for n, parent, grad in zip(operands, parents, grads):
                expect(np.shape(grad) == np.shape(parent.value),
                       "%s's backward returned shape %s for %s; %s has shape %s (%s, g of shape %s)"
                       % (name, np.shape(grad), n, n, np.shape(parent.value), shapes, np.shape(g)))
            return grads
        out.backward = checked
        return out
    return guarded


def observe_5(Var, backprop, dot, relu, seed: int) -> dict:
    """Gradients of sum(relu(dot(a, b)) * w) on the student's ops, and 20 SGD steps of a
    two-layer relu net trained with them."""
    dot, relu = _shape_guarded(dot, 'dot', ('a', 'b')), _shape_guarded(relu, 'relu', ('its input',))
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


check_5 = Check('00.5', observe_5, JUDGES)
