"""NDArray: reprs, dtypes, shapes, indexing, in-place updates, operations and their errors,
as MXNet 1.9.1 shows them: cases nd_basics, nd_arithmetic, nd_inplace, misc and extras of
tests/differential/cases_oracle.py (recorded by scripts/record_mxnet.py oracle), and the
cases named below of tests/differential/cases_reference.py (recorded by
scripts/record_mxnet.py reference)."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigluon as mx
from minigluon import autograd, nd  # noqa: F401 - the import MXNet code uses
from minigluon.base import MXNetError

from helpers import check_grad


@pytest.fixture
def A():
    return nd.arange(12).reshape((3, 4))


@pytest.fixture
def B():
    return nd.array([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])


def values(x):
    return x.asnumpy().tolist()


# ----- reprs ----------------------------------------------------------------------------------
@pytest.mark.parametrize('make, text', [
    (lambda: nd.arange(12), '\n[ 0.  1.  2.  3.  4.  5.  6.  7.  8.  9. 10. 11.]\n<NDArray 12 @cpu(0)>'),
    (lambda: nd.arange(12).reshape((3, 4)),
     '\n[[ 0.  1.  2.  3.]\n [ 4.  5.  6.  7.]\n [ 8.  9. 10. 11.]]\n<NDArray 3x4 @cpu(0)>'),
    (lambda: nd.zeros((2, 3, 4)),
     '\n[[[0. 0. 0. 0.]\n  [0. 0. 0. 0.]\n  [0. 0. 0. 0.]]\n\n [[0. 0. 0. 0.]\n  [0. 0. 0. 0.]\n'
     '  [0. 0. 0. 0.]]]\n<NDArray 2x3x4 @cpu(0)>'),
    (lambda: nd.array(5), '\n5.0\n<NDArray  @cpu(0)>'),
    (lambda: nd.array([]), '\n[]\n<NDArray 0 @cpu(0)>'),
    (lambda: nd.ones((1,)), '\n[1.]\n<NDArray 1 @cpu(0)>'),
    (lambda: nd.array([1, 2], dtype='int32'), '\n[1 2]\n<NDArray 2 @cpu(0)>'),
    (lambda: nd.array([1, 2], ctx=mx.cpu(1), dtype='int32'), '\n[1 2]\n<NDArray 2 @cpu(1)>'),
    (lambda: nd.array([1.5, 2.25, 1e-8]), '\n[1.50e+00 2.25e+00 1.00e-08]\n<NDArray 3 @cpu(0)>'),
    (lambda: nd.array([1e6, 2]), '\n[1.e+06 2.e+00]\n<NDArray 2 @cpu(0)>'),
    (lambda: nd.arange(2000),
     '\n[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03]\n<NDArray 2000 @cpu(0)>'),
])
def test_repr_matches_mxnet(make, text):
    x = make()
    assert repr(x) == text
    assert str(x) == repr(x)


def test_repr_of_a_big_2d_array_is_truncated_as_in_mxnet():  # case repr_big_2d_array
    x = nd.arange(5120).reshape((256, 20)) / 7
    lines = repr(x).split('\n')
    assert lines[:3] == ['', '[[0.0000000e+00 1.4285715e-01 2.8571430e-01 ... 2.4285715e+00',
                         '  2.5714285e+00 2.7142856e+00]']
    assert lines[7] == ' ...'
    assert lines[-3:] == [' [7.2857141e+02 7.2871429e+02 7.2885712e+02 ... 7.3100000e+02',
                          '  7.3114288e+02 7.3128571e+02]]', '<NDArray 256x20 @cpu(0)>']
    assert len(lines) == 15


# ----- dtype, shape, scalars ---------------------------------------------------------------------
@pytest.mark.parametrize('source', [[1, 2, 3], np.array([1, 2], dtype=np.int64),
                                    np.array([1.5], dtype=np.float64), 5, [[True, False]]])
def test_array_defaults_to_float32(source):
    assert nd.array(source).dtype is np.float32


def test_dtype_is_the_numpy_type_class():
    assert nd.array([1, 2], dtype='float64').dtype is np.float64
    assert nd.array([1, 2], dtype='int32').dtype is np.int32
    assert nd.array(nd.array([1, 2], dtype='int32')).dtype is np.int32  # keeps an NDArray's
    for make in (nd.ones, nd.zeros, nd.empty, lambda s: nd.full(s, 3), nd.arange):
        assert make(2).dtype is np.float32
    assert nd.zeros((2,), dtype='int32').dtype is np.int32


def test_shape_size_context(A):
    assert (A.shape, A.size, A.ndim, A.context, A.ctx) == ((3, 4), 12, 2, mx.cpu(0), mx.cpu(0))
    assert nd.ones(3).shape == (3,) and nd.ones((2,)).shape == (2,)
    assert len(A) == 3 and [r.shape for r in A] == [(4,)] * 3
    assert A.T.shape == (4, 3) and values(A.T)[1] == [1.0, 5.0, 9.0]
    assert A.stype == 'default'


@pytest.mark.parametrize('reduce', [nd.sum, nd.mean, nd.norm, nd.max, nd.min,
                                    lambda a: a.sum(axis=(0, 1))])
def test_reductions_without_axis_have_shape_1(A, reduce):
    assert reduce(A).shape == (1,)


def test_reduction_values(A):
    assert values(A.sum()) == [66.0] and values(A.sum(axis=0)) == [12.0, 15.0, 18.0, 21.0]
    assert values(A.mean()) == [5.5]
    np.testing.assert_allclose(A.norm().asscalar(), 22.494442, rtol=1e-7)  # MXNet: nrm2 order
    assert values(nd.ones((2, 3)).norm(axis=1)) == [np.float32(1.7320508)] * 2
    assert nd.ones((2, 3)).norm(axis=1, keepdims=True).shape == (2, 1)
    assert values(nd.norm(nd.array([[-1, 2], [3, -4]]), ord=1, axis=0)) == [4.0, 6.0]
    assert values(A.max(axis=1)) == [3.0, 7.0, 11.0] and values(A.min()) == [0.0]
    assert A.sum(keepdims=True).shape == (1, 1)


def test_int32_reductions_keep_int32():
    x = nd.array([1, 2], dtype='int32')
    assert x.sum().dtype is np.int32 and values(x.sum()) == [3]
    assert x.mean().dtype is np.int32
    assert type(nd.array([3], dtype='int32').asscalar()) is np.int32


def test_asscalar(A):
    s = A.norm().asscalar()
    assert type(s) is np.float32 and s == np.float32(22.494442)  # MXNet 1.9.1 (nrm2), not sqrt(506)
    assert A.sum().asscalar() == 66.0
    with pytest.raises(ValueError) as err:
        nd.array([1, 2]).asscalar()
    assert err.value.args == ('The current array is not a scalar',)


def test_bool():
    assert bool(nd.array([1])) is True and bool(nd.array([0])) is False
    with pytest.raises(ValueError) as err:
        bool(nd.array([1, 2]))
    assert str(err.value) == 'The truth value of an NDArray with multiple elements is ambiguous.'
    with pytest.raises(TypeError):
        float(nd.array([2.5]))  # as in MXNet: no __float__


# ----- indexing and in-place updates ------------------------------------------------------------
def test_indexing(A):
    assert A[1, 2].shape == (1,) and values(A[1, 2]) == [6.0]
    assert values(A[1:3]) == [[4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]]
    assert values(A[0]) == [0.0, 1.0, 2.0, 3.0] and values(A[-1, 1:3]) == [9.0, 10.0]
    assert values(A[:, 1]) == [1.0, 5.0, 9.0]
    assert values(A[nd.array([2, 0])][:, 0]) == [8.0, 0.0]


def test_slice_assignment_and_inplace_ops_keep_the_object(A, B):
    X, Y = A, B
    before = id(Y)
    Y = Y + X
    assert id(Y) != before
    Z = Y.zeros_like()
    before = id(Z)
    Z[:] = X + Y
    nd.elemwise_add(X, Y, out=Z)
    assert id(Z) == before and values(Z) == values(X + Y)
    before = id(X)
    X += Y
    assert id(X) == before
    assert values(X) == [[2.0, 3.0, 8.0, 9.0], [9.0, 12.0, 15.0, 18.0], [20.0, 21.0, 22.0, 23.0]]
    X[1:2, :] = 12
    X[1, 2] = 9
    assert values(X)[1] == [12.0, 12.0, 9.0, 12.0]
    W = nd.arange(6)
    before = id(W)
    W *= (W >= 3)
    assert values(W) == [0.0, 0.0, 0.0, 3.0, 4.0, 5.0]
    W /= 2
    W -= 1
    assert id(W) == before and values(W) == [-1.0, -1.0, -1.0, 0.5, 1.0, 1.5]
    W[:] = [1, 2, 3, 4, 5, 6]
    W[nd.array([0, 5])] = 0
    assert values(W) == [0.0, 2.0, 3.0, 4.0, 5.0, 0.0] and id(W) == before
    M = nd.zeros((2, 2))
    M[:] = nd.array([1, 2])  # broadcast on assignment
    assert values(M) == [[1.0, 2.0], [1.0, 2.0]]


def test_copy_detach_and_likes(A):
    c = A.copy()
    assert c is not A and values(c) == values(A)
    c[:] = 0
    assert A.sum().asscalar() == 66.0
    d = A.detach()
    d[0, 0] = 100  # detach shares memory
    assert A[0, 0].asscalar() == 100.0
    assert values(nd.ones_like(A)) == [[1.0] * 4] * 3 and values(A.zeros_like()) == [[0.0] * 4] * 3
    i = nd.zeros((2,), dtype='int32')
    assert nd.ones_like(i).dtype is np.int32 and values(nd.zeros_like(nd.ones(2))) == [0.0, 0.0]
    assert A.astype('int32').dtype is np.int32 and A.astype('float32', copy=False) is A


# ----- arithmetic and comparisons ------------------------------------------------------------------
def test_comparisons_give_0_and_1_in_the_arrays_dtype(A, B):
    assert values(A == B)[0] == [0.0, 1.0, 0.0, 1.0] and (A == B).dtype is np.float32
    assert values(A == 2)[0] == [0.0, 0.0, 1.0, 0.0]
    assert values(A > B) == [[0.0] * 4, [1.0] * 4, [1.0] * 4]
    assert values((A - 6).abs() >= 5) == [[1.0, 1.0, 0, 0], [0] * 4, [0, 0, 0, 1.0]]
    assert values(A.norm() > 1) == [1.0]
    assert values(2 < nd.array([1, 3])) == [0.0, 1.0]
    c = nd.array([1, 2], dtype='int32') != 1
    assert c.dtype is np.int32 and values(c) == [0, 1]
    h = nd.array([1, 0], dtype='float16') > 0
    assert h.dtype is np.float16 and values(h) == [1.0, 0.0]


def test_arithmetic(A, B):
    assert values(A + B)[1] == [5.0, 7.0, 9.0, 11.0]
    assert values(A * B)[2] == [32.0, 27.0, 20.0, 11.0]
    assert values(A / B)[1] == [4.0, 2.5, 2.0, 1.75]
    assert values(1 - nd.array([1, 2])) == [0.0, -1.0] and values(1 / nd.array([1, 2])) == [1, 0.5]
    assert values(2 ** nd.array([1, 2])) == [2.0, 4.0] and values(nd.array([3]) ** 2) == [9.0]
    assert values(-nd.array([1, 2])) == [-1.0, -2.0]
    assert values(nd.array([[1], [2]]) + nd.array([10, 20])) == [[11, 21], [12, 22]]
    assert values(np.float32(2) * nd.array([1, 2])) == [2.0, 4.0]
    i = nd.array([7, 2], dtype='int32')
    assert (i + 1).dtype is np.int32 and (i / 2).dtype is np.int32


def test_broadcast_error_is_mxnets():
    for op in (nd.add, nd.multiply, nd.maximum, nd.equal, lambda a, b: a - b):
        with pytest.raises(MXNetError, match=r'operands could not be broadcast together with '
                                             r'shapes \[2,3\] \[3,2\]'):
            op(nd.ones((2, 3)), nd.ones((3, 2)))


def test_mixed_dtypes_are_refused_as_in_mxnet():
    with pytest.raises(MXNetError, match='Incompatible attr in node .* at 1-th input: '
                                         'expected float32, got float64'):
        nd.ones(2) + nd.ones(2, dtype='float64')


def test_reductions_take_a_list_of_axes_and_empty_tuple_means_all():
    x = nd.arange(6).reshape((2, 3))
    assert nd.sum(x, axis=[0, 1]).asnumpy().tolist() == [15.0]
    assert x.mean(axis=[0, 1]).asnumpy().tolist() == [2.5]
    assert nd.sum(x, axis=()).asnumpy().tolist() == [15.0]
    assert x.max(axis=[1]).asnumpy().tolist() == [2.0, 5.0]
    check_grad(lambda a: nd.sum(a, axis=[0, 2]), np.random.default_rng(0).random((2, 3, 2)))


def test_pick_clips_labels_and_accepts_keepdims_shaped_labels():
    data = nd.array([[1, 2, 3], [4, 5, 6]])
    assert nd.pick(data, nd.array([5, -1])).asnumpy().tolist() == [3.0, 4.0]  # MXNet: clip
    assert nd.pick(data, nd.array([[0], [2]])).asnumpy().tolist() == [1.0, 6.0]


def test_sigmoid_of_large_negative_inputs_warns_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert nd.sigmoid(nd.array([-100.0, 0.0])).asnumpy().tolist() == [0.0, 0.5]


def test_full_fills_out():
    out = nd.zeros((2,))
    assert nd.full((2,), 7, out=out) is out and out.asnumpy().tolist() == [7.0, 7.0]


def test_batch_dot_transposes_and_their_gradients():
    rng = np.random.default_rng(1)
    a, b = rng.random((2, 4, 3)), rng.random((2, 5, 4))
    out = nd.batch_dot(nd.array(a), nd.array(b), transpose_a=True, transpose_b=True)
    np.testing.assert_allclose(out.asnumpy(), a.transpose(0, 2, 1) @ b.transpose(0, 2, 1),
                               rtol=1e-5)
    check_grad(lambda x, y: nd.batch_dot(x, y, transpose_a=True, transpose_b=True), a, b)


def test_transpose_with_negative_axes_has_a_gradient():
    check_grad(lambda x: nd.transpose(x, axes=(0, -1, 1)), np.random.default_rng(2).random((2, 3, 4)))


@pytest.mark.parametrize('op', [
    lambda a, b: nd.dot(a, b), lambda a, b: nd.concat(a, b, dim=0),
    lambda a, b: nd.FullyConnected(a, b, no_bias=True),
    lambda a, b: nd.batch_dot(a.reshape((1, 2, 2)), b.reshape((1, 2, 2)))])
def test_mixing_float32_and_float64_in_one_operator_raises_as_in_mxnet(op):
    # MXNet's message for nd.dot: case autograd_block_trainer_messages (cases_reference.py)
    with pytest.raises(mx.base.MXNetError, match='Incompatible attr in node .* expected float32, '
                                                 'got float64'):
        op(nd.ones((2, 2)), nd.ones((2, 2), dtype='float64'))


def test_dot():
    A, B = nd.arange(12).reshape((3, 4)), nd.array([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
    assert values(nd.dot(A, B.T)) == [[18.0, 20.0, 10.0], [58.0, 60.0, 50.0], [98.0, 100.0, 90.0]]
    assert values(nd.dot(nd.ones(3), nd.ones(3))) == [3.0]  # shape (1,), as in MXNet
    assert nd.dot(nd.ones(3), nd.ones((3, 2))).shape == (2,)
    assert nd.dot(nd.ones((2, 2, 3)), nd.ones((3, 4, 2))).shape == (2, 2, 4, 2)
    assert nd.dot(nd.ones((3, 2)), nd.ones((3, 4)), transpose_a=True).shape == (2, 4)
    assert (nd.ones((2, 3)) @ nd.ones((3, 1))).shape == (2, 1)
    with pytest.raises(MXNetError, match=r'dot shape error: \[2,3\] X \[2,3\]'):
        nd.dot(nd.ones((2, 3)), nd.ones((2, 3)))
    assert values(nd.batch_dot(nd.ones((2, 1, 3)), nd.ones((2, 3, 1)))) == [[[3.0]], [[3.0]]]
    with pytest.raises(MXNetError, match='batch_dot shape error'):
        nd.batch_dot(nd.ones((2, 3, 4)), nd.ones((2, 3, 4)))
    with pytest.raises(MXNetError, match=r'Shape inconsistent, Provided = \[4,5\], inferred '
                                         r'shape=\(4,3\)'):
        nd.FullyConnected(nd.ones((2, 3)), nd.ones((4, 5)), nd.ones(4), num_hidden=4)


def test_creation_and_joining():
    assert values(nd.concat(nd.ones((2, 2)), nd.zeros((2, 1)))) == [[1, 1, 0], [1, 1, 0]]
    assert nd.concat(nd.ones((2, 2)), nd.zeros((1, 2)), dim=0).shape == (3, 2)
    assert values(nd.stack(nd.ones(2), nd.zeros(2))) == [[1, 1], [0, 0]]
    assert values(nd.stack(nd.ones(2), nd.zeros(2), axis=1)) == [[1, 0], [1, 0]]
    assert values(nd.full((2, 2), 7)) == [[7.0, 7.0]] * 2
    assert values(nd.full((2,), 7, dtype='int32')) == [7, 7]
    assert values(nd.arange(1, 3, 0.5)) == [1.0, 1.5, 2.0, 2.5]
    assert values(nd.arange(3, repeat=2)) == [0, 0, 1, 1, 2, 2]
    assert nd.arange(5, dtype='int32').dtype is np.int32
    assert nd.empty((2, 3)).shape == (2, 3) and nd.empty((2, 3)).dtype is np.float32
    with pytest.raises(ValueError):
        nd.zeros((2, -1))


def test_elementwise_functions():  # values: case elementwise_and_softmax_values
    x = nd.array([-2.0, 0.5, 3.0])
    assert values(nd.clip(x, 0, 1)) == [0.0, 0.5, 1.0] and values(x.clip(-1, 1)) == [-1, 0.5, 1]
    assert values(nd.relu(nd.array([-1, 0, 2]))) == [0.0, 0.0, 2.0]
    assert values(nd.abs(x)) == [2.0, 0.5, 3.0] and values(nd.square(x)) == [4.0, 0.25, 9.0]
    assert values(nd.sqrt(nd.array([4, 9]))) == [2.0, 3.0] and values(nd.sign(x)) == [-1, 1, 1]
    np.testing.assert_allclose(values(nd.sigmoid(nd.array([0, 1]))), [0.5, 0.7310586], rtol=1e-6)
    np.testing.assert_allclose(values(nd.tanh(nd.array([0, 1]))), [0.0, 0.7615942], rtol=1e-6)
    np.testing.assert_allclose(values(nd.exp(nd.array([1, 2]))), [2.7182817, 7.389056], rtol=1e-6)
    np.testing.assert_allclose(values(nd.log(nd.array([1, 2]))), [0.0, 0.6931472], rtol=1e-6)
    assert values(nd.maximum(nd.array([1, 5]), 3)) == [3, 5] and values(nd.maximum(3, x))[2] == 3
    assert values(nd.minimum(nd.array([1, 5]), nd.array([[2], [4]]))) == [[1, 2], [1, 4]]


def test_softmax_argmax_pick_where_one_hot():  # softmax values: case elementwise_and_softmax_values
    s = nd.softmax(nd.array([[1, 2, 3]]))
    np.testing.assert_allclose(values(s), [[0.09003057, 0.24472848, 0.6652409]], rtol=1e-6)
    np.testing.assert_allclose(values(nd.softmax(nd.array([[1, 2], [3, 5]]), axis=0)).pop(),
                               [0.8807971, 0.95257413], rtol=1e-6)
    np.testing.assert_allclose(values(nd.log_softmax(nd.array([[1, 2, 3]]))),
                               [[-2.4076037, -1.4076039, -0.40760383]], rtol=1e-5)
    m = nd.array([[1, 5, 3], [7, 2, 0]])
    assert values(nd.argmax(m, axis=1)) == [1.0, 0.0] and nd.argmax(m, axis=1).dtype is np.float32
    assert values(m.argmax()) == [3.0] and values(m.argmin(axis=0)) == [0, 1, 1]
    assert values(nd.pick(m, nd.array([0, 1]))) == [1.0, 2.0]
    assert values(nd.pick(m, nd.array([1, 0, 1]), axis=0)) == [7.0, 5.0, 0.0]
    assert values(nd.where(nd.array([1, 0]), nd.array([1, 2]), nd.array([3, 4]))) == [1.0, 4.0]
    assert values(nd.one_hot(nd.array([0, 2]), 3)) == [[1, 0, 0], [0, 0, 1]]


def test_shape_ops():
    x = nd.ones((2, 3, 4))
    assert x.reshape((0, -1)).shape == (2, 12) and x.reshape(4, 6).shape == (4, 6)
    assert nd.flatten(x).shape == (2, 12) and nd.transpose(x).shape == (4, 3, 2)
    assert nd.transpose(x, axes=(1, 0, 2)).shape == (3, 2, 4)
    assert nd.expand_dims(x, axis=1).shape == (2, 1, 3, 4)
    assert values(nd.broadcast_to(nd.array([[1, 2, 3]]), shape=(2, 3)))[1] == [1, 2, 3]
    with pytest.raises(MXNetError):
        nd.ones((2, 3)).reshape((4, 2))


# ----- leaving minigluon ---------------------------------------------------------------------------
def test_numpy_interop_and_dlpack(A):
    a = np.asarray(A)
    assert a.dtype == np.float32 and a.tolist() == values(A)
    assert np.asarray(A, dtype=np.float64).dtype == np.float64
    assert A.asnumpy() is not A.asnumpy()  # a copy each time
    shared = np.from_dlpack(A)
    A[0, 0] = 42
    assert shared[0, 0] == 42  # the same memory
    src = np.arange(4, dtype=np.float32)
    y = nd.from_dlpack(src)
    src[1] = -1
    assert isinstance(y, nd.NDArray) and y.context == mx.cpu(0) and values(y) == [0, -1, 2, 3]
    z = nd.from_dlpack(y)
    y[:] = 5
    assert values(z) == [5.0] * 4


def test_wait_functions_are_no_ops(A):
    assert nd.waitall() is None and A.wait_to_read() is None
    assert values(A)[0] == [0.0, 1.0, 2.0, 3.0]


def test_public_names_import_as_in_mxnet():
    assert mx.base.MXNetError is MXNetError and issubclass(MXNetError, RuntimeError)
    assert mx.nd.NDArray is nd.NDArray and mx.nd.random.uniform is mx.random.uniform
    assert mx.ndarray is mx.nd


# ----- property tests against NumPy ----------------------------------------------------------------
FLOATS = st.floats(-100, 100, allow_nan=False, width=32)
BINARY = {'+': (lambda a, b: a + b, np.add), '-': (lambda a, b: a - b, np.subtract),
          '*': (lambda a, b: a * b, np.multiply), '/': (lambda a, b: a / b, np.divide),
          'maximum': (nd.maximum, np.maximum), 'minimum': (nd.minimum, np.minimum),
          '==': (lambda a, b: a == b, np.equal), '<': (lambda a, b: a < b, np.less),
          '>=': (lambda a, b: a >= b, np.greater_equal), '!=': (lambda a, b: a != b, np.not_equal)}


@st.composite
def broadcastable_pair(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                                    max_side=4))
    a, b = (draw(hnp.arrays(np.float32, s, elements=FLOATS)) for s in shapes.input_shapes)
    return a, b


@settings(max_examples=60, deadline=None)
@given(pair=broadcastable_pair(), op=st.sampled_from(sorted(BINARY)),
       scalar=st.sampled_from([None, 'left', 'right']))
def test_binary_ops_agree_with_numpy(pair, op, scalar):
    mg_op, np_op = BINARY[op]
    a, b = pair
    if op == '/':
        b = np.where(b == 0, np.float32(1), b)
    if scalar == 'left':
        a = float(a.reshape(-1)[0]) if a.size else 1.0
    elif scalar == 'right':
        b = float(b.reshape(-1)[0]) if b.size else 1.0
    x = nd.array(a) if isinstance(a, np.ndarray) else a
    y = nd.array(b) if isinstance(b, np.ndarray) else b
    if not isinstance(x, nd.NDArray) and not isinstance(y, nd.NDArray):
        return
    expected = np.asarray(np_op(a, b)).astype(np.float32)
    got = mg_op(x, y)
    assert got.dtype is np.float32
    assert got.shape == (expected.shape or (1,)) or got.shape == expected.shape
    np.testing.assert_allclose(got.asnumpy().reshape(expected.shape), expected, rtol=1e-6)


@settings(max_examples=60, deadline=None)
@given(a=hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
                    elements=FLOATS),
       reduce=st.sampled_from(['sum', 'mean', 'max', 'min']), data=st.data())
def test_reductions_agree_with_numpy(a, reduce, data):
    axis = data.draw(st.one_of(st.none(), st.integers(-a.ndim, a.ndim - 1)))
    keepdims = data.draw(st.booleans())
    got = getattr(nd.array(a), reduce)(axis=axis, keepdims=keepdims)
    expected = getattr(np, reduce)(a.astype(np.float64), axis=axis, keepdims=keepdims)
    expected = np.asarray(expected, dtype=np.float32)
    assert got.shape == (expected.shape or (1,))
    np.testing.assert_allclose(got.asnumpy().reshape(expected.shape), expected,
                               rtol=1e-5, atol=1e-4)


# ----- which results share memory: MXNet 1.x's rule -------------------------------------------
def _mxnet_shares(key: tuple, shape: tuple) -> bool:
    """MXNet 1.9.1's NDArray._basic_indexing_slice_is_contiguous (ints made length-1 slices):
    reading right to left, once an axis is cut short, every axis left of it has <= 1 element."""
    slices = [slice(k, k + 1 if k != -1 else None) if isinstance(k, int) else k for k in key]
    slices += [slice(None)] * (len(shape) - len(slices))
    lengths = [len(range(*s.indices(n))) for s, n in zip(slices, shape)]
    if np.prod(lengths) in (0, 1):
        return True
    cut = False
    for s, n, length in zip(reversed(slices), reversed(shape), reversed(lengths)):
        step = s.indices(n)[2]
        if length == 0:
            return True
        if length > 1 and step != 1:
            return False
        if cut and length > 1:
            return False
        cut = cut or length < n
    return True


_axis_keys = st.one_of(st.integers(-3, 2), st.builds(slice, st.one_of(st.none(), st.integers(-4, 4)),
                                                      st.one_of(st.none(), st.integers(-4, 4)),
                                                      st.sampled_from([None, 1, 2, -1])))


@settings(max_examples=300, deadline=None)
@given(st.lists(_axis_keys, min_size=1, max_size=3))
def test_basic_indexing_shares_memory_exactly_when_mxnet_does(key):
    x = nd.arange(60).reshape((3, 4, 5))
    key = tuple(key)
    try:
        y = x[key]
    except IndexError:
        return
    if y.size == 0:
        return
    y[:] = -1
    assert ((x.asnumpy() == -1).any()) == _mxnet_shares(key, x.shape), key



# MXNet's NDArray methods flatten, expand_dims and squeeze take inplace= (the ops do not): a view
# sharing memory, as MXNet's own test_ndarray_flatten/_expand_dims/_squeeze check
@pytest.mark.parametrize('method, args, shape', [
    ('flatten', (), (5, 6)), ('expand_dims', (-1,), (5, 2, 3, 1)), ('expand_dims', (1,), (5, 1, 2, 3)),
    ('squeeze', (), (5, 2, 3))])
def test_inplace_methods_share_memory_and_copies_do_not(method, args, shape):
    x = nd.arange(30).reshape((5, 2, 3))
    view, copy = getattr(x, method)(*args, inplace=True), getattr(x, method)(*args)
    assert view.shape == copy.shape == shape
    view[:] = -1
    assert (x.asnumpy() == -1).all() and (copy.asnumpy() >= 0).all()


def test_inplace_squeeze_drops_the_length_1_axes_asked_for_as_mxnet_does():
    x = nd.ones((1, 3, 1))
    assert x.squeeze(inplace=True).shape == (3,)
    assert x.squeeze(axis=-1, inplace=True).shape == (1, 3)
    assert nd.ones((1, 1)).squeeze(inplace=True).shape == (1,)  # never 0-d, as MXNet
    for call, message in [(lambda: nd.ones((2, 3)).squeeze(axis=0, inplace=True),
                           'Squeeze target axis 0 must be size 1, got 2.'),
                          (lambda: x.squeeze(axis=(0, 0), inplace=True),
                           'axis (0, 0) contains duplicate which is not allowed.'),
                          (lambda: nd.ones((2,)).expand_dims(3, inplace=True),
                           'axis 3 is out of range for 1d array')]:
        with pytest.raises(AssertionError) as error:
            call()
        assert str(error.value) == message


def test_inplace_view_passes_gradients_back():
    x = nd.arange(6).reshape((1, 2, 3))
    x.attach_grad()
    with autograd.record():
        y = (x.squeeze(inplace=True).expand_dims(0, inplace=True).flatten(inplace=True) * 2).sum()
    y.backward()
    assert (x.grad.asnumpy() == 2).all()


def test_slice_method_is_nd_slice():
    x = nd.arange(12).reshape((3, 4))
    assert x.slice(begin=(1, 0), end=(3, 2)).asnumpy().tolist() == [[4, 5], [8, 9]]
    assert x.slice((None, 1), (None, 4), (None, 2)).asnumpy().tolist() == [[1, 3], [5, 7], [9, 11]]
    assert nd.NDArray.slice.__qualname__ == 'NDArray.slice' and nd.slice.__name__ == 'slice'


def test_mxnet_base_type_tuples_and_py_slice():
    assert isinstance(np.int64(3), mx.base.integer_types) and not isinstance(3.0, mx.base.integer_types)
    assert isinstance(np.float32(1), mx.base.numeric_types) and mx.base.string_types == (str,)
    assert mx.base.py_str(b'dense0_fwd') == 'dense0_fwd'
    assert mx.nd.ndarray.py_slice is slice


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_moveaxis_is_numpys_and_its_gradient_moves_back(data):
    x = data.draw(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=4),
                             elements=st.floats(-5, 5)))
    n = data.draw(st.integers(1, x.ndim))
    source = data.draw(st.lists(st.integers(-x.ndim, x.ndim - 1), min_size=n, max_size=n,
                                unique_by=lambda a: a % x.ndim))
    destination = data.draw(st.lists(st.integers(-x.ndim, x.ndim - 1), min_size=n, max_size=n,
                                     unique_by=lambda a: a % x.ndim))
    got = nd.moveaxis(nd.array(x, dtype='float64'), source, destination)
    assert (got.asnumpy() == np.moveaxis(x, source, destination)).all()
    check_grad(lambda a: nd.moveaxis(a, source, destination), x)


def test_moveaxis_errors_are_mxnets():
    x = nd.ones((2, 3, 4))
    for call, message in [(lambda: nd.moveaxis(x, 3, 0), 'Source should verify 0 <= source < tensor.ndimGot 3'),
                          (lambda: nd.moveaxis(x, 0, -4), "('Destination should verify 0 <= destination "
                                                          "< tensor.ndim (3).', 'Got -4')"),
                          (lambda: nd.moveaxis(x, [0, 1], [1]), '`source` and `destination` arguments '
                                                                'must have the same number of elements')]:
        with pytest.raises(ValueError) as error:
            call()
        assert str(error.value) == message


def test_mxnet_0x_names_crop_and_elementwisesum():
    x = nd.arange(24).reshape((2, 3, 4))
    assert (nd.crop(x, begin=(0, 1, 0), end=(2, 3, 3)).asnumpy() == x.asnumpy()[:, 1:3, :3]).all()
    ones = nd.ones((3,), dtype='int32')
    total = nd.ElementWiseSum(ones, ones * 2, ones * 4)
    assert total.dtype == np.int32 and total.asnumpy().tolist() == [7, 7, 7]
    assert (nd.crop.__name__, nd.ElementWiseSum.__name__) == ('crop', 'ElementWiseSum')


@pytest.mark.parametrize('source', [np.array([[1, 2], [3, 4]], dtype='float32'),
                                    np.array((1,)).reshape(()), np.zeros((1, 0, 2))])
@pytest.mark.parametrize('zero_copy', [False, True])
def test_from_numpy_keeps_shape_and_dtype(source, zero_copy):  # 0-d stays 0-d, as in MXNet
    got = nd.from_numpy(source.copy(), zero_copy=zero_copy)
    assert (got.shape, got.dtype, got.context) == (source.shape, source.dtype, mx.cpu())
    assert (got.asnumpy() == source).all()


def test_from_numpy_zero_copy_shares_memory_and_locks_numpy_out():
    source = np.arange(4.0).reshape(2, 2)
    shared = nd.from_numpy(source)
    shared[0, 0] = 9
    assert source[0, 0] == 9 and not source.flags.writeable
    with pytest.raises(ValueError):
        source[1, 1] = 0
    copied_from = np.arange(3.0)
    nd.from_numpy(copied_from, zero_copy=False)[0] = 7
    assert copied_from[0] == 0 and copied_from.flags.writeable
    again = nd.from_numpy(source)  # an array locked by an earlier call, as MXNet's test does
    again[1, 1] = 100
    assert source[1, 1] == 100 and shared[1, 1].asscalar() == 100 and not source.flags.writeable
    with pytest.raises(ValueError, match='^Only c-contiguous arrays are supported for zero-copy$'):
        nd.from_numpy(np.arange(4.0).reshape(2, 2).T)
