"""Trainer (SGD, momentum, Adam, several contexts) and the losses, against NumPy and MXNet.

Values after two steps are those MXNet 1.9.1 gave for the same net and data (case
two_trainer_steps of tests/differential/cases_reference.py, recorded by
scripts/record_mxnet.py reference); the Trainer's message is case
initializer_trainer_deferred_messages.
"""
import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, gluon, init, nd
from minigluon.gluon import loss as gloss, nn

from helpers import check_grad


@pytest.fixture(autouse=True)
def _fresh_names():
    with mx.name.NameManager():
        yield


X = [[1, 2, 3], [4, 5, 6]]


def two_steps(optimizer, params):
    dense = nn.Dense(2, in_units=3)
    dense.initialize(init.Constant(0.5))
    trainer = gluon.Trainer(dense.collect_params(), optimizer, params)
    for _ in range(2):
        with autograd.record():
            loss = ((dense(nd.array(X)) - 1) ** 2).sum()
        loss.backward()
        trainer.step(2)
    return dense.weight.data().asnumpy()[0], dense.bias.data().asnumpy()[0], trainer


def test_one_sgd_step_uses_gradient_over_batch_size():
    dense = nn.Dense(2, in_units=3)
    dense.initialize(init.Constant(0.5))
    trainer = gluon.Trainer(dense.collect_params(), 'sgd', {'learning_rate': 0.1})
    x = np.array(X, dtype=np.float32)
    with autograd.record():
        loss = ((dense(nd.array(x)) - 1) ** 2).sum()
    loss.backward()
    residual = x @ np.full((3, 2), 0.5) - 1
    grad_w = 2 * residual.T @ x
    np.testing.assert_allclose(dense.weight.grad().asnumpy(), grad_w, rtol=1e-6)
    trainer.step(2)
    np.testing.assert_allclose(dense.weight.data().asnumpy(), 0.5 - 0.1 * grad_w / 2, rtol=1e-6)
    np.testing.assert_allclose(dense.bias.data().asnumpy(), -0.1 * 2 * residual.sum(0) / 2,
                               rtol=1e-6)


@pytest.mark.parametrize('optimizer, params, weight, bias', [
    ('sgd', {'learning_rate': 0.1}, [20.265001, 26.74, 33.215], 6.4750004),
    ('sgd', {'learning_rate': 0.1, 'momentum': 0.9}, [17.745, 23.455, 29.165001], 5.7100005),
])
def test_two_sgd_steps_match_mxnet(optimizer, params, weight, bias):
    got_weight, got_bias, trainer = two_steps(optimizer, params)
    np.testing.assert_allclose(got_weight, weight, rtol=1e-6)
    assert got_bias == pytest.approx(bias, rel=1e-6)
    assert trainer.learning_rate == 0.1


def test_two_adam_steps():
    weight, bias, trainer = two_steps('adam', {'learning_rate': 0.01})
    # exact Adam (NumPy, float64); MXNet's kernels use float32 beta1/beta2 and agree to
    # 5 decimals (case two_trainer_steps)
    np.testing.assert_allclose(weight, [0.4800075185, 0.4800076507, 0.4800077332], rtol=1e-6)
    assert bias == pytest.approx(-0.0199919098, rel=1e-5)
    assert bias == pytest.approx(-0.01999204, rel=1e-5)
    trainer.set_learning_rate(0.5)
    assert trainer.learning_rate == 0.5


def test_trainer_sums_gradients_over_contexts():
    dense = nn.Dense(1, in_units=2)
    dense.initialize(init.One(), ctx=[mx.cpu(0), mx.cpu(1)])
    trainer = gluon.Trainer(dense.collect_params(), 'sgd', {'learning_rate': 0.1})
    with autograd.record():
        loss0 = dense(nd.array([[1, 2]], ctx=mx.cpu(0))).sum()
        loss1 = dense(nd.array([[3, 4]], ctx=mx.cpu(1))).sum()
    autograd.backward([loss0, loss1])
    trainer.step(2)
    for copy in dense.weight.list_data():
        np.testing.assert_allclose(copy.asnumpy(), [[0.8, 0.7]], rtol=1e-6)


def test_trainer_skips_parameters_without_gradient():
    params = gluon.ParameterDict('p_')
    const = params.get_constant('c', nd.ones(2))
    params.initialize()
    gluon.Trainer(params, 'sgd').step(1)
    np.testing.assert_array_equal(const.data().asnumpy(), [1, 1])


def test_trainer_rejects_non_parameters():
    with pytest.raises(ValueError) as err:
        gluon.Trainer([1], 'sgd')
    assert str(err.value) == "First argument must be a list or dict of Parameters, got list of <class 'int'>."


# ----- losses -------------------------------------------------------------------------------
PRED = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
TARGET = np.array([[0.0, 1.0, 1.0], [2.0, 0.0, -1.0]])
LABEL = np.array([2, 0])


