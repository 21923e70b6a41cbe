"""The checks of chapter 01 pass the reference solutions and fail typical wrong answers with
messages in the student's terms (never an unrelated exception)."""
import contextlib

import pytest

from minigluon import autograd, nd
from minigluon.gluon import nn
from minigluon_workbook.checks import ExerciseFailed, ch01
from minigluon_workbook.judges import Data, Malformed, verdict

from gluon_helpers import FancyMLP


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


class DenseInList(nn.Block):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = [nn.Dense(units)]


class DenseBeforeSuper(TwoInputDense):
    def __init__(self, units, **kwargs):
        object.__setattr__(self, 'dense', nn.Dense(units))
        nn.Block.__init__(self, **kwargs)
        object.__setattr__(self, 'dense', nn.Dense(units))


@pytest.mark.parametrize('wrong, message', [
    (OnlyX, r'^your Dense weight has shape \(5, 3\), so the Dense read 3 features per example; '
            r'expected \(5, 7\), for the 3 \+ 4 features of x and y$'),
    (Swapped, r"^your layer\(x, y\) differs from the expected output by up to \S+ \(at \[\d, \d\]: "
              r"got \S+, expected \S+\); it is what the Dense gives with each example's features of y "
              r"before those of x$"),
    (RowConcat, r'calling your layer\(x, y\).* raised \w*Error'),
    (NotRegistered, r'^your layer has no attribute dense holding an nn\.Dense$'),
    (DenseInList, r'^your layer\.dense is a list; expected an nn\.Dense$'),
    (DenseBeforeSuper, r'^collect_params\(\) of your layer is empty: its Dense is not registered'),
    (NoSuper, r'raised AttributeError|did you call super\(\)\.__init__'),
    (lambda units: None, r'pass your class itself'),
])
def test_check_1_fails_readably(wrong, message):
    with pytest.raises(ExerciseFailed, match=message) as failed:
        ch01.check_1(wrong)
    # it names the wrong shape, value or attribute, never the code that fixes it (what the
    # student's own code raised is quoted after ' raised ')
    assert not any(rule in str(failed.value).split(' raised ')[0]
                   for rule in ('concat', 'dim=', 'self.dense =', 'Dense(units)', 'must see'))


def test_a_class_stub_is_not_done_yet():
    """The student edition's class stub (methods over `raise NotImplementedError()`) defines;
    creating it says "not done yet", as calling a function stub does."""
    class TwoInputDense(nn.Block):
        def __init__(self, units, **kwargs):
            raise NotImplementedError()

        def forward(self, x, y):
            raise NotImplementedError()

    with pytest.raises(ExerciseFailed, match=r'^not done yet: creating TwoInputDense\(5\) raised '
                                             r'NotImplementedError; replace'):
        ch01.check_1(TwoInputDense)


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
    # Blocks in a plain list also get MXNet's "unregistered container" warning (the lesson)
    warns = (pytest.warns(UserWarning, match='unregistered container with Blocks')
             if wrong is ListParallel else contextlib.nullcontext())
    with warns, pytest.raises(ExerciseFailed, match=message):
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
    forward = FancyMLP.forward  # the book's, whose x /= 2 fails under autograd.record()


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


# ----- the classic mistakes reach their hints; forged data never passes ---------------------
class NoInit(nn.Block):
    def forward(self, x, y):
        return x


class ForgotSuper(nn.Block):
    def __init__(self, units, **kwargs):
        self.dense = nn.Dense(units)


@pytest.mark.parametrize('wrong, message', [
    (NoInit, r'^your NoInit has no __init__ of its own, so TwoInputDense\(5\) went to nn\.Block'),
    (ForgotSuper, r"did you call super\(\)\.__init__\(\*\*kwargs\) first in your __init__\?$"),
])
def test_classic_mistakes_get_their_hints_not_framework_internals(wrong, message):
    with pytest.raises(ExerciseFailed, match=message) as err:
        ch01.check_1(wrong)
    assert 'endswith' not in str(err.value)


@pytest.mark.parametrize('seed', [1, 12345])
def test_observations_depend_on_the_seed_and_pass_only_for_it(seed):
    data = ch01.check_1.observe(TwoInputDense, seed=seed)
    assert ch01.check_1.judge(Data(data), seed)
    with pytest.raises(ExerciseFailed, match='differs from the expected output'):
        ch01.check_1.judge(Data(data), seed + 1)


