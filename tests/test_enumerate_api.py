"""What issue #21's enumeration (scripts/enumerate_api.py) added to the classes it scopes.

MXNet's values, reprs and errors for these are compared in tests/differential/cases_enumerate.py;
here are the rules behind them (for all inputs, where they hold for all) and what minigluon
refuses, where MXNet would build a symbol graph, run an operator monitor or an RNN cell.
"""
import json
import os
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minigluon as mx
from minigluon import autograd, gluon, init, nd
from minigluon.gluon import nn

_REFUSED = (r"is not part of minigluon, .* "
            r"the workbook's compatibility page \(appendix/compatibility\)")


@pytest.fixture(autouse=True)
def _fresh_names():
    with mx.name.NameManager():
        yield


def _sparse():
    return gluon.Parameter('w', shape=(2,), stype='row_sparse')


# ----- refused: what needs symbol graphs, the operator monitor or RNN cells -----------------
@pytest.mark.parametrize('use', [
    lambda: gluon.Parameter('w', shape=(2,)).var(),
    lambda: nn.Dense(2).register_op_hook(print),
    lambda: nn.Sequential().register_op_hook(print, monitor_all=True),
    lambda: nn.Dense(2).export('model'),
    lambda: nn.Dense(2, in_units=2).optimize_for(nd.ones((1, 2)), backend='MKLDNN'),
    lambda: mx.optimizer.SGD(sym=object()),
    lambda: _sparse().row_sparse_data(nd.array([0])),
    lambda: _sparse().list_row_sparse_data(nd.array([0])),
    lambda: init.FusedRNN(None, 2, 1, 'lstm')(init.InitDesc('rnn_weight'), nd.zeros(8)),
], ids=['var', 'op_hook', 'op_hook_sequential', 'export', 'optimize_for', 'optimizer_sym',
        'row_sparse_data', 'list_row_sparse_data', 'fused_rnn'])
def test_refused_with_the_compatibility_page(use):
    with pytest.raises(NotImplementedError, match=_REFUSED):
        use()


def test_modules_refuse_with_the_same_message():
    """minigluon.image and the refused methods share one message (base.not_implemented)."""
    with pytest.raises(NotImplementedError) as module_error:
        mx.image.imread
    with pytest.raises(NotImplementedError) as method_error:
        gluon.Parameter('w').var()
    tail = module_error.value.args[0].split(' but not ')[0].split(' is not part of ')[1]
    assert method_error.value.args[0].split(' but not ')[0].endswith(tail)


def test_optimize_for_checks_backend_first():
    with pytest.raises(ValueError, match='Must specify "backend" to optimize_for'):
        nn.Dense(2).optimize_for(nd.ones((1, 2)))


# ----- Context -----------------------------------------------------------------------------
def test_device_type_is_read_only():
    assert [mx.Context(t, 3).device_type for t in ('cpu', 'gpu', 'cpu_pinned', 'cpu_shared')] \
        == ['cpu', 'gpu', 'cpu_pinned', 'cpu_shared']
    with pytest.raises(AttributeError):
        mx.cpu().device_type = 'gpu'


def test_default_ctx_sets_and_reads_the_current_context():
    with pytest.warns(DeprecationWarning, match='Context.default_ctx has been deprecated'):
        mx.Context.default_ctx = mx.cpu(5)
    try:
        assert nd.zeros(1).context == mx.cpu(5)
        with mx.cpu(6), pytest.warns(DeprecationWarning):
            assert mx.cpu().default_ctx == mx.cpu(6)  # read on an instance too
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', DeprecationWarning)
            mx.Context.default_ctx = mx.cpu(0)
    assert nd.zeros(1).context == mx.cpu(0)
    assert 'default_ctx' in mx.Context.__dict__  # setting did not replace the class property


# ----- Parameter.dtype -----------------------------------------------------------------------
def test_setting_dtype_casts_data_and_gradient():
    p = gluon.Parameter('w', shape=(2, 3))
    p.initialize(init.Constant(1.5))
    p.dtype = 'float16'
    assert p.dtype == 'float16' and repr(p).endswith('dtype=float16)')
    assert p.data().dtype == np.float16 and p.grad().dtype == np.float16
    assert (p.data().asnumpy() == 1.5).all()


def test_row_sparse_of_default_storage_is_refused_as_mxnet_does():
    p = gluon.Parameter('w', shape=(2,))
    with pytest.raises(RuntimeError, match='storage type is default. Please use data'):
        p.row_sparse_data(nd.array([0]))
    with pytest.raises(RuntimeError, match="Parameter 'w' on all contexts"):
        p.list_row_sparse_data(nd.array([0]))


# ----- Block.save / load ---------------------------------------------------------------------
def _net():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(3, in_units=2, activation='relu'), nn.Dense(1, in_units=3))
    return net


