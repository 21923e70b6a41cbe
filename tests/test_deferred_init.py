"""Deferred initialization: shapes learned at the first forward.

Messages are MXNet 1.9.1's: cases uninitialized_errors, deferred_init and extras of
tests/differential/cases_oracle.py (recorded by scripts/record_mxnet.py oracle), and
DEFERRED_MESSAGE also case initializer_trainer_deferred_messages of cases_reference.py.
"""
import numpy as np
import pytest

import minigluon as mx
from minigluon import init, nd
from minigluon.base import MXNetError
from minigluon.gluon import DeferredInitializationError, nn

from gluon_helpers import DEFERRED_MESSAGE, RecordingInit


@pytest.fixture(autouse=True)
def _fresh_names():
    with mx.name.NameManager():
        yield


def two_layer_net(**first_kwargs):
    net = nn.Sequential()
    net.add(nn.Dense(256, activation='relu', **first_kwargs), nn.Dense(10))
    return net


def test_unknown_shapes_have_zeros_until_the_first_forward():
    net = two_layer_net()
    assert repr(net.collect_params()) == (
        'sequential0_ (\n'
        '  Parameter dense0_weight (shape=(256, 0), dtype=float32)\n'
        '  Parameter dense0_bias (shape=(256,), dtype=float32)\n'
        '  Parameter dense1_weight (shape=(10, 0), dtype=float32)\n'
        '  Parameter dense1_bias (shape=(10,), dtype=float32)\n)')
    net.initialize()
    assert net[0].weight.shape == (256, 0)
    net(nd.ones((2, 20)))
    assert (net[0].weight.shape, net[1].weight.shape) == ((256, 20), (10, 256))


def test_data_and_grad_raise_deferred_initialization_error():
    net = nn.Sequential()
    net.add(nn.Dense(3))
    net.initialize()
    for access in (net[0].weight.data, net[0].weight.grad):
        with pytest.raises(DeferredInitializationError) as err:
            access()
        assert str(err.value) == DEFERRED_MESSAGE.format('dense0_weight')
    assert [c.__name__ for c in DeferredInitializationError.__mro__] == [
        'DeferredInitializationError', 'MXNetError', 'RuntimeError', 'Exception',
        'BaseException', 'object']
    assert DeferredInitializationError.__module__ == 'minigluon.gluon.parameter'
    assert net[0].weight.list_ctx() == [mx.cpu(0)]


def test_custom_initializer_runs_at_the_first_forward_only():
    net = two_layer_net()
    recorder = RecordingInit()
    net.initialize(init=recorder)
    assert recorder.calls == []
    x = nd.random.uniform(shape=(2, 20))
    net(x)
    assert [(name, shape) for name, _, shape in recorder.calls] == [
        ('dense0_weight', (256, 20)), ('dense1_weight', (10, 256))]
    net(x)
    assert len(recorder.calls) == 2
    net.initialize(init=recorder, force_reinit=True)  # shapes known: at once
    assert [(name, shape) for name, _, shape in recorder.calls[2:]] == [
        ('dense0_weight', (256, 20)), ('dense1_weight', (10, 256))]


def test_in_units_avoids_deferral():
    net = nn.Sequential()
    net.add(nn.Dense(256, in_units=20, activation='relu'), nn.Dense(10, in_units=256))
    recorder = RecordingInit()
    net.initialize(init=recorder)
    assert [(name, shape) for name, _, shape in recorder.calls] == [
        ('dense0_weight', (256, 20)), ('dense1_weight', (10, 256))]
    assert net[0].weight.data().shape == (256, 20)


def test_set_data_before_the_first_forward_is_used_then():
    net = nn.Sequential()
    net.add(nn.Dense(3))
    net.initialize()
    assert net[0].weight.set_data(nd.ones((3, 2))) is None
    assert repr(net[0].weight) == 'Parameter dense0_weight (shape=(3, 2), dtype=float32)'
    with pytest.raises(DeferredInitializationError):
        net[0].weight.data()
    out = net(nd.ones((1, 2)))
    np.testing.assert_array_equal(out.asnumpy(), [[2, 2, 2]])


def test_deferred_reprs():
    assert repr(nn.Dense(7).weight) == 'Parameter dense0_weight (shape=(7, 0), dtype=float32)'
    assert repr(nn.Dense(7).bias) == 'Parameter dense1_bias (shape=(7,), dtype=float32)'


def test_wrong_input_width_after_initialization():
    net = two_layer_net()
    net.initialize()
    net(nd.ones((2, 20)))
    with pytest.raises(MXNetError) as err:
        net(nd.ones((2, 30)))
    message = str(err.value)
    assert 'Shape inconsistent, Provided = [256,20], inferred shape=(256,30)' in message
    assert 'dense0' in message and '(256, 20)' in message and '(2, 30)' in message


def test_wrong_input_width_with_in_units():
    dense = nn.Dense(4, in_units=5)
    dense.initialize()
    with pytest.raises(MXNetError, match=r'Shape inconsistent, Provided = \[4,5\], '
                                         r'inferred shape=\(4,3\)'):
        dense(nd.ones((2, 3)))


def test_block_without_shape_inference_reports_it():
    class NoInfer(nn.HybridBlock):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.weight = self.params.get('weight', shape=(3, 0), allow_deferred_init=True)

        def hybrid_forward(self, F, x, weight):
            return x

    block = NoInfer()
    block.initialize()
    with pytest.raises(DeferredInitializationError, match='noinfer0 has parameters of unknown shape'):
        block(nd.ones((1, 2)))
