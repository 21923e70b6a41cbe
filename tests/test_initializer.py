"""Initializers: values (MXNet's random streams), precedence, custom ones, re-initialization.

Exact values are what MXNet 1.9.1 gave after ``mx.random.seed(0)`` (case
initializer_values_after_seed0 of tests/differential/cases_reference.py, recorded by
scripts/record_mxnet.py reference); the rest is from cases parameter_access,
initialize_twice, misc and extras of tests/differential/cases_oracle.py (recorded by
scripts/record_mxnet.py oracle), and the messages case initializer_trainer_deferred_messages.
"""
import warnings

import numpy as np
import pytest

import minigluon as mx
from minigluon import gluon, init, nd
from minigluon.gluon import nn

from gluon_helpers import MyDense, RecordingInit


@pytest.fixture(autouse=True)
def _fresh_names():
    with mx.name.NameManager():
        yield


def seeded_param(initializer, shape=(2, 3)):
    mx.random.seed(0)
    param = gluon.Parameter('a_weight', shape=shape)
    param.initialize(initializer)
    return param.data().asnumpy()


@pytest.mark.parametrize('initializer, expected', [
    (None, [[0.006833896, 0.012998246, 0.030126505], [0.04819721, 0.01438687, 0.050112389]]),
    (init.Normal(1.0), [[2.2122064, 0.7740038, 1.0434403], [1.1839255, 1.8917114, -1.2347414]]),
    (init.Xavier(), [[0.10694504, 0.20341229, 0.47145629], [0.7542485, 0.22514319, 0.78421962]]),
])
def test_values_match_mxnet_after_seed(initializer, expected):
    np.testing.assert_allclose(seeded_param(initializer), expected, rtol=1e-6)


def test_msra_prelu_matches_mxnet():
    values = seeded_param(init.MSRAPrelu(), shape=(4, 5))
    np.testing.assert_allclose(values[0], [1.4307703, 0.500596, 0.6748572, 0.7657176, 1.2234864],
                               rtol=1e-6)
    prelu = init.MSRAPrelu()
    assert (prelu.rnd_type, prelu.factor_type) == ('gaussian', 'avg')
    assert prelu.magnitude == pytest.approx(2 / (1 + 0.25 ** 2))
    assert prelu.dumps() == '["msraprelu", {"factor_type": "avg", "slope": 0.25}]'


def test_default_is_uniform_007_and_bias_zero():
    mx.random.seed(0)
    dense = nn.Dense(1000, in_units=1000)
    dense.initialize()
    weight = dense.weight.data().asnumpy()
    assert -0.07 <= weight.min() < -0.0699 and 0.0699 < weight.max() <= 0.07
    assert abs(weight.mean()) < 1e-3
    assert weight.std() == pytest.approx(0.07 / np.sqrt(3), rel=1e-3)
    assert (dense.bias.data().asnumpy() == 0).all()
    assert init.Uniform().scale == 0.07


def test_normal_statistics():
    dense = nn.Dense(500, in_units=400)
    dense.initialize(init.Normal(sigma=0.01))
    assert dense.weight.data().asnumpy().std() == pytest.approx(0.01, rel=0.01)
    assert init.Normal().sigma == 0.01


def test_xavier_bound_and_attributes():
    dense = nn.Dense(256, in_units=20)
    dense.initialize(init.Xavier())
    bound = np.sqrt(6.0 / (256 + 20))
    weight = np.abs(dense.weight.data().asnumpy())
    assert weight.max() <= bound and weight.max() > 0.99 * bound
    xavier = init.Xavier()
    assert (xavier.rnd_type, xavier.factor_type, xavier.magnitude) == ('uniform', 'avg', 3.0)
    with pytest.raises(ValueError) as err:
        gluon.Parameter('v_weight', shape=(3,), init=init.Xavier()).initialize()
    assert str(err.value) == 'Xavier initializer cannot be applied to vector v_weight. It requires at least 2D.'


def test_dumps():
    assert init.Uniform().dumps() == '["uniform", {"scale": 0.07}]'
    assert init.Normal().dumps() == '["normal", {"sigma": 0.01}]'
    assert init.Xavier().dumps() == \
        '["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}]'
    assert init.Xavier(rnd_type='gaussian', factor_type='in', magnitude=2).dumps() == \
        '["xavier", {"rnd_type": "gaussian", "factor_type": "in", "magnitude": 2}]'
    assert init.Constant(1).dumps() == '["constant", {"value": 1}]'
    assert init.Zero().dumps() == '["zero", {}]'
    assert init.One().dumps() == '["one", {}]'