def log_softmax(x):
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def test_loss_reprs():
    assert gloss.SoftmaxCrossEntropyLoss().name == 'softmaxcrossentropyloss0'
    assert repr(gloss.L2Loss()) == 'L2Loss(batch_axis=0, w=1.0)'
    assert repr(gloss.L1Loss()) == 'L1Loss(batch_axis=0, w=None)'
    assert repr(gloss.SoftmaxCrossEntropyLoss()) == 'SoftmaxCrossEntropyLoss(batch_axis=0, w=None)'


def test_loss_values():
    pred, target = nd.array(PRED), nd.array(TARGET)
    np.testing.assert_allclose(gloss.L2Loss()(pred, target).asnumpy(),
                               (0.5 * (PRED - TARGET) ** 2).mean(axis=1), rtol=1e-6)
    np.testing.assert_allclose(gloss.L1Loss()(pred, target).asnumpy(),
                               np.abs(PRED - TARGET).mean(axis=1), rtol=1e-6)
    # MXNet 1.9.1's digits (oneDNN's float32 log-sum-exp), a few 1e-6 from the exact values
    sce = gloss.SoftmaxCrossEntropyLoss()(pred, nd.array(LABEL)).asnumpy()
    assert sce.tolist() == [0.40760383009910583, 1.7413140535354614]
    np.testing.assert_allclose(sce, -log_softmax(PRED)[[0, 1], LABEL], rtol=1e-5)
    dense_label = np.eye(3)[LABEL] * 0.7 + 0.1
    dense = gloss.SoftmaxCrossEntropyLoss(sparse_label=False)(pred, nd.array(dense_label)).asnumpy()
    assert dense.tolist() == [0.7076038122177124, 1.7413140535354614]
    np.testing.assert_allclose(dense, -(log_softmax(PRED) * dense_label).sum(axis=1), rtol=1e-5)
    np.testing.assert_allclose(gloss.L2Loss(weight=3.0)(pred, target).asnumpy(),
                               (1.5 * (PRED - TARGET) ** 2).mean(axis=1), rtol=1e-6)


def test_loss_gradients_match_finite_differences():
    target, label = nd.array(TARGET, dtype='float64'), nd.array(LABEL, dtype='float64')
    check_grad(lambda p: gloss.L2Loss()(p, target), PRED)
    check_grad(lambda p: gloss.L1Loss()(p, target), PRED)
    check_grad(lambda p: gloss.SoftmaxCrossEntropyLoss()(p, label), PRED)


def test_training_loop_reduces_the_loss():
    mx.random.seed(0)
    true_w, true_b = nd.array([[2.0, -3.4]]), 4.2
    features = nd.random.normal(shape=(100, 2))
    labels = nd.dot(features, true_w.T) + true_b
    net = nn.Sequential()
    net.add(nn.Dense(1))
    net.initialize(init.Normal(sigma=0.01))
    loss = gloss.L2Loss()
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
    first = loss(net(features), labels).mean().asscalar()
    for _ in range(3):
        for i in range(0, 100, 10):
            x, y = features[i:i + 10], labels[i:i + 10]
            with autograd.record():
                batch_loss = loss(net(x), y)
            batch_loss.backward()
            trainer.step(10)
    last = loss(net(features), labels).mean().asscalar()
    assert last < first / 100
    np.testing.assert_allclose(net[0].weight.data().asnumpy(), [[2.0, -3.4]], atol=0.05)


# The simple losses of d2l and the Gluon tutorials: values against their NumPy formulas,
# gradients against finite differences (inputs away from the kinks of Huber and hinge).
LOGITS = np.array([[0.3, -1.2, 2.0], [-0.5, 0.8, 0.1]])
BINARY = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
SIGNED = 2 * BINARY - 1


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


@pytest.mark.parametrize('loss, label, expected', [
    (gloss.SigmoidBinaryCrossEntropyLoss(), BINARY,
     -(BINARY * np.log(_sigmoid(LOGITS)) + (1 - BINARY) * np.log(1 - _sigmoid(LOGITS))).mean(1)),
    (gloss.HuberLoss(rho=0.5), BINARY,
     np.where(np.abs(BINARY - LOGITS) > 0.5, np.abs(BINARY - LOGITS) - 0.25,
              np.square(BINARY - LOGITS)).mean(1)),
    (gloss.HingeLoss(), SIGNED, np.maximum(0, 1 - LOGITS * SIGNED).mean(1)),
    (gloss.LogisticLoss(), SIGNED, np.log1p(np.exp(-LOGITS * SIGNED)).mean(1)),
    (gloss.LogisticLoss(label_format='binary'), BINARY, np.log1p(np.exp(-LOGITS * SIGNED)).mean(1)),
    (gloss.KLDivLoss(from_logits=False), _sigmoid(BINARY),
     (_sigmoid(BINARY) * (np.log(_sigmoid(BINARY)) - log_softmax(LOGITS))).sum(1)),
])
def test_simple_losses_values_and_gradients(loss, label, expected):
    got = loss(nd.array(LOGITS, dtype='float64'), nd.array(label, dtype='float64')).asnumpy()
    np.testing.assert_allclose(got, expected, rtol=1e-9)
    check_grad(lambda p: loss(p, nd.array(label, dtype='float64')), LOGITS)


