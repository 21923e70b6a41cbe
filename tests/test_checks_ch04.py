"""The chapter 4 checks pass the reference solutions and explain typical wrong answers."""
import numpy as np
import pytest

from minigluon import gluon, init, nd
from minigluon.gluon import nn
from minigluon_workbook.checks import ExerciseFailed
from minigluon_workbook.judges import Data, Malformed
from minigluon_workbook.checks import ch04


def _fails(check, answer, *fragments):
    with pytest.raises(ExerciseFailed) as info:
        check(answer)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


# ----- 04.1 ---------------------------------------------------------------------------------
class CosineSimilarity(nn.Block):
    def forward(self, x, y):
        dot = (x * y).sum(axis=1)
        return dot / nd.sqrt((x * x).sum(axis=1) * (y * y).sum(axis=1))


def test_check_1_passes_the_reference(capsys):
    ch04.check_1(CosineSimilarity)
    assert 'PASSED exercise 04.1' in capsys.readouterr().out


def test_check_1_explains_a_missing_normalization():
    class DotOnly(nn.Block):
        def forward(self, x, y):
            return (x * y).sum(axis=1)
    _fails(ch04.check_1, DotOnly, 'dot products', 'divide')


def test_check_1_explains_keepdims_shape():
    class KeepDims(nn.Block):
        def forward(self, x, y):
            dot = (x * y).sum(axis=1, keepdims=True)
            return dot / nd.sqrt((x * x).sum(axis=1, keepdims=True) * (y * y).sum(axis=1, keepdims=True))
    _fails(ch04.check_1, KeepDims, 'shape (4, 1)', 'expected (4,)')


def test_check_1_explains_all_pairs_and_one_input():
    class AllPairs(nn.Block):
        def forward(self, x, y):
            return nd.dot(x, y.T)
    _fails(ch04.check_1, AllPairs, 'shape (4, 4)', 'one similarity per row')

    class OneInput(nn.Block):
        def forward(self, x):
            return x
    _fails(ch04.check_1, OneInput, 'calling layer(x, y)', 'TypeError')


def test_check_1_refuses_parameters_and_non_blocks():
    class WithWeight(CosineSimilarity):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.w = self.params.get('w', shape=(1,))
    _fails(ch04.check_1, WithWeight, '1 parameter(s)')
    _fails(ch04.check_1, object, 'does not derive from nn.Block')
    _fails(ch04.check_1, CosineSimilarity(), 'pass your class itself')


# ----- 04.2 ---------------------------------------------------------------------------------
class Scale(nn.Block):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.gamma = self.params.get('gamma', shape=(units,), init=init.One())

    def forward(self, x):
        return x * self.gamma.data()


def test_check_2_passes_the_reference(capsys):
    ch04.check_2(Scale)
    assert 'PASSED exercise 04.2' in capsys.readouterr().out


def test_check_2_explains_a_plain_ndarray():
    class ArrayScale(nn.Block):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.gamma = nd.ones(units)

        def forward(self, x):
            return x * self.gamma
    _fails(ch04.check_2, ArrayScale, 'NDArray, not a Parameter')


def test_check_2_explains_a_direct_parameter():
    class DirectScale(Scale):
        def __init__(self, units, **kwargs):
            nn.Block.__init__(self, **kwargs)
            self.gamma = gluon.Parameter('gamma', shape=(units,), init=init.One())
    _fails(ch04.check_2, DirectScale, 'not in layer.collect_params()', 'params.get')


def test_check_2_explains_wrong_init_shape_and_forward():
    class Uninit(Scale):
        def __init__(self, units, **kwargs):
            nn.Block.__init__(self, **kwargs)
            self.gamma = self.params.get('gamma', shape=(units,))
    _fails(ch04.check_2, Uninit, 'init=init.One()')

    class OneFactor(Scale):
        def __init__(self, units, **kwargs):
            nn.Block.__init__(self, **kwargs)
            self.gamma = self.params.get('gamma', shape=(1,), init=init.One())
    _fails(ch04.check_2, OneFactor, 'shape (1,)', 'expected (4,)')

    class Detached(Scale):
        def forward(self, x):
            return x * nd.array(self.gamma.data().asnumpy())
    _fails(ch04.check_2, Detached, 'gamma gets no gradient')

    class Broken(Scale):
        def forward(self, x):
            return x * self.gamma
    _fails(ch04.check_2, Broken, 'calling layer(x)')


