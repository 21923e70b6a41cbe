"""autograd: recording scopes, variables, backward and its errors, and a finite-difference
check of the gradient of every differentiable operation in minigluon.ndarray.ops."""
import gc
import threading
import tracemalloc
import weakref

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, nd
from minigluon.base import MXNetError

from helpers import check_grad

# MXNet's messages: case autograd_block_trainer_messages of tests/differential/cases_reference.py
NOT_IN_GRAPH = (
    "Cannot differentiate node because it is not in a computational graph. You need to set "
    "is_recording to true or use autograd.record() to save computational graphs for backward. "
    "If you want to differentiate the same graph twice, you need to pass retain_graph=True to "
    "backward.")
INPLACE = (
    "Assigning to NDArrays that are already in a computational graph will cause undefined "
    "behavior when evaluating gradients. Please call backward first to clear the graph or do "
    "this out side of a record section. Also note that you cannot use inplace operations like "
    "+=, *=, relu(x, out=x), y[idx]=x, etc inside a record section.")
rng = np.random.default_rng(42)


def randn(*shape):
    return rng.standard_normal(shape)


def variable(values, req='write'):
    x = nd.array(values)
    x.attach_grad(req)
    return x


# ----- scopes ---------------------------------------------------------------------------------
def test_record_pause_and_modes_nest_and_restore():
    assert (autograd.is_recording(), autograd.is_training()) == (False, False)
    with autograd.record():
        assert (autograd.is_recording(), autograd.is_training()) == (True, True)
        with autograd.pause():
            assert (autograd.is_recording(), autograd.is_training()) == (False, False)
        with autograd.pause(train_mode=True):
            assert (autograd.is_recording(), autograd.is_training()) == (False, True)
        assert (autograd.is_recording(), autograd.is_training()) == (True, True)
    with autograd.record(train_mode=False):
        assert (autograd.is_recording(), autograd.is_training()) == (True, False)
    with autograd.train_mode():
        assert (autograd.is_recording(), autograd.is_training()) == (False, True)
        with autograd.predict_mode():
            assert autograd.is_training() is False
        assert autograd.is_training() is True
    assert (autograd.is_recording(), autograd.is_training()) == (False, False)


def test_scope_restores_state_after_an_exception():
    with pytest.raises(ZeroDivisionError):
        with autograd.record():
            1 / 0
    assert not autograd.is_recording() and not autograd.is_training()


def test_set_recording_and_set_training_return_the_previous_state():
    assert autograd.set_recording(True) is False
    assert autograd.set_recording(False) is True
    assert autograd.set_training(True) is False
    assert autograd.set_training(False) is True


def test_each_thread_records_on_its_own():
    # MXNet keeps the switches per thread: a record() block in one thread leaves another's off
    inside, outside_done = threading.Event(), threading.Event()
    seen = {}

    def learner():
        x = nd.array([1.0, 2.0])
        x.attach_grad()
        with autograd.record():
            inside.set()
            outside_done.wait(10)
            y = (x * x).sum()
            seen['learner'] = (autograd.is_recording(), autograd.is_training())
        y.backward()
        seen['grad'] = x.grad.asnumpy().tolist()

    thread = threading.Thread(target=learner)
    thread.start()
    inside.wait(10)
    x = nd.array([3.0])
    x.attach_grad()
    seen['main'] = (autograd.is_recording(), autograd.is_training(), autograd.is_recorded(x * 2))
    outside_done.set()
    thread.join(10)
    assert seen == {'learner': (True, True), 'grad': [2.0, 4.0], 'main': (False, False, False)}


# ----- case autograd of tests/differential/cases_oracle.py ----------------------------------------
def test_reference_example_2_x_dot_x():
    x = nd.arange(4).reshape((4, 1))
    assert x.grad is None
    x.attach_grad()
    assert x.grad.asnumpy().tolist() == [[0.0]] * 4
    with autograd.record():
        y = 2 * nd.dot(x.T, x)
    assert y.asnumpy().tolist() == [[28.0]]
    y.backward()
    assert x.grad.asnumpy().ravel().tolist() == [0.0, 4.0, 8.0, 12.0]
    assert (x.grad == 4 * x).asnumpy().ravel().tolist() == [1.0] * 4


