"""MXNet's exception types and messages where minigluon raised NumPy's (or AttributeError): the
independent check's ERROR-MISMATCH cases; MXNet 1.9.1's outputs are cases_independent.py's."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from helpers import check_grad
from minigluon import gluon, nd
from minigluon.base import MXNetError
from minigluon.gluon import nn


@given(st.lists(st.integers(1, 3), min_size=2, max_size=3), st.lists(st.integers(1, 3), min_size=2, max_size=3),
       st.integers(0, 1))
def test_concat_checks_shapes_as_mxnet(shape_a, shape_b, dim):
    a, b = nd.ones(tuple(shape_a)), nd.zeros(tuple(shape_b))
    expected = list(shape_a)
    expected[dim] = -1
    fits = len(shape_a) == len(shape_b) and all(e in (-1, d) for e, d in zip(expected, shape_b))
    if fits:
        assert nd.concat(a, b, dim=dim).shape[dim] == shape_a[dim] + shape_b[dim]
    else:
        with pytest.raises(MXNetError, match=r'^Check failed: shape_assign\(&\(\*in_shape\)\[i\], '
                           r'dshape\): Incompatible input shape: expected \[%s\], got \[%s\]$'
                           % (','.join(map(str, expected)), ','.join(map(str, shape_b)))):
            nd.concat(a, b, dim=dim)


@pytest.mark.parametrize('reduce', ['sum', 'mean', 'max', 'min', 'prod', 'nansum', 'norm'])
def test_reduction_axis_out_of_range(reduce):
    with pytest.raises(MXNetError, match=r'^Check failed: axes\[axes.ndim\(\)-1\] < ishape.ndim\(\) '
                       r'\(2 vs. 2\) : Reduction axis 2 Exceeds input dimensions \[2,3\]$'):
        getattr(nd.ones((2, 3)), reduce)(axis=2)


def test_pick_checks_the_index_shape():
    with pytest.raises(MXNetError, match=r'^MXNetError: Shape inconsistent, Provided = \[3\], '
                       r'inferred shape=\[2\]$'):
        nd.pick(nd.ones((2, 3)), nd.ones((3,)))
    assert nd.pick(nd.ones((2, 3)), nd.ones((2, 1))).shape == (2,)


@pytest.mark.parametrize('make', [lambda: nn.Dense(2, in_units=3), lambda: nn.Activation('relu'),
                                  lambda: (lambda s: (s.add(nn.Dense(2, in_units=3)), s)[1])(nn.HybridSequential())])
def test_hybrid_block_refuses_numpy_input(make):
    block = make()
    block.initialize()
    with pytest.raises(ValueError, match=r'^In HybridBlock, there must be one NDArray or one Symbol '
                       r'in the input. Please check the type of the args.\n$'):
        block(np.ones((1, 3)))
    assert block(nd.ones((1, 3))).shape[0] == 1


@pytest.mark.parametrize('lshape, rshape, ta, tb, out', [
    ((2, 3, 4), (2, 5), True, False, (3, 4, 5)), ((4, 3), (5, 2, 3), False, True, (4, 5, 2)),
    ((2, 3), (4, 2), True, True, (3, 4)), ((3,), (2, 3), False, True, (2,))])
def test_dot_transposes_an_nd_operand_as_its_2d_view(lshape, rshape, ta, tb, out):
    # MXNet: a transposed N-d operand is (first axis, the rest) transposed, not reversed
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(lshape), rng.standard_normal(rshape)
    assert nd.dot(nd.array(a), nd.array(b), transpose_a=ta, transpose_b=tb).shape == out
    check_grad(lambda x, y: nd.dot(x, y, transpose_a=ta, transpose_b=tb), a, b)


def test_dot_and_reshape_messages_have_mxnets_check():
    with pytest.raises(MXNetError, match=r'^Check failed: L\[!Ta\].Size\(\) == R\[Tb\].Size\(\) '
                       r'\(3 vs. 2\) : dot shape error: \[2,3\] X \[2,3\]$'):
        nd.dot(nd.ones((2, 3)), nd.ones((2, 3)))
    with pytest.raises(MXNetError, match=r'^NDArray.Reshape: Check failed: shape_.Size\(\) >= '
                       r'shape.Size\(\) \(6 vs. 8\) : target shape size is larger'):
        nd.zeros((2, 3)).reshape((4, 2))