def test_check_2_explains_a_missing_attribute():
    class NoGamma(nn.Block):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)

        def forward(self, x):
            return x
    _fails(ch04.check_2, NoGamma, 'no attribute gamma')


# ----- 04.3 ---------------------------------------------------------------------------------
class MyLazyDense(nn.HybridBlock):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.weight = self.params.get('weight', shape=(0, units), allow_deferred_init=True)
        self.bias = self.params.get('bias', shape=(units,))

    def infer_shape(self, x, *args):
        self.weight.shape = (x.shape[1], self.units)

    def hybrid_forward(self, F, x, weight, bias):
        return F.relu(F.dot(x, weight) + bias)


def test_check_3_passes_the_reference(capsys):
    ch04.check_3(MyLazyDense)
    assert 'PASSED exercise 04.3' in capsys.readouterr().out


def test_check_3_explains_a_plain_block_and_missing_pieces():
    class Plain(nn.Block):
        pass
    _fails(ch04.check_3, Plain, 'not an nn.HybridBlock')

    class NoHybridForward(nn.HybridBlock):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
    _fails(ch04.check_3, NoHybridForward, 'does not define hybrid_forward')

    class NoInfer(MyLazyDense):
        infer_shape = nn.HybridBlock.infer_shape
    message = _fails(ch04.check_3, NoInfer, 'still had shape (0, 3)')
    assert 'infer_shape' not in message

    class NotDeferred(MyLazyDense):
        def __init__(self, units, **kwargs):
            nn.HybridBlock.__init__(self, **kwargs)
            self.units = units
            self.weight = self.params.get('weight', shape=(0, units))
            self.bias = self.params.get('bias', shape=(units,))
    _fails(ch04.check_3, NotDeferred, 'allow_deferred_init=True')

    class FixedWidth(MyLazyDense):
        def infer_shape(self, x, *args):
            self.weight.shape = (5, self.units)
    _fails(ch04.check_3, FixedWidth, 'MyLazyDense(4) on x of shape (2, 7) raised')


def test_check_3_explains_missing_relu_and_shapes():
    class NoRelu(MyLazyDense):
        def hybrid_forward(self, F, x, weight, bias):
            return F.dot(x, weight) + bias
    _fails(ch04.check_3, NoRelu, 'without the ReLU')

    class WithInUnits(MyLazyDense):
        def __init__(self, units, **kwargs):
            nn.HybridBlock.__init__(self, **kwargs)
            self.units = units
            self.weight = self.params.get('weight', shape=(5, units))
            self.bias = self.params.get('bias', shape=(units,))
    _fails(ch04.check_3, WithInUnits, 'expected (0, 3)')

    class BadNames(MyLazyDense):
        def hybrid_forward(self, F, x, w, b):
            return F.relu(F.dot(x, w) + b)
    _fails(ch04.check_3, BadNames, 'TypeError')


def test_check_3_judges_from_the_seed():
    data = ch04.check_3.observe(MyLazyDense, seed=2)
    assert ch04.check_3.judge(Data(data), 2)
    with pytest.raises(ExerciseFailed):
        ch04.check_3.judge(Data(data), 3)
    with pytest.raises(ExerciseFailed, match='without the ReLU|expected relu'):
        ch04.check_3.judge(Data(dict(data, out=[[0.5] * 3] * 2)), 2)
    with pytest.raises(Malformed):
        ch04.check_3.judge(Data(dict(data, weight_7='big')), 2)


