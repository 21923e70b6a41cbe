"""The chapter 4 checks pass the reference solutions and explain typical wrong answers."""
import pytest

from minigluon import gluon, init, nd
from minigluon.gluon import nn
from workbook.checks import ExerciseFailed
from workbook.checks import ch04


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
class MyHybridDense(nn.HybridBlock):
    def __init__(self, units, in_units, **kwargs):
        super().__init__(**kwargs)
        self.weight = self.params.get('weight', shape=(in_units, units))
        self.bias = self.params.get('bias', shape=(units,))

    def hybrid_forward(self, F, x, weight, bias):
        return F.relu(F.dot(x, weight) + bias)


def test_check_3_passes_the_reference(capsys):
    ch04.check_3(MyHybridDense)
    assert 'PASSED exercise 04.3' in capsys.readouterr().out


def test_check_3_explains_a_plain_block_and_a_forward():
    class Plain(nn.Block):
        pass
    _fails(ch04.check_3, Plain, 'not an nn.HybridBlock')

    class WithForward(MyHybridDense):
        def forward(self, x):
            return nd.dot(x, self.weight.data())
    _fails(ch04.check_3, WithForward, 'overrides forward')

    class NoHybridForward(nn.HybridBlock):
        def __init__(self, units, in_units, **kwargs):
            super().__init__(**kwargs)
    _fails(ch04.check_3, NoHybridForward, 'does not define hybrid_forward')


def test_check_3_explains_missing_relu_wrong_names_and_shapes():
    class NoRelu(MyHybridDense):
        def hybrid_forward(self, F, x, weight, bias):
            return F.dot(x, weight) + bias
    _fails(ch04.check_3, NoRelu, 'without the ReLU')

    class BadNames(MyHybridDense):
        def hybrid_forward(self, F, x, w, b):
            return F.relu(F.dot(x, w) + b)
    _fails(ch04.check_3, BadNames, 'calling layer(x)', 'TypeError')

    class Transposed(MyHybridDense):
        def __init__(self, units, in_units, **kwargs):
            nn.HybridBlock.__init__(self, **kwargs)
            self.weight = self.params.get('weight', shape=(units, in_units))
            self.bias = self.params.get('bias', shape=(units,))
    _fails(ch04.check_3, Transposed, "'weight': (3, 5)", 'expected weight of shape (5, 3)')


def test_forgotten_super_init_and_missing_init_get_their_hints():
    class NoSuper(nn.Block):
        def __init__(self, units, **kwargs):
            self.gamma = self.params.get('gamma', shape=(units,))

    message = _fails(ch04.check_2, NoSuper, 'creating NoSuper(4) raised AttributeError',
                     'did you call super().__init__(**kwargs) first in your __init__?')
    assert 'endswith' not in message

    class NoInit(nn.HybridBlock):
        def hybrid_forward(self, F, x, weight, bias):
            return x

    _fails(ch04.check_3, NoInit, 'your NoInit has no __init__ of its own')
