"""MXNet's ``out=`` and ``name=`` on nd's operators, and the creation keywords enumerate_api.py
found missing (arange's infer_range, empty's stype)."""
import inspect
import warnings

import numpy as np
import pytest

import minigluon as mx
from helpers import check_grad
from minigluon import autograd, nd
from minigluon.base import MXNetError

X = np.array([[-1.5, 2.0], [3.0, -0.5]], dtype=np.float32)
# (operator, its arguments after the array): each one with out= and name= must equal the plain call
CALLS = [(nd.relu, ()), (nd.sigmoid, ()), (nd.exp, ()), (nd.sin, ()), (nd.negative, ()), (nd.abs, ()),
         (nd.clip, (0, 1)), (nd.transpose, ()), (nd.flip, (1,)), (nd.sort, ()), (nd.argsort, ()),
         (nd.softmax, ()), (nd.log_softmax, ()), (nd.tile, ((1, 1),)), (nd.swapaxes, (0, 1)),
         (nd.LeakyReLU, ()), (nd.Activation, ('tanh',)), (nd.cast, ('float32',)),
         (nd.stop_gradient, ()), (nd.BlockGrad, ()), (nd.zeros_like, ()), (nd.ones_like, ())]


@pytest.mark.parametrize('op, args', CALLS, ids=[op.__name__ for op, _ in CALLS])
def test_out_receives_the_result_and_name_is_ignored(op, args):
    x = nd.array(X)
    expected = op(x, *args).asnumpy()
    out = nd.full((2, 2), 7.0)
    assert op(x, *args, out=out, name='anything') is out
    np.testing.assert_array_equal(out.asnumpy(), expected)


def test_binary_reduction_and_product_operators_take_out():
    a, b = nd.array(X), nd.array(X[::-1].copy())
    for op in (nd.broadcast_add, nd.elemwise_mul, nd.dot, nd.batch_dot):
        lhs, rhs = (a.expand_dims(0), b.expand_dims(0)) if op is nd.batch_dot else (a, b)
        out = nd.zeros(op(lhs, rhs).shape)
        assert op(lhs, rhs, out=out, name='n') is out
        np.testing.assert_array_equal(out.asnumpy(), op(lhs, rhs).asnumpy())
    out = nd.zeros(2)
    assert nd.argmax(a, axis=1, out=out) is out and out.asnumpy().tolist() == [1, 0]
    assert nd.where(a > 0, a, b, out=nd.zeros((2, 2))).asnumpy().tolist() == np.where(X > 0, X, X[::-1]).tolist()


def test_the_gradient_flows_through_out():
    def f(x):
        out = nd.zeros(x.shape, dtype='float64')
        nd.tanh(x, out=out)
        return nd.dot(out, x, out=nd.zeros((2, 2), dtype='float64'))
    check_grad(f, X.astype(np.float64))


def test_out_of_another_shape_or_dtype_is_refused():
    x = nd.ones((3, 2))
    with pytest.raises(MXNetError, match=r'Provided = \[2,3\], inferred shape=\[3,2\]'):
        nd.relu(x, out=nd.zeros((2, 3)))  # MXNet: its elementwise check's words, same error type
    with pytest.raises(MXNetError, match='expected float32, got float64'):
        nd.relu(x, out=nd.zeros((3, 2), dtype='float64'))
    with pytest.raises(MXNetError, match=r'Provided = \[3,2\], inferred shape=\[2,3\]'):
        nd.transpose(x, out=nd.zeros((3, 2)))


def test_every_operator_enumerate_listed_accepts_out_and_name():
    for name in ('Activation', 'BlockGrad', 'Cast', 'FullyConnected', 'LeakyReLU', 'argmax', 'argsort',
                 'batch_dot', 'broadcast_axes', 'broadcast_like', 'broadcast_to', 'clip', 'dot',
                 'expand_dims', 'flatten', 'gather_nd', 'linalg_gemm2', 'logical_not', 'norm', 'one_hot',
                 'pick', 'repeat', 'reshape_like', 'slice', 'slice_axis', 'softmax_cross_entropy',
                 'squeeze', 'take', 'elemwise_sub', 'log10', 'sample_multinomial'):
        params = inspect.signature(getattr(nd, name)).parameters
        assert 'out' in params and 'name' in params, name


def test_arange_warns_that_infer_range_is_deprecated():
    with pytest.warns(DeprecationWarning, match='`infer_range` argument has been deprecated'):
        x = nd.arange(2, 8, 2, infer_range=True, repeat=2)
    assert x.asnumpy().tolist() == [2, 2, 4, 4, 6, 6]
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        nd.arange(3)


def test_empty_takes_dense_stype_only():
    assert nd.empty((2, 2), stype='default').shape == (2, 2)
    assert nd.empty(3, stype=None).stype == 'default'
    with pytest.raises(NotImplementedError, match='sparse'):
        nd.empty((2,), stype='csr')
    with pytest.raises(Exception, match='unknown stype : foo'):
        nd.empty((2,), stype='foo')
    with pytest.raises(ValueError, match='unknown storage typefoo'):
        nd.zeros((2,), stype='foo')
    with pytest.raises(NotImplementedError):
        nd.ones((2,), stype='row_sparse')


def test_recording_into_out_is_refused_for_a_variable_in_the_graph():
    x = nd.array(X)
    x.attach_grad()
    with autograd.record():
        y = x * 2
        with pytest.raises(MXNetError, match='Assigning to NDArrays that are already in a computational graph'):
            nd.relu(x, out=y)
