"""save_parameters / load_parameters (and ParameterDict.save / load) against MXNet's files.

tests/fixtures/mxnet/ holds what MXNet 1.9.1 wrote (scripts/make_fixtures.py), and
expected.json the values in them; messages are from cases save_load_parameters of
tests/differential/cases_oracle.py and save_load_parameters_messages of cases_reference.py
(recorded by scripts/record_mxnet.py oracle / reference). Tests
chdir into a copy of the fixtures so that file names in messages are MXNet's ('mlp.params').
"""
import json
import os
import shutil

import numpy as np
import pytest

import minigluon as mx
from minigluon import nd, platform_io
from minigluon.base import MXNetError
from minigluon.gluon import nn
from minigluon.ndarray import utils as nd_utils

from gluon_helpers import FIXTURES, MLP, MySequential, nested_net

EXPECTED = json.loads((FIXTURES / 'expected.json').read_text(encoding='utf-8'))
NAMING_HELP = ('For more info on naming, please see '
               'https://mxnet.io/api/python/docs/tutorials/packages/gluon/blocks/naming.html')


@pytest.fixture(autouse=True)
def _in_fixture_copy(tmp_path, monkeypatch):
    for name in os.listdir(FIXTURES):
        shutil.copy(FIXTURES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    with mx.name.NameManager():
        yield


def saved_values(filename):
    """{key: float array} of what MXNet wrote into ``filename``."""
    entry = EXPECTED[filename]
    return {key: np.array(a['values'], dtype=a['dtype']).reshape(a['shape'])
            for key, a in zip(entry['keys'], entry['arrays'])}


def values(net):
    return {key: p.data().asnumpy().copy() for key, p in net._collect_params_with_prefix().items()}


def assert_values_are(net, filename):
    expected = saved_values(filename)
    got = values(net)
    assert set(expected) <= set(got)  # a deduplicated file omits some keys of shared ones
    for key, value in expected.items():
        np.testing.assert_array_equal(got[key], value, err_msg=key)


def seq_net():
    net = nn.Sequential()
    net.add(nn.Dense(256, activation='relu'), nn.Dense(10))
    return net


def shared_net():
    net = nn.Sequential()
    shared = nn.Dense(8, in_units=8)
    net.add(nn.Dense(8, in_units=4), shared, nn.Dense(8, params=shared.params))
    return net


def my_sequential():
    for _ in range(2):  # the reference's MySequential children were dense2, dense3
        nn.Dense(1)
    net = MySequential()
    net.add(nn.Dense(256, activation='relu'))
    net.add(nn.Dense(10))
    return net


# ----- keys -----------------------------------------------------------------------------------
@pytest.mark.parametrize('make, keys', [
    (MLP, ['hidden.weight', 'hidden.bias', 'output.weight', 'output.bias']),
    (seq_net, ['0.weight', '0.bias', '1.weight', '1.bias']),
    (nested_net, ['0.net.0.weight', '0.net.0.bias', '0.net.1.weight', '0.net.1.bias',
                  '0.dense.weight', '0.dense.bias', '1.weight', '1.bias', '2.rand_weight',
                  '2.dense.weight', '2.dense.bias']),
    (my_sequential, ['dense2.weight', 'dense2.bias', 'dense3.weight', 'dense3.bias']),
    (shared_net, ['0.weight', '0.bias', '1.weight', '1.bias', '2.weight', '2.bias']),
])
def test_structural_keys(make, keys):
    net = make()
    net.initialize()
    net(nd.ones((2, 20 if make is not shared_net else 4)))
    net.save_parameters('out.params')
    assert list(nd.load('out.params').keys()) == keys


def test_deduplicate_keeps_each_shared_parameter_once():
    net = shared_net()
    net.initialize()
    net.save_parameters('dedup.params', deduplicate=True)
    assert list(nd.load('dedup.params').keys()) == ['0.weight', '0.bias', '2.weight', '2.bias']


def test_seeded_mlp_saves_mxnets_exact_file():
    mx.random.seed(0)
    net = MLP()
    net.initialize()
    net(nd.random.uniform(shape=(2, 20)))
    net.save_parameters('mine.params')
    assert open('mine.params', 'rb').read() == open('mlp.params', 'rb').read()


# ----- loading MXNet's files --------------------------------------------------------------------
@pytest.mark.parametrize('filename, make, deduplicate', [
    ('mlp.params', MLP, False),
    ('seq.params', seq_net, False),
    ('nest.params', nested_net, False),
    ('myseq.params', my_sequential, False),
    ('shared.params', shared_net, False),
    ('shared_dedup.params', shared_net, True),
])
def test_load_mxnet_file_and_save_it_back_byte_identical(filename, make, deduplicate):
    net = make()
    net.load_parameters(filename)  # into a net never initialized: shapes come from the file
    assert_values_are(net, filename)
    net.save_parameters('again.params', deduplicate=deduplicate)
    assert open('again.params', 'rb').read() == open(filename, 'rb').read()


def test_loaded_deferred_net_runs_and_shows_shapes():
    mx.random.seed(0)
    x = nd.random.uniform(shape=(2, 20))
    original = MLP()
    original.initialize()
    expected = original(x)
    clone = MLP()
    clone.load_parameters('mlp.params')
    assert repr(clone.hidden.weight) == 'Parameter dense2_weight (shape=(256, 20), dtype=float32)'
    assert (clone(x) == expected).asnumpy().all()


def test_load_into_initialized_net_replaces_values():
    net = MLP()
    net.initialize()
    net(nd.ones((1, 20)))
    net.load_parameters('mlp.params')
    assert_values_are(net, 'mlp.params')


def test_float64_file_into_float64_net():
    net = nn.Dense(3, in_units=2, dtype='float64')
    net.load_parameters('f64.params')
    expected = saved_values('f64.params')
    np.testing.assert_array_equal(net.weight.data().asnumpy(), expected['weight'])
    assert net.weight.data().dtype == np.float64


# ----- legacy (prefixed) files -------------------------------------------------------------------
def mlp_named_like_legacy_file():
    for _ in range(52):  # the legacy file's names are dense52_*, dense53_*
        nn.Dense(1)
    return MLP()


def test_legacy_file_loads_through_collect_params():
    net = mlp_named_like_legacy_file()
    net.collect_params().load('legacy.params')
    expected = saved_values('legacy.params')
    np.testing.assert_array_equal(net.hidden.weight.data().asnumpy(), expected['dense52_weight'])
    np.testing.assert_array_equal(net.output.bias.data().asnumpy(), expected['dense53_bias'])


def test_legacy_file_through_load_parameters_needs_the_prefix():
    net = MLP()
    with pytest.raises(AssertionError) as err:
        net.load_parameters('legacy.params')
    assert str(err.value) == ("restore_prefix is 'mlp0_' but Parameters name 'dense0_weight' does "
                              "not start with 'mlp0_'. " + NAMING_HELP)


def test_load_parameters_reads_a_legacy_file_once(tmp_path, monkeypatch):
    net = nn.Dense(2, in_units=3, prefix='legacy_')
    net.initialize()
    path = str(tmp_path / 'legacy.params')
    net.collect_params().save(path, strip_prefix='legacy_')
    reads = []
    real_load = nd_utils.load
    monkeypatch.setattr(nd_utils, 'load', lambda name: reads.append(name) or real_load(name))
    other = nn.Dense(2, in_units=3, prefix='legacy_')
    other.load_parameters(path)
    assert reads == [path]
    np.testing.assert_array_equal(other.weight.data().asnumpy(), net.weight.data().asnumpy())


def test_legacy_file_with_other_names():
    net = MLP()
    with pytest.raises(AssertionError) as err:
        net.collect_params().load('legacy.params')
    assert str(err.value) == (
        "Parameter 'dense0_weight' is missing in file: legacy.params, which contains parameters: "
        "'dense52_weight', 'dense52_bias', 'dense53_weight', 'dense53_bias'. Please make sure "
        "source and target networks have the same prefix." + NAMING_HELP)


def test_parameter_dict_save_with_strip_prefix():
    net = mlp_named_like_legacy_file()
    net.collect_params().load('legacy.params')
    net.collect_params().save('mine.params')
    assert open('mine.params', 'rb').read() == open('legacy.params', 'rb').read()
    net.collect_params().save('stripped.params', strip_prefix='dense')
    assert open('stripped.params', 'rb').read() == open('legacy_strip.params', 'rb').read()
    with pytest.raises(ValueError) as err:
        net.collect_params().save('bad.params', strip_prefix=net.prefix)
    assert str(err.value) == (
        "Prefix 'mlp0_' is to be striped before saving, but Parameter's name 'dense52_weight' "
        "does not start with 'mlp0_'. this may be due to your Block shares parameters from other "
        "Blocks or you forgot to use 'with name_scope()' when creating child blocks. " + NAMING_HELP)


# ----- mismatches ---------------------------------------------------------------------------------
class MLP30(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu', in_units=30)
        self.output = nn.Dense(10)

    def forward(self, x):
        return self.output(self.hidden(x))


class MLPExtra(MLP):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.extra = nn.Dense(3)


@pytest.mark.parametrize('initialize', [True, False])
def test_shape_mismatch(initialize):
    net = MLP30()
    if initialize:
        net.initialize()
    with pytest.raises(AssertionError) as err:
        net.load_parameters('mlp.params')
    assert str(err.value) == ("Failed loading Parameter 'dense0_weight' from saved params: shape "
                              "incompatible expected (256, 30) vs saved (256, 20)")


def test_missing_keys_and_allow_missing():
    with pytest.raises(AssertionError) as err:
        MLPExtra().load_parameters('mlp.params')
    assert str(err.value) == (
        "Parameter 'extra.weight' is missing in file 'mlp.params', which contains parameters: "
        "'hidden.weight', 'hidden.bias', 'output.weight', 'output.bias'. Set allow_missing=True "
        "to ignore missing parameters.")
    net = MLPExtra()
    net.load_parameters('mlp.params', allow_missing=True)
    np.testing.assert_array_equal(net.output.bias.data().asnumpy(),
                                  saved_values('mlp.params')['output.bias'])


def test_extra_keys_and_ignore_extra():
    net = nn.Sequential()
    net.add(nn.Dense(256, activation='relu'))
    with pytest.raises(ValueError) as err:
        net.load_parameters('seq.params')
    assert str(err.value) == ("Parameter '1.weight' loaded from file 'seq.params' is not present "
                              "in ParameterDict, which contains parameters . Set ignore_extra=True "
                              "to ignore. ")
    net.load_parameters('seq.params', ignore_extra=True)
    np.testing.assert_array_equal(net[0].weight.data().asnumpy(),
                                  saved_values('seq.params')['0.weight'])


def test_dtype_mismatch_and_cast_dtype():
    net = nn.Dense(3, in_units=2)
    net.initialize()
    with pytest.raises(AssertionError) as err:
        net.load_parameters('f64.params')
    assert str(err.value) == ("Failed loading Parameter 'dense0_weight' from saved params: dtype "
                              "incompatible expected float32 vs saved <class 'numpy.float64'>. "
                              "Set cast_dtype=True to cast the dtype of saved params.")
    assert net.weight.data().dtype == np.float32
    net.load_parameters('f64.params', cast_dtype=True)
    assert net.weight.data().dtype == np.float32
    np.testing.assert_allclose(net.weight.data().asnumpy(), saved_values('f64.params')['weight'],
                               rtol=1e-7)


def test_context_mismatch():
    net = MLP()
    net.load_parameters('mlp.params')
    with pytest.raises(AssertionError) as err:
        net.load_parameters('mlp.params', ctx=mx.cpu(1))
    assert str(err.value) == ("Failed to load Parameter 'dense0_weight' on [cpu(1)] because it was "
                              "previous initialized on [cpu(0)].")
    assert net.hidden.weight.list_ctx() == [mx.cpu(0)]


def test_load_on_a_given_context():
    net = MLP()
    net.load_parameters('mlp.params', ctx=mx.cpu(1))
    assert net.hidden.weight.list_ctx() == [mx.cpu(1)]
    assert net(nd.ones((1, 20), ctx=mx.cpu(1))).context == mx.cpu(1)


def test_missing_file():
    with pytest.raises(MXNetError, match='Open "nope.params": No such file or directory'):
        MLP().load_parameters('nope.params')


# ----- all or nothing ----------------------------------------------------------------------------
def test_failed_load_changes_nothing():
    net = nn.Sequential()
    net.add(nn.Dense(256, in_units=20, activation='relu'), nn.Dense(10, in_units=100))
    net.initialize()
    before = values(net)
    with pytest.raises(AssertionError, match='shape incompatible expected'):
        net.load_parameters('seq.params')
    for key, value in values(net).items():
        np.testing.assert_array_equal(value, before[key], err_msg=key)


def test_damaged_file_raises_and_changes_nothing():
    data = open('mlp.params', 'rb').read()
    with open('cut.params', 'wb') as f:
        f.write(data[:len(data) // 2])
    net = MLP()
    net.initialize()
    net(nd.ones((1, 20)))
    before = values(net)
    for name in ('cut.params', 'garbage'):
        with pytest.raises(MXNetError):
            net.load_parameters(name)
    for key, value in values(net).items():
        np.testing.assert_array_equal(value, before[key], err_msg=key)


def test_save_is_atomic(monkeypatch, tmp_path):
    original = open('mlp.params', 'rb').read()
    net = MLP()
    net.initialize()
    net(nd.ones((1, 20)))

    def disk_full(*args):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(platform_io, 'replace', disk_full)
    with pytest.raises(MXNetError, match='Open "mlp.params": No space left on device'):
        net.save_parameters('mlp.params')
    assert open('mlp.params', 'rb').read() == original
    assert not [n for n in os.listdir(tmp_path) if n.endswith('.tmp')]


def test_saving_an_uninitialized_net_keeps_the_old_file():
    original = open('mlp.params', 'rb').read()
    with pytest.raises(RuntimeError):
        MLP().save_parameters('mlp.params')
    assert open('mlp.params', 'rb').read() == original
