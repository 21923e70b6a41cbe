"""Block: names and counters, name scopes, registration, reprs, Sequential, layers.

Expected names, reprs and messages are those MXNet 1.9.1 printed for cases
block_names_and_reprs and extras of tests/differential/cases_oracle.py (recorded by
scripts/record_mxnet.py oracle; names count from 0 there too), with counters reset by a fresh
NameManager in each test.
"""
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, init, nd
from minigluon.gluon import nn

from differential import recorded
from helpers import check_grad
from gluon_helpers import CenteredLayer, FancyMLP, MLP, MySequential, nested_net


@pytest.fixture(autouse=True)
def _fresh_names():
    with mx.name.NameManager():
        yield


# ----- names and counters ---------------------------------------------------------------
def test_automatic_names_use_per_class_counters():
    net = MLP()
    assert (net.name, net.prefix) == ('mlp0', 'mlp0_')
    assert (net.hidden.name, net.output.name) == ('dense0', 'dense1')
    again = MLP()
    assert (again.name, again.hidden.name) == ('mlp1', 'dense2')
    seq = nn.Sequential()
    assert (seq.name, seq.prefix) == ('sequential0', 'sequential0_')


def test_children_of_sequential_take_global_names_without_name_scope():
    seq = nn.Sequential()
    seq.add(nn.Dense(3), nn.Dense(4, in_units=3))
    assert [c.name for c in seq._children.values()] == ['dense0', 'dense1']
    assert list(seq.collect_params().keys()) == ['dense0_weight', 'dense0_bias',
                                                 'dense1_weight', 'dense1_bias']


def test_name_scope_has_its_own_counters():
    for _ in range(5):
        nn.Sequential()
    nn.Dense(1)
    outer = nn.Sequential()
    with outer.name_scope():
        outer.add(nn.Dense(3), nn.Dense(4))
    assert outer.name == 'sequential5'
    assert [c.name for c in outer._children.values()] == ['sequential5_dense0',
                                                          'sequential5_dense1']
    assert list(outer.collect_params().keys()) == [
        'sequential5_dense0_weight', 'sequential5_dense0_bias',
        'sequential5_dense1_weight', 'sequential5_dense1_bias']
    assert nn.Dense(1).name == 'dense1'  # the global counter did not move inside the scope


def test_name_manager_resets_and_restores_counters():
    nn.Dense(1)
    with mx.name.NameManager():
        assert [nn.Dense(3).name, nn.Dense(3).name, nn.Sequential().name] == \
            ['dense0', 'dense1', 'sequential0']
    assert nn.Dense(3).name == 'dense1'


def test_explicit_prefix():
    assert nn.Dense(3, prefix='mylayer_').name == 'mylayer'
    assert nn.Dense(3, prefix='mylayer_').weight.name == 'mylayer_weight'
    assert nn.Sequential(prefix='foo_').prefix == 'foo_'
    assert nn.Dense(3).name == 'dense0'  # an explicit prefix uses no counter


def test_dense_activation_is_a_child_named_after_the_dense():
    dense = nn.Dense(3, activation='relu')
    assert [(k, c.prefix) for k, c in dense._children.items()] == [('act', 'dense0_relu_')]
    assert list(nn.Dense(3)._children.keys()) == []


# ----- registration -----------------------------------------------------------------------
def test_setattr_registers_children_in_an_ordered_dict():
    net = MLP()
    assert type(net._children) is OrderedDict
    assert list(net._children.keys()) == ['hidden', 'output']
    assert net._children['hidden'] is net.hidden
    assert type(net._children['hidden']) is nn.Dense


def test_setattr_registers_parameters():
    block = nn.Block()
    param = mx.gluon.Parameter('p', shape=(1,))
    block.p = param
    assert block._reg_params == {'p': param}
    assert block._collect_params_with_prefix() == {'p': param}


