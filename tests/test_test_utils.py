"""minigluon.test_utils (``mx.test_utils``): the dense helpers MXNet 1.9.1's unit tests import,
checked against what MXNet's own give (values recorded with /work/mxvenv)."""
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigluon as mx
from minigluon import test_utils as tu

# MXNet 1.9.1: assert_almost_equal(nd.array([1, 2, 3]), nd.array([1, 2.5, 3.1]))
MXNET_MESSAGE = ('\nItems are not equal:\nError 400.000000 exceeds tolerance rtol=1.000000e-04, '
                 'atol=1.000000e-03 (mismatch 66.666667%).\nLocation of maximum error: (1,), '
                 'a=2.00000000, b=2.50000000\n ACTUAL: array([1., 2., 3.], dtype=float32)\n '
                 'DESIRED: array([1. , 2.5, 3.1], dtype=float32)')


def test_tolerances_default_by_dtype_as_mxnet():
    f16, f32, f64 = (np.zeros(2, t) for t in (np.float16, np.float32, np.float64))
    assert tu.get_tols(f32, f32, None, None) == (1e-4, 1e-3)
    assert tu.get_tols(f64, f64, None, None) == (1e-5, 1e-20)
    assert tu.get_tols(f16, f32, None, None) == (1e-2, 1e-1)  # the looser of the two
    assert tu.get_tols(f32, f32, {np.dtype(np.float32): 0.5}, 0.25) == (0.5, 0.25)
    assert tu.get_tols(np.zeros(2, np.int32), 3, None, None) == (0, 0)
    assert not tu.almost_equal(np.float32(1), np.float32(1.0001))  # float64's rtol 1e-5


def test_assert_almost_equal_message_is_mxnets(capsys):
    tu.assert_almost_equal(mx.nd.array([1, 2, 3]), np.array([1, 2, 3.0002]))  # within float32's
    with pytest.raises(AssertionError) as error:
        tu.assert_almost_equal(mx.nd.array([1, 2, 3]), mx.nd.array([1, 2.5, 3.1]))
    assert str(error.value) == MXNET_MESSAGE
    assert capsys.readouterr().out.splitlines()[3] == \
        '  1: Error 400.000000  Location of error: (1,), a=2.00000000, b=2.50000000'
    with pytest.raises(AssertionError) as error:
        tu.assert_almost_equal(np.ones(20), np.zeros(20))
    assert '(mismatch at least 55.000000%)' in str(error.value)  # MXNet counts 10 + 1 of 20
    with pytest.raises(AssertionError) as error:
        tu.assert_almost_equal(np.float32(1), np.float32(2))
    assert str(error.value).startswith('\nItems are not equal:\nError 833.333333 exceeds tolerance '
                                       'rtol=1.000000e-04, atol=1.000000e-03.\n')


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=4),
                  elements=st.floats(-10, 10)), st.data(), st.booleans())
def test_np_reduce_is_numpys_reduction_over_those_axes(x, data, keepdims):
    axes = data.draw(st.lists(st.integers(0, x.ndim - 1), min_size=1, unique=True))
    got = tu.np_reduce(x, axes, keepdims, np.sum)
    np.testing.assert_allclose(got, np.sum(x, axis=tuple(axes), keepdims=keepdims), atol=1e-9)


def test_random_inputs_are_dense_and_seeded():
    np.random.seed(3)
    first = tu.rand_ndarray((2, 3), dtype='float64')
    np.random.seed(3)
    assert first.dtype == np.float64 and first.shape == (2, 3)
    assert (tu.rand_ndarray((2, 3), dtype='float64').asnumpy() == first.asnumpy()).all()
    assert all(1 <= n <= 4 for n in tu.rand_shape_nd(5, dim=4)) and len(tu.rand_shape_3d()) == 3
    assert sorted(tu.random_sample([1, 2, 3, 4], 4)) == [1, 2, 3, 4]
    with pytest.raises(NotImplementedError, match='sparse'):
        tu.rand_ndarray((2, 2), stype='csr')


def test_environment_sets_and_restores():
    os.environ.pop('MINIGLUON_TU_A', None)
    os.environ['MINIGLUON_TU_B'] = 'old'
    with tu.environment({'MINIGLUON_TU_A': '1', 'MINIGLUON_TU_B': None}):
        assert os.environ['MINIGLUON_TU_A'] == '1' and 'MINIGLUON_TU_B' not in os.environ
    assert 'MINIGLUON_TU_A' not in os.environ and os.environ.pop('MINIGLUON_TU_B') == 'old'


def test_retry_runs_again_only_after_an_assertion():
    calls = []

    @tu.retry(3)
    def flaky():
        calls.append(1)
        assert len(calls) >= 2

    flaky()
    assert len(calls) == 2
    with pytest.raises(AssertionError):
        tu.retry(2)(lambda: tu.assert_exception(lambda: None, ValueError))()


def test_compare_optimizer_agrees_with_itself_and_not_with_another_rate():
    sgd = dict(learning_rate=0.1, wd=0.01, rescale_grad=1.0)
    tu.compare_optimizer(mx.optimizer.SGD(**sgd), mx.optimizer.SGD(**sgd), (3, 4), np.float32)
    with pytest.raises(AssertionError):
        tu.compare_optimizer(mx.optimizer.SGD(**sgd), mx.optimizer.SGD(**dict(sgd, learning_rate=1.0)),
                             (3, 4), np.float32)


def test_generator_checks():
    buckets, probs = tu.gen_buckets_probs_with_ppf(lambda p: p, 4)
    assert buckets == [(0.0, 0.25), (0.25, 0.5), (0.5, 0.75), (0.75, 1.0)] and probs == [0.25] * 4
    rng = np.random.RandomState(0)
    assert tu.mean_check(lambda n: rng.normal(2, 1, n), 2, 1, nsamples=10000)
    assert not tu.var_check(lambda n: rng.normal(0, 2, n), 1, nsamples=10000)
    try:
        import scipy  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match='scipy is not available'):
            tu.verify_generator(lambda n: rng.uniform(size=n), buckets, probs)
    else:
        assert len(tu.verify_generator(lambda n: rng.uniform(size=n), buckets, probs, 1000)) == 5


def test_star_import_gives_mx_as_mxnets_does():
    namespace = {}
    exec('from minigluon.test_utils import *', namespace)
    assert namespace['mx'] is mx and namespace['assert_almost_equal'] is tu.assert_almost_equal