def test_forged_observations_fail():
    zeros = {'out_shape': [2, 5], 'weight_shape': [5, 7], 'out': [[0.0] * 5] * 2}
    with pytest.raises(ExerciseFailed):
        ch01.check_1.judge(Data(zeros), 7)
    for bad in ({}, {'out_shape': 'big'}, {'out_shape': [2, 5], 'weight_shape': [5, 7],
                                             'out': [[1e9] * 10 ** 3] * 10 ** 3}):
        with pytest.raises(Malformed):
            ch01.check_1.judge(Data(bad), 7)
    with pytest.raises(ExerciseFailed, match='^nope$'):
        verdict(ch01.check_2, {'failed': 'nope'}, 7)
    with pytest.raises(Malformed):
        verdict(ch01.check_3, {'runs': [{'out': 'x'}] * 3}, 7)


# ----- 01.5 structural keys ----------------------------------------------------------------
def structural_keys(block, prefix=''):
    dot = prefix + '.' if prefix else ''
    keys = [dot + name for name in block._reg_params]
    for key, child in block._children.items():
        keys += structural_keys(child, dot + key)
    return keys


def children_first(block, prefix=''):
    dot = prefix + '.' if prefix else ''
    keys = []
    for key, child in block._children.items():
        keys += children_first(child, dot + key)
    return keys + [dot + name for name in block._reg_params]


def global_names(block):
    return [p.name for p in block.collect_params().values()]


def delegated(block):
    return list(block._collect_params_with_prefix())


def test_check_5_passes(capsys):
    ch01.check_5(structural_keys)
    assert 'PASSED exercise 01.5' in capsys.readouterr().out


@pytest.mark.parametrize('wrong, message', [
    (children_first, r'right but in another order'),
    (global_names, r'look like global names'),
    (delegated, r'build it yourself: your code called Block._collect_params_with_prefix'),
    (lambda block: [n.split('_', 1)[-1] for n in block.collect_params()], r'your keys are'),
    (lambda block: ','.join(block._reg_params), r'should return a list of strings'),
    (lambda block: block.no_such_thing, r'structural_keys\(.*\) raised AttributeError'),
])
def test_check_5_fails_readably(wrong, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch01.check_5(wrong)


def test_check_5_refuses_forged_data():
    data = ch01.check_5.observe(structural_keys, seed=1)
    assert ch01.check_5.judge(Data(data), 1)
    with pytest.raises(ExerciseFailed):
        ch01.check_5.judge(Data(dict(data, keys2=['0.weight'])), 1)
    with pytest.raises(Malformed):
        ch01.check_5.judge(Data(dict(data, keys1=[1, 2])), 1)


# ----- 01.6 (build track) -------------------------------------------------------------------
from build_track import PIECES, framework  # noqa: E402

SOURCE = dict(PIECES)


def build_6(**edits):
    """The reference framework of chapter 1, with pieces edited: {piece: (old, new)}."""
    f = framework(1, {name: SOURCE[name].replace(*edit) for name, edit in edits.items()})
    return f.Var, f.backprop, f.Module, f.Sequential, f.Linear, f.ReLU


def test_check_6_passes(capsys):
    ch01.check_6(*build_6())
    assert 'PASSED exercise 01.6' in capsys.readouterr().out


@pytest.mark.parametrize('edits, message', [
    ({'P1_OPS': ('g.sum(axis=0)', 'g')}, r'raised|gradient of 0.bias'),
    ({'P1_OPS': ('g.T @ x.value', 'x.value.T @ g')}, r'raised ValueError|gradient of 0.weight'),
    ({'P1_MODULE': ("prefix + name + '.'", "prefix")}, r"lists the parameters \['weight', 'bias'"),
    ({'P1_MODULE': ("if isinstance(value, (Module, Var)):", "if isinstance(value, Module):")},
     r"lists the parameters \[\]"),
    ({'P1_SEQ': ("str(i)", "'layer%d' % i")}, r"\['body.layer0.weight'"),
    ({'P1_LINEAR': ("(units, in_units)", "(in_units, units)")}, r'raised ValueError|shapes'),
    ({'P1_RELU': ('return relu(x)', 'return x')}, r'net\(X\) is'),
])
def test_check_6_fails_readably(edits, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch01.check_6(*build_6(**edits))


def test_check_6_not_done():
    f = framework(0)
    with pytest.raises(ExerciseFailed, match='pass your class Module itself'):
        ch01.check_6(f.Var, f.backprop, None, None, None, None)


def test_check_6_refuses_forged_data():
    data = ch01.check_6.observe(*build_6(), seed=3)
    for key in ('keys', 'nested', 'out'):
        forged = dict(data)
        del forged[key]
        with pytest.raises((ExerciseFailed, Malformed)):
            ch01.check_6.judge(Data(forged), 3)
    with pytest.raises(ExerciseFailed):
        ch01.check_6.judge(Data(data), 4)