@pytest.mark.parametrize('new', [3, 'nn.Sequential()'])
def test_changing_a_block_attribute_type_raises_type_error(new):
    net = MLP()
    value = nn.Sequential() if new == 'nn.Sequential()' else new
    with pytest.raises(TypeError) as err:
        net.hidden = value
    # MXNet's text, without a space before "is" (case autograd_block_trainer_messages)
    assert str(err.value) == ("Changing attribute type for hidden from %s to %sis not allowed."
                              % (nn.Dense, type(value)))
    assert isinstance(net.hidden, nn.Dense)


def test_changing_a_parameter_attribute_type_raises_type_error():
    block = nn.Block()
    block.p = mx.gluon.Parameter('p', shape=(1,))
    with pytest.raises(TypeError, match='Changing attribute type for p from'):
        block.p = 5


def test_overriding_a_parameter_attribute_is_refused():
    block = nn.Block()
    block.p = mx.gluon.Parameter('p', shape=(1,))
    with pytest.raises(AssertionError, match="Overriding Parameter attribute p is not allowed"):
        block.p = mx.gluon.Parameter('q', shape=(1,))


def test_replacing_a_child_with_a_block_of_the_same_type_is_allowed():
    net = MLP()
    new = nn.Dense(5)
    net.hidden = new
    assert net._children['hidden'] is new


def test_register_child_uses_position_as_default_name():
    block = nn.Block()
    first, second = nn.Dense(2), nn.Dense(3)
    block.register_child(first)
    block.register_child(second, 'x')
    assert list(block._children.items()) == [('0', first), ('x', second)]
    assert repr(block) == 'Block(\n\n)'  # repr shows attributes only


def test_block_without_super_init_raises_attribute_error():
    class BadBlock(nn.Block):
        def __init__(self):
            self.dense = nn.Dense(3)

    with pytest.raises(AttributeError) as err:
        BadBlock()
    assert str(err.value) == "'BadBlock' object has no attribute '_children'"


def test_forward_of_base_block_is_not_implemented():
    with pytest.raises(NotImplementedError) as err:
        nn.Block()(nd.ones(1))
    assert err.value.args == ()


# ----- params, collect_params, initialize, apply ----------------------------------------------
def test_params_holds_own_parameters_only():
    net = MLP()
    assert repr(net.params) == 'mlp0_ (\n\n)'
    assert list(net.hidden.params.keys()) == ['dense0_weight', 'dense0_bias']


def test_collect_params_select_uses_re_match():
    net = nn.Sequential()
    net.add(nn.Dense(256, activation='relu'), nn.Dense(10))
    assert list(net.collect_params().keys()) == ['dense0_weight', 'dense0_bias',
                                                 'dense1_weight', 'dense1_bias']
    assert list(net.collect_params('.*weight').keys()) == ['dense0_weight', 'dense1_weight']
    assert list(net.collect_params('weight').keys()) == []  # re.match anchors at the start
    assert list(net.collect_params('dense0_weight|dense1_bias').keys()) == [
        'dense0_weight', 'dense1_bias']
    assert repr(net.collect_params('weight')) == 'sequential0_ (\n\n)'
    assert net.collect_params().prefix == 'sequential0_'


def test_initialize_with_init_ctx_and_force_reinit():
    net = nn.Sequential()
    net.add(nn.Dense(3, in_units=2))
    net.initialize(init.Constant(2), ctx=mx.cpu(1))
    assert net[0].weight.list_ctx() == [mx.cpu(1)]
    assert (net[0].weight.data().asnumpy() == 2).all()
    net.initialize(init.One(), ctx=mx.cpu(0), force_reinit=True)
    assert net[0].weight.list_ctx() == [mx.cpu(0)]
    assert (net[0].weight.data().asnumpy() == 1).all()
    assert (net[0].bias.data().asnumpy() == 0).all()


