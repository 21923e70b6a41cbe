"""The checks of chapter 01 pass the reference solutions and fail typical wrong answers with
messages in the student's terms (never an unrelated exception)."""
import pytest

from minigluon import autograd, nd
from minigluon.gluon import nn
from workbook.checks import ExerciseFailed, ch01


# ----- 01.1 TwoInputDense ----------------------------------------------------------------
class TwoInputDense(nn.Block):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = nn.Dense(units)

    def forward(self, x, y):
        return self.dense(nd.concat(x, y, dim=1))


class OnlyX(TwoInputDense):
    def forward(self, x, y):
        return self.dense(x)


class Swapped(TwoInputDense):
    def forward(self, x, y):
        return self.dense(nd.concat(y, x, dim=1))


class RowConcat(TwoInputDense):
    def forward(self, x, y):
        return self.dense(nd.concat(x, y, dim=0))


class NotRegistered(nn.Block):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.layers = [nn.Dense(units)]

    def forward(self, x, y):
        return self.layers[0](nd.concat(x, y, dim=1))


class NoSuper(nn.Block):
    def __init__(self, units, **kwargs):
        self.units = units


def test_check_1_passes(capsys):
    ch01.check_1(TwoInputDense)
    assert 'PASSED exercise 01.1' in capsys.readouterr().out


@pytest.mark.parametrize('wrong, message', [
    (OnlyX, r'weight has shape \(5, 3\); expected \(5, 7\)'),
    (Swapped, r'is not dense\(concat\(x, y, dim=1\)\).*y before x'),
    (RowConcat, r'calling your layer\(x, y\).* raised \w*Error'),
    (NotRegistered, r'no attribute dense'),
    (NoSuper, r'raised AttributeError|did you call super\(\)\.__init__'),
    (lambda units: None, r'pass your class itself'),
])
def test_check_1_fails_readably(wrong, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch01.check_1(wrong)


# ----- 01.2 Parallel ---------------------------------------------------------------------
class Parallel(nn.Block):
    def add(self, *blocks):
        for block in blocks:
            self.register_child(block)

    def forward(self, x):
        return nd.concat(*[block(x) for block in self._children.values()], dim=1)


class ListParallel(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.blocks = []

    def add(self, *blocks):
        self.blocks.extend(blocks)

    def forward(self, x):
        return nd.concat(*[block(x) for block in self.blocks], dim=1)


class ReversedParallel(Parallel):
    def forward(self, x):
        return nd.concat(*[block(x) for block in reversed(self._children.values())], dim=1)


class SequentialNotParallel(Parallel):
    def forward(self, x):
        for block in self._children.values():
            x = block(x)
        return x


class AddOne(nn.Block):
    def add(self, block):
        self.register_child(block)

    def forward(self, x):
        return nd.concat(*[block(x) for block in self._children.values()], dim=1)


def test_check_2_passes(capsys):
    ch01.check_2(Parallel)
    assert 'PASSED exercise 01.2' in capsys.readouterr().out


@pytest.mark.parametrize('wrong, message', [
    (ListParallel, r'does not find the parameters of .*not in a Python list'),
    (ReversedParallel, r'not the concatenation .* in the order'),
    (SequentialNotParallel, r'returned shape \(2, 2\).*expected \(2, 9\)'),
    (AddOne, r'par\.add\(dense_a, dense_b\) raised TypeError'),
])
def test_check_2_fails_readably(wrong, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch01.check_2(wrong)


# ----- 01.3 TrainableFancyMLP ------------------------------------------------------------
class Trainable(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.rand_weight = self.params.get_constant('rand_weight', nd.random.uniform(shape=(20, 20)))
        self.dense = nn.Dense(20, activation='relu')

    def forward(self, x):
        x = self.dense(x)
        x = nd.relu(nd.dot(x, self.rand_weight.data()) + 1)
        x = self.dense(x)
        while x.norm().asscalar() > 1:
            x = x / 2
        if x.norm().asscalar() < 0.8:
            x = x * 10
        return x.sum()


class InPlace(Trainable):
    def forward(self, x):
        x = self.dense(x)
        x = nd.relu(nd.dot(x, self.rand_weight.data()) + 1)
        x = self.dense(x)
        while x.norm().asscalar() > 1:
            x /= 2
        if x.norm().asscalar() < 0.8:
            x *= 10
        return x.sum()


class NoBranch(Trainable):
    def forward(self, x):
        x = self.dense(x)
        x = nd.relu(nd.dot(x, self.rand_weight.data()) + 1)
        x = self.dense(x)
        while x.norm().asscalar() > 1:
            x = x / 2
        return x.sum()


class TrainableWeight(Trainable):
    def __init__(self, **kwargs):
        nn.Block.__init__(self, **kwargs)
        self.rand_weight = self.params.get('rand_weight', shape=(20, 20))
        self.dense = nn.Dense(20, activation='relu')


def test_check_3_passes(capsys):
    ch01.check_3(Trainable)
    assert 'PASSED exercise 01.3' in capsys.readouterr().out


@pytest.mark.parametrize('wrong, message', [
    (InPlace, r'under autograd\.record\(\) raised MXNetError.*x = x / 2'),
    (NoBranch, r'for an input of scale .* your model returned .*FancyMLP computes'),
    (TrainableWeight, r'rand_weight is a Parameter; expected a constant'),
])
def test_check_3_fails_readably(wrong, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch01.check_3(wrong)
    assert not autograd.is_recording()
