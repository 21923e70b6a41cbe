"""gluon.loss.CosineEmbeddingLoss (MXNet 1.9.1's test_loss.test_cosine_loss uses it): MXNet's
values and gradients for both labels and a margin, its (N, 1) shape, and finite differences."""
import numpy as np
import pytest

from minigluon import autograd, gluon, nd
from minigluon.base import MXNetError

A = [[1., 2.], [-1., 0.5], [0.3, -2.], [2., 1.]]
B = [[2., 1.], [-1., 1.], [0.5, 0.5], [-1., -3.]]
LABEL = [1, -1, -1, 1]
WEIGHTS = [[1], [2], [1], [0.5]]
# MXNet 1.9.1: loss, d/dA, d/dB for these inputs with sample weights WEIGHTS
MXNET = [
    (dict(), [[0.2], [1.897366], [0.0], [0.853553]],
     [[-0.24, 0.12], [0.25298, 0.50596], [0, 0], [-0.07071, 0.14142]],
     [[0.12, -0.24], [-0.31623, -0.31623], [0, 0], [-0.10607, 0.03536]]),
    (dict(margin=0.2, weight=3.0), [[0.6], [4.4921], [0.0], [2.56066]],
     [[-0.72, 0.36], [0.75895, 1.51789], [0, 0], [-0.21213, 0.42426]],
     [[0.36, -0.72], [-0.94868, -0.94868], [0, 0], [-0.3182, 0.10607]]),
]


@pytest.mark.parametrize('options, loss, grad_a, grad_b', MXNET)
def test_values_and_gradients_are_mxnets(options, loss, grad_a, grad_b):
    a, b = nd.array(A), nd.array(B)
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        out = gluon.loss.CosineEmbeddingLoss(**options)(a, b, nd.array(LABEL), nd.array(WEIGHTS))
    out.backward()
    np.testing.assert_allclose(out.asnumpy(), loss, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(a.grad.asnumpy(), grad_a, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(b.grad.asnumpy(), grad_b, rtol=1e-4, atol=1e-5)


def test_float64_inputs_meet_the_float32_constant_as_in_mxnet():
    # finite differences in float32: test_losses_activations_more.test_cosine_embedding_gradients
    a, b = nd.array(A, dtype='float64'), nd.array(B, dtype='float64')
    with pytest.raises(MXNetError, match='expected float64, got float32'):  # MXNet 1.9.1 too
        gluon.loss.CosineEmbeddingLoss(margin=0.1)(a, b, nd.array(LABEL, dtype='float64'))


def test_input1_is_reshaped_like_input2_and_repr_is_mxnets():
    loss = gluon.loss.CosineEmbeddingLoss()
    out = loss(nd.array(A).reshape((8,)), nd.array(B), nd.array(LABEL))
    np.testing.assert_allclose(out.asnumpy(), [[0.2], [0.948683], [0.0], [1.707107]], rtol=1e-5)
    assert repr(loss) == 'CosineEmbeddingLoss(batch_axis=0, w=None)'
