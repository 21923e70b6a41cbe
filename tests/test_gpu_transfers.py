"""Every place minigluon moves data between host and device, on gpu(0) and gpu(1): the values
arrive, the array lives on the device its context names, and (under the CuPy stand-in, which
counts copies) nothing crosses that should not. Skipped without a GPU or the stand-in."""
import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, gluon, nd
from minigluon.gluon import nn

pytestmark = pytest.mark.gpu
counted = pytest.mark.cupy_double  # counts copies: the stand-in's cupy._double
two_gpus = pytest.mark.skipif(mx.context.num_gpus() == 1, reason='needs two GPUs (the stand-in has two)')
GPU_IDS = [0, pytest.param(1, marks=two_gpus)]


def _device_of(x: nd.NDArray) -> int:
    """The GPU the values physically live on (CuPy's ``ndarray.device``)."""
    return x._data.device.id


@pytest.fixture
def counts():
    import cupy
    cupy._double.reset()
    return cupy._double.counts


@pytest.mark.parametrize('i', GPU_IDS)
def test_host_to_device_copies_and_lands_on_the_named_gpu(i):
    host = np.array([1.0, 2.0, 3.0], np.float32)
    made = [nd.array(host, ctx=mx.gpu(i)), nd.array([1, 2, 3], ctx=mx.gpu(i)),
            nd.arange(1, 4, ctx=mx.gpu(i)),
            nd.array(host).copyto(mx.gpu(i)), nd.array(host).as_in_context(mx.gpu(i))]
    host[0] = 99  # the device copies do not share the host's memory
    for x in made:
        assert x.context == mx.gpu(i) and _device_of(x) == i
        assert x.asnumpy().tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize('i', GPU_IDS)
def test_device_to_host_gives_numpy_arrays(i):
    x = nd.array([[1.0, 2.0]], ctx=mx.gpu(i))
    assert type(x.asnumpy()) is np.ndarray and x.asnumpy().tolist() == [[1.0, 2.0]]
    assert np.asarray(x).tolist() == [[1.0, 2.0]]  # NDArray.__array__: an explicit asnumpy()
    assert x[0, 1].asscalar() == 2.0 and bool(x[0, 0]) and repr(x).endswith('@gpu(%d)>' % i)
    back = x.as_in_context(mx.cpu())
    assert back.context == mx.cpu() and type(back._data) is np.ndarray
    assert nd.array(x).context == mx.cpu() and type(nd.array(x)._data) is np.ndarray


@two_gpus
def test_device_to_device_copies_move_the_values():
    x = nd.array([1.0, 2.0], ctx=mx.gpu(0))
    y = x.copyto(mx.gpu(1))
    assert y.context == mx.gpu(1) and _device_of(y) == 1 and y.asnumpy().tolist() == [1.0, 2.0]
    z = nd.zeros(2, ctx=mx.gpu(0))
    y.copyto(z)
    assert _device_of(z) == 0 and z.asnumpy().tolist() == [1.0, 2.0]


@two_gpus
@pytest.mark.parametrize('i', [0, 1])
def test_assigning_host_and_device_values_into_a_gpu_array(i):
    x = nd.zeros(3, ctx=mx.gpu(i))
    x[:] = np.array([1, 2, 3])
    x[0] = 5
    x[1:] = nd.array([7, 8], ctx=mx.gpu(1 - i))  # from the other GPU
    assert x.asnumpy().tolist() == [5.0, 7.0, 8.0] and _device_of(x) == i
    x[:] = nd.array([4, 5, 6])  # from the CPU
    assert x.asnumpy().tolist() == [4.0, 5.0, 6.0]


