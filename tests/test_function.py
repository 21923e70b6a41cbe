"""autograd.Function: a user's forward and backward, MXNet 1.9's semantics, checked by finite
differences (the backward is the user's, so a wrong tape shows as a wrong gradient)."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

from helpers import check_grad
from minigluon import autograd, nd
from minigluon.base import MXNetError


class Sigmoid(autograd.Function):
    def forward(self, x):
        y = 1 / (1 + nd.exp(-x))
        self.save_for_backward(y)
        return y

    def backward(self, dy):
        y, = self.saved_tensors
        return dy * y * (1 - y)


class ProductAndSum(autograd.Function):
    """Two inputs, two outputs: (a * b, a + b)."""

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a * b, a + b

    def backward(self, d_product, d_sum):
        a, b = self.saved_tensors
        return d_product * b + d_sum, d_product * a + d_sum


def test_sigmoid_gradient_matches_finite_differences():
    x = np.random.default_rng(1).standard_normal((3, 4))
    grad, = check_grad(lambda v: Sigmoid()(v) * 3, x)
    assert not np.allclose(grad, 0)


def test_two_inputs_two_outputs_used_together_and_apart():
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal(5), rng.standard_normal(5)

    def both(u, v):
        p, s = ProductAndSum()(u, v)
        return p * s + p  # each output used, one twice: backward still runs once

    check_grad(both, a, b)
    check_grad(lambda u, v: ProductAndSum()(u, v)[1] * 2, a, b)  # the unused output gets zeros


def test_backward_runs_once_with_zeros_for_unused_outputs():
    seen = []

    class Spy(ProductAndSum):
        def backward(self, d_product, d_sum):
            seen.append((d_product.asnumpy(), d_sum.asnumpy()))
            return super().backward(d_product, d_sum)

    a, b = nd.array([1., 2.]), nd.array([3., 4.])
    a.attach_grad()
    with autograd.record():
        p, s = Spy()(a, b)
        z = p * 2 + p
    z.backward()
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0][0], [3, 3])
    np.testing.assert_array_equal(seen[0][1], [0, 0])
    np.testing.assert_array_equal(a.grad.asnumpy(), [9, 12])


def test_forward_is_not_recorded_and_backward_sees_neither_switch():
    states = []

    class Probe(autograd.Function):
        def forward(self, x):
            states.append((autograd.is_recording(), autograd.is_training()))
            return x * 1

        def backward(self, d):
            states.append((autograd.is_recording(), autograd.is_training()))
            return d * 3

    x = nd.array([1., 2.])
    x.attach_grad()
    with autograd.record():
        y = Probe()(x)
    y.backward()
    assert states == [(False, True), (False, True)]
    np.testing.assert_array_equal(x.grad.asnumpy(), [3, 3])


def test_outside_record_it_is_forward_alone():
    f = Sigmoid()
    x = nd.array([0., 1.])
    x.attach_grad()
    y = f(x)
    np.testing.assert_allclose(y.asnumpy(), 1 / (1 + np.exp(-np.array([0., 1.]))), rtol=1e-6)
    assert len(f.saved_tensors) == 1
    with pytest.raises(MXNetError, match='not in a computational graph'):
        y.backward()


def test_an_instance_is_called_once():
    f = Sigmoid()
    f(nd.ones(1))
    with pytest.raises(AssertionError, match='can only be called once'):
        f(nd.ones(1))


def test_backward_returning_the_wrong_count_or_type_raises():
    class One(autograd.Function):
        def forward(self, a, b):
            return a + b

        def backward(self, d):
            return d

    class Number(autograd.Function):
        def forward(self, a):
            return a * 1

        def backward(self, d):
            return (1.0,)

    a, b = nd.ones(2), nd.ones(2)
    a.attach_grad()
    with autograd.record():
        y = One()(a, b)
    with pytest.raises(MXNetError, match='Expecting 2 got 1'):
        y.backward()
    with autograd.record():
        y = Number()(a)
    with pytest.raises(MXNetError, match="must return NDArrays, not <class 'float'>"):
        y.backward()


def test_base_class_forward_and_backward_are_abstract():
    with pytest.raises(NotImplementedError):
        autograd.Function()(nd.ones(1))
    with pytest.raises(NotImplementedError):
        autograd.Function().backward(nd.ones(1))


def test_grad_req_add_accumulates():
    """MXNet 1.9.1 compares req with the string 'add' and so leaves an 'add' gradient at zero;
    minigluon adds, as grad_req='add' means everywhere else."""
    a, c = nd.array([1., 2.]), nd.array([5., 6.])
    a.attach_grad(grad_req='add')
    for _ in range(2):
        with autograd.record():
            y = ProductAndSum()(a, c)[0]
        y.backward()
    np.testing.assert_array_equal(a.grad.asnumpy(), [10, 12])


@given(hnp.arrays(np.float32, hnp.array_shapes(max_dims=3, max_side=4),
                  elements=st.floats(-20, 20, width=32)))
def test_custom_sigmoid_matches_the_builtin_everywhere(values):
    """The docs' Function and nd.sigmoid give the same values and gradients for any input."""
    grads = []
    for f in (lambda x: Sigmoid()(x), nd.sigmoid):
        x = nd.array(values)
        x.attach_grad()
        with autograd.record():
            y = f(x)
        y.backward()
        grads.append((y.asnumpy(), x.grad.asnumpy()))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-5, atol=1e-7)
