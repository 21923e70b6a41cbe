"""Trainer.save_states / load_states: MXNet 1.9.1's file format, read and written without pickle.

The fixtures were written by scripts/record_trainer_states.py: MXNet's files after two steps,
the weights MXNet had after a third, and minigluon's files, which MXNet read and continued
from to the same third step.
"""
import json
import os
import pickle
import pickletools

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, gluon, init, nd
from minigluon.base import MXNetError
from minigluon.gluon import nn

HERE = os.path.join(os.path.dirname(__file__), 'fixtures', 'mxnet_trainer_states')
with open(os.path.join(HERE, 'expected.json')) as f:
    EXPECTED = json.load(f)
OPTIMIZERS = {'sgd': {'learning_rate': 0.01, 'momentum': 0.9, 'wd': 0.01},
              'adam': {'learning_rate': 0.01, 'wd': 0.01, 'clip_gradient': 5.0}}
X = [[1, 2, 3], [4, 5, 6]]


def make(name):
    with mx.name.NameManager():
        net = nn.Dense(2, in_units=3)
    net.initialize(init.Constant(0.5))
    return net, gluon.Trainer(net.collect_params(), name, OPTIMIZERS[name])


def step(net, trainer):
    with autograd.record():
        loss = ((net(nd.array(X)) - 1) ** 2).sum()
    loss.backward()
    trainer.step(2)


@pytest.mark.parametrize('name', ['sgd', 'adam'])
def test_training_continues_from_mxnets_file_as_in_mxnet(name):
    net, trainer = make(name)
    trainer.load_states(os.path.join(HERE, name + '.states'))
    weight, bias = EXPECTED[name]['two_steps']
    net.weight.set_data(nd.array(weight))
    net.bias.set_data(nd.array(bias))
    assert type(trainer.optimizer).__name__.lower() == name
    assert trainer.optimizer.num_update == 2 and trainer.learning_rate == 0.01
    step(net, trainer)
    want_weight, want_bias = EXPECTED[name]['third_step']
    np.testing.assert_allclose(net.weight.data().asnumpy(), want_weight, rtol=1e-5)
    np.testing.assert_allclose(net.bias.data().asnumpy(), want_bias, rtol=1e-5)


def _structure(data: bytes) -> list:
    """The file's opcodes and arguments, array payloads left out."""
    return [(op.name, None if isinstance(arg, bytes) else arg)
            for op, arg, _ in pickletools.genops(data)]


@pytest.mark.parametrize('name', ['sgd', 'adam'])
def test_minigluon_writes_the_file_mxnet_read(name, tmp_path):
    net, trainer = make(name)
    for _ in range(2):
        step(net, trainer)
    path = str(tmp_path / 'trainer.states')
    trainer.save_states(path)
    with open(path, 'rb') as f, open(os.path.join(HERE, name + '.minigluon.states'), 'rb') as g:
        ours, recorded = f.read(), g.read()
    assert _structure(ours) == _structure(recorded)
    # and it round-trips: a new trainer continues exactly as the first one does
    other_net, other = make(name)
    other.load_states(path)
    other_net.weight.set_data(net.weight.data())
    other_net.bias.set_data(net.bias.data())
    step(net, trainer)
    step(other_net, other)
    np.testing.assert_array_equal(other_net.weight.data().asnumpy(), net.weight.data().asnumpy())


class _Boom:
    def __reduce__(self):
        return (os.system, ('echo pwned',))


@pytest.mark.parametrize('payload', [
    pickle.dumps(({0: _Boom()}, None)),
    pickle.dumps(({0: None}, {'not': 'an optimizer'})),
    pickle.dumps([1, 2, 3]),
    b'not a pickle at all',
    b'',
])
def test_other_files_are_refused_without_running_anything(payload, tmp_path):
    net, trainer = make('sgd')
    before = trainer.optimizer
    path = str(tmp_path / 'bad.states')
    with open(path, 'wb') as f:
        f.write(payload)
    with pytest.raises(MXNetError, match='is not a trainer states file'):
        trainer.load_states(path)
    assert trainer.optimizer is before


def test_truncated_file_and_wrong_shapes_are_refused(tmp_path):
    with open(os.path.join(HERE, 'adam.states'), 'rb') as f:
        data = f.read()
    path = str(tmp_path / 'cut.states')
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])
    net, trainer = make('adam')
    with pytest.raises(MXNetError, match='is not a trainer states file'):
        trainer.load_states(path)
    wide = nn.Dense(2, in_units=4)
    wide.initialize()
    with pytest.raises(MXNetError, match='does not fit this Trainer'):
        gluon.Trainer(wide.collect_params(), 'adam').load_states(os.path.join(HERE, 'adam.states'))


@mx.optimizer.register
class ScaledSGD(mx.optimizer.Optimizer):
    """An optimizer written for this test: it declares its state, and save_states needs no more."""
    hyper_parameters = ('scale',)

    def __init__(self, scale: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def update(self, index, weight, grad, state):
        self._update_count(index)
        weight -= np.float32(self.lr * self.scale) * grad


def test_an_optimizer_that_declares_its_state_is_saved_and_loaded(tmp_path):
    net, trainer = make('sgd')
    trainer = gluon.Trainer(net.collect_params(), ScaledSGD(scale=0.5, learning_rate=0.1))
    step(net, trainer)
    path = str(tmp_path / 'scaled.states')
    trainer.save_states(path)
    other = gluon.Trainer(net.collect_params(), 'sgd')
    other.load_states(path)
    loaded = other.optimizer
    assert (type(loaded), loaded.scale, loaded.lr, loaded.num_update) == (ScaledSGD, 0.5, 0.1, 1)


def test_an_optimizer_without_declared_state_is_refused(tmp_path):
    class Unsaved(mx.optimizer.Optimizer):
        def update(self, index, weight, grad, state):
            weight -= grad

    net, _ = make('sgd')
    trainer = gluon.Trainer(net.collect_params(), Unsaved())
    with pytest.raises(MXNetError, match='cannot save or load a Unsaved optimizer'):
        trainer.save_states(str(tmp_path / 'unsaved.states'))


def test_loading_keeps_each_device_ids_counts():
    """MXNet's pickle makes the current counts the very dict of the device that stepped last;
    loading such a file keeps every other device's counts its own (the other device steps on
    from its own count, not from the last one's)."""
    net, trainer = make('adam')
    step(net, trainer)
    zero, one = {0: 2, 1: 2}, {0: 5, 1: 5}
    attrs = dict(trainer.optimizer.saved_attributes(), _all_index_update_counts={0: zero, 1: one},
                 _index_update_count=one, num_update=5)
    loaded = mx.optimizer.Optimizer.from_saved_attributes('adam', attrs)
    assert loaded._update_count(1) == 6          # the current counts are device 1's
    loaded._set_current_context(0)
    assert loaded._update_count(0) == 3
    loaded._set_current_context(1)
    assert (loaded._update_count(0), loaded.num_update) == (6, 6)
