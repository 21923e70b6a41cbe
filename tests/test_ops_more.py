"""Gradients of the ops added for MXNet fidelity, checked against finite differences."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from helpers import check_grad
from minigluon import nd

RNG = np.random.default_rng(0)
X = RNG.uniform(0.2, 0.8, (2, 3))

UNARY = ['sin', 'cos', 'tan', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'tanh', 'arcsinh',
         'arctanh', 'log1p', 'expm1', 'log2', 'log10', 'reciprocal', 'rsqrt']


@pytest.mark.parametrize('name', UNARY)
def test_elementwise_function_gradients(name):
    check_grad(getattr(nd, name), X)


def test_arccosh_gradient():
    check_grad(nd.arccosh, X + 1.5)


@pytest.mark.parametrize('f', [
    lambda x: nd.take(x, nd.array([0, 1, 1, 5]), axis=1),
    lambda x: nd.take(x, nd.array([[1, 0]]), axis=0, mode='wrap'),
    lambda x: nd.slice_axis(x, axis=1, begin=1, end=None),
    lambda x: nd.split(x, num_outputs=3, axis=1)[2] * 2,
    lambda x: nd.split(x, num_outputs=3, axis=1, squeeze_axis=True)[0],
    lambda x: nd.tile(x, reps=(2, 1, 3)),
    lambda x: nd.repeat(x, repeats=2, axis=1),
    lambda x: nd.repeat(x, repeats=3),
    lambda x: nd.flip(x, axis=(0, 1)),
    lambda x: nd.squeeze(x.reshape((1, 2, 1, 3)), axis=2),
    lambda x: nd.swapaxes(x, 0, 1),
    lambda x: nd.topk(x, k=2, ret_typ='value'),
    lambda x: nd.prod(x, axis=1),
    lambda x: nd.prod(x, axis=0, exclude=True, keepdims=True),
    lambda x: nd.nansum(x),
    lambda x: nd.sum(x, axis=0, exclude=True),
    lambda x: nd.mean(x, axis=1, exclude=True),
    lambda x: nd.max(x, axis=1, exclude=True),
    lambda x: nd.pick(x, nd.array([4, -1]), axis=1, mode='wrap'),
    lambda x: x % 0.3,
    lambda x: 1.1 % x,
    lambda x: nd.broadcast_hypot(x, x[:1] * 2),
    lambda x: nd.elemwise_mul(x, x),
    lambda x: nd.broadcast_like(x[:1], x) * x,
    lambda x: nd.broadcast_axis(x[:, :1], axis=1, size=4),
    lambda x: x.reshape((-3,)).reshape((-4, 3, -1)),
])
def test_shape_and_reduction_gradients(f):
    check_grad(f, X)


def test_out_argument_records_into_out():
    x, o = nd.array(X), nd.zeros((2, 3))
    assert nd.exp(x, out=o) is o
    np.testing.assert_allclose(o.asnumpy(), np.exp(X.astype(np.float32)), rtol=1e-6)


def test_step_functions_have_zero_gradient():
    for name in ('floor', 'ceil', 'round', 'rint', 'fix', 'trunc'):
        grads = check_grad(getattr(nd, name), X + 0.1)
        assert not grads[0].any()


def test_out_argument_passes_the_gradient_on():
    x, o = nd.array([1.0, 2.0]), nd.zeros(2)
    x.attach_grad()
    from minigluon import autograd
    with autograd.record():
        nd.exp(x, out=o)
        y = (o * 2).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * np.exp([1.0, 2.0]), rtol=1e-6)


# ----- add_n, reshape_like, linspace, random.randn (issue #21; MXNet's values: differential
# cases api:add_n, api:reshape_like, api:linspace, api:random_randn) -------------------------
def test_add_n_and_reshape_like_gradients():
    rng = np.random.default_rng(0)
    a, b, c = (rng.normal(size=(2, 3)) for _ in range(3))
    check_grad(lambda x, y, z: nd.add_n(x, y * 2, z, x), a, b, c)
    check_grad(lambda x: nd.reshape_like(x, nd.zeros((3, 2), dtype='float64')) ** 2, a)


@given(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3), st.integers(1, 20), st.booleans())
def test_linspace_is_numpys_in_float64_then_float32(start, stop, num, endpoint):
    got = nd.linspace(start, stop, num, endpoint=endpoint).asnumpy()
    step = (stop - start) / max(num - 1 if endpoint else num, 1)
    assert got.dtype == np.float32
    assert got.tolist() == (start + np.arange(num) * step).astype(np.float32).tolist()


def test_randn_is_normal_with_the_shape_as_arguments():
    import minigluon as mx
    mx.random.seed(3)
    a = nd.random.randn(2, 3, loc=1, scale=2)
    mx.random.seed(3)
    assert (a == nd.random.normal(1, 2, shape=(2, 3))).asnumpy().all()
