"""The gamma family (gamma, negative_binomial, generalized_negative_binomial) and the *_like
samplers: MXNet's own numbers are checked by tests/differential/cases_enum.py; here, that the
samples follow their distributions, and the shapes, dtypes and parameter rules."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigluon as mx
from minigluon import nd
from minigluon.base import MXNetError


@pytest.mark.parametrize('alpha, beta', [(0.4, 2.0), (2.0, 1.5), (9.0, 0.5)])
def test_gamma_mean_and_variance(alpha, beta):
    mx.random.seed(11)
    x = nd.random.gamma(alpha, beta, shape=20000).asnumpy().astype(np.float64)
    assert x.min() > 0
    np.testing.assert_allclose(x.mean(), alpha * beta, rtol=0.03)
    np.testing.assert_allclose(x.var(), alpha * beta * beta, rtol=0.08)


def test_negative_binomial_mean_and_variance():
    mx.random.seed(12)
    k, p = 3.0, 0.4
    x = nd.random.negative_binomial(k, p, shape=20000).asnumpy().astype(np.float64)
    assert (x == np.round(x)).all() and x.min() >= 0
    np.testing.assert_allclose(x.mean(), k * (1 - p) / p, rtol=0.03)
    np.testing.assert_allclose(x.var(), k * (1 - p) / p ** 2, rtol=0.08)


def test_generalized_negative_binomial_mean_and_variance():
    mx.random.seed(13)
    mu, alpha = 4.0, 0.5
    x = nd.random.generalized_negative_binomial(mu, alpha, shape=20000).asnumpy().astype(np.float64)
    np.testing.assert_allclose(x.mean(), mu, rtol=0.03)
    np.testing.assert_allclose(x.var(), mu + alpha * mu * mu, rtol=0.08)
    poisson = nd.random.generalized_negative_binomial(mu, 0.0, shape=20000).asnumpy()
    np.testing.assert_allclose(poisson.var(), mu, rtol=0.08)  # alpha 0: Poisson(mu)


def test_array_parameters_give_shape_samples_each():
    mx.random.seed(14)
    alpha, beta = nd.array([0.5, 20.0]), nd.array([1.0, 0.1])
    x = nd.random.gamma(alpha, beta, shape=(4000,))
    assert x.shape == (2, 4000) and x.dtype is np.float32
    np.testing.assert_allclose(x.asnumpy().mean(axis=1), [0.5, 2.0], rtol=0.06)
    assert nd.random.gamma(alpha, beta).shape == (2,)
    assert nd.random.normal(alpha, beta, shape=(1,)).shape == (2, 1)
    assert nd.random.exponential(nd.array([[1., 2.]]), shape=3).shape == (1, 2, 3)
    with pytest.raises(AssertionError, match='must all have the same type'):
        nd.random.negative_binomial(nd.array([1.]), 0.5)


def test_sample_exponential_takes_rates_and_random_exponential_takes_scales():
    mx.random.seed(15)
    rate = nd.sample_exponential(nd.array([4.0]), shape=20000).asnumpy()
    scale = nd.random.exponential(nd.array([4.0]), shape=20000).asnumpy()
    np.testing.assert_allclose([rate.mean(), scale.mean()], [0.25, 4.0], rtol=0.03)


@pytest.mark.parametrize('name', ['normal_like', 'uniform_like', 'gamma_like', 'exponential_like',
                                  'poisson_like', 'negative_binomial_like',
                                  'generalized_negative_binomial_like'])
def test_like_takes_shape_dtype_and_context_of_data(name):
    data = nd.zeros((2, 3), dtype='float64', ctx=mx.cpu(1))
    x = getattr(nd.random, name)(data)
    assert (x.shape, x.dtype, x.context) == ((2, 3), np.float64, mx.cpu(1))
    out = nd.zeros((2, 3))
    assert getattr(nd.random, name)(data, out=out) is out
    with pytest.raises(MXNetError, match='expected \\[2,3\\], got \\[3\\]'):
        getattr(nd.random, name)(data, out=nd.zeros(3))


def test_like_draws_what_the_sampler_draws():
    x = nd.ones((3, 4))
    mx.random.seed(16)
    a = nd.random.gamma_like(x, alpha=0.7, beta=3)
    mx.random.seed(16)
    np.testing.assert_array_equal(a.asnumpy(), nd.random.gamma(0.7, 3, shape=(3, 4)).asnumpy())


@given(st.integers(0, 2 ** 31 - 1), st.floats(0.05, 30), st.floats(0.05, 0.95))
def test_samples_are_non_negative_and_counts_whole(seed, a, p):
    mx.random.seed(seed)
    assert (nd.random.gamma(a, 1.0, shape=20).asnumpy() >= 0).all()  # a < 1 can underflow to 0
    counts = nd.random.negative_binomial(a, p, shape=20).asnumpy()
    assert ((counts >= 0) & (counts == np.floor(counts))).all()


def test_same_seed_same_samples():
    mx.random.seed(17)
    first = nd.random.generalized_negative_binomial(3.0, 0.2, shape=100).asnumpy()
    mx.random.seed(17)
    np.testing.assert_array_equal(first, nd.random.generalized_negative_binomial(3.0, 0.2, shape=100).asnumpy())


@pytest.mark.cupy_double
@pytest.mark.parametrize('name, args, mean', [
    ('gamma', (2.0, 1.5), 3.0), ('negative_binomial', (3, 0.4), 4.5),
    ('generalized_negative_binomial', (2.0, 0.3), 2.0), ('generalized_negative_binomial', (2.0, 0.0), 2.0)])
def test_gpu_samples_follow_the_distribution(name, args, mean):
    """On a GPU the samples are CuPy's (not MXNet's numbers), on that GPU, with array parameters too."""
    gpu = mx.gpu(0)
    x = getattr(nd.random, name)(*args, shape=4000, ctx=gpu)
    assert x.context == gpu and x.dtype is np.float32
    np.testing.assert_allclose(x.asnumpy().mean(), mean, rtol=0.08)
    params = [nd.array([a, a], ctx=gpu) for a in args]
    y = getattr(nd.random, name)(*params, shape=(2000,))
    assert y.context == gpu and y.shape == (2, 2000)
    np.testing.assert_allclose(y.asnumpy().mean(axis=1), [mean, mean], rtol=0.08)