@pytest.mark.parametrize('name, klass', [('zeros', init.Zero), ('ones', init.One),
                                         ('normal', init.Normal), ('xavier', init.Xavier),
                                         ('uniform', init.Uniform)])
def test_string_names(name, klass):
    assert type(init.create(name)) is klass
    dense = nn.Dense(2, in_units=3, weight_initializer=name)
    dense.initialize()
    if name in ('zeros', 'ones'):
        assert (dense.weight.data().asnumpy() == (name == 'ones')).all()


def test_unknown_name():
    with pytest.raises(AssertionError) as err:
        init.create('nope')
    assert str(err.value) == 'nope is not registered. Please register with initializer.register first'


def test_constant_zero_one_fill():
    for initializer, value in ((init.Constant(3), 3), (init.Zero(), 0), (init.One(), 1)):
        dense = nn.Dense(2, in_units=3)
        dense.initialize(initializer)
        assert (dense.weight.data().asnumpy() == value).all()
        assert (dense.bias.data().asnumpy() == 0).all()  # Dense's bias_initializer='zeros' wins


def test_parameter_level_initializer_wins_over_global():
    recorder = RecordingInit()
    dense = nn.Dense(2, in_units=3, weight_initializer=init.Constant(3))
    dense.initialize(recorder)
    assert (dense.weight.data().asnumpy() == 3).all()
    assert recorder.calls == []
    param = gluon.Parameter('foo_weight', shape=(2, 2), init=init.Constant(3))
    param.initialize(init.Constant(2))  # Parameter.initialize(init) wins over its own init
    assert (param.data().asnumpy() == 2).all()
    param = gluon.Parameter('bar_weight', shape=(2, 2))
    param.initialize(init=init.Constant(2), default_init=init.Constant(5))
    assert (param.data().asnumpy() == 2).all()


def test_custom_initializer_gets_init_desc_for_weights_and_biases_without_own_init():
    recorder = RecordingInit(7)
    block = MyDense(units=2, in_units=3)
    block.initialize(recorder)
    assert recorder.calls == [('mydense0_weight', init.InitDesc, (3, 2)),
                              ('mydense0_bias', init.InitDesc, (2,))]
    assert issubclass(init.InitDesc, str)
    assert (block.bias.data().asnumpy() == 7).all()
    dense = nn.Dense(2, in_units=3, bias_initializer=None)
    dense.initialize(recorder)
    assert recorder.calls[-2:] == [('dense0_weight', init.InitDesc, (2, 3)),
                                   ('dense0_bias', init.InitDesc, (2,))]
    assert (dense.bias.data().asnumpy() == 7).all()


def test_parameter_without_known_suffix_uses_the_given_initializer():
    recorder = RecordingInit(2)
    param = gluon.Parameter('foo', shape=(2, 2))
    param.initialize(recorder)
    assert recorder.calls == [('foo', init.InitDesc, (2, 2))]
    assert (param.data().asnumpy() == 2).all()


def test_base_initializer_must_be_overridden():
    class NoWeight(init.Initializer):
        pass

    for initializer in (NoWeight(), init.Initializer()):
        with pytest.raises(NotImplementedError) as err:
            nn.Dense(2, in_units=2).initialize(initializer)
        assert err.value.args == ('Must override it',)


def test_initialize_twice_warns_and_changes_nothing():
    net = nn.Sequential()
    net.add(nn.Dense(4, in_units=3), nn.Dense(2))
    net.initialize()
    net(nd.ones((1, 3)))
    before = [p.data().asnumpy().copy() for p in net.collect_params().values()]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        net.initialize(init.One())
        net[0].weight.initialize()
    assert [str(w.message) for w in caught] == [
        "Parameter '%s' is already initialized, ignoring. Set force_reinit=True to "
        "re-initialize." % name
        for name in ('dense0_weight', 'dense0_bias', 'dense1_weight', 'dense1_bias', 'dense0_weight')]
    assert all(w.category is UserWarning for w in caught)
    for param, old in zip(net.collect_params().values(), before):
        np.testing.assert_array_equal(param.data().asnumpy(), old)


