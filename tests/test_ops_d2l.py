"""The operators added for d2l's "deep learning basics" (ops.py's last section): gradients
against finite differences, and the rules their MXNet values (cases_nd.py) do not cover."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from helpers import check_grad
from minigluon import autograd, nd

RNG = np.random.default_rng(0)
# away from 0, where relu and the leaky family have their kink
X = RNG.uniform(0.3, 2.0, (2, 3)) * np.array([[1, -1, 1], [-1, 1, -1]])


@pytest.mark.parametrize('act_type', ['relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'])
def test_activation_gradients(act_type):
    check_grad(lambda x: nd.Activation(x, act_type=act_type), X)


@pytest.mark.parametrize('kwargs', [{}, {'slope': 0.1}, {'act_type': 'elu'}, {'act_type': 'elu', 'slope': 2.0}])
def test_leaky_relu_gradients(kwargs):
    check_grad(lambda x: nd.LeakyReLU(x, **kwargs), X)


def test_selu_gradient_is_mxnets():
    # above 0 it is the derivative; below, MXNet's kernel gives lambda * (y + alpha)
    check_grad(lambda x: nd.LeakyReLU(x, act_type='selu'), np.abs(X))
    lam, alpha = 1.0507009873554805, 1.6732632423543772
    x = nd.array(-np.abs(X), dtype='float64')
    x.attach_grad()
    with autograd.record():
        y = nd.LeakyReLU(x, act_type='selu')
    y.backward()
    np.testing.assert_allclose(y.asnumpy(), lam * alpha * np.expm1(-np.abs(X)), rtol=1e-12)
    np.testing.assert_allclose(x.grad.asnumpy(), lam * (y.asnumpy() + alpha), rtol=1e-12)


def test_leaky_relu_types_minigluon_lacks_say_so():
    with pytest.raises(NotImplementedError, match=r"LeakyReLU\(act_type='rrelu'\) is not part of minigluon"):
        nd.LeakyReLU(nd.ones(2), act_type='rrelu')


@pytest.mark.parametrize('f', [
    lambda x: nd.softmax_cross_entropy(x, nd.array([2, 0])),
    lambda x: nd.gather_nd(x, nd.array([[0, 1, 1], [2, 0, 0]])),
    lambda x: nd.gather_nd(x, nd.array([[1, 0]])),
    lambda x: nd.slice(x, begin=(None, 2), end=(None, 0), step=(1, -2)),
    lambda x: nd.slice(x, begin=(1,), end=(2,)),
    lambda x: nd.linalg.gemm2(x, x, transpose_b=True, alpha=0.5),
    lambda x: nd.linalg.gemm2(x, x, transpose_a=True),
    lambda x: nd.linalg.gemm2(x.reshape((1, 2, 3)), x.reshape((1, 3, 2))),
    lambda x: nd.Cast(x, dtype='float64') * x,
    lambda x: nd.logical_not(x) + x,
])
def test_gradients(f):
    check_grad(f, X)


@pytest.mark.parametrize('block', [nd.stop_gradient, nd.BlockGrad])
def test_no_gradient_flows_through_stop_gradient(block):
    x = nd.array(X)
    x.attach_grad()
    with autograd.record():
        y = block(x * 3) * x  # d/dx = 3x (the blocked factor is a constant), not 6x
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 3 * X.astype(np.float32), rtol=1e-6)
    np.testing.assert_array_equal(y.asnumpy(), (x * 3 * x).asnumpy())


def test_softmax_cross_entropy_is_the_batch_sum_of_gluons_loss():
    from minigluon.gluon.loss import SoftmaxCrossEntropyLoss
    x, label = nd.array(RNG.standard_normal((4, 5))), nd.array([0, 4, 2, 2])
    per_example = SoftmaxCrossEntropyLoss()(x, label)
    assert nd.softmax_cross_entropy(x, label).shape == (1,)
    np.testing.assert_allclose(nd.softmax_cross_entropy(x, label).asnumpy(), per_example.sum().asnumpy(),
                               rtol=1e-6)


def test_dropout_keeps_or_scales_and_its_gradient_is_its_mask():
    x = nd.ones((50, 40))
    x.attach_grad()
    assert nd.Dropout(x, p=0.5) is x  # not training: the identity
    with autograd.record():
        y = nd.Dropout(x, p=0.25)
    y.backward()
    values = set(np.unique(y.asnumpy()).tolist())
    assert values == {0.0, np.float32(1 / 0.75)}
    np.testing.assert_array_equal(x.grad.asnumpy(), y.asnumpy())  # dy/dx = the scaled mask
    shared = nd.Dropout(x, p=0.5, mode='always', axes=(1,))
    assert (shared.asnumpy() == shared.asnumpy()[:, :1]).all()  # one draw along axis 1


_SLICES = st.tuples(st.none() | st.integers(-6, 6), st.none() | st.integers(-6, 6),
                    st.none() | st.integers(-3, 3).filter(lambda s: s != 0))


@given(st.lists(_SLICES, min_size=1, max_size=3))
def test_slice_is_numpys_basic_slicing(slices):
    a = np.arange(60, dtype=np.float32).reshape(3, 4, 5)
    begin, end, step = zip(*slices)
    expected = a[tuple(slice(*s) for s in slices)]
    np.testing.assert_array_equal(nd.slice(nd.array(a), begin=begin, end=end, step=step).asnumpy(), expected)


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3)), min_size=1, max_size=6))
def test_gather_nd_is_numpys_integer_indexing(pairs):
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    rows, cols = zip(*pairs)
    got = nd.gather_nd(nd.array(a), nd.array([rows, cols])).asnumpy()
    np.testing.assert_array_equal(got, a[list(rows), list(cols)])


@settings(max_examples=200, deadline=None)
@given(st.floats(-200, 200, width=32))
def test_float32_softrelu_is_onednns_approximation_of_log1p_exp(x):
    # MXNet hands float32 Activation to oneDNN: within ~5e-5 of the exact value, x above 88.4
    a = nd.array([x])
    a.attach_grad()
    with autograd.record():
        y = nd.Activation(a, act_type='softrelu')
    y.backward()
    exact = np.logaddexp(0.0, np.float64(x))
    assert abs(y.asscalar() - exact) <= 1e-4 * exact + 1e-5
    assert abs(a.grad.asscalar() - 1 / (1 + np.exp(-np.float64(x)))) <= 1e-6
    assert y.dtype == a.grad.dtype == np.float32


def test_softrelu_values_mxnet_prints():
    # the independent check's num_softrelu: MXNet 1.9.1 prints [0., 0.69314724, 30.]
    y = nd.Activation(nd.array([-30, 0, 30]), act_type='softrelu').asnumpy()
    assert y.tolist() == [0.0, np.float32(0.69314724), 30.0]
    # arrays oneDNN does not take (6 dimensions, float64) use log1p(exp(x)): not 0 at -30
    six = nd.Activation(nd.array([-30, 0, 30]).reshape((1, 1, 1, 1, 1, 3)), act_type='softrelu')
    assert six.asnumpy().ravel().tolist() == [np.float32(np.exp(-30.0)), np.float32(np.log(2)), 30.0]


@pytest.mark.parametrize('shape', [(2, 3), (1, 1, 1, 1, 2, 3)])
def test_softrelu_float64_and_six_dim_gradient(shape):
    check_grad(lambda x: nd.Activation(x, act_type='softrelu'), X.reshape(shape) * 5)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-30, 30, width=32), min_size=1, max_size=40), st.booleans())
def test_float32_softmax_family_is_within_float32_error_of_exact(values, last_axis):
    # float32 on the last axis replays oneDNN's kernels (differential case
    # independent:softmax_family_digits); elsewhere MXNet's own loop: both near the exact values
    x = np.array(values, np.float32).reshape((1, -1) if last_axis else (-1, 1))
    exact = x.astype(np.float64) - np.log(np.exp(x.astype(np.float64) - x.max()).sum()) - x.max()
    y = nd.log_softmax(nd.array(x), axis=-1 if last_axis else 0).asnumpy()
    np.testing.assert_allclose(y, exact, rtol=2e-5, atol=2e-5)
    s = nd.softmax(nd.array(x), axis=-1 if last_axis else 0).asnumpy()
    np.testing.assert_allclose(s, np.exp(exact), rtol=2e-5, atol=1e-7)


@pytest.mark.parametrize('f', [nd.softmax, nd.log_softmax])
@pytest.mark.parametrize('axis', [-1, 0])
def test_softmax_family_gradients(f, axis):
    check_grad(lambda x: f(x, axis=axis), X * 3)
