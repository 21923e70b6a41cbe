"""The checks of chapter 00 pass the reference solutions and fail typical wrong answers with
messages in the student's terms (never an unrelated exception)."""
import itertools

import numpy as np
import pytest

from minigluon import autograd, nd
from minigluon_workbook.checks import ExerciseFailed, ch00
from minigluon_workbook.judges import Data, Malformed


# ----- 00.1 sgd_step ---------------------------------------------------------------------
def sgd_ok(params, lr):
    for p in params:
        p[:] = p - lr * p.grad


def sgd_ok_augmented(params, lr):
    for p in params:
        p -= lr * p.grad


def sgd_rebinds(params, lr):
    for p in params:
        p = p - lr * p.grad  # noqa: F841 - the classic mistake


def sgd_replaces(params, lr):
    for i, p in enumerate(params):
        params[i] = p - lr * p.grad


def sgd_wrong_sign(params, lr):
    for p in params:
        p[:] = p + lr * p.grad


def sgd_crashes(params, lr):
    for p in params:
        p[:] = p - lr * p.gradient


@pytest.mark.parametrize('solution', [sgd_ok, sgd_ok_augmented])
def test_check_1_passes(solution, capsys):
    ch00.check_1(solution)
    assert 'PASSED exercise 00.1' in capsys.readouterr().out


