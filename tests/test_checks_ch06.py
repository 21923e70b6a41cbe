"""The chapter 6 checks pass the reference solutions and explain typical wrong answers, with
or without a GPU (without one they move networks to cpu(1))."""
import pytest

import minigluon as mx
from workbook.checks import ExerciseFailed
from workbook.checks import ch06


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