def test_initialize_verbose_logs_each_parameter(caplog):
    net = nn.Dense(2, in_units=3)
    with caplog.at_level('INFO'):
        net.initialize(init.One(), verbose=True)
    # MXNet logs (not prints) the chosen initializer and norm / sqrt(size)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert messages[0].startswith('Initialized dense0_weight as <minigluon.initializer.One object')
    assert messages[0].endswith(': 1.0')
    assert messages[1] == 'Initialized dense0_bias as zeros: 0.0'


def test_apply_visits_children_first():
    net = MLP()
    order = []
    assert net.apply(lambda block: order.append(block.name)) is net
    assert order == ['dense0_relu', 'dense0', 'dense1', 'mlp0']


# ----- reprs --------------------------------------------------------------------------------
def test_mlp_repr_before_and_after_forward_and_reference_output():
    mx.random.seed(0)
    x = nd.random.uniform(shape=(2, 20))
    net = MLP()
    assert repr(net) == ('MLP(\n  (hidden): Dense(None -> 256, Activation(relu))\n'
                         '  (output): Dense(None -> 10, linear)\n)')
    net.initialize()
    out = net(x)
    np.testing.assert_allclose(out.asnumpy(), recorded.ndarray_after(
        'oracle', 'mlp_output', 'net(X):'), atol=1e-6)
    assert repr(net) == ('MLP(\n  (hidden): Dense(20 -> 256, Activation(relu))\n'
                         '  (output): Dense(256 -> 10, linear)\n)')


def test_my_sequential_repr_is_empty_and_it_runs():
    net = MySequential()
    net.add(nn.Dense(256, activation='relu'))
    net.add(nn.Dense(10))
    net.initialize()
    assert net.name == 'mysequential0'
    assert repr(net) == 'MySequential(\n\n)'
    assert net(nd.ones((2, 20))).shape == (2, 10)
    assert list(net.collect_params().keys()) == ['dense0_weight', 'dense0_bias',
                                                 'dense1_weight', 'dense1_bias']


def test_fancy_mlp_repr_and_params():
    net = FancyMLP()
    net.initialize()
    out = net(nd.random.uniform(shape=(2, 20)))
    assert out.shape == (1,)
    assert repr(net) == 'FancyMLP(\n  (dense): Dense(20 -> 20, Activation(relu))\n)'
    assert repr(net.params) == ("fancymlp0_ (\n  Constant fancymlp0_rand_weight (shape=(20, 20), "
                                "dtype=<class 'numpy.float32'>)\n)")
    assert repr(net.collect_params()) == (
        "fancymlp0_ (\n"
        "  Constant fancymlp0_rand_weight (shape=(20, 20), dtype=<class 'numpy.float32'>)\n"
        "  Parameter dense0_weight (shape=(20, 20), dtype=float32)\n"
        "  Parameter dense0_bias (shape=(20,), dtype=float32)\n)")
    assert net.rand_weight.grad_req == 'null'
    assert type(net.rand_weight) is mx.gluon.Constant


def test_nested_repr_and_keys():
    net = nested_net()
    net.initialize()
    net(nd.random.uniform(shape=(2, 20)))
    assert repr(net) == '\n'.join([
        'Sequential(',
        '  (0): NestMLP(',
        '    (net): Sequential(',
        '      (0): Dense(20 -> 64, Activation(relu))',
        '      (1): Dense(64 -> 32, Activation(relu))',
        '    )',
        '    (dense): Dense(32 -> 16, Activation(relu))',
        '  )',
        '  (1): Dense(16 -> 20, linear)',
        '  (2): FancyMLP(',
        '    (dense): Dense(20 -> 20, Activation(relu))',
        '  )',
        ')'])
    assert list(net.collect_params().keys()) == [
        'dense0_weight', 'dense0_bias', 'dense1_weight', 'dense1_bias', 'dense2_weight',
        'dense2_bias', 'dense3_weight', 'dense3_bias', 'fancymlp0_rand_weight',
        'dense4_weight', 'dense4_bias']


