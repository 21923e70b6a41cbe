"""Contexts: cpu(i) as in MXNet (case contexts of tests/differential/cases_oracle.py), the
no-GPU errors, and, with a GPU, the same operations on gpu(0) (tests marked gpu are skipped
without one)."""
import sys
import types

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, context, nd
from minigluon.base import MXNetError
from minigluon.ndarray.ndarray import NDArray
from minigluon.ndarray.ops import same_context


def test_contexts_as_in_mxnet():
    assert (repr(mx.cpu()), str(mx.cpu()), repr(mx.gpu()), repr(mx.gpu(1))) == (
        'cpu(0)', 'cpu(0)', 'gpu(0)', 'gpu(1)')
    assert mx.cpu() == mx.cpu(0) and mx.cpu(1) != mx.cpu(0) and mx.cpu_pinned(0) != mx.cpu(0)
    assert (mx.cpu().device_type, mx.cpu().device_id) == ('cpu', 0)
    assert (mx.gpu(1).device_type, mx.gpu(1).device_id) == ('gpu', 1)
    assert type(mx.cpu()) is mx.Context and mx.context.current_context() == mx.cpu(0)
    assert hash(mx.cpu()) == hash(mx.cpu(0)) and {mx.cpu(1): 2}[mx.Context('cpu', 1)] == 2
    assert repr(mx.cpu_pinned()) == 'cpu_pinned(0)' and repr(mx.cpu_pinned(1)) == 'cpu_pinned(1)'
    assert mx.Context(mx.cpu(1)) == mx.cpu(1) and repr(mx.Context('gpu', 3)) == 'gpu(3)'
    assert nd.array([1, 2, 3]).context == mx.cpu(0)


def test_with_context_sets_the_default_and_nests():
    with mx.cpu(1):
        assert mx.context.current_context() == mx.cpu(1)
        assert nd.ones(1).context == mx.cpu(1) and nd.arange(2).context == mx.cpu(1)
        with mx.Context(mx.cpu(2)):
            assert nd.zeros(1).context == mx.cpu(2)
        assert nd.random.uniform(shape=2).context == mx.cpu(1)
    assert mx.context.current_context() == mx.cpu(0)


def test_copyto_and_as_in_context():
    x = nd.array([1, 2, 3])
    y = x.copyto(mx.cpu(1))
    assert repr(y) == '\n[1. 2. 3.]\n<NDArray 3 @cpu(1)>'
    assert x.as_in_context(mx.cpu(0)) is x and x.as_in_context(mx.cpu()) is x
    assert y.as_in_context(mx.cpu(1)) is y
    same = x.copyto(mx.cpu())
    assert same is not x and same.asnumpy().tolist() == [1.0, 2.0, 3.0]
    same[:] = 0
    assert x.asnumpy().tolist() == [1.0, 2.0, 3.0]  # copyto copied
    z = x.as_in_context(mx.cpu(1))
    assert z is not x and z.context == mx.cpu(1)
    target = nd.zeros(3, ctx=mx.cpu(1))
    assert x.copyto(target) is target and target.asnumpy().tolist() == [1.0, 2.0, 3.0]
    assert target.context == mx.cpu(1)
    with pytest.raises(TypeError):
        x.copyto('cpu')


def test_cpu_ids_mix_and_the_result_lives_on_the_first_arguments_context():
    x, y = nd.array([1, 2, 3]), nd.array([1, 2, 3], ctx=mx.cpu(1))
    assert repr(x + y) == '\n[2. 4. 6.]\n<NDArray 3 @cpu(0)>'
    assert (y + x).context == mx.cpu(1) and (y + 1).context == mx.cpu(1)
    d = nd.dot(x.reshape((1, 3)), y.reshape((3, 1)))
    assert d.asnumpy().tolist() == [[14.0]] and d.context == mx.cpu(0)
    assert nd.dot(y, y).context == mx.cpu(1) and y.exp().context == mx.cpu(1)
    assert nd.concat(y, x, dim=0).context == mx.cpu(1)
    x[:] = y * 2
    assert x.asnumpy().tolist() == [2.0, 4.0, 6.0] and x.context == mx.cpu(0)


