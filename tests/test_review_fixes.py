"""Behaviours found missing by a code review, each checked against what MXNet 1.9.1 does."""
import warnings

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, gluon, init, nd
from minigluon.gluon import nn

from helpers import check_grad


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


def test_softmax_cross_entropy_takes_labels_of_shape_n_by_1():
    pred, label = nd.array([[1, 2, 3], [4, 5, 6]]), nd.array([[0], [2]])
    loss = gluon.loss.SoftmaxCrossEntropyLoss()(pred, label).asnumpy()
    np.testing.assert_allclose(loss, [2.4076059, 0.4076059], rtol=1e-6)  # MXNet's values


def test_softrelu_does_not_overflow_and_its_gradient_is_the_sigmoid():
    act = nn.Activation('softrelu')
    x = nd.array([100.0, 1.0, -100.0])
    x.attach_grad()
    with autograd.record():
        y = act(x)
    y.backward()
    np.testing.assert_allclose(y.asnumpy(), [100.0, np.log1p(np.e), 0.0], rtol=1e-6, atol=1e-30)
    np.testing.assert_allclose(x.grad.asnumpy(), [1.0, 1 / (1 + np.exp(-1.0)), 0.0], rtol=1e-6,
                               atol=1e-30)
    check_grad(nd.softrelu, np.array([-3.0, 0.5, 2.0]))


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


def _one_weight_layer():
    layer = nn.Dense(1, in_units=1, use_bias=False)
    layer.initialize(init.One())
    return layer


def _step(layer, trainer, x=nd.ones((1, 1))):
    with autograd.record():
        loss = layer(x).sum()
    loss.backward()
    trainer.step(1)


def test_trainer_honours_lr_mult_and_wd_mult():
    frozen = _one_weight_layer()
    frozen.weight.lr_mult = 0
    _step(frozen, gluon.Trainer(frozen.collect_params(), 'sgd', {'learning_rate': 1}))
    assert frozen.weight.data().asnumpy().tolist() == [[1.0]]  # MXNet: lr_mult 0 freezes
    no_decay = _one_weight_layer()
    no_decay.collect_params().setattr('wd_mult', 0)
    _step(no_decay, gluon.Trainer(no_decay.collect_params(), 'sgd', {'learning_rate': 0.5, 'wd': 1}))
    assert no_decay.weight.data().asnumpy().tolist() == [[0.5]]  # 1 - 0.5 * grad 1, no decay


def test_trainer_refuses_stale_gradients_unless_told_to_skip_them():
    net = nn.Sequential()
    net.add(nn.Dense(2, in_units=2), nn.Dense(2, in_units=2))
    net.initialize(init.One())
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 1})
    with autograd.record():
        loss = net[0](nd.ones((1, 2))).sum()  # the second layer is not used
    loss.backward()
    before = [p.data().asnumpy().tolist() for p in net.collect_params().values()]
    with pytest.raises(UserWarning, match=r'Gradient of Parameter `dense\d+_bias` on context '
                                          r'cpu\(0\) has not been updated by backward'):
        trainer.step(1)
    after = [p.data().asnumpy().tolist() for p in net.collect_params().values()]
    assert after == before  # refused: nothing was updated
    # As in MXNet, the refused step consumed the fresh gradients it had checked (those of
    # the first layer, whose names sort first): skipping stale ones now updates nothing.
    trainer.step(1, ignore_stale_grad=True)
    assert [p.data().asnumpy().tolist() for p in net.collect_params().values()] == before
    with autograd.record():
        loss = net[0](nd.ones((1, 2))).sum()
    loss.backward()
    trainer.step(1, ignore_stale_grad=True)
    assert net[0].weight.data().asnumpy().tolist() == [[0.0, 0.0], [0.0, 0.0]]  # stepped
    assert net[1].weight.data().asnumpy().tolist() == [[1.0, 1.0], [1.0, 1.0]]  # skipped
    with pytest.raises(UserWarning, match='has not been updated'):
        trainer.step(1)  # the gradients were used: stale until the next backward


@pytest.mark.parametrize('op', [
    lambda a, b: nd.dot(a, b), lambda a, b: nd.concat(a, b, dim=0),
    lambda a, b: nd.FullyConnected(a, b, no_bias=True),
    lambda a, b: nd.batch_dot(a.reshape((1, 2, 2)), b.reshape((1, 2, 2)))])
def test_mixing_float32_and_float64_in_one_operator_raises_as_in_mxnet(op):
    with pytest.raises(mx.base.MXNetError, match='Incompatible attr in node .* expected float32, '
                                                 'got float64'):
        op(nd.ones((2, 2)), nd.ones((2, 2), dtype='float64'))


def test_backward_writes_zero_to_a_variable_without_a_gradient_path():
    data, index = nd.array([[1.0, 2.0], [3.0, 4.0]]), nd.array([1.0, 0.0])
    for x in (data, index):
        x.attach_grad()
    index.grad[:] = 5
    with autograd.record():
        picked = nd.pick(data, index).sum()
    picked.backward()
    assert index.grad.asnumpy().tolist() == [0.0, 0.0]  # MXNet writes 0 ('write')
    assert data.grad.asnumpy().tolist() == [[0.0, 1.0], [1.0, 0.0]]
