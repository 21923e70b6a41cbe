"""The chapter 03 checks pass on the reference solutions and explain typical wrong answers."""
import pytest

from minigluon import gluon, nd
from minigluon.gluon import nn
from minigluon_workbook.checks import ExerciseFailed, ch03
from minigluon_workbook.judges import Data, Malformed


# ----- 03.1: no deferral ----------------------------------------------------------------
def make_net():
    net = nn.Sequential()
    net.add(nn.Dense(64, activation='relu', in_units=20), nn.Dense(10, in_units=64))
    return net


def deferred_second():
    net = nn.Sequential()
    net.add(nn.Dense(64, activation='relu', in_units=20), nn.Dense(10))
    return net


def wrong_in_units():
    net = nn.Sequential()
    net.add(nn.Dense(64, activation='relu', in_units=20), nn.Dense(10, in_units=20))
    return net


def test_check_1_passes(capsys):
    ch03.check_1(make_net)
    assert 'PASSED exercise 03.1' in capsys.readouterr().out


@pytest.mark.parametrize('answer, message', [
    (deferred_second, r"'dense1_weight' is still deferred .*\(10, 0\).*in_units"),
    (wrong_in_units, r'shapes \[\(64, 20\), \(10, 20\)\]'),
    (lambda: 'net', r'should return a Block'),
    (lambda: nn.Sequential().add(), r'should return a Block'),
])
def test_check_1_fails(answer, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch03.check_1(answer)


# ----- 03.2: a lazy layer ---------------------------------------------------------------
class LazyScale(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.weight = self.params.get('weight', shape=(0,), allow_deferred_init=True)

    def forward(self, x):
        try:
            w = self.weight.data()
        except gluon.DeferredInitializationError:
            self.weight.shape = (x.shape[-1],)
            self.weight._finish_deferred_init()
            w = self.weight.data()
        return x * w


class NeverFinishes(LazyScale):
    def forward(self, x):
        return x * self.weight.data()


class Eager(LazyScale):
    def __init__(self, **kwargs):
        nn.Block.__init__(self, **kwargs)
        self.weight = self.params.get('weight', shape=(5,))


class NotAllowed(LazyScale):
    def __init__(self, **kwargs):
        nn.Block.__init__(self, **kwargs)
        self.weight = self.params.get('weight', shape=(0,))


class FixedWidth(LazyScale):
    def forward(self, x):
        try:
            w = self.weight.data()
        except gluon.DeferredInitializationError:
            self.weight.shape = (5,)
            self.weight._finish_deferred_init()
            w = self.weight.data()
        return x * w


class AddsInstead(LazyScale):
    def forward(self, x):
        return x + super().forward(x)


def test_check_2_passes(capsys):
    ch03.check_2(LazyScale)
    assert 'PASSED exercise 03.2' in capsys.readouterr().out


@pytest.mark.parametrize('answer, message', [
    (NeverFinishes, r'forward raised DeferredInitializationError.*set weight.shape from the input'),
    (Eager, r'shape should be unknown.*\(5,\)'),
    (NotAllowed, r'initialize\(init.Constant\(2\)\) raised ValueError.*allow_deferred_init'),
    (FixedWidth, r'width 7 raised \w+Error: .*x\.shape\[-1\]'),
    (AddsInstead, r'should return x \* 2'),
    (nn.Dense, r'raised TypeError'),
])
def test_check_2_fails(answer, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch03.check_2(answer)


# ----- 03.3: predicting inferred shapes -------------------------------------------------
def predict_weight_shape(units, input_shape, flatten=True):
    if flatten:
        in_units = 1
        for d in input_shape[1:]:
            in_units *= d
    else:
        in_units = input_shape[-1]
    return (units, in_units)


def test_check_3_passes(capsys):
    ch03.check_3(predict_weight_shape)
    assert 'PASSED exercise 03.3' in capsys.readouterr().out


@pytest.mark.parametrize('answer, message', [
    (lambda u, s, flatten=True: (u, s[-1]), r'you predicted \(4, 5\), but the weight becomes '
                                            r'\(4, 15\).*flatten=True'),
    (lambda u, s, flatten=True: (s[1], u), r'predicted \(20, 10\)'),
    (lambda u, s: (u, s[-1]), r'raised TypeError'),
    (lambda u, s, flatten=True: None, r'expected a tuple of ints'),
])
def test_check_3_fails(answer, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch03.check_3(answer)


# ----- 03.5 (build track) -------------------------------------------------------------------
from build_track import PIECES, framework  # noqa: E402

SOURCE = dict(PIECES)


def build_5(**edits):
    """The reference framework of chapter 3, with pieces edited: {piece: (old, new)}."""
    f = framework(3, {name: SOURCE[name].replace(*edit) for name, edit in edits.items()})
    return f.Var, f.backprop, f.Sequential, f.ReLU, f.Parameter, f.initialize, f.Linear


def test_check_5_passes(capsys):
    ch03.check_5(*build_5())
    assert 'PASSED exercise 03.5' in capsys.readouterr().out


@pytest.mark.parametrize('edits, message', [
    ({'P3_INIT': ('if 0 in p.shape:', 'if False:')}, r'raised|initialize\(net, init\) asked'),
    ({'P3_LINEAR': ('if not self.weight.initialized:',
                    "if hasattr(self.weight, 'deferred_init'):")}, r'second forward asked the init function again'),
    ({'P3_LINEAR': ('x.value.shape[1]', 'x.value.shape[0]')}, r'raised ValueError'),
    ({'P3_LINEAR': ('self.weight.deferred_init', 'np.zeros')}, r'asked for \[\(4, 5\)\]'),
])
def test_check_5_fails_readably(edits, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch03.check_5(*build_5(**edits))


@pytest.mark.parametrize('seed, key, got, needs', [
    (0, '0.weight', (5, 6), (5, 3)),   # the batch axis (6 rows) read as the width
    (2, '0.weight', (5, 6), (5, 5)),
    (3, '4.weight', (2, 6), (2, 4)),   # width 6 = 6 rows: the first layer is right by chance
])
def test_check_5_names_the_inferred_shape_for_the_wrong_axis(seed, key, got, needs):
    broken = build_5(P3_LINEAR=('x.value.shape[1]', 'x.value.shape[0]'))
    with pytest.raises(ExerciseFailed) as failed:
        ch03.check_5.observe(*broken, seed=seed)
    message = str(failed.value)
    assert '%s had shape %s then; its input there needs %s' % (key, got, needs) in message
    assert message.count('had shape') == 1       # layers the forward never reached are not blamed
    for answer in ('shape[1]', 'shape[-1]', 'x.value', 'axis'):
        assert answer not in message


def test_check_5_refuses_forged_data():
    data = ch03.check_5.observe(*build_5(), seed=3)
    for key in ('after_initialize', 'after_forward', 'after_second', 'values', 'grads'):
        forged = dict(data)
        del forged[key]
        with pytest.raises((ExerciseFailed, Malformed)):
            ch03.check_5.judge(Data(forged), 3)
    with pytest.raises(ExerciseFailed):
        ch03.check_5.judge(Data(data), 4)
