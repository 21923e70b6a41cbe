"""gluon.nn's parameter-free activation layers LeakyReLU, ELU, SELU and Swish (MXNet 1.9.1's
test_gluon.test_lambda and test_activations use them): MXNet's values, names and reprs, and
gradients against finite differences."""
import numpy as np
import pytest

import minigluon as mx
from minigluon.gluon import nn

from helpers import check_grad

X = [-1.0, 2.0]
# MXNet 1.9.1's outputs for X (its ELU ends in oneDNN's approximate exp: compared to 1e-6)
MXNET = [
    (lambda: nn.LeakyReLU(0.1), 'LeakyReLU(0.1)', 'leakyrelu', [-0.10000000149011612, 2.0]),
    (lambda: nn.ELU(), 'ELU(\n\n)', 'elu', [-0.6321204900741577, 2.0]),
    (lambda: nn.ELU(0.5), 'ELU(\n\n)', 'elu', [-0.31606024503707886, 2.0]),
    (lambda: nn.SELU(), 'SELU(\n\n)', 'selu', [-1.1113307476043701, 2.1014020442962646]),
    (lambda: nn.Swish(), 'Swish(\n\n)', 'swish', [-0.2689414322376251, 1.7615940570831299]),
    (lambda: nn.Swish(2.0), 'Swish(\n\n)', 'swish', [-0.11920291930437088, 1.9640275239944458]),
]


@pytest.mark.parametrize('make, shown, alias, values', MXNET)
def test_values_reprs_and_names_are_mxnets(make, shown, alias, values):
    layer = make()
    np.testing.assert_allclose(layer(mx.nd.array(X)).asnumpy(), values, rtol=1e-6)
    assert repr(layer) == shown and layer.prefix.startswith(alias)
    assert list(layer.collect_params()) == []


@pytest.mark.parametrize('make', [m for m, shown, *_ in MXNET if shown != 'SELU(\n\n)'])
def test_gradients_match_finite_differences(make):
    layer = make()
    check_grad(lambda x: layer(x), np.array([[-1.5, -0.3, 0.4], [0.7, 2.0, -2.5]]))


def test_selu_gradient_is_mxnets():  # MXNet's selu_grad below 0 is lambda * (y + alpha), not dy/dx
    x = mx.nd.array(X)
    x.attach_grad()
    with mx.autograd.record():
        y = nn.SELU()(x)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [0.5904229879379272, 1.0507010221481323], rtol=1e-6)


def test_leaky_relu_slope_must_not_be_negative():
    with pytest.raises(AssertionError, match='^Slope coefficient for LeakyReLU must be no less than 0.$'):
        nn.LeakyReLU(-0.1)


def test_swish_is_x_times_sigmoid_exactly_as_mxnets_test_checks():
    x = mx.nd.array([-0.1, 0.1] * 3)
    assert (nn.Swish()(x).asnumpy() == (x * mx.nd.sigmoid(x)).asnumpy()).all()