def test_save_then_load_restores_names_keys_and_values(tmp_path):
    net = _net()
    net.initialize(init.Normal(1.0))
    prefix = str(tmp_path / 'model')
    net.save(prefix)
    with open(prefix + '-model.json') as f:
        model = json.load(f)
    assert list(model) == ['hybridsequential0']
    assert model['hybridsequential0']['children'] == {'hybridsequential0_dense0': '0',
                                                      'hybridsequential0_dense1': '1'}
    again = _net()  # another counter: hybridsequential1
    assert again.name == 'hybridsequential1'
    again.load(prefix)
    assert again.name == 'hybridsequential0' and again[0].name == 'hybridsequential0_dense0'
    assert list(again[0].params.keys()) == ['hybridsequential0_dense0_weight',
                                            'hybridsequential0_dense0_bias']
    x = nd.array([[0.5, -1.0], [2.0, 0.25]])
    assert (again(x).asnumpy() == net(x).asnumpy()).all()
    assert sorted(os.listdir(tmp_path)) == ['model-model.json', 'model-model.params']


def test_load_of_another_architecture_raises_key_error(tmp_path):
    net = _net()
    net.initialize()
    net.save(str(tmp_path / 'm'))
    with pytest.raises(KeyError, match='dense0'):
        nn.Dense(1, in_units=3).load(str(tmp_path / 'm'))


# ----- HybridBlock.infer_type ------------------------------------------------------------------
def test_infer_type_checks_dtypes_and_changes_no_shape():
    net = nn.HybridSequential()
    net.add(nn.Dense(2, in_units=3), nn.Dense(4))
    net.initialize()
    net.infer_type(nd.ones((1, 3)))
    assert net[1].weight.shape == (4, 0)  # a dtype check infers no shape ...
    with pytest.raises(gluon.parameter.DeferredInitializationError):
        net[1].weight.data()  # ... and initializes nothing
    assert [p.dtype for p in net.collect_params().values()] == [np.float32] * 4
    with pytest.raises(mx.base.MXNetError, match='expected float64, got float32'):
        net.infer_type(nd.ones((1, 3), dtype='float64'))
    assert net[1].weight.shape == (4, 0)


# ----- optimizer -----------------------------------------------------------------------------
def test_registry_is_shared_and_case_insensitive():
    assert mx.optimizer.create is mx.optimizer.Optimizer.create_optimizer
    assert type(mx.optimizer.create('AdaM', learning_rate=0.1)) is mx.optimizer.Adam
    mx.optimizer.Optimizer.opt_registry.pop('unittestopt', None)

    @mx.optimizer.register
    class UnitTestOpt(mx.optimizer.SGD):
        pass
    try:
        trainer = gluon.Trainer([_initialized('w')], 'unittestopt')
        assert type(trainer.optimizer) is UnitTestOpt
        with pytest.warns(UserWarning, match='is overriding existing optimizer'):
            mx.optimizer.Optimizer.register(UnitTestOpt)
    finally:
        mx.optimizer.Optimizer.opt_registry.pop('unittestopt')


def _initialized(name, **kwargs):
    p = gluon.Parameter(name, shape=(3,), **kwargs)
    p.initialize(init.One())
    return p


def test_multipliers_by_index_and_name_scale_a_direct_update():
    o = mx.optimizer.SGD(learning_rate=0.5, wd=0.2, param_idx2name={0: 'a_weight', 1: 'a_bias'})
    o.set_lr_mult({0: 0.5, 'a_bias': 2.0})
    assert o.wd_mult == {'a_bias': 0.0}  # only weights and gammas decay by default
    weights = [np.ones(3, np.float32), np.ones(3, np.float32)]
    for i, w in enumerate(weights):
        o.update(i, w, np.ones(3, np.float32), None)
    np.testing.assert_array_equal(weights[0], np.float32(1 - 0.25 * (1 + 0.2)))
    np.testing.assert_array_equal(weights[1], np.float32(1 - 1.0 * 1))


def test_a_parameters_own_multipliers_win_over_the_optimizers():
    p = _initialized('w', lr_mult=0.0)
    trainer = gluon.Trainer([p], 'sgd', {'learning_rate': 1.0})
    trainer.optimizer.set_lr_mult({0: 5.0})
    with autograd.record():
        y = (p.data() * 2).sum()
    y.backward()
    trainer.step(1)
    assert (p.data().asnumpy() == 1).all()


def test_set_lr_scale_is_deprecated_by_raising():
    with pytest.raises(DeprecationWarning):
        mx.optimizer.SGD().set_lr_scale({0: 2.0})


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-4, 4, width=16), min_size=1, max_size=6), st.sampled_from(
    [('sgd', {'momentum': 0.9}), ('sgd', {}), ('adam', {}), ('adagrad', {})]),
    st.integers(1, 3))
