"""Gluon on a real GPU: nets on gpu(0), several contexts at once, files across devices.
Skipped without a GPU (tests/conftest.py); scripts/gpu_proof.sh runs them on one."""
import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, gluon, nd
from minigluon.base import MXNetError
from minigluon.gluon import nn

pytestmark = pytest.mark.gpu


def _net(ctx):
    """The same parameters on every call: in_units makes initialize() draw them right after
    the seed (a deferred init would draw at the first forward, after other nets' draws)."""
    mx.random.seed(0)
    net = nn.Sequential()
    net.add(nn.Dense(16, activation='relu', in_units=5), nn.Dense(3, in_units=16))
    net.initialize(ctx=ctx)
    return net


def test_net_on_gpu_matches_the_same_net_on_cpu():
    x = nd.random.uniform(shape=(4, 5))
    cpu_net, gpu_net = _net(mx.cpu()), _net(mx.gpu(0))
    for net, ctx in ((cpu_net, mx.cpu()), (gpu_net, mx.gpu(0))):
        with autograd.record():
            loss = net(x.as_in_context(ctx)).sum()
        loss.backward()
    assert gpu_net[0].weight.data().context == mx.gpu(0)
    np.testing.assert_allclose(gpu_net(x.as_in_context(mx.gpu(0))).asnumpy(),
                               cpu_net(x).asnumpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gpu_net[0].weight.grad().asnumpy(),
                               cpu_net[0].weight.grad().asnumpy(), rtol=1e-5, atol=1e-6)


def test_initialize_on_gpu_and_cpu_gives_equal_copies_and_steps_them_together():
    net = _net([mx.gpu(0), mx.cpu()])
    w = net[0].weight
    assert w.list_ctx() == [mx.gpu(0), mx.cpu()]
    x = nd.random.uniform(shape=(4, 5))
    assert np.array_equal(w.data(mx.gpu(0)).asnumpy(), w.data(mx.cpu()).asnumpy())
    outputs = []
    for ctx in (mx.gpu(0), mx.cpu()):
        with autograd.record():
            loss = net(x.as_in_context(ctx)).sum()
        loss.backward()
        outputs.append(loss.asscalar())
    np.testing.assert_allclose(outputs[0], outputs[1], rtol=1e-5)
    gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1}).step(4)
    np.testing.assert_allclose(w.data(mx.gpu(0)).asnumpy(), w.data(mx.cpu()).asnumpy(), rtol=1e-5)


def test_a_net_only_on_gpu_refuses_cpu_input_with_mxnets_message():
    net = _net(mx.gpu(0))
    with pytest.raises(RuntimeError, match=r'was not initialized on context cpu\(0\). It was only '
                                           r'initialized on \[gpu\(0\)\]'):
        net(nd.ones((2, 5)))
    with pytest.raises(MXNetError, match='require all inputs live on the same context'):
        nd.dot(nd.ones((2, 5), ctx=mx.gpu(0)), nd.ones((5, 2)))


def test_parameters_saved_on_gpu_load_on_cpu_and_back(tmp_path):
    path = str(tmp_path / 'net.params')
    x = nd.random.uniform(shape=(4, 5))
    gpu_net = _net(mx.gpu(0))
    expected = gpu_net(x.as_in_context(mx.gpu(0))).asnumpy()
    gpu_net.save_parameters(path)
    cpu_net = _net(mx.cpu())
    cpu_net.load_parameters(path)
    np.testing.assert_allclose(cpu_net(x).asnumpy(), expected, rtol=1e-5, atol=1e-6)
    cpu_net.save_parameters(path)
    back = _net(mx.gpu(0))
    back.load_parameters(path, ctx=mx.gpu(0))
    assert back[0].weight.data().context == mx.gpu(0)
    np.testing.assert_allclose(back(x.as_in_context(mx.gpu(0))).asnumpy(), expected,
                               rtol=1e-5, atol=1e-6)


def test_an_initialized_gpu_net_loads_parameters_from_the_cpu_file(tmp_path):
    path = str(tmp_path / 'cpu.params')
    x = nd.random.uniform(shape=(4, 5))
    cpu_net = _net(mx.cpu())
    expected = cpu_net(x).asnumpy()
    cpu_net.save_parameters(path)
    gpu_net = _net(mx.gpu(0))
    gpu_net(x.as_in_context(mx.gpu(0)))  # initialized: loading goes through set_data
    gpu_net.load_parameters(path, ctx=mx.gpu(0))
    np.testing.assert_allclose(gpu_net(x.as_in_context(mx.gpu(0))).asnumpy(), expected,
                               rtol=1e-5, atol=1e-6)