@pytest.mark.parametrize('i', GPU_IDS)
def test_random_samples_are_made_on_the_named_gpu(i):
    ctx = mx.gpu(i)
    mx.random.seed(0)
    samples = [nd.random.uniform(shape=(4,), ctx=ctx), nd.random.normal(shape=(4,), ctx=ctx),
               nd.random.randint(0, 5, shape=(4,), ctx=ctx), nd.random.exponential(shape=(4,), ctx=ctx),
               nd.random.poisson(shape=(4,), ctx=ctx),
               nd.random.shuffle(nd.arange(4, ctx=ctx)),
               nd.random.multinomial(nd.array([[0.5, 0.5]], ctx=ctx))]
    for x in samples:
        assert x.context == ctx and _device_of(x) == i
    assert samples[2].dtype is np.int32 and sorted(samples[5].asnumpy().tolist()) == [0, 1, 2, 3]


@pytest.mark.parametrize('i', GPU_IDS)
def test_save_and_load_go_through_the_host_and_back_to_the_gpu(tmp_path, i):
    path = str(tmp_path / 'x.nd')
    nd.save(path, {'x': nd.array([[1, 2]], ctx=mx.gpu(i))})
    x = nd.load(path)['x']
    assert x.context == mx.gpu(i) and _device_of(x) == i and x.asnumpy().tolist() == [[1.0, 2.0]]


@two_gpus
def test_a_cupy_array_goes_through_the_host_like_mxnets():
    x = nd.array([1.0, 2.0], ctx=mx.gpu(0))
    y = nd.array(x._data, ctx=mx.gpu(1))  # nd.array(cupy_array): copied via the host
    assert y.context == mx.gpu(1) and _device_of(y) == 1 and y.asnumpy().tolist() == [1.0, 2.0]


def test_trainer_states_saved_on_the_gpu_load_back_onto_it(tmp_path):
    path = str(tmp_path / 'adam.states')
    mx.random.seed(0)
    net = nn.Dense(2, in_units=3)
    net.initialize(ctx=mx.gpu(0))
    trainer = gluon.Trainer(net.collect_params(), 'adam')
    with autograd.record():
        loss = net(nd.ones((1, 3), ctx=mx.gpu(0))).sum()
    loss.backward()
    trainer.step(1)
    trainer.save_states(path)
    again = gluon.Trainer(net.collect_params(), 'adam')
    again.load_states(path)
    saved, loaded = trainer._states[0][0], again._states[0][0]  # the weight's Adam (mean, var)
    assert [s.device.id for s in loaded] == [0, 0]
    assert [s.get().tolist() for s in loaded] == [s.get().tolist() for s in saved]


def test_dlpack_shares_device_memory():
    x = nd.array([1.0, 2.0], ctx=mx.gpu(0))
    y = nd.from_dlpack(x)
    y[0] = 7
    assert y.context == mx.gpu(0) and x.asnumpy().tolist() == [7.0, 2.0]


@counted
def test_array_and_asnumpy_each_copy_once(counts):
    x = nd.array(np.ones((2, 3)), ctx=mx.gpu(0))
    assert counts['to_device'] == 1
    x.asnumpy()
    x.as_in_context(mx.cpu())
    assert counts['to_host'] == 2 and counts['to_device'] == 1


@counted
def test_waitall_and_wait_to_read_synchronize_the_devices(counts):
    nd.ones(1, ctx=mx.gpu(0)).wait_to_read()
    assert counts['synchronize'] == 1
    nd.waitall()
    assert counts['synchronize'] == 1 + mx.context.num_gpus()


@counted
def test_a_training_step_on_the_gpu_copies_nothing_to_or_from_the_host(counts):
    mx.random.seed(0)
    ctx = mx.gpu(0)
    net = nn.Sequential()
    net.add(nn.Dense(8, activation='relu'), nn.Dense(2))
    net.initialize(ctx=ctx)
    trainer = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.01})
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    X = nd.random.uniform(shape=(4, 5), ctx=ctx)
    y = nd.array([0, 1, 1, 0], ctx=ctx)
    net(X)  # deferred initialization: the parameters are copied to the device once
    running = nd.zeros(1, ctx=ctx)
    before = dict(counts)
    for _ in range(3):
        with autograd.record():
            loss = loss_fn(net(X), y)
        loss.backward()
        trainer.step(4)
        running += loss.mean()
    assert counts['to_host'] == before.get('to_host', 0), 'a training step read the device'
    assert counts['to_device'] == before.get('to_device', 0), 'a training step copied host data in'
    assert running.asscalar() > 0 and counts['to_host'] == before.get('to_host', 0) + 1