def test_num_gpus_counts_without_raising_and_agrees_with_the_device_check():
    n = mx.context.num_gpus()
    assert type(n) is int and n >= 0 and mx.num_gpus() == n
    assert mx.test_utils.list_gpus() == range(n)  # MXNet's answer (differential case nd:list_gpus)
    if n:
        assert nd.zeros(1, ctx=mx.gpu(n - 1)).context == mx.gpu(n - 1)
    with pytest.raises(MXNetError):
        nd.zeros(1, ctx=mx.gpu(n))  # one past the last GPU, or gpu(0) without one


@pytest.fixture
def fresh_probe(monkeypatch):
    """Forget the cached CuPy probe, so the next num_gpus() probes again (and the array module
    GPU contexts took from an earlier probe, where there is a GPU)."""
    monkeypatch.setattr(context, '_cupy_probe', None)
    for ctx in list(context.Context._interned.values()):
        if ctx.device_type == 'gpu':
            monkeypatch.setattr(ctx, '_xp', None)
    return monkeypatch


def test_num_gpus_without_cupy(fresh_probe):
    fresh_probe.setitem(sys.modules, 'cupy', None)  # makes `import cupy` raise ImportError
    assert mx.context.num_gpus() == 0
    with pytest.raises(MXNetError, match='CuPy is not installed'):
        nd.ones(2, ctx=mx.gpu())


def test_num_gpus_when_the_cuda_runtime_fails(fresh_probe):
    def no_driver():
        raise RuntimeError('cudaErrorInsufficientDriver: CUDA driver version is insufficient')
    fake = types.ModuleType('cupy')
    fake.cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=no_driver))
    fresh_probe.setitem(sys.modules, 'cupy', fake)
    assert mx.context.num_gpus() == 0
    with pytest.raises(MXNetError, match='no usable CUDA device.*insufficient'):
        nd.array([1, 2], ctx=mx.gpu(0))


def test_num_gpus_reports_the_probe_and_checks_device_ids(fresh_probe):
    fresh_probe.setattr(context, '_load_cupy', lambda: (types.ModuleType('fake_cupy'), 2, ''))
    assert mx.context.num_gpus() == 2
    with pytest.raises(MXNetError, match=r'gpu\(5\) is not available: this machine has 2 GPU'):
        nd.zeros(1, ctx=mx.gpu(5))
    fresh_probe.setattr(context, '_cupy_probe', None)
    fresh_probe.setattr(context, '_load_cupy', lambda: (None, 0, 'CuPy finds no CUDA device'))
    assert mx.context.num_gpus() == 0


@pytest.mark.parametrize('make', [
    lambda: nd.array([1, 2, 3], ctx=mx.gpu()), lambda: nd.ones((2, 3), ctx=mx.gpu()),
    lambda: nd.zeros(2, ctx=mx.gpu(0)), lambda: nd.random.uniform(shape=(2, 3), ctx=mx.gpu(1)),
    lambda: nd.array([1, 2]).copyto(mx.gpu()), lambda: nd.array([1, 2]).as_in_context(mx.gpu())])
def test_using_a_gpu_without_one_explains_how_to_get_one(make):
    if mx.context.num_gpus():
        pytest.skip('this machine has a GPU')
    with pytest.raises(MXNetError) as err:
        make()
    message = str(err.value)
    assert 'no GPU is available' in message and 'Runtime > Change runtime type' in message


def test_mixing_cpu_and_gpu_arrays_raises_mxnets_error():
    cpu_array = nd.ones(3)
    fake_gpu_array = NDArray(np.ones(3, np.float32), mx.gpu(0))  # a gpu(0) label, no GPU needed
    expected = ('Operator broadcast_add require all inputs live on the same context. But the '
                'first argument is on cpu(0) while the 2-th argument is on gpu(0)')
    with pytest.raises(MXNetError) as err:
        cpu_array + fake_gpu_array
    assert str(err.value) == expected
    with pytest.raises(MXNetError, match='Operator dot require .* first argument is on gpu'):
        nd.dot(fake_gpu_array, cpu_array)
    with pytest.raises(MXNetError, match='while the 2-th argument is on gpu'):
        same_context('concat', nd.ones(3, ctx=mx.cpu(1)), fake_gpu_array)
    assert same_context('x', nd.ones(1, ctx=mx.cpu(1)), cpu_array) == mx.cpu(1)