def test_control_flow_gradient_is_c_over_a():
    mx.random.seed(1)
    a = nd.random.normal(shape=1)
    assert a.asscalar() == np.float32(-0.6776515245437622)  # MXNet's (case random_normal_seed1)
    a.attach_grad()
    with autograd.record():
        b = a * 2
        while b.norm().asscalar() < 1000:
            b = b * 2
        c = b if b.sum().asscalar() > 0 else 100 * b
    c.backward()
    assert (a.grad == c / a).asnumpy().tolist() == [1.0]
    assert a.grad.asscalar() == 204800.0


# ----- errors ---------------------------------------------------------------------------------
def test_backward_twice_raises_mxnets_message_and_retain_graph_allows_it():
    x = variable([1.0, 2.0])
    with autograd.record():
        y = x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.asnumpy().tolist() == [2.0, 4.0]
    with pytest.raises(MXNetError) as err:
        y.backward()
    assert str(err.value) == NOT_IN_GRAPH


def test_backward_outside_record_raises():
    x = variable([1.0, 2.0])
    with pytest.raises(MXNetError, match='Cannot differentiate node because it is not in a '):
        (x * 2).backward()
    with autograd.record():
        y = nd.ones(2) * 2  # no variable involved: nothing is recorded
    with pytest.raises(MXNetError, match='not in a computational graph'):
        y.backward()


@pytest.mark.parametrize('mutate', [
    lambda y: y.__iadd__(1), lambda y: y.__imul__(2), lambda y: y.__isub__(1),
    lambda y: y.__itruediv__(2), lambda y: y.__setitem__(0, 5.0),
    lambda y: y.__setitem__(slice(None), nd.ones(2)),
    lambda y: nd.elemwise_add(y, y, out=y)])
def test_inplace_on_recorded_array_inside_record_raises(mutate):
    x = variable([1.0, 2.0])
    with autograd.record():
        y = x * 2
        with pytest.raises(MXNetError) as err:
            mutate(y)
        with pytest.raises(MXNetError):
            mutate(x)  # a variable is in the graph too
    assert str(err.value) == INPLACE


def test_inplace_allowed_outside_record_and_on_arrays_outside_the_graph():
    x = variable([1.0, 2.0])
    with autograd.record():
        free = nd.ones(2)
        free += 1  # not in any graph
        y = x * free
    y += 1  # outside record: allowed
    assert y.asnumpy().tolist() == [3.0, 5.0]
    y.backward()
    assert x.grad.asnumpy().tolist() == [2.0, 2.0]


def test_attach_grad_rejects_unknown_grad_req():
    with pytest.raises(ValueError):
        nd.ones(2).attach_grad('bogus')


# ----- variables and gradients ------------------------------------------------------------------
def test_out_grad_scales_the_head():
    x = variable([1.0, 2.0])
    with autograd.record():
        y = x * x
    y.backward(nd.array([10.0, 100.0]))
    assert x.grad.asnumpy().tolist() == [20.0, 400.0]


def test_grad_req_write_overwrites_and_add_accumulates():
    w, a = variable([1.0, 1.0]), variable([1.0, 1.0], 'add')
    for _ in range(2):
        with autograd.record():
            z = (w * 3).sum() + (a * 3).sum()
        z.backward()
    assert w.grad.asnumpy().tolist() == [3.0, 3.0]
    assert a.grad.asnumpy().tolist() == [6.0, 6.0]  # the reference: grad_req=add twice