def test_centered_layer_repr_inside_sequential():
    layer = CenteredLayer()
    np.testing.assert_array_equal(layer(nd.array([1, 2, 3, 4, 5])).asnumpy(), [-2, -1, 0, 1, 2])
    net = nn.Sequential()
    net.add(nn.Dense(128), CenteredLayer())
    net.initialize()
    y = net(nd.random.uniform(shape=(4, 8)))
    assert abs(y.mean().asscalar()) < 1e-6
    assert repr(net) == ('Sequential(\n  (0): Dense(8 -> 128, linear)\n'
                         '  (1): CenteredLayer(\n  \n  )\n)')


@pytest.mark.parametrize('make, expected', [
    (lambda: nn.Dense(5, activation='relu', in_units=7), 'Dense(7 -> 5, Activation(relu))'),
    (lambda: nn.Dense(5, activation='sigmoid'), 'Dense(None -> 5, Activation(sigmoid))'),
    (lambda: nn.Dense(5, use_bias=False), 'Dense(None -> 5, linear)'),
    (lambda: nn.Dense(5, flatten=False), 'Dense(None -> 5, linear)'),
    (lambda: nn.Sequential(), 'Sequential(\n\n)'),
    (lambda: nn.HybridSequential(), 'HybridSequential(\n\n)'),
    (lambda: nn.Block(), 'Block(\n\n)'),
    (lambda: nn.Dropout(0.5), 'Dropout(p = 0.5, axes=())'),
    (lambda: nn.Activation('relu'), 'Activation(relu)'),
    (lambda: nn.Flatten(), 'Flatten'),
    (lambda: nn.Lambda('tanh'), 'Lambda(tanh)'),
])
def test_layer_reprs(make, expected):
    assert repr(make()) == expected


# ----- Sequential -------------------------------------------------------------------------
def test_sequential_len_index_and_slice():
    seq = nn.Sequential()
    seq.add(nn.Dense(4), nn.Dense(5), nn.Dense(6))
    assert len(seq) == 3
    assert repr(seq[0]) == 'Dense(None -> 4, linear)'
    assert repr(seq[-1]) == 'Dense(None -> 6, linear)'
    tail = seq[1:]
    assert type(tail) is nn.Sequential
    assert repr(tail) == ('Sequential(\n  (0): Dense(None -> 5, linear)\n'
                          '  (1): Dense(None -> 6, linear)\n)')
    assert tail[0] is seq[1]
    with pytest.raises(IndexError) as err:
        seq[5]
    assert str(err.value) == 'list index out of range'


def test_sequential_runs_children_in_order():
    seq = nn.Sequential()
    seq.add(nn.Lambda(lambda x: x + 1), nn.Lambda(lambda x: x * 10))
    assert seq(nd.array([1.0])).asscalar() == 20.0


# ----- HybridBlock ----------------------------------------------------------------------------
def test_hybrid_classes_exist_and_hybridize_is_a_no_op():
    assert isinstance(nn.Dense(3), nn.HybridBlock)
    assert issubclass(nn.HybridSequential, nn.HybridBlock)
    net = nn.HybridSequential()
    net.add(nn.Dense(3, in_units=2))
    net.initialize(init.One())
    before = net(nd.ones((1, 2))).asnumpy()
    assert net.hybridize() is None
    np.testing.assert_array_equal(net(nd.ones((1, 2))).asnumpy(), before)


def test_hybrid_forward_gets_f_and_parameter_data():
    class Scale(nn.HybridBlock):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.weight = self.params.get('weight', shape=(3,), init=init.Constant(2))

        def hybrid_forward(self, F, x, weight):
            assert F is nd
            return F.relu(x) * weight

    block = Scale()
    block.initialize()
    block.hybridize()
    assert block.name == 'scale0'
    np.testing.assert_array_equal(block(nd.array([-1, 2, 3])).asnumpy(), [0, 4, 6])


