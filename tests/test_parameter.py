"""Parameter, Constant and ParameterDict: access, contexts, errors, sharing, gradients.

Messages and reprs are MXNet 1.9.1's (cases parameter_access, uninitialized_errors,
shared_parameters, parameter_dict, contexts and extras of tests/differential/cases_oracle.py,
recorded by scripts/record_mxnet.py oracle); the messages and reprs of the
error and repr tests below are case parameter_messages_and_reprs of
tests/differential/cases_reference.py (recorded by scripts/record_mxnet.py reference).
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigluon as mx
from minigluon import autograd, gluon, init, nd
from minigluon.gluon import nn

from gluon_helpers import INIT_MESSAGE, shared_net


@pytest.fixture(autouse=True)
def _fresh_names():
    with mx.name.NameManager():
        yield


def initialized_net():
    net = nn.Sequential()
    net.add(nn.Dense(256, activation='relu'), nn.Dense(10))
    net.initialize()
    net(nd.random.uniform(shape=(2, 20)))
    return net


# ----- access -------------------------------------------------------------------------------
def test_parameter_attributes_and_reprs():
    net = initialized_net()
    weight = net[0].weight
    assert (weight.name, weight.shape, weight.dtype, weight.grad_req) == \
        ('dense0_weight', (256, 20), 'float32', 'write')
    assert (weight.init, weight.lr_mult, weight.wd_mult) == (None, 1.0, 1.0)
    assert net[1].bias.init == 'zeros'
    assert weight.list_ctx() == [mx.cpu(0)]
    assert repr(weight) == str(weight) == 'Parameter dense0_weight (shape=(256, 20), dtype=float32)'
    assert net[0].params['dense0_weight'] is weight
    assert net[0].params.get('weight') is weight
    assert repr(net[0].params) == (
        'dense0_ (\n  Parameter dense0_weight (shape=(256, 20), dtype=float32)\n'
        '  Parameter dense0_bias (shape=(256,), dtype=float32)\n)')
    with pytest.raises(KeyError) as err:
        net.collect_params()['nonexistent']
    assert err.value.args == ('nonexistent',)


def test_parameter_reprs_of_standalone_parameters():
    assert repr(gluon.Parameter('baz', shape=(3, 0))) == \
        "Parameter baz (shape=(3, 0), dtype=<class 'numpy.float32'>)"
    assert repr(gluon.Parameter('baz2')) == \
        "Parameter baz2 (shape=None, dtype=<class 'numpy.float32'>)"
    assert repr(gluon.Parameter('baz3', shape=(1,), dtype='float64')) == \
        'Parameter baz3 (shape=(1,), dtype=float64)'
    assert gluon.Parameter('q', shape=(1,)).grad_req == 'write'


def test_data_grad_list_data_list_grad():
    net = initialized_net()
    weight = net[0].weight
    assert weight.data() is weight.data()
    assert weight.list_data()[0] is weight.data()
    assert weight.grad().shape == (256, 20)
    assert (weight.grad().asnumpy() == 0).all()
    assert weight.list_grad()[0] is weight.grad()
    assert (net[1].bias.data().asnumpy() == 0).all()
    weight.data()[:] = 5  # data() is the parameter's own array
    assert (weight.data().asnumpy() == 5).all()


def test_gradients_after_backward_and_zero_grad():
    dense = nn.Dense(2, in_units=3)
    dense.initialize(init.Constant(1))
    with autograd.record():
        loss = dense(nd.ones((4, 3))).sum()
    loss.backward()
    assert (dense.weight.grad().asnumpy() == 4).all()
    assert (dense.bias.grad().asnumpy() == 4).all()
    dense.collect_params().zero_grad()
    assert (dense.bias.grad().asnumpy() == 0).all()
    assert (dense.weight.grad().asnumpy() == 0).all()


def test_set_data_and_wrong_shape():
    net = initialized_net()
    weight = net[0].weight
    weight.set_data(weight.data() + 1)
    with pytest.raises(AssertionError) as err:
        weight.set_data(nd.ones((3, 3)))
    assert str(err.value) == 'Expected shape (3, 3) is incompatible with given shape (256, 20).'
    assert weight.shape == weight.data().shape == (256, 20)


def test_set_data_before_initialize():
    with pytest.raises(AssertionError, match="Parameter 'z' has not been initialized"):
        gluon.Parameter('z', shape=(1,)).set_data(nd.ones(1))


def test_grad_req_add_accumulates_and_null_drops_grad():
    param = gluon.Parameter('w', shape=(2,), grad_req='add')
    param.initialize(init.One())
    for _ in range(2):
        with autograd.record():
            (param.data() * 3).sum().backward()
    np.testing.assert_array_equal(param.grad().asnumpy(), [6, 6])
    param.grad_req = 'null'
    with pytest.raises(RuntimeError, match="because grad_req='null'"):
        param.grad()
    with pytest.raises(AssertionError) as err:
        param.grad_req = 'foo'
    assert str(err.value) == "grad_req must be one of 'write', 'add', or 'null', but got 'foo'"


def test_grad_req_write_overwrites():
    param = gluon.Parameter('w', shape=(2,))
    param.initialize(init.One())
    for _ in range(2):
        with autograd.record():
            (param.data() * 3).sum().backward()
    np.testing.assert_array_equal(param.grad().asnumpy(), [3, 3])


# ----- errors before initialization ------------------------------------------------------------
def test_never_initialized_errors():
    dense = nn.Dense(3)
    for access in (dense.weight.data, dense.weight.grad):
        with pytest.raises(RuntimeError) as err:
            access()
        assert str(err.value) == INIT_MESSAGE.format('dense0_weight')
    full = nn.Dense(3, in_units=4)
    with pytest.raises(RuntimeError) as err:
        full(nd.ones((1, 4)))
    assert str(err.value) == INIT_MESSAGE.format('dense1_weight')
    with pytest.raises(RuntimeError, match="^Parameter 'z' has not been initialized$"):
        gluon.Parameter('z', shape=(1,)).list_ctx()
    with pytest.raises(ValueError) as err:
        gluon.Parameter('z', shape=(1,)).reset_ctx(mx.cpu())
    assert str(err.value) == "Cannot reset context for Parameter 'z' because it has not been initialized."
    with pytest.raises(ValueError) as err:
        gluon.Parameter('z', shape=(1, 0)).initialize()
    assert str(err.value) == "Cannot initialize Parameter 'z' because it has invalid shape: (1, 0)."


# ----- contexts -------------------------------------------------------------------------------
def test_multi_context_initialize_gives_identical_copies():
    dense = nn.Dense(2, in_units=3)
    dense.initialize(ctx=[mx.cpu(0), mx.cpu(1)])
    assert dense.weight.list_ctx() == [mx.cpu(0), mx.cpu(1)]
    copies = dense.weight.list_data()
    assert [c.context for c in copies] == [mx.cpu(0), mx.cpu(1)]
    np.testing.assert_array_equal(copies[0].asnumpy(), copies[1].asnumpy())
    assert dense.weight.data().context == mx.cpu(0)  # the current context's copy
    assert dense.weight.data(mx.cpu(1)) is copies[1]
    assert [g.context for g in dense.weight.list_grad()] == [mx.cpu(0), mx.cpu(1)]
    assert dense.collect_params().list_ctx() == [mx.cpu(0), mx.cpu(1)]


def test_data_on_a_context_it_was_not_initialized_on():
    net = nn.Sequential()
    net.add(nn.Dense(1))
    net.initialize(ctx=mx.cpu(1))
    out = net(nd.ones((2, 3), ctx=mx.cpu(1)))
    assert out.context == mx.cpu(1)
    assert net[0].weight.data().context == mx.cpu(1)
    message = ("Parameter 'dense0_weight' was not initialized on context cpu(0). It was only "
               "initialized on [cpu(1)].")
    with pytest.raises(RuntimeError) as err:
        net[0].weight.data(mx.cpu(0))
    assert str(err.value) == message
    with pytest.raises(RuntimeError) as err:
        net(nd.ones((2, 3)))
    assert str(err.value) == message


def test_reset_ctx_moves_the_values():
    dense = nn.Dense(2, in_units=3)
    dense.initialize(ctx=[mx.cpu(0), mx.cpu(1)])
    before = dense.weight.data().asnumpy()
    dense.collect_params().reset_ctx(mx.cpu(1))
    assert dense.weight.list_ctx() == [mx.cpu(1)]
    np.testing.assert_array_equal(dense.weight.data().asnumpy(), before)


# ----- Constant -------------------------------------------------------------------------------
def test_constant():
    params = gluon.ParameterDict(prefix='block_')
    const = params.get_constant('c', nd.ones((2, 2)))
    assert type(const) is gluon.Constant
    assert repr(const) == "Constant block_c (shape=(2, 2), dtype=<class 'numpy.float32'>)"
    with pytest.raises(RuntimeError) as err:
        const.data()
    assert str(err.value) == INIT_MESSAGE.format('block_c')
    params.initialize()
    np.testing.assert_array_equal(const.data().asnumpy(), np.ones((2, 2)))
    assert const.grad_req == 'null'
    with pytest.raises(RuntimeError) as err:
        const.grad()
    assert str(err.value) == "Cannot get gradient array for Parameter 'block_c' because grad_req='null'"
    from_numpy = params.get_constant('c2', np.ones((2,)))
    assert repr(from_numpy) == "Constant block_c2 (shape=(2,), dtype=<class 'numpy.float32'>)"
    with pytest.raises(KeyError) as err:
        params.get_constant('c3')
    assert err.value.args == ("No constant named 'block_c3'. Please specify value if you want to "
                              "create a new constant.",)


def test_get_constant_conflicts():
    params = gluon.ParameterDict(prefix='a_')
    params.get('w', shape=(1,))
    with pytest.raises(AssertionError, match="^Parameter 'a_w' already exists but it is not a constant.$"):
        params.get_constant('w', nd.ones(1))
    params.get_constant('k', nd.ones(1))
    assert params.get_constant('k', nd.ones(1)) is params.get_constant('k')
    with pytest.raises(AssertionError, match="^Constant 'a_k' already exists but it's value doesn't match new value$"):
        params.get_constant('k', nd.zeros(1))


# ----- ParameterDict --------------------------------------------------------------------------
def test_parameter_dict_reprs():
    params = gluon.ParameterDict()
    params.get('param2', shape=(2, 3))
    assert params.prefix == ''
    assert repr(params) == "(\n  Parameter param2 (shape=(2, 3), dtype=<class 'numpy.float32'>)\n)"
    assert repr(gluon.ParameterDict()) == '(\n\n)'
    prefixed = gluon.ParameterDict(prefix='block_')
    prefixed.get('weight', shape=(3, 4))
    prefixed.get_constant('c', nd.ones((2, 2)))
    assert repr(prefixed) == (
        "block_ (\n  Parameter block_weight (shape=(3, 4), dtype=<class 'numpy.float32'>)\n"
        "  Constant block_c (shape=(2, 2), dtype=<class 'numpy.float32'>)\n)")


def test_get_merges_unknown_dimensions_and_checks_attributes():
    params = gluon.ParameterDict(prefix='block_')
    weight = params.get('weight', shape=(3, 4))
    assert params.get('weight') is weight
    assert params.get('weight', shape=(3, 0)) is weight
    assert weight.shape == (3, 4)
    deferred = params.get('deferred', shape=(3, 0))
    assert params.get('deferred', shape=(3, 4)) is deferred
    assert deferred.shape == (3, 4)
    with pytest.raises(AssertionError) as err:
        params.get('weight', shape=(5, 5))
    assert str(err.value) == ("Cannot retrieve Parameter 'block_weight' because desired attribute "
                              "does not match with stored for attribute 'shape': desired '(5, 5)' "
                              "vs stored '(3, 4)'.")
    with pytest.raises(AssertionError) as err:
        params.get('weight', dtype='float64')
    assert str(err.value) == ("Cannot retrieve Parameter 'block_weight' because desired attribute "
                              "does not match with stored for attribute 'dtype': desired 'float64' "
                              "vs stored '<class 'numpy.float32'>'.")
    assert params.get('weight', dtype='float32') is weight


def test_update_refuses_a_different_parameter_with_the_same_name():
    first, second = gluon.ParameterDict('a_'), gluon.ParameterDict('a_')
    first.get('w', shape=(1,))
    second.get('w', shape=(1,))
    first.update(first)
    with pytest.raises(AssertionError) as err:
        first.update(second)
    assert str(err.value) == ("Cannot update self with other because they have different "
                              "Parameters with the same name 'a_w'")


def test_setattr_sets_an_attribute_on_every_parameter():
    dense = nn.Dense(2, in_units=3)
    dense.collect_params().setattr('lr_mult', 0.5)
    assert dense.weight.lr_mult == dense.bias.lr_mult == 0.5


# ----- shared parameters ------------------------------------------------------------------------
def test_shared_parameters_are_the_same_objects():
    net = shared_net()
    net.initialize()
    net(nd.random.uniform(shape=(2, 20)))
    assert [c.name for c in net._children.values()] == ['dense1', 'dense0', 'dense2', 'dense3']
    assert net[1].weight is net[2].weight and net[1].bias is net[2].bias
    assert net[2].weight.name == 'dense0_weight'
    assert net[2].prefix == 'dense2_'
    assert (net[1].weight.data()[0] == net[2].weight.data()[0]).asnumpy().tolist() == [1.0] * 8
    assert list(net.collect_params().keys()) == [
        'dense1_weight', 'dense1_bias', 'dense0_weight', 'dense0_bias', 'dense3_weight',
        'dense3_bias']
    assert list(net._collect_params_with_prefix().keys()) == [
        '0.weight', '0.bias', '1.weight', '1.bias', '2.weight', '2.bias', '3.weight', '3.bias']
    assert repr(net[2].params) == (
        'dense0_ (\n  Parameter dense0_weight (shape=(8, 8), dtype=float32)\n'
        '  Parameter dense0_bias (shape=(8,), dtype=float32)\n)')


def test_shared_parameter_with_mismatched_shape():
    shared = nn.Dense(8, activation='relu')
    shared.initialize()
    shared(nd.ones((2, 8)))
    with pytest.raises(AssertionError) as err:
        nn.Dense(9, params=shared.params)
    assert str(err.value) == ("Cannot retrieve Parameter 'dense0_weight' because desired attribute "
                              "does not match with stored for attribute 'shape': desired '(9, 0)' "
                              "vs stored '(8, 8)'.")


def test_shared_gradient_is_the_sum_over_uses():
    mx.random.seed(0)
    net = shared_net()
    net.initialize()
    x = nd.random.uniform(shape=(2, 20))
    with autograd.record():
        loss = net(x).sum()
    loss.backward()
    g_shared = net[1].weight.grad().asnumpy().copy()

    # the reference's check: the same computation with two separate copies of the weight
    w0, b0 = net[0].weight.data(), net[0].bias.data()
    w1, b1 = net[1].weight.data(), net[1].bias.data()
    w3, b3 = net[3].weight.data(), net[3].bias.data()
    wa, wb = w1.copy(), w1.copy()
    wa.attach_grad()
    wb.attach_grad()
    with autograd.record():
        h = nd.relu(nd.dot(x, w0.T) + b0)
        h = nd.relu(nd.dot(h, wa.T) + b1)
        h = nd.relu(nd.dot(h, wb.T) + b1)
        out = (nd.dot(h, w3.T) + b3).sum()
    out.backward()
    np.testing.assert_allclose(g_shared, (wa.grad + wb.grad).asnumpy(), atol=1e-6)
    assert not np.allclose(g_shared, wa.grad.asnumpy(), atol=1e-6)
    assert not np.allclose(g_shared, wb.grad.asnumpy(), atol=1e-6)

    with autograd.record():  # grad_req='write': a second backward gives the same gradient
        net(x).sum().backward()
    np.testing.assert_allclose(net[1].weight.grad().asnumpy(), g_shared)


def test_shared_gradient_matches_finite_differences():
    mx.random.seed(1)
    net = nn.Sequential()
    shared = nn.Dense(3, activation='tanh', in_units=3)
    net.add(shared, nn.Dense(3, activation='tanh', params=shared.params, in_units=3))
    net.initialize(init.Normal(0.5))
    net.cast('float64')
    x = nd.random.uniform(shape=(2, 3)).astype('float64')
    with autograd.record():
        net(x).sum().backward()
    grad = net[0].weight.grad().asnumpy()
    w = net[0].weight.data().asnumpy().copy()
    eps, numeric = 1e-6, np.zeros_like(w)
    for idx in np.ndindex(w.shape):
        values = []
        for step in (eps, -eps):
            trial = w.copy()
            trial[idx] += step
            net[0].weight.set_data(nd.array(trial, dtype='float64'))
            values.append(net(x).sum().asscalar())
        numeric[idx] = (values[0] - values[1]) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


# ----- shapes that are not whole numbers (issue #21): MXNet's messages are differential cases
# dense_units_* and zeros_ones_bad_shape of tests/differential/cases_api.py -----------------
@given(st.lists(st.integers(-3, 3), max_size=4))
def test_shape_is_known_unless_a_zero_and_refuses_negative_sizes(dims):
    from minigluon.gluon.parameter import shape_is_known
    first_bad = next((d for d in dims if d <= 0), None)
    if first_bad is not None and first_bad < 0:
        with pytest.raises(AssertionError, match='cannot be less than 0, while received %d' % first_bad):
            shape_is_known(tuple(dims))
    else:
        assert shape_is_known(tuple(dims)) == (first_bad is None)


@pytest.mark.parametrize('units, error', [(2.5, mx.base.MXNetError), ('3', TypeError), (-1, AssertionError)])
def test_dense_with_bad_units_is_built_and_fails_at_initialize(units, error):
    layer = nn.Dense(units)
    assert layer.weight.shape == (units, 0) and repr(layer) == 'Dense(None -> %s, linear)' % units
    with pytest.raises(error):
        layer.initialize()


@pytest.mark.parametrize('differentiable', [True, False])
def test_constructor_checks_grad_req_as_the_setter_does(differentiable):
    # the independent check's prm_grad_req_invalid: MXNet 1.9.1 raises AssertionError
    with pytest.raises(AssertionError, match=r"^grad_req must be one of 'write', 'add', or "
                                             r"'null', but got 'foo'$"):
        gluon.Parameter('w', shape=(2,), grad_req='foo', differentiable=differentiable)
    p = gluon.Parameter('w', shape=(2,), grad_req='add', differentiable=differentiable)
    assert p.grad_req == ('add' if differentiable else 'null')


def test_a_parameter_dict_has_no_len_as_in_mxnet():
    # MXNet 1.9.1: TypeError "object of type 'ParameterDict' has no len()"; keys() has one
    params = nn.Dense(2, in_units=3).collect_params()
    with pytest.raises(TypeError, match="has no len"):
        len(params)
    assert len(params.keys()) == 2 and list(params) == list(params.keys())
