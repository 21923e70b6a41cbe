"""gluon.loss.PoissonNLLLoss (MXNet 1.9.1's test_loss.test_poisson_nllloss uses it): MXNet's
values, including its one mean over every element and its nan for targets of 0 under
compute_full, and gradients against finite differences."""
import math

import numpy as np
import pytest

from minigluon import autograd, gluon, nd

from helpers import check_grad

PRED = [[0.5, 1.5, 2.0], [0.1, 3.0, 0.7]]
TARGET = [[0, 2, 3], [1, 0.5, 4]]
WEIGHTS = [[1], [2]]
# MXNet 1.9.1: (loss, d loss / d pred) for these inputs, with sample weights WEIGHTS
MXNET = [
    (dict(), 7.021398067474365, [[0.274787, 0.413615, 0.731509], [0.035057, 6.528512, -0.662082]]),
    (dict(from_logits=False, weight=2.0), 5.023195266723633,
     [[0.333333, -0.111111, -0.166667], [-6.0, 0.555556, -3.142857]]),
]


@pytest.mark.parametrize('options, loss, grad', MXNET)
def test_values_and_gradients_are_mxnets(options, loss, grad):
    pred = nd.array(PRED)
    pred.attach_grad()
    with autograd.record():
        out = gluon.loss.PoissonNLLLoss(**options)(pred, nd.array(TARGET), nd.array(WEIGHTS))
    out.backward()
    assert out.shape == (1,)  # one mean over every element, as MXNet's
    np.testing.assert_allclose(out.asnumpy(), [loss], rtol=2e-7)
    np.testing.assert_allclose(pred.grad.asnumpy(), grad, rtol=1e-5, atol=1e-6)


def test_compute_full_adds_stirlings_term_for_targets_above_1():
    pred, target = np.array(PRED), np.array(TARGET) + 0.5
    got = gluon.loss.PoissonNLLLoss(compute_full=True)(nd.array(pred), nd.array(target)).asscalar()
    stirling = target * np.log(target) - target + 0.5 * np.log(2 * math.pi * target)
    assert got == pytest.approx(np.mean(np.exp(pred) - target * pred + stirling * (target > 1)), rel=1e-6)
    assert got == pytest.approx(4.531820297241211, rel=1e-6)  # MXNet 1.9.1
    with np.errstate(all='ignore'):  # a target of 0: 0 * log(0), nan in MXNet too
        assert np.isnan(gluon.loss.PoissonNLLLoss(compute_full=True)(nd.array(PRED), nd.array(TARGET)).asscalar())


@pytest.mark.parametrize('from_logits', [True, False])
def test_gradient_matches_finite_differences(from_logits):
    loss = gluon.loss.PoissonNLLLoss(from_logits=from_logits)  # compute_full refuses to record
    check_grad(lambda p: loss(p, nd.array(TARGET, dtype='float64') + 0.5), np.array(PRED))


def test_target_is_reshaped_like_pred_and_repr_is_mxnets():
    loss = gluon.loss.PoissonNLLLoss()
    flat = loss(nd.array(PRED), nd.array(TARGET).reshape((6,))).asscalar()
    assert flat == pytest.approx(3.8873212337493896, rel=1e-6)  # MXNet 1.9.1
    assert repr(loss) == 'PoissonNLLLoss(batch_axis=0, w=None)'