# ----- summary --------------------------------------------------------------------------------
def test_summary_prints_shapes_and_parameter_counts(capsys):
    seq = nn.Sequential()
    shared = nn.Dense(4, in_units=4)
    seq.add(nn.Dense(4, in_units=3), shared, nn.Dense(4, params=shared.params, in_units=4),
            nn.Dropout(0.5), nn.Flatten())
    seq.initialize()
    seq.summary(nd.ones((2, 3)))
    # MXNet 1.9.1's output for the same net (case block_summary, differential/cases_reference.py)
    assert capsys.readouterr().out.splitlines() == [
        '-' * 80,
        '        Layer (type)                                Output Shape         Param #',
        '=' * 80,
        '               Input                                      (2, 3)               0',
        '             Dense-1                                      (2, 4)              16',
        '             Dense-2                                      (2, 4)              20',
        '             Dense-3                                      (2, 4)              20',
        '           Dropout-4                                      (2, 4)               0',
        '           Flatten-5                                      (2, 4)               0',
        '=' * 80,
        'Parameters in forward computation graph, duplicate included',
        '   Total params: 56',
        '   Trainable params: 56',
        '   Non-trainable params: 0',
        'Shared params in forward computation graph: 20',
        'Unique parameters in model: 36',
        '-' * 80]


def test_summary_of_mlp_counts_parameters(capsys):
    net = MLP()
    net.initialize()
    net.summary(nd.ones((2, 20)))
    out = capsys.readouterr().out.splitlines()
    assert '             Dense-2                                    (2, 256)            5376' in out
    assert '             Dense-3                                     (2, 10)            2570' in out
    assert '   Total params: 7946' in out


# ----- layers -------------------------------------------------------------------------------
def test_dense_flattens_3d_input():
    dense = nn.Dense(4)
    dense.initialize()
    assert dense(nd.ones((2, 3, 5))).shape == (2, 4)
    assert dense.weight.shape == (4, 15)


def test_dense_flatten_false_applies_to_last_axis():
    dense = nn.Dense(4, flatten=False)
    dense.initialize(init.One())
    out = dense(nd.ones((2, 3, 5)))
    assert out.shape == (2, 3, 4)
    assert dense.weight.shape == (4, 5)
    assert (out.asnumpy() == 5).all()


def test_dense_without_bias():
    dense = nn.Dense(2, use_bias=False, in_units=3)
    dense.initialize(init.One())
    assert dense.bias is None
    assert list(dense.params.keys()) == ['dense0_weight']
    np.testing.assert_array_equal(dense(nd.array([[1, 2, 3]])).asnumpy(), [[6, 6]])


def test_dense_computes_relu_of_affine_map():
    dense = nn.Dense(2, activation='relu', in_units=3)
    dense.initialize()
    w = np.array([[1, -1, 0], [-2, 0, 1]], dtype=np.float32)
    dense.weight.set_data(nd.array(w))
    dense.bias.set_data(nd.array([0.5, -0.5]))
    x = np.array([[1, 2, 3], [3, 1, 0]], dtype=np.float32)
    np.testing.assert_allclose(dense(nd.array(x)).asnumpy(),
                               np.maximum(x @ w.T + [0.5, -0.5], 0))


def test_lambda_and_flatten():
    assert nn.Lambda('tanh')(nd.array([0.0])).asscalar() == 0.0
    assert nn.Lambda(lambda x: x * 2)(nd.array([3.0])).asscalar() == 6.0
    with pytest.raises(AssertionError, match='Function name nope is not found in ndarray.'):
        nn.Lambda('nope')
    assert nn.Flatten()(nd.ones((2, 3, 4))).shape == (2, 12)


