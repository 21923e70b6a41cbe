"""The chapter 6 checks pass the reference solutions and explain typical wrong answers, with
or without a GPU (without one they move networks to cpu(1))."""
import numpy as np
import pytest

import minigluon as mx
from minigluon_workbook.checks import ExerciseFailed
from minigluon_workbook.judges import Data, Malformed
from minigluon_workbook.checks import ch06


def _fails(check, answer, *fragments):
    with pytest.raises(ExerciseFailed) as info:
        check(answer)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


def to_device(net, ctx):
    net.collect_params().reset_ctx(ctx)
    return net


def predict(net, X):
    ctx = net.collect_params().list_ctx()[0]
    return net(X.as_in_context(ctx)).as_in_context(mx.cpu())


def test_target_context():
    expected = mx.gpu(0) if mx.context.num_gpus() else mx.cpu(1)
    assert ch06.target_context() == expected


def test_check_1_passes_the_reference(capsys):
    ch06.check_1(to_device)
    assert 'PASSED exercise 06.1' in capsys.readouterr().out


def test_check_1_explains_typical_mistakes():
    _fails(ch06.check_1, lambda net, ctx: net, 'lives on [cpu(0)]', 'reset_ctx')

    def reinitialize(net, ctx):
        net.initialize(ctx=ctx, force_reinit=True)
        return net
    _fails(ch06.check_1, reinitialize, 'other outputs', 're-initialized')

    def forgets_return(net, ctx):
        net.collect_params().reset_ctx(ctx)
    _fails(ch06.check_1, forgets_return, 'returned None')

    def crashes(net, ctx):
        return net.reset_ctx(ctx)
    _fails(ch06.check_1, crashes, 'raised AttributeError')


def test_check_2_passes_the_reference(capsys):
    ch06.check_2(predict)
    assert 'PASSED exercise 06.2' in capsys.readouterr().out


def test_check_2_explains_typical_mistakes():
    _fails(ch06.check_2, lambda net, X: net(X), 'raised', 'as_in_context(ctx)')

    def stays_on_device(net, X):
        return net(X.as_in_context(net[0].weight.list_ctx()[0]))
    _fails(ch06.check_2, stays_on_device, 'expected cpu(0)')

    def numpy_out(net, X):
        return predict(net, X).asnumpy()
    _fails(ch06.check_2, numpy_out, 'ndarray', 'expected an NDArray')


# ----- 06.5: device dispatch from scratch ---------------------------------------------------
class Tensor:
    def __init__(self, data, ctx):
        self.data, self.ctx = ctx.xp.asarray(data), ctx

    def _same(self, other):
        if other.ctx != self.ctx:
            raise ValueError('inputs on %s and %s' % (self.ctx, other.ctx))

    def __add__(self, other):
        self._same(other)
        return Tensor(self.data + other.data, self.ctx)

    def dot(self, other):
        self._same(other)
        return Tensor(self.ctx.xp.dot(self.data, other.data), self.ctx)

    def to(self, ctx):
        return Tensor(self.data.copy(), ctx)


def test_check_5_passes_the_reference(capsys):
    ch06.check_5(Tensor)
    assert 'PASSED exercise 06.5' in capsys.readouterr().out


class NoXp(Tensor):
    def __init__(self, data, ctx):
        self.data, self.ctx = np.asarray(data), ctx


class Silent(Tensor):
    def _same(self, other):
        pass


class Shares(Tensor):
    def to(self, ctx):
        moved = Tensor.__new__(Shares)
        moved.data, moved.ctx = ctx.xp.asarray(self.data), ctx
        return moved


class Stays(Tensor):
    def to(self, ctx):
        return Tensor(self.data.copy(), self.ctx)


class TypeErrors(Tensor):
    def _same(self, other):
        if other.ctx != self.ctx:
            raise TypeError('no')


@pytest.mark.parametrize('wrong, message', [
    (NoXp, r'did not create its array with ctx.xp'),
    (Silent, r'gave no error; expected a ValueError'),
    (TypeErrors, r'gave TypeError; expected a ValueError'),
    (Shares, r'shares memory with x'),
    (Stays, r'is on dev0; expected dev1'),
])
def test_check_5_fails_readably(wrong, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch06.check_5(wrong)


def test_check_5_judges_from_the_seed():
    data = ch06.check_5.observe(Tensor, seed=8)
    assert ch06.check_5.judge(Data(data), 8)
    with pytest.raises(ExerciseFailed):
        ch06.check_5.judge(Data(data), 9)
    with pytest.raises(Malformed):
        ch06.check_5.judge(Data(dict(data, sum='x')), 8)


# ----- 06.6 (build track) -------------------------------------------------------------------
from build_track import PIECES, framework  # noqa: E402

SOURCE = dict(PIECES)


def build_6(**edits):
    """The reference framework of chapter 6, with pieces edited: {piece: (old, new)}."""
    f = framework(6, {name: SOURCE[name].replace(*edit) for name, edit in edits.items()})
    return f.Var, f.backprop, f.Sequential, f.ReLU, f.Linear, f.initialize


def test_check_6_passes(capsys):
    ch06.check_6(*build_6())
    assert 'PASSED exercise 06.6' in capsys.readouterr().out


@pytest.mark.parametrize('edits, message', [
    ({'P6_INIT': ('if len(devices) > 1:', 'if False:')}, r'different devices should raise|raised'),
    ({'P6_INIT': ('devices.pop() if devices else (ctx or mx.cpu(0))', '(ctx or mx.cpu(0))')},
     r'on the device raised ValueError: the inputs of an op are on different devices'),
    ({'P6_VAR_TO': ('return self if self.ctx == ctx else', 'return')}, r'x.to\(x.ctx\) made a copy'),
    ({'P6_MODULE_TO': ('    return self\n', '')}, r'return the module itself'),
    ({'P6_MODULE_TO': ('p.value, p.ctx = p.value.copy(), ctx', 'pass')}, r'on the device raised ValueError'),
])
def test_check_6_fails_readably(edits, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch06.check_6(*build_6(**edits))


def test_check_6_refuses_forged_data():
    data = ch06.check_6.observe(*build_6(), seed=3)
    for key in ('param_ctx', 'mixed', 'x_ctx', 'out_ctx', 'out', 'grads'):
        forged = dict(data)
        del forged[key]
        with pytest.raises((ExerciseFailed, Malformed)):
            ch06.check_6.judge(Data(forged), 3)
    with pytest.raises(ExerciseFailed):
        ch06.check_6.judge(Data(dict(data, mixed='no error')), 3)
    with pytest.raises(ExerciseFailed):
        ch06.check_6.judge(Data(data), 4)
