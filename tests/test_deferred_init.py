"""Deferred initialization: shapes learned at the first forward.

Messages are MXNet 1.9.1's: cases uninitialized_errors, deferred_init and extras of
tests/differential/cases_oracle.py (recorded by scripts/record_mxnet.py oracle), and
DEFERRED_MESSAGE also case initializer_trainer_deferred_messages of cases_reference.py.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigluon as mx
from minigluon import autograd, init, nd
from minigluon.base import MXNetError
from minigluon.gluon import DeferredInitializationError, nn

from gluon_helpers import DEFERRED_MESSAGE, RecordingInit
from helpers import check_grad


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
    # MXNet's message (differential case api:infer_unused_parameter)
    with pytest.raises(ValueError, match="^Deferred initialization failed because shape cannot be "
                                         "inferred. 'noinfer0_weight'$"):
        block(nd.ones((1, 2)))


# ----- a custom block's unknown sizes, inferred by the operator that uses the parameter ------
# (MXNet's outputs for these blocks: differential cases api:infer_* in cases_api.py)
class _FCBlock(nn.HybridBlock):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        with self.name_scope():
            self.weight = self.params.get('weight', shape=(units, 0), allow_deferred_init=True)
            self.bias = self.params.get('bias', shape=(units,), allow_deferred_init=True)

    def hybrid_forward(self, F, x, weight, bias):
        return F.FullyConnected(x, weight, bias, num_hidden=self.units)


@settings(max_examples=30)
@given(st.integers(1, 4), st.lists(st.integers(1, 4), min_size=2, max_size=4))
def test_fully_connected_infers_weight_as_units_by_flattened_features(units, shape):
    block = _FCBlock(units)
    block.initialize()
    assert block.weight.shape == (units, 0)
    out = block(nd.ones(tuple(shape)))
    features = int(np.prod(shape[1:]))
    assert block.weight.shape == (units, features) and out.shape == (shape[0], units)


def test_inferred_parameters_get_finite_difference_gradients():
    block = _FCBlock(3)
    block.initialize(init.Normal(1.0))
    block(nd.ones((2, 4)))
    block.cast('float64')
    check_grad(block, np.random.default_rng(0).normal(size=(2, 4)))


def test_the_shape_pass_initializes_nothing_and_records_nothing():
    block = _FCBlock(2)
    block.initialize()
    x = nd.ones((1, 3))
    x.attach_grad()
    with autograd.record():
        y = block(x)
    y.backward()  # the only graph is the real forward's
    assert x.grad.shape == (1, 3) and block.weight.grad().shape == (2, 3)