@pytest.mark.parametrize('wrong, message', [
    (sgd_rebinds, r'left params\[0\] unchanged .*only makes the name p point to a new array.*In-place'),
    (sgd_replaces, r'replaced params\[0\] with a new NDArray'),
    (sgd_wrong_sign, r'params\[0\] is .*; expected .*p - lr \* p\.grad'),
    (sgd_crashes, r"calling your sgd_step.* raised AttributeError: .*gradient"),
    ('not a function', r'sgd_step should be a function'),
])
def test_check_1_fails_readably(wrong, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch00.check_1(wrong)


# ----- 00.2 grad_of ----------------------------------------------------------------------
def grad_ok(f, x):
    x.attach_grad()
    with autograd.record():
        y = f(x)
    y.backward()
    return x.grad


def grad_no_record(f, x):
    x.attach_grad()
    y = f(x)
    y.backward()
    return x.grad


def grad_before_backward(f, x):
    x.attach_grad()
    with autograd.record():
        f(x)
    return x.grad


def grad_returns_value(f, x):
    x.attach_grad()
    with autograd.record():
        y = f(x)
    y.backward()
    return y


def grad_numpy(f, x):
    return grad_ok(f, x).asnumpy()


def test_check_2_passes(capsys):
    ch00.check_2(grad_ok)
    assert 'PASSED exercise 00.2' in capsys.readouterr().out


@pytest.mark.parametrize('wrong, message', [
    (grad_no_record, r'raised MXNetError: Cannot differentiate node'),
    (grad_before_backward, r'It is all zeros: did you call backward\(\)'),
    (grad_returns_value, r'for f\(x\) = x \* x .*returned \[.*\]; expected'),
    (grad_numpy, r'returned a ndarray; expected an NDArray'),
])
def test_check_2_fails_readably(wrong, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch00.check_2(wrong)
    assert not autograd.is_recording()


# ----- 00.3 mul_backward -----------------------------------------------------------------
def _sum_to(grad, shape):
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(shape)
                                      if d == 1 and grad.shape[lead + i] != 1)
    return grad.sum(axis=axes, keepdims=True).reshape(shape)


def mul_ok(g, a, b):
    return _sum_to(g * b, a.shape), _sum_to(g * a, b.shape)


def mul_no_sum(g, a, b):
    return g * b, g * a


def mul_swapped(g, a, b):
    return _sum_to(g * a, a.shape), _sum_to(g * b, b.shape)


def mul_sum_all(g, a, b):
    return (g * b).sum(), (g * a).sum()


def mul_one_value(g, a, b):
    return _sum_to(g * b, a.shape)


def test_check_3_passes(capsys):
    ch00.check_3(mul_ok)
    assert 'PASSED exercise 00.3' in capsys.readouterr().out


@pytest.mark.parametrize('wrong, message', [
    (mul_no_sum, r'^for a of shape \(3, 1\) and b of shape \(1, 4\) your grad_a has shape \(3, 4\); '
                 r'expected \(3, 1\), the shape of a$'),
    (mul_swapped, r'^for a of shape \(3, 4\) and b of shape \(3, 4\) your grad_a has the right shape '
                  r'but differs from autograd by up to \S+: got \[.*\], expected \[.*\]$'),
    (mul_sum_all, r'grad_a has shape \(\); expected \(3, 4\)'),
    (mul_one_value, r'expected a pair \(grad_a, grad_b\)'),
    (lambda g, a, b: (g * b)[5], r'raised IndexError'),
])
def test_check_3_fails_readably(wrong, message):
    with pytest.raises(ExerciseFailed, match=message) as failed:
        ch00.check_3(wrong)
    # it says which gradient is wrong, its shape or values against autograd's, never the rule
    assert not any(rule in str(failed.value).lower()
                   for rule in ('sum the', 'broadcast', 'd(a*b)', 'is b', 'is a,', 'times g', 'axes'))


# ----- 00.5: dot and relu on the chapter's mini tape ---------------------------------------
class Var:
    """The chapter's mini tape (cell "A mini tape from scratch")."""
    counter = itertools.count()

    def __init__(self, value, parents=(), backward=None):
        self.value = np.asarray(value, dtype=np.float32)
        self.parents, self.backward, self.grad = parents, backward, None
        self.number = next(Var.counter)

    def __add__(self, other):
        return Var(self.value + other.value, (self, other), lambda g: (g, g))

    def __mul__(self, other):
        return Var(self.value * other.value, (self, other),
                   lambda g: (g * other.value, g * self.value))

    def sum(self):
        return Var(self.value.sum(), (self,), lambda g: (np.broadcast_to(g, self.value.shape),))


def backprop(head):
    graph, stack = {id(head): head}, [head]
    while stack:
        for parent in stack.pop().parents:
            if id(parent) not in graph:
                graph[id(parent)] = parent
                stack.append(parent)
    grads = {id(head): np.ones_like(head.value)}
    for var in sorted(graph.values(), key=lambda v: v.number, reverse=True):
        g = grads.pop(id(var), None)
        if g is None:
            continue
        if var.backward is None:
            var.grad = g
            continue
        for parent, pg in zip(var.parents, var.backward(g)):
            grads[id(parent)] = grads.get(id(parent), 0) + pg


def dot(a, b):
    return Var(a.value @ b.value, (a, b), lambda g: (g @ b.value.T, a.value.T @ g))


def relu(a):
    mask = a.value > 0
    return Var(a.value * mask, (a,), lambda g: (g * mask,))


def test_check_5_passes_the_reference(capsys):
    ch00.check_5(Var, backprop, dot, relu)
    assert 'PASSED exercise 00.5' in capsys.readouterr().out


def _dot_with(backward):
    """A dot whose backward is ``backward(g, a, b)`` (a and b: the operands' values)."""
    return lambda a, b: Var(a.value @ b.value, (a, b), lambda g: backward(g, a.value, b.value))


@pytest.mark.parametrize('wrong_dot, wrong_relu, message', [
    (_dot_with(lambda g, a, b: (g @ b, a @ g)), relu, r'backprop.* raised ValueError'),
    (_dot_with(lambda g, a, b: (g @ b.T, (a.T @ g) * 2)), relu,
     r"^the gradient of b has the expected shape \(4, 2\) but other values: at \[0, 0\] \S+ instead of "
     r"\S+, .*Look at what dot's backward returns for b$"),
    (_dot_with(lambda g, a, b: (np.zeros_like(a), a.T @ g)), relu,
     r"^the gradient of a has the expected shape \(3, 4\) but other values: at \[\d, \d\] 0 instead "
     r"of .*Look at what dot's backward returns for a$"),
    (_dot_with(lambda g, a, b: (g @ b.T, (a.T @ g).sum(axis=1, keepdims=True))), relu,
     r'the gradient of b has shape \(4, 1\); expected \(4, 2\), the shape of b'),
    (dot, lambda a: Var(np.maximum(a.value, 0), (a,), lambda g: (g,)),
     r"^the gradient of a has the expected shape \(3, 4\) .*; the gradient of b is wrong too\. Both fit "
     r"a wrong gradient coming back from relu .*where relu's input was -\S+ \(negative\), relu's "
     r"backward sent \S+ instead of 0$"),
    (lambda a, b: Var(a.value @ b.value), relu, r'a.grad or b.grad is None'),
    (dot, lambda a: np.maximum(a.value, 0), r'should return a Var'),
    (dot, lambda a: Var(a.value, (a,), lambda g: (g,)), r'relu\(dot\(a, b\)\) computed'),
])
def test_check_5_fails_readably(wrong_dot, wrong_relu, message):
    with pytest.raises(ExerciseFailed, match=message) as failed:
        ch00.check_5(Var, backprop, wrong_dot, wrong_relu)
    # it says which gradient is wrong and where, never the rule that computes it
    assert not any(rule in str(failed.value) for rule in ('.T', '@', 'transpose', 'lets g through'))


def test_check_5_judges_from_the_seed():
    data = ch00.check_5.observe(Var, backprop, dot, relu, seed=3)
    assert 'loss falls' in ch00.check_5.judge(Data(data), 3)
    with pytest.raises(ExerciseFailed):
        ch00.check_5.judge(Data(data), 4)
    with pytest.raises(ExerciseFailed, match='training with your ops'):
        ch00.check_5.judge(Data(dict(data, losses=[0.0] * 20)), 3)
    with pytest.raises(Malformed):
        ch00.check_5.judge(Data(dict(data, losses='small')), 3)