@counted
def test_empty_cache_gives_the_pool_back(counts):
    import cupy
    pool = cupy.get_default_memory_pool()
    big = nd.ones((256, 1024), ctx=mx.gpu(0))
    assert pool.used_bytes() >= big.size * 4
    del big
    mx.gpu(0).empty_cache()
    assert pool.total_bytes() == pool.used_bytes()


def test_operations_on_gpu0_compute_there():
    x = nd.arange(1, 4, ctx=mx.gpu(0))
    x.attach_grad()
    with autograd.record():
        y = (x * x + 1).sum()
    y.backward()
    assert _device_of(y) == _device_of(x.grad) == 0 and x.grad.asnumpy().tolist() == [2.0, 4.0, 6.0]


@two_gpus
@pytest.mark.xfail(strict=True, raises=ValueError,
                   reason='known bug: ops on gpu(1) run on the current CUDA device (0): CuPy raises '
                          'without peer access, and with it computes on GPU 0; each op needs its '
                          "inputs' GPU made current")
def test_operations_on_gpu1_compute_there():
    x = nd.arange(1, 4, ctx=mx.gpu(1))
    y = x * x + 1
    assert _device_of(y) == 1 and y.asnumpy().tolist() == [2.0, 5.0, 10.0]


_OPS = {
    'sort/argsort/topk': lambda x: [nd.sort(x), nd.argsort(x), nd.topk(x, k=2, ret_typ='both')[0],
                                    nd.topk(x, k=2, ret_typ='mask')],
    'reductions': lambda x: [x.sum(axis=1), x.mean(), x.max(axis=0), x.argmax(axis=1), x.norm(),
                             nd.nansum(x), x.prod(axis=1)],
    'shapes': lambda x: [x.T, x.reshape((-1,)), x.expand_dims(0), nd.flip(x, 1), nd.tile(x, (2, 1)),
                         nd.repeat(x, 2, axis=0), nd.concat(x, x, dim=0), nd.stack(x, x),
                         nd.broadcast_to(x[0:1], (3, 4)), nd.split(x, 2, axis=1)[1]],
    'indexing': lambda x: [nd.take(x, nd.array([2, 0], ctx=x.context)), x[1], x[:, 1:3],
                           nd.pick(x, nd.array([0, 1, 3], ctx=x.context)),
                           nd.one_hot(nd.array([1, 3], ctx=x.context), 4),
                           nd.where(x > 0, x, -x)],
    'elementwise': lambda x: [nd.relu(x), nd.sigmoid(x), nd.tanh(x), nd.exp(x), nd.log(nd.abs(x) + 1),
                              nd.softmax(x), nd.log_softmax(x), x.clip(-0.5, 0.5), nd.sin(x),
                              x % 0.3, x ** 2, nd.maximum(x, 0.1), nd.round(x)],
    'products': lambda x: [nd.dot(x, x.T), nd.batch_dot(x.expand_dims(0), x.T.expand_dims(0)),
                           nd.FullyConnected(x, x, num_hidden=3, no_bias=True)],
}


@pytest.mark.parametrize('family', sorted(_OPS))
def test_ops_and_their_gradients_on_gpu0_agree_with_the_cpu(family):
    mx.random.seed(0)
    host = nd.random.normal(shape=(3, 4))
    results = {}
    for ctx in (mx.cpu(), mx.gpu(0)):
        x = host.as_in_context(ctx)
        x.attach_grad()
        with autograd.record():
            outs = _OPS[family](x)
            loss = sum(o.astype('float32').sum() for o in outs)
        loss.backward()
        assert all(o.context == ctx for o in outs)
        results[ctx] = [o.asnumpy() for o in outs] + [x.grad.asnumpy()]
    for on_cpu, on_gpu in zip(results[mx.cpu()], results[mx.gpu(0)]):
        np.testing.assert_allclose(on_gpu, on_cpu, rtol=1e-5, atol=1e-6)