def test_sigmoid_binary_cross_entropy_is_stable_for_large_logits():
    loss = gloss.SigmoidBCELoss()(nd.array([[100.0, -100.0]]), nd.array([[0.0, 1.0]]))
    np.testing.assert_allclose(loss.asnumpy(), [100.0], rtol=1e-6)


def test_logistic_loss_refuses_unknown_label_formats():
    with pytest.raises(ValueError, match='label_format can only be signed or binary'):
        gloss.LogisticLoss(label_format='zero-one')


def test_adam_adds_weight_decay_before_clipping():
    weight = np.array([2.0, 2.0], dtype=np.float32)
    adam = mx.optimizer.Adam(learning_rate=0.1, wd=0.5, clip_gradient=0.3)
    state = adam.create_state(0, weight)
    # gradient -1.2 + wd * w = -0.2: inside the clip, so the step has its sign (up to
    # Adam's normalisation, the step is lr): weight 2 grows. Clipping first would give
    # -0.3 + 1.0 = 0.7 and shrink it.
    adam.update(0, weight, np.array([-1.2, 5.0], dtype=np.float32), state)
    np.testing.assert_allclose(weight, [2.1, 1.9], rtol=1e-6)


def test_optimizer_counts_updates_per_weight():
    sgd = mx.optimizer.SGD(learning_rate=1.0)
    weight = np.zeros(1, dtype=np.float32)
    for index in (0, 0, 1):
        sgd.update(index, weight, np.ones(1, dtype=np.float32), None)
    assert sgd.num_update == 2 and weight.tolist() == [-3.0]


def test_trainer_refuses_what_mxnet_refuses():
    net = nn.Sequential()
    net.add(nn.Dense(2, in_units=2))
    net.initialize()
    with pytest.raises(TypeError, match='pass Block.collect_params()'):
        gluon.Trainer(net.params, 'sgd')  # a container's own params are empty
    with pytest.raises(RuntimeError, match='has not been initialized'):
        gluon.Trainer(nn.Dense(2, in_units=2).collect_params(), 'sgd')
    with pytest.raises(AssertionError, match='optimizer_params must be None'):
        gluon.Trainer(net.collect_params(), mx.optimizer.SGD(), {'learning_rate': 1})
    with pytest.raises(ValueError, match='Cannot find optimizer'):
        gluon.Trainer(net.collect_params(), 'sgdd')
    with pytest.raises(TypeError, match="unexpected keyword argument 'lr'"):
        gluon.Trainer(net.collect_params(), 'sgd', {'lr': 0.1})


def test_allreduce_grads_then_update_is_step():
    def trained(split):
        dense = nn.Dense(1, in_units=2)
        dense.initialize(init.One(), ctx=[mx.cpu(0), mx.cpu(1)])
        trainer = gluon.Trainer(dense.collect_params(), 'sgd', {'learning_rate': 0.1})
        with autograd.record():
            losses = [dense(nd.array([[1, 2]], ctx=mx.cpu(0))).sum(),
                      dense(nd.array([[3, 4]], ctx=mx.cpu(1))).sum()]
        autograd.backward(losses)
        if split:
            trainer.allreduce_grads()
            assert dense.weight.grad(mx.cpu(0)).asnumpy().tolist() == [[4.0, 6.0]]  # summed
            trainer.update(2)
        else:
            trainer.step(2)
        return [w.asnumpy().tolist() for w in dense.weight.list_data()]
    assert trained(split=True) == trained(split=False)


def test_trainer_takes_a_dict_in_the_order_of_names():
    params = gluon.ParameterDict('p_')
    b, a = params.get('b', shape=(1,)), params.get('a', shape=(1,))
    params.initialize()
    trainer = gluon.Trainer(params, 'sgd')
    assert trainer.optimizer.param_dict == {0: a, 1: b}


def test_softmax_cross_entropy_takes_labels_of_shape_n_by_1():
    pred, label = nd.array([[1, 2, 3], [4, 5, 6]]), nd.array([[0], [2]])
    loss = gluon.loss.SoftmaxCrossEntropyLoss()(pred, label).asnumpy()
    # MXNet 1.9.1's digits (its float32 log-sum-exp is a few 1e-6 off the exact 2.4076059,
    # 0.4076059; case softmax_ce_with_n_by_1_labels of tests/differential/cases_reference.py)
    assert loss.tolist() == [2.4076037406921387, 0.40760383009910583]


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
