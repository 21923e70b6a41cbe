"""The chapter 02 checks pass on the reference solutions and explain typical wrong answers."""
import numpy as np
import pytest

from minigluon import autograd, gluon, init, nd
from minigluon.gluon import nn
from minigluon_workbook.checks import ExerciseFailed, ch02
from minigluon_workbook.judges import Data, Malformed


# ----- 02.1: an initializer that zeroes half the weights --------------------------------
class HalfZero(init.Initializer):
    def _init_weight(self, name, data):
        data[:] = nd.random.uniform(-1, 1, shape=data.shape)
        data[:data.shape[0] // 2] = 0


class Rebinds(init.Initializer):
    def _init_weight(self, name, data):
        data = nd.random.uniform(-1, 1, shape=data.shape)  # noqa: F841 - the bug under test


class WrongHalf(init.Initializer):
    def _init_weight(self, name, data):
        data[:] = nd.random.uniform(-1, 1, shape=data.shape)
        data[data.shape[0] // 2:] = 0


class OverridesCall(init.Initializer):
    def __call__(self, desc, data):
        data[:] = nd.random.uniform(-1, 1, shape=data.shape)
        data[:data.shape[0] // 2] = 0


class Raises(init.Initializer):
    def _init_weight(self, name, data):
        raise ValueError('oops')


class TooWide(init.Initializer):
    def _init_weight(self, name, data):
        data[:] = nd.random.uniform(-5, 5, shape=data.shape)
        data[:data.shape[0] // 2] = 0


def test_check_1_passes(capsys):
    ch02.check_1(HalfZero)
    ch02.check_1(HalfZero())
    assert 'PASSED exercise 02.1' in capsys.readouterr().out


@pytest.mark.parametrize('answer, message', [
    (Rebinds, r'every entry .* is zero.*data\[:\] = \.\.\.'),
    (WrongHalf, r'first 4 rows .* should be all zero'),
    (OverridesCall, r'bias should keep its zeros.*_init_weight'),
    (Raises, r'raised ValueError: oops'),
    (TooWide, r'should lie in \[-1, 1\]'),
    (init.Uniform, r'first 4 rows'),
    (object, r'subclass of init.Initializer'),
])
def test_check_1_fails(answer, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch02.check_1(answer)


# ----- 02.2: shared parameters, gradients add ------------------------------------------
def make_tied_net():
    first = nn.Dense(6, activation='tanh', in_units=6)
    net = nn.Sequential()
    net.add(first, nn.Dense(6, activation='tanh', params=first.params), nn.Dense(1))
    return net


def make_untied_net():
    net = nn.Sequential()
    net.add(nn.Dense(6, activation='tanh', in_units=6), nn.Dense(6, activation='tanh'),
            nn.Dense(1))
    return net


def split_grads(net, X):
    with autograd.record():
        loss = net(X).sum()
    loss.backward()
    total = net[0].weight.grad().copy()
    W, b = net[0].weight.data(), net[0].bias.data()
    Wa, Wb = W.copy(), W.copy()
    Wa.attach_grad()
    Wb.attach_grad()
    with autograd.record():
        h = nd.tanh(nd.dot(X, Wa.T) + b)
        h = nd.tanh(nd.dot(h, Wb.T) + b)
        out = net[2](h).sum()
    out.backward()
    return total, Wa.grad, Wb.grad


def swapped(net, X):
    total, a, b = split_grads(net, X)
    return total, b, a


def halves(net, X):
    total, _, _ = split_grads(net, X)
    return total, total / 2, total / 2


def only_total(net, X):
    total, _, _ = split_grads(net, X)
    return total


def test_check_2_passes(capsys):
    ch02.check_2(make_tied_net, split_grads)
    assert 'PASSED exercise 02.2' in capsys.readouterr().out


@pytest.mark.parametrize('make, split, message', [
    (make_untied_net, split_grads, r'do not share their weight.*params='),
    (make_tied_net, swapped, r'swapped'),
    (make_tied_net, halves, r'`first` is not the gradient contribution of the first use'),
    (make_tied_net, only_total, r'should return three gradients'),
    (lambda: 1 / 0, split_grads, r'make_tied_net\(\) raised ZeroDivisionError'),
    (make_tied_net, lambda net, X: net.nope, r'split_grads\(net, X\) raised AttributeError'),
])
def test_check_2_fails(make, split, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch02.check_2(make, split)


# ----- 02.3: a regex for collect_params --------------------------------------------------
def test_check_3_passes(capsys):
    ch02.check_3('.*bias$')
    ch02.check_3('.*_bias$')
    assert capsys.readouterr().out.count('PASSED exercise 02.3') == 2


@pytest.mark.parametrize('pattern, message', [
    ('bias', r"selected only \['bias_weight', 'bias_bias'\].*re\.match.*\"\.\*\""),
    ('weight', r'selected nothing.*re\.match'),
    ('.*', r'also selected .*weight.*not biases'),
    ('.*0_bias', r'missed'),
    ('.*bias', r"also selected \['bias_weight'\].*prefix may contain 'bias'.*\$"),
    ('(', r'not a valid regular expression'),
    (None, r'non-empty string'),
    (..., r'^not done yet: define `bias_pattern`'),   # the student edition's `bias_pattern = ...`
])
def test_check_3_fails(pattern, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch02.check_3(pattern)


# ----- 02.5: one SGD step by hand ------------------------------------------------------------
def sgd_step(net, lr, batch_size):
    for param in net.collect_params().values():
        if param.grad_req != 'null':
            param.data()[:] = param.data() - lr * param.grad() / batch_size


def per_layer(net, lr, batch_size):
    for layer in net._children.values():
        for param in layer.params.values():
            if param.grad_req != 'null':
                param.data()[:] = param.data() - lr * param.grad() / batch_size


def no_division(net, lr, batch_size):
    sgd_step(net, lr, 1)


def frozen_too(net, lr, batch_size):
    for param in net.collect_params().values():
        param.data()[:] = param.data() - lr * param.grad() / batch_size


def test_check_5_passes_and_agrees_with_the_trainer(capsys):
    ch02.check_5(sgd_step)
    assert 'PASSED exercise 02.5' in capsys.readouterr().out
    net = ch02._prepared_5(3)
    gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': ch02._LR_5}).step(ch02._BATCH_5)
    mine = ch02._prepared_5(3)
    sgd_step(mine, ch02._LR_5, ch02._BATCH_5)
    for key, value in ch02._after_5(net).items():
        np.testing.assert_allclose(ch02._after_5(mine)[key], value, rtol=1e-6)


@pytest.mark.parametrize('wrong, message', [
    (per_layer, r'updated twice'),
    (no_division, r'divide it by batch_size'),
    (frozen_too, r'grad_req "null" has no gradient'),
    (lambda net, lr, batch_size: None, r'differ from w - lr \* grad / batch_size \(.*did not move\)'),
])
def test_check_5_fails_readably(wrong, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch02.check_5(wrong)


def test_check_5_judges_from_the_seed():
    data = ch02.check_5.observe(sgd_step, seed=4)
    assert ch02.check_5.judge(Data(data), 4)
    with pytest.raises(ExerciseFailed):
        ch02.check_5.judge(Data(data), 5)
    with pytest.raises(ExerciseFailed, match='new array'):
        ch02.check_5.judge(Data(dict(data, in_place=False)), 4)
    with pytest.raises(Malformed):
        ch02.check_5.judge(Data(dict(data, values={})), 4)


# ----- 02.6 (build track) -------------------------------------------------------------------
from build_track import PIECES, framework  # noqa: E402

SOURCE = dict(PIECES)


def build_6(**edits):
    """The reference framework of chapter 2, with pieces edited: {piece: (old, new)}."""
    f = framework(2, {name: SOURCE[name].replace(*edit) for name, edit in edits.items()})
    return f.Var, f.backprop, f.Module, f.Sequential, f.ReLU, f.Parameter, f.initialize, f.Linear


def test_check_6_passes(capsys):
    ch02.check_6(*build_6())
    assert 'PASSED exercise 02.6' in capsys.readouterr().out


@pytest.mark.parametrize('edits, message', [
    ({'P2_INIT': ('and not p.initialized', '')}, r'asked the init function for the shapes \[\(4, 5\), \(4, 4\), \(4, 4\)'),
    ({'P2_PARAM': ('self.init or default_init', 'default_init or self.init')},
     r'shapes \[\(4, 5\), \(4,\), \(4, 4\)'),
    ({'P2_PARAM': ('self.initialized = True', 'pass')}, r'shapes'),
    ({'P2_LINEAR': ('init=np.zeros)', 'init=np.ones)')}, r'0.bias is \[1'),
    ({'P2_PARAM': ('class Parameter(Var):', 'class Parameter:')}, r'subclass of Var'),
])
def test_check_6_fails_readably(edits, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch02.check_6(*build_6(**edits))


def test_check_6_refuses_forged_data():
    data = ch02.check_6.observe(*build_6(), seed=3)
    for key in ('calls', 'values', 'shared', 'grads'):
        forged = dict(data)
        del forged[key]
        with pytest.raises((ExerciseFailed, Malformed)):
            ch02.check_6.judge(Data(forged), 3)
    with pytest.raises(ExerciseFailed):
        ch02.check_6.judge(Data(dict(data, shared=False)), 3)
    with pytest.raises(ExerciseFailed):
        ch02.check_6.judge(Data(data), 4)