def test_grad_req_null_gets_no_gradient():
    # As in MXNet: attach_grad('null') keeps a zero buffer that backward never writes.
    z, w = variable([1.0, 2.0], 'null'), variable([3.0, 4.0])
    assert z.grad.asnumpy().tolist() == [0.0, 0.0]
    with autograd.record():
        y = z * w
    y.backward()
    assert z.grad.asnumpy().tolist() == [0.0, 0.0]
    assert w.grad.asnumpy().tolist() == [1.0, 2.0]


def test_variable_used_twice_gets_the_summed_gradient():
    x = variable([1.0, 2.0])
    with autograd.record():
        y = x * x + x
        z = y * x  # x reached along three paths
    z.backward()
    assert x.grad.asnumpy().tolist() == [3 * 1.0 + 2 * 1.0, 3 * 4.0 + 2 * 2.0]


def test_backward_leaves_unrelated_variables_alone():
    z, w = variable([1.0, 2.0]), variable([1.0, 2.0])
    z.grad[:] = 5
    with autograd.record():
        y = w * 2
    y.backward()
    assert z.grad.asnumpy().tolist() == [5.0, 5.0]


def test_backward_writes_zero_to_a_variable_without_a_gradient_path():
    data, index = nd.array([[1.0, 2.0], [3.0, 4.0]]), nd.array([1.0, 0.0])
    for x in (data, index):
        x.attach_grad()
    index.grad[:] = 5
    with autograd.record():
        picked = nd.pick(data, index).sum()
    picked.backward()
    assert index.grad.asnumpy().tolist() == [0.0, 0.0]  # MXNet writes 0 ('write')
    assert data.grad.asnumpy().tolist() == [[0.0, 1.0], [1.0, 0.0]]


def test_pause_and_detach_stop_gradients():
    x = variable([1.0, 2.0])
    with autograd.record():
        with autograd.pause():
            q = x * 3
        y = q * x + x.detach() * x
    y.backward()
    assert x.grad.asnumpy().tolist() == [3.0 + 1.0, 6.0 + 2.0]


def test_mark_variables_writes_into_the_given_buffers():
    v, g = nd.array([1.0, 2.0]), nd.zeros(2)
    autograd.mark_variables([v], [g])
    with autograd.record():
        y = v * 5
    y.backward()
    assert g.asnumpy().tolist() == [5.0, 5.0]
    u, h = nd.array([1.0]), nd.ones(1)
    autograd.mark_variables(u, h, grad_reqs='add')
    with autograd.record():
        (u * 5).backward()
    assert h.asnumpy().tolist() == [6.0]


def test_autograd_grad_returns_gradients_without_touching_dot_grad():
    x = variable([1.0, 2.0])
    with autograd.record():
        y = x * x * x
    (g,) = autograd.grad(y, [x])
    assert g.asnumpy().tolist() == [3.0, 12.0]
    assert x.grad.asnumpy().tolist() == [0.0, 0.0]
    with pytest.raises(MXNetError, match='not in a computational graph'):
        y.backward()  # grad() freed the graph (retain_graph defaults to False)
    free = nd.ones(2)
    with autograd.record():
        y = x * free
    with pytest.raises(MXNetError, match='Cannot differentiate with respect to the 1-th '
                                         'variable because it does not require gradient.'):
        autograd.grad(y, [free])


def test_autograd_backward_with_several_heads():
    x = variable([1.0, 2.0])
    with autograd.record():
        y1, y2 = x * 2, x * x
    autograd.backward([y1, y2], [nd.ones(2), nd.array([10.0, 10.0])])
    assert x.grad.asnumpy().tolist() == [22.0, 42.0]


def test_astype_is_differentiable():
    x = variable([1.0, 2.0])
    with autograd.record():
        y = x.astype('float64') * 3
    y.backward()
    assert x.grad.dtype == np.float32 and x.grad.asnumpy().tolist() == [3.0, 3.0]