def test_force_reinit_reinitializes():
    net = nn.Sequential()
    net.add(nn.Dense(256, in_units=20), nn.Dense(10))
    net.initialize()
    net(nd.ones((1, 20)))
    net.initialize(init.Constant(1), force_reinit=True)
    assert (net[0].weight.data().asnumpy() == 1).all()
    assert (net[1].weight.data().asnumpy() == 1).all()
    assert (net[0].bias.data().asnumpy() == 0).all()
    net[0].weight.initialize(init=init.Xavier(), force_reinit=True)
    assert np.abs(net[0].weight.data().asnumpy()).max() <= np.sqrt(6 / 276)
    assert (net[1].weight.data().asnumpy() == 1).all()  # only that parameter changed


def test_seed_book_my_init():
    class MyInit(init.Initializer):
        def _init_weight(self, name, data):
            print('Init', name, data.shape)
            data[:] = nd.random.uniform(low=-10, high=10, shape=data.shape)
            data *= data.abs() >= 5

    net = nn.Sequential()
    net.add(nn.Dense(256, in_units=20, activation='relu'), nn.Dense(10, in_units=256))
    net.initialize(MyInit())
    weight = net[0].weight.data().asnumpy()
    assert ((np.abs(weight) >= 5) | (weight == 0)).all() and np.abs(weight).max() <= 10
    assert (net[0].bias.data().asnumpy() == 0).all()


@pytest.mark.parametrize('shape, rand_type', [((3, 3), 'uniform'), ((2, 5), 'normal'),
                                               ((6, 2), 'uniform'), ((4, 2, 2), 'normal')])
def test_orthogonal_rows_or_columns_are_orthonormal_times_scale(shape, rand_type):
    arr = nd.zeros(shape)
    init.Orthogonal(scale=2.0, rand_type=rand_type)(init.InitDesc('w_weight'), arr)
    flat = arr.asnumpy().reshape(shape[0], -1).astype(np.float64)
    gram = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
    np.testing.assert_allclose(gram, 4.0 * np.eye(len(gram)), atol=1e-5)


def test_mixed_uses_the_first_matching_pattern_and_is_not_an_initializer():
    mixed = init.Mixed(['fc1', '.*'], [init.Constant(5), init.One()])
    first, second = nd.zeros(2), nd.zeros(2)
    mixed(init.InitDesc('fc1_weight'), first)
    mixed(init.InitDesc('fc2_weight'), second)
    assert first.asnumpy().tolist() == [5, 5] and second.asnumpy().tolist() == [1, 1]
    with pytest.raises(ValueError, match='did not match any pattern'):
        init.Mixed(['bias'], [init.Zero()])(init.InitDesc('fc_weight'), first)
    with pytest.raises(AssertionError, match='initializer must be of string type'):
        nn.Dense(1, in_units=1).initialize(mixed)  # as in MXNet: Gluon takes Initializers only


def test_load_takes_named_arrays_from_a_file_and_falls_back_to_the_default(tmp_path):
    path = str(tmp_path / 'init.params')
    nd.save(path, {'arg:fc_weight': nd.ones((2, 2)) * 7})
    load = init.Load(path, default_init=init.Constant(3))
    loaded, other = nd.zeros((2, 2)), nd.zeros(2)
    load(init.InitDesc('fc_weight'), loaded)
    load(init.InitDesc('fc2_weight'), other)
    assert loaded.asnumpy().tolist() == [[7, 7], [7, 7]] and other.asnumpy().tolist() == [3, 3]
    with pytest.raises(AssertionError, match='Shape mismatch'):
        load(init.InitDesc('fc_weight'), nd.zeros(3))
    with pytest.raises(AssertionError, match='no default Initializer'):
        init.Load({})(init.InitDesc('fc_bias'), other)


def test_initializers_are_equal_by_class_and_arguments():
    assert init.Xavier() == init.Xavier(rnd_type='uniform')
    assert init.Xavier() != init.Xavier(magnitude=2) and init.Zero() != init.One()
    with pytest.raises(TypeError):
        hash(init.Xavier())


def test_initialize_verbose_logs_on_the_given_initializer(caplog):
    net = nn.Dense(2, in_units=3, prefix='fc_')
    with caplog.at_level('INFO'):
        net.initialize(init.Constant(2.0), verbose=True)
    weight, bias = [r.getMessage() for r in caplog.records]
    # the weight's initializer is the Constant itself, logged by its repr, as MXNet does
    assert weight.startswith('Initialized fc_weight as <minigluon.initializer.Constant object')
    assert weight.endswith(': 2.0') and bias == 'Initialized fc_bias as zeros: 0.0'
    with pytest.raises(AttributeError, match="'str' object has no attribute 'set_verbosity'"):
        nn.Dense(2, in_units=3).initialize('xavier', verbose=True)  # as MXNet
