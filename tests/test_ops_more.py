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


# ----- diag, cbrt, rcbrt, degrees, radians, nanprod, softmin, slice_like, shape_array and
# size_array (issue #21; MXNet's values, gradients and messages: tests/differential/cases_ops.py)
NAN_COLUMN = nd.array([[float('nan')], [2.0]], dtype='float64')


@pytest.mark.parametrize('f', [
    nd.cbrt, nd.rcbrt, nd.degrees, nd.radians,
    lambda x: nd.cbrt(x - 1) + (x - 1).rcbrt(),
    lambda x: nd.diag(x, k=1),
    lambda x: x.diag(-1),
    lambda x: nd.diag(x.reshape((6,)), k=-2),
    lambda x: nd.diag(x.reshape((1, 2, 3)), k=1, axis1=2, axis2=1),
    lambda x: nd.nanprod(x, axis=1),
    lambda x: x.nanprod(axis=0, keepdims=True),
    lambda x: nd.nanprod(nd.concat(x, NAN_COLUMN, dim=1), axis=1),
    lambda x: nd.softmin(x),
    lambda x: nd.softmin(x, axis=0, temperature=0.7),
    lambda x: x.softmin(temperature=3),
    lambda x: nd.slice_like(x, nd.zeros((1, 2))),
    lambda x: x.slice_like(nd.zeros((5, 2)), axes=(1,)),
    lambda x: x * nd.size_array(x).astype('float64'),
    lambda x: nd.broadcast_mul(x, nd.shape_array(x).astype('float64').reshape((2, 1))),
])
def test_gradients_of_ops_enumerate_api_found_missing(f):
    check_grad(f, X)


def test_shape_array_and_slice_likes_shape_input_get_zero_gradients():
    x, like = nd.array(X), nd.ones((1, 2))
    x.attach_grad()
    like.attach_grad()
    like.grad[:] = 5
    from minigluon import autograd
    with autograd.record():
        y = nd.slice_like(x, like).sum() + nd.shape_array(x).astype('float32').sum()
    y.backward()
    assert like.grad.asnumpy().tolist() == [[0, 0]]
    assert x.grad.asnumpy().tolist() == [[1, 1, 0], [0, 0, 0]]


@pytest.mark.gpu
@pytest.mark.parametrize('f', [
    lambda x: nd.diag(x, k=1), lambda x: nd.diag(x.reshape((6,)), k=-1), nd.cbrt, nd.rcbrt,
    nd.degrees, nd.radians, lambda x: nd.nanprod(x, axis=1), lambda x: nd.softmin(x, temperature=2),
    lambda x: nd.softmin(x.astype('float16'), axis=0), lambda x: x.slice_like(nd.zeros((1, 2), ctx=x.context)),
    lambda x: x * nd.size_array(x).astype('float32') + nd.shape_array(x)[1:].astype('float32'),
])
def test_enumerate_api_ops_on_a_gpu_agree_with_the_cpu(f):
    import minigluon as mx
    from minigluon import autograd
    results = []
    for ctx in (mx.gpu(0), mx.cpu()):
        x = nd.array(X, ctx=ctx)
        x.attach_grad()
        with autograd.record():
            y = f(x)
        y.backward()
        assert y.context == ctx and x.grad.context == ctx
        results.append((y.asnumpy(), x.grad.asnumpy()))
    (y_gpu, g_gpu), (y_cpu, g_cpu) = results
    assert y_gpu.dtype == y_cpu.dtype
    np.testing.assert_allclose(y_gpu.astype(float), y_cpu.astype(float), rtol=1e-3)
    np.testing.assert_allclose(g_gpu.astype(float), g_cpu.astype(float), rtol=1e-3, atol=1e-6)