@pytest.mark.parametrize('op', [
    lambda cpu, gpu: nd.where(cpu, cpu, gpu),
    lambda cpu, gpu: nd.where(gpu, cpu, cpu),
    lambda cpu, gpu: nd.pick(cpu, gpu),
    lambda cpu, gpu: nd.take(cpu, gpu),
    lambda cpu, gpu: nd.stack(cpu, gpu),
    lambda cpu, gpu: nd.broadcast_mod(cpu, gpu),
])
def test_multi_input_ops_refuse_mixed_devices(op):
    cpu_array = nd.ones(3)
    fake_gpu_array = NDArray(np.ones(3, np.float32), mx.gpu(0))
    with pytest.raises(MXNetError, match='require all inputs live on the same context'):
        op(cpu_array, fake_gpu_array)


# ----- on a real GPU ----------------------------------------------------------------------------
@pytest.mark.gpu
def test_gpu_arrays_and_arithmetic():
    x = nd.array([[1, 2], [3, 4]], ctx=mx.gpu(0))
    assert x.context == mx.gpu(0) and repr(x).endswith('<NDArray 2x2 @gpu(0)>')
    y = (x * 2 + 1).exp().log()
    assert y.context == mx.gpu(0) and y.asnumpy().tolist() == [[3.0, 5.0], [7.0, 9.0]]
    assert nd.dot(x, x).asnumpy().tolist() == [[7.0, 10.0], [15.0, 22.0]]
    assert x.sum().shape == (1,) and x.sum().asscalar() == 10.0
    assert nd.ones((2, 3), ctx=mx.gpu()).context == mx.gpu(0)
    with mx.gpu(0):
        assert nd.zeros(2).context == mx.gpu(0)


@pytest.mark.gpu
def test_gpu_autograd():
    x = nd.array([1.0, 2.0], ctx=mx.gpu(0))
    x.attach_grad()
    with autograd.record():
        y = (x * x + nd.relu(x)).sum()
    y.backward()
    assert x.grad.context == mx.gpu(0) and x.grad.asnumpy().tolist() == [3.0, 5.0]


@pytest.mark.gpu
def test_copy_between_cpu_and_gpu_with_gradient():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        g = x.copyto(mx.gpu(0))
        y = (g * 3).as_in_context(mx.cpu(0)).sum()
    assert g.context == mx.gpu(0)
    y.backward()
    assert x.grad.context == mx.cpu(0) and x.grad.asnumpy().tolist() == [3.0, 3.0]
    back = g.copyto(mx.cpu(0))
    assert back.context == mx.cpu(0) and back.asnumpy().tolist() == [1.0, 2.0]
    target = nd.zeros(2, ctx=mx.gpu(0))
    assert x.copyto(target) is target and target.asnumpy().tolist() == [1.0, 2.0]


@pytest.mark.gpu
def test_mixing_real_cpu_and_gpu_arrays_raises():
    with pytest.raises(MXNetError, match='first argument is on cpu\\(0\\) while the 2-th '
                                         'argument is on gpu\\(0\\)'):
        nd.ones(2) + nd.ones(2, ctx=mx.gpu(0))


@pytest.mark.gpu
def test_random_on_gpu_is_seeded():
    mx.random.seed(3)
    a = nd.random.uniform(shape=(100,), ctx=mx.gpu(0))
    mx.random.seed(3)
    b = nd.random.uniform(shape=(100,), ctx=mx.gpu(0))
    n = nd.random.normal(0, 1, shape=(1000,), ctx=mx.gpu(0))
    assert a.context == mx.gpu(0) and a.dtype is np.float32
    assert np.array_equal(a.asnumpy(), b.asnumpy()) and 0 <= a.asnumpy().min() < 1
    assert abs(float(n.asnumpy().mean())) < 0.2


@pytest.mark.gpu
def test_save_and_load_a_gpu_array(tmp_path):
    x = nd.array([[1, 2], [3, 4]], ctx=mx.gpu(0))
    nd.save(str(tmp_path / 'x'), [x])
    (y,) = nd.load(str(tmp_path / 'x'))
    assert y.context == mx.gpu(0) and y.asnumpy().tolist() == [[1.0, 2.0], [3.0, 4.0]]