# ----- the graph is freed ---------------------------------------------------------------------
def test_graph_is_freed_after_backward():
    x = variable([1.0, 2.0])
    with autograd.record():
        h = x * 2
        y = (h * h).sum()
    watch = weakref.ref(h)
    y.backward()
    assert h._node is None and y._node is None
    del h
    gc.collect()
    assert watch() is None  # nothing (no closure, no tape) keeps the intermediate alive
    assert x._node is autograd.VARIABLE  # the variable stays a variable


def test_repeated_record_backward_does_not_grow_memory():
    x = variable(np.ones((4, 4)))
    w = nd.ones((4, 4))

    def step():
        with autograd.record():
            loss = nd.relu(nd.dot(x, w) - 1).sum()
        loss.backward()

    tracemalloc.start()
    try:
        for _ in range(1000):
            step()
        gc.collect()
        after_1000 = tracemalloc.get_traced_memory()[0]
        for _ in range(9000):
            step()
        gc.collect()
        after_10000 = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after_10000 - after_1000 < 64 * 1024
    live = sum(isinstance(o, nd.NDArray) for o in gc.get_objects())
    step()
    gc.collect()
    assert sum(isinstance(o, nd.NDArray) for o in gc.get_objects()) == live


# ----- finite differences for every differentiable op --------------------------------------------
A, B = randn(2, 3), randn(2, 3)
POS = np.abs(randn(2, 3)) + 0.5
DISTINCT = np.arange(6.0).reshape(2, 3) * 0.37 - 1.1  # no ties, no zeros: no kinks


@pytest.mark.parametrize('f, inputs', [
    (nd.add, (A, B)), (nd.add, (A, randn(3))), (nd.add, (randn(2, 1), randn(1, 3))),
    (lambda a: a + 2.5, (A,)), (lambda a: 2.5 + a, (A,)),
    (nd.subtract, (A, randn(2, 1))), (lambda a: 1 - a, (A,)),
    (nd.multiply, (A, B)), (nd.multiply, (randn(3), A)), (lambda a: a * -3.0, (A,)),
    (nd.divide, (A, POS)), (nd.divide, (A, POS[:1])), (lambda a: 2 / a, (POS,)),
    (nd.power, (POS, B)), (nd.power, (POS, randn(3))), (lambda a: a ** 3, (A,)),
    (lambda a: 2.0 ** a, (A,)),
    (nd.maximum, (A, B)), (nd.maximum, (A, randn(3))), (lambda a: nd.maximum(a, 0.1), (DISTINCT,)),
    (nd.minimum, (A, B)), (nd.minimum, (randn(2, 1), A)),
    (nd.negative, (A,)), (lambda a: -a, (A,)),
], ids=lambda v: getattr(v, '__name__', None) if callable(v) else '')
def test_gradient_of_arithmetic(f, inputs):
    check_grad(f, *inputs)


@pytest.mark.parametrize('f, inputs', [
    (nd.relu, (DISTINCT,)), (nd.sigmoid, (A,)), (nd.tanh, (A,)), (nd.exp, (A,)),
    (nd.log, (POS,)), (nd.sqrt, (POS,)), (nd.square, (A,)), (nd.abs, (DISTINCT,)),
    (lambda a: nd.clip(a, -0.5, 0.5), (DISTINCT,)),
    (nd.softmax, (A,)), (lambda a: nd.softmax(a, axis=0), (A,)),
    (nd.log_softmax, (A,)), (lambda a: nd.log_softmax(a, axis=0), (A,)),
])
def test_gradient_of_elementwise_functions(f, inputs):
    check_grad(f, *inputs)


@pytest.mark.parametrize('f', [
    nd.sum, lambda a: a.sum(axis=0), lambda a: a.sum(axis=1, keepdims=True),
    lambda a: a.sum(axis=(0, 2)), lambda a: a.sum(keepdims=True),
    nd.mean, lambda a: a.mean(axis=-1), lambda a: a.mean(axis=(1, 2), keepdims=True),
    nd.max, lambda a: a.max(axis=1), lambda a: a.max(axis=0, keepdims=True),
    nd.min, lambda a: a.min(axis=2),
    nd.norm, lambda a: a.norm(axis=1), lambda a: a.norm(axis=(0, 1), keepdims=True),
    lambda a: nd.norm(a, ord=1), lambda a: nd.norm(a, ord=1, axis=2),
])
def test_gradient_of_reductions(f):
    check_grad(f, np.arange(24.0).reshape(2, 3, 4) * 0.13 - 1.4)