def test_dropout_is_identity_outside_training():
    x = nd.ones((2, 4))
    assert (nn.Dropout(0.5)(x).asnumpy() == 1).all()
    with autograd.record(train_mode=False):
        assert (nn.Dropout(0.5)(x).asnumpy() == 1).all()


def test_dropout_masks_and_scales_in_training():
    mx.random.seed(0)
    with autograd.record():
        y = nn.Dropout(0.5)(nd.ones((1000,))).asnumpy()
    assert set(np.unique(y)) == {0.0, 2.0}
    assert 400 < (y == 0).sum() < 600


class _KeepsBlocksInAList(nn.Block):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Dense(2, in_units=2)]
        self.registered = nn.Dense(1, in_units=2)
        self.shown = (self.registered,)  # registered already: no warning for it


def test_blocks_in_a_plain_container_warn_when_parameters_are_collected():
    net = _KeepsBlocksInAList()
    with pytest.warns(UserWarning) as caught:
        params = net.collect_params()
    assert [str(w.message) for w in caught] == [
        '"_KeepsBlocksInAList.layers" is an unregistered container with Blocks. Note that Blocks '
        'inside the list, tuple or dict will not be registered automatically. Make sure to '
        'register them using register_child() or switching to nn.Sequential/nn.HybridSequential '
        'instead. ']
    assert list(params.keys()) == ['dense1_weight', 'dense1_bias']  # not the list's layer


def test_the_container_warning_follows_assignments_and_registrations():
    def warned(net) -> list:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            net.collect_params()
        return [str(w.message).split(' is ')[0] for w in caught]

    net = _KeepsBlocksInAList()
    assert warned(net) == warned(net) == ['"_KeepsBlocksInAList.layers"']  # every call, as MXNet
    net.more = {'head': nn.Dense(1)}
    assert warned(net) == ['"_KeepsBlocksInAList.layers"', '"_KeepsBlocksInAList.more"']
    net.register_child(net.more['head'])
    net.layers = []
    assert warned(net) == []


def test_forward_pre_hooks_run_before_forward_hooks_and_detach():
    calls = []
    dense = nn.Dense(2, in_units=3)
    dense.initialize()
    pre = dense.register_forward_pre_hook(lambda block, args: calls.append(('pre', args[0].shape)))
    post = dense.register_forward_hook(lambda block, args, out: calls.append(('post', out.shape)))
    dense(nd.ones((4, 3)))
    pre.detach()
    dense(nd.ones((1, 3)))
    post.detach()
    dense(nd.ones((1, 3)))
    assert calls == [('pre', (4, 3)), ('post', (4, 2)), ('post', (1, 2))]


def test_deprecated_save_params_and_load_params_warn_and_work(tmp_path):
    path = str(tmp_path / 'net.params')
    net = nn.Dense(2, in_units=3, prefix='fc_')
    net.initialize(init.Constant(0.5))
    with pytest.warns(UserWarning, match='save_params is deprecated'):
        net.save_params(path)
    assert sorted(nd.load(path)) == ['bias', 'weight']  # the prefix stripped
    other = nn.Dense(2, in_units=3, prefix='other_')
    with pytest.warns(UserWarning, match='load_params is deprecated'):
        other.load_params(path)
    assert (other.weight.data().asnumpy() == 0.5).all()


def test_softrelu_does_not_overflow_and_its_gradient_is_the_sigmoid():
    act = nn.Activation('softrelu')
    x = nd.array([100.0, 1.0, -100.0])
    x.attach_grad()
    with autograd.record():
        y = act(x)
    y.backward()
    np.testing.assert_allclose(y.asnumpy(), [100.0, np.log1p(np.e), 0.0], rtol=1e-6, atol=1e-30)
    np.testing.assert_allclose(x.grad.asnumpy(), [1.0, 1 / (1 + np.exp(-1.0)), 0.0], rtol=1e-6,
                               atol=1e-30)
    check_grad(nd.softrelu, np.array([-3.0, 0.5, 2.0]))