def test_multi_precision_keeps_a_float32_copy_the_weight_rounds(values, optimizer, steps):
    """For any float16 weight: every step updates the float32 copy as the float32 optimizer
    would, and the weight is that copy rounded to float16."""
    name, hp = optimizer
    mixed = mx.optimizer.create(name, learning_rate=0.1, multi_precision=True, **hp)
    plain = mx.optimizer.create(name, learning_rate=0.1, **hp)
    weight = np.array(values, np.float16)
    reference = weight.astype(np.float32)
    state = mixed.create_state_multi_precision(0, weight)
    ref_state = plain.create_state(0, reference)
    for step in range(steps):
        grad = (weight * np.float16(0.5) + np.float16(step)).astype(np.float16)
        mixed.update_multi_precision(0, weight, grad, state)
        plain.update(0, reference, grad.astype(np.float32), ref_state)
        np.testing.assert_array_equal(weight, reference.astype(np.float16))
    master = state[1] if name == 'sgd' else state[0]  # SGD keeps MXNet's (state, copy) order
    np.testing.assert_array_equal(master, reference)


def test_float16_without_multi_precision_warns_once_per_state():
    with pytest.warns(UserWarning, match='multi_precision=True option of the SGD optimizer'):
        mx.optimizer.SGD().create_state_multi_precision(0, np.ones(2, np.float16))
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        sgd = mx.optimizer.SGD(multi_precision=True)
        sgd.create_state_multi_precision(0, np.ones(2, np.float32))


def test_trainer_states_keep_multi_precision_and_multipliers(tmp_path):
    p = gluon.Parameter('q_w', shape=(4,), dtype='float16')
    p.initialize(init.One())
    trainer = gluon.Trainer([p], 'sgd', {'learning_rate': 0.1, 'momentum': 0.9,
                                         'multi_precision': True, 'param_idx2name': {0: 'q_w'}})
    trainer.optimizer.set_lr_mult({'q_w': 0.5})
    with autograd.record():
        y = (p.data() * 3).sum()
    y.backward()
    trainer.step(1)
    trainer.save_states(str(tmp_path / 's'))
    other = gluon.Trainer([p], 'sgd')
    other.load_states(str(tmp_path / 's'))
    o = other.optimizer
    assert (o.multi_precision, o.idx2name, o.lr_mult, o.wd_mult) == (True, {0: 'q_w'},
                                                                     {'q_w': 0.5}, {'q_w': 0.0})
    momentum, master = other._states[0][0]
    assert master.dtype == np.float32 and (master == np.float32(0.7)).all()
    assert (momentum == np.float32(-0.3)).all()


# ----- init ----------------------------------------------------------------------------------
def _bilinear_by_definition(shape):
    """Each element from its (x, y) position, one by one."""
    f = np.ceil(shape[3] / 2.)
    c = (2 * f - 1 - f % 2) / (2. * f)
    out = np.zeros(shape, np.float32)
    for index in np.ndindex(*shape):
        y, x = index[2], index[3]
        out[index] = (1 - abs(x / f - c)) * (1 - abs(y / f - c))
    return out


@settings(max_examples=25, deadline=None)
@given(st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 6), st.integers(1, 6)))
def test_bilinear_is_the_same_filter_in_every_channel(shape):
    arr = nd.zeros(shape)
    init.Bilinear()(init.InitDesc('up_weight'), arr)
    values = arr.asnumpy()
    np.testing.assert_array_equal(values, _bilinear_by_definition(shape))
    assert (values == values[:1, :1]).all()
    if shape[2] == shape[3]:  # a square kernel: symmetric, within [0, 1]
        np.testing.assert_array_equal(values, values.transpose(0, 1, 3, 2))
        assert (values >= 0).all() and (values <= 1).all()


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 40), st.floats(-3, 3, width=32))
def test_lstm_bias_sets_only_the_forget_gate(n, forget_bias):
    arr = nd.ones(n) * 9
    init.Uniform()(init.InitDesc('lstm_bias', {'__init__': init.LSTMBias(forget_bias)}), arr)
    q = n // 4
    expected = np.zeros(n, np.float32)
    expected[q:2 * q] = forget_bias
    np.testing.assert_array_equal(arr.asnumpy(), expected)


def test_global_init_is_the_first_initializer_called():
    desc = init.InitDesc('w_weight')
    first, second = init.One(), init.Zero()
    first(desc, nd.zeros(2))
    second(desc, nd.zeros(2))
    assert desc.global_init is first
    seen = []

    class Spy(init.Initializer):
        def _init_weight(self, desc, arr):
            seen.append(desc.global_init)
            arr[:] = 0
    block_init = init.Normal()
    net = nn.Dense(2, in_units=2, weight_initializer=Spy())
    net.initialize(block_init)
    assert seen == [block_init]


def test_fused_rnn_is_built_and_dumped_as_mxnet():
    dumped = json.loads(init.FusedRNN(init.One(), 4, 2, 'gru', True, 0.5).dumps())
    assert dumped == ['fusedrnn', {'init': '["one", {}]', 'num_hidden': 4, 'num_layers': 2,
                                   'mode': 'gru', 'bidirectional': True, 'forget_bias': 0.5}]
    with pytest.raises(KeyError):  # MXNet 1.9.1's look-up of an init given as JSON fails
        init.FusedRNN('["one", {}]', 4, 2, 'gru')