@pytest.mark.parametrize('f, shapes', [
    (nd.dot, ((2, 3), (3, 4))), (nd.dot, ((3,), (3,))), (nd.dot, ((3,), (3, 2))),
    (nd.dot, ((2, 3), (3,))), (nd.dot, ((2, 2, 3), (3, 4))), (nd.dot, ((2, 3), (3, 2, 2))),
    (nd.dot, ((2, 2, 3), (3, 2, 2))),
    (lambda a, b: nd.dot(a, b, transpose_a=True), ((3, 2), (3, 4))),
    (lambda a, b: nd.dot(a, b, transpose_b=True), ((2, 3), (4, 3))),
    (lambda a, b: nd.dot(a, b, transpose_a=True, transpose_b=True), ((3, 2), (4, 3))),
    (lambda a, b: a @ b, ((2, 3), (3, 2))),
    (nd.batch_dot, ((2, 2, 3), (2, 3, 4))),
    (lambda x, w, b: nd.FullyConnected(x, w, b, num_hidden=4), ((2, 3), (4, 3), (4,))),
    (lambda x, w, b: nd.FullyConnected(x, w, b, num_hidden=4), ((2, 3, 2), (4, 6), (4,))),
    (lambda x, w: nd.FullyConnected(x, w, num_hidden=4, no_bias=True), ((2, 3), (4, 3))),
    (lambda x, w, b: nd.FullyConnected(x, w, b, num_hidden=4, flatten=False),
     ((2, 3, 2), (4, 2), (4,))),
    (lambda x, w: nd.FullyConnected(x, w, None, num_hidden=4, flatten=False),
     ((2, 3, 2), (4, 2))),
], ids=lambda v: str(v) if isinstance(v, tuple) else '')
def test_gradient_of_products(f, shapes):
    check_grad(f, *[randn(*s) for s in shapes])


IDX = nd.array([2, 0], dtype='float64')


@pytest.mark.parametrize('f, inputs', [
    (lambda a: a.reshape((3, 2)), (A,)), (lambda a: a.reshape((0, -1, 1)), (A,)),
    (nd.flatten, (randn(2, 3, 2),)), (nd.transpose, (randn(2, 3, 4),)),
    (lambda a: nd.transpose(a, axes=(1, 0, 2)), (randn(2, 3, 4),)), (lambda a: a.T, (A,)),
    (lambda a: nd.expand_dims(a, axis=1), (A,)),
    (lambda a: nd.broadcast_to(a, shape=(2, 4, 3)), (randn(2, 1, 3),)),
    (lambda a: nd.broadcast_to(a, shape=(2, 3)), (randn(3),)),
    (lambda a, b: nd.concat(a, b), (A, randn(2, 2))),
    (lambda a, b, c: nd.concat(a, b, c, dim=0), (A, B, randn(1, 3))),
    (lambda a, b: nd.stack(a, b), (A, B)), (lambda a, b: nd.stack(a, b, axis=2), (A, B)),
    (lambda a: nd.pick(a, IDX), (A,)), (lambda a: nd.pick(a, IDX, keepdims=True), (A,)),
    (lambda a: nd.pick(a, nd.array([1, 0, 1], dtype='float64'), axis=0), (A,)),
    (lambda a, b: nd.where(nd.array([[1, 0, 1], [0, 0, 1]], dtype='float64'), a, b), (A, B)),
    (lambda a: a[1], (A,)), (lambda a: a[1, 2], (A,)), (lambda a: a[:, 1:], (A,)),
    (lambda a: a[IDX], (randn(3, 2),)), (lambda a: a[nd.array([0, 0, 1])], (A,)),
    (lambda a: a.copyto(mx.cpu(1)) * 2, (A,)), (lambda a: a.as_in_context(mx.cpu(1)), (A,)),
    (lambda a: a.copyto(mx.cpu(0)) * a, (A,)), (lambda a: a.copy() * a, (A,)),
])
def test_gradient_of_shape_and_indexing_ops(f, inputs):
    check_grad(f, *inputs)