def test_check_3_tells_an_infer_shape_with_swapped_axes_which_shape_it_met():
    class Swapped(MyLazyDense):
        def infer_shape(self, x, *args):
            self.weight.shape = (self.units, x.shape[1])
    message = _fails(ch04.check_3, Swapped, 'Expected shape (3, 5)', 'kept its declared shape (0, 3)')
    assert 'infer_shape' not in message and 'x.shape[1]' not in message

    class WrongWidth(MyLazyDense):
        def infer_shape(self, x, *args):
            self.weight.shape = (x.shape[1] - 1, self.units)
    message = _fails(ch04.check_3, WrongWidth, 'had shape (4, 3) then', 'needs (5, 3)')
    assert 'infer_shape' not in message and 'x.shape[1]' not in message


# ----- 04.5 (build track) -------------------------------------------------------------------
from build_track import PIECES, framework  # noqa: E402
from minigluon_workbook.judges import Data as _Data  # noqa: E402
from minigluon_workbook.judges import Malformed as _Malformed  # noqa: E402

SOURCE = dict(PIECES)


def build_5(**edits):
    """The reference framework of chapter 4, with pieces edited: {piece: (old, new)}."""
    f = framework(4, {name: SOURCE[name].replace(*edit) for name, edit in edits.items()})
    return f.Var, f.backprop, f.Sequential, f.ReLU, f.Linear, f.initialize, f.MyScale


def test_check_5_passes(capsys):
    ch04.check_5(*build_5())
    assert 'PASSED exercise 04.5' in capsys.readouterr().out


@pytest.mark.parametrize('edits, message', [
    ({'P4_OPS': ('(g * x.value).sum(axis=0)', 'g * x.value')}, r'gradient of 1.gamma has shape \(6, 4\)'),
    ({'P4_OPS': ('g * gamma.value,', 'g,')}, r'gradient of 0.weight'),
    ({'P4_SCALE': ('self.gamma.initialize(None)', 'self.gamma.initialize(self.gamma.deferred_init)'),
      'P2_PARAM': ('self.init or default_init', 'default_init or self.init')}, r'asked for'),
    ({'P4_SCALE': ('init=np.ones', 'init=np.zeros')}, r'gamma is \[0'),
])
def test_check_5_fails_readably(edits, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch04.check_5(*build_5(**edits))


LATE_SCALE = (
    'class MyScale(Module):\n'
    '    def forward(self, x):\n'
    "        if not hasattr(self, 'gamma'):\n"
    '            self.gamma = Parameter((x.value.shape[1],), init=np.ones)\n'
    '            self.gamma.initialize(None)\n'
    '        return my_scale(x, self.gamma)\n')


def test_check_5_refuses_a_gamma_made_at_the_first_forward():
    """A gamma created in forward works in one forward but escapes initialize and training."""
    f = framework(4, {'P4_SCALE': LATE_SCALE})
    late = f.MyScale()
    assert late.named_parameters() == {}
    late(f.Var(np.ones((2, 3))))
    assert list(late.named_parameters()) == ['gamma']    # listed only once it has run
    with pytest.raises(ExerciseFailed, match=r"before any forward.*\['0\.weight', '0\.bias', "
                       r"'3\.weight', '3\.bias'\]: MyScale's gamma is not among them"):
        ch04.check_5(f.Var, f.backprop, f.Sequential, f.ReLU, f.Linear, f.initialize, f.MyScale)


def test_check_5_refuses_a_gamma_of_fixed_size():
    with pytest.raises(ExerciseFailed, match=r"right after construction MyScale's gamma has shape "
                       r"\(4,\); expected \(0,\)"):
        ch04.check_5(*build_5(P4_SCALE=('Parameter((0,)', 'Parameter((4,)')))


def test_check_5_refuses_forged_data():
    data = ch04.check_5.observe(*build_5(), seed=3)
    for key in ('gamma_before', 'calls', 'gamma', 'out', 'grads'):
        forged = dict(data)
        del forged[key]
        with pytest.raises((ExerciseFailed, _Malformed)):
            ch04.check_5.judge(_Data(forged), 3)
    with pytest.raises(ExerciseFailed):
        ch04.check_5.judge(_Data(data), 4)
    with pytest.raises(ExerciseFailed, match=r'gamma has shape \(4,\); expected \(0,\)'):
        ch04.check_5.judge(_Data(dict(data, gamma_before=[4])), 3)