def test_gradient_across_cpu_contexts_lands_on_each_variables_context():
    a0, a1 = variable([1.0, 1.0]), nd.ones((2,), ctx=mx.cpu(1))
    a1.attach_grad()
    with autograd.record():
        s = (a0 * 2 + a1 * 3).sum()
    s.backward()
    assert a0.grad.asnumpy().tolist() == [2.0, 2.0] and a0.grad.context == mx.cpu(0)
    assert a1.grad.asnumpy().tolist() == [3.0, 3.0] and a1.grad.context == mx.cpu(1)


# Writing an array in the graph into a plain one while recording, as MXNet 1.9.1 does it (its
# test_ndarray_indexing checks the error): x[:] = y records a copy, y's gradient flows through x
# (MXNet's copyto); into part of x, or x += y, raises; a constant written in place is not recorded
INPLACE_RECORDING = 'Inplace operations (+=, -=, x[:]=, etc) are not supported when recording with autograd.'


@pytest.mark.parametrize('key', [0, slice(0, 1), (0, slice(None)), (slice(None), 1), [0],
                                 'nd-index'])
def test_writing_a_recorded_value_into_part_of_an_array_raises(key):
    x = mx.nd.ones((2, 3))
    key = mx.nd.array([0], dtype='int32') if key == 'nd-index' else key
    y = mx.nd.ones(x[key].shape)
    y.attach_grad()
    with mx.autograd.record():
        with pytest.raises(mx.base.MXNetError) as error:
            x[key] = y
        with pytest.raises(mx.base.MXNetError) as error_inplace:
            x[0] += y[0]
        x[0] = 5  # constants are not recorded
        x *= 2
    assert str(error.value) == str(error_inplace.value) == INPLACE_RECORDING


@pytest.mark.parametrize('key', [slice(None), Ellipsis, None])
def test_writing_a_recorded_value_into_all_of_an_array_records_a_copy(key):
    x = mx.nd.zeros((2, 3))
    y = mx.nd.array([1., 2, 3])  # broadcast over x's rows
    y.attach_grad()
    with mx.autograd.record():
        x[key] = y
        z = (x * mx.nd.array([[1, 2, 3], [4, 5, 6]])).sum()
    z.backward()
    assert y.grad.asnumpy().tolist() == [5, 7, 9]  # MXNet 1.9.1's numbers
    assert x.asnumpy().tolist() == [[1, 2, 3], [1, 2, 3]]


def test_head_gradient_of_another_dtype():
    # the independent check's a_backward_int_head: MXNet 1.9.1's kernels refuse it (the message
    # of elementwise ops and dot), except sum, mean, reshape and copy, whose backward reads it
    x = nd.array([1., 2.])
    x.attach_grad()
    with autograd.record():
        y = x * 2
    with pytest.raises(mx.MXNetError, match=r'^Check failed: mshadow: :DataType<DType>::kFlag == '
                       r'type_flag_: TBlob.get_with_shape: data type do not match specified '
                       r'type.Expected: int v.s. given float$'):
        y.backward(nd.array([1, 1], dtype='int32'))
    for f, expected in ((lambda x: x.sum(), 1), (lambda x: x.mean(), 0.5),
                        (lambda x: x.reshape((2, 1)), 1), (lambda x: x.copy(), 1)):
        with autograd.record():
            y = f(x)
        y.backward(nd.ones(y.shape, dtype='int32'))
        assert x.grad.asnumpy().tolist() == [expected, expected]
