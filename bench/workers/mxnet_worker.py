"""Apache MXNet 1.x worker: the same Gluon code as the minigluon worker, on real MXNet.

MXNet runs operators asynchronously, so every timed call ends by waiting for its results
(``wait_to_read`` / ``nd.waitall``). Blocks are not hybridized (minigluon cannot be).
"""
import os
import shutil
import sys
import tempfile
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import data, run_worker  # noqa: E402

warnings.filterwarnings('ignore')
import mxnet as mx  # noqa: E402
from mxnet import autograd, gluon, nd  # noqa: E402
from mxnet.gluon import nn  # noqa: E402


def mlp(sizes, in_units=None):
    net = nn.Sequential()
    with net.name_scope():
        prev = in_units or 0
        for h in sizes[:-1]:
            net.add(nn.Dense(h, activation='relu', in_units=prev))
            prev = h if in_units else 0
        net.add(nn.Dense(sizes[-1], in_units=prev))
    net.initialize()
    return net


def fwd(in_dim, hidden, out, batch):
    def factory():
        net = mlp([hidden, out])
        x = nd.array(data((batch, in_dim), 0))
        net(x).wait_to_read()

        def call():
            net(x).wait_to_read()
        return call
    return factory


def fwdbwd(in_dim, hidden, out, batch):
    def factory():
        net = mlp([hidden, out])
        x = nd.array(data((batch, in_dim), 0))
        net(x).wait_to_read()

        def call():
            with autograd.record():
                loss = net(x).sum()
            loss.backward()
            nd.waitall()
        return call
    return factory


def train_step():
    net = mlp([256, 10])
    x = nd.array(data((256, 784), 0))
    label = nd.array(data((256, 10), 1, 'labels'))
    net(x).wait_to_read()
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.01})

    def step():
        with autograd.record():
            loss = loss_fn(net(x), label)
        loss.backward()
        trainer.step(256)
        nd.waitall()
    return step


def save_load():
    net = mlp([1024, 1024, 10], in_units=784)
    tmp = tempfile.mkdtemp(prefix='bench_mx_')
    path = os.path.join(tmp, 'mlp.params')

    def call():
        net.save_parameters(path)
        net.load_parameters(path)
        nd.waitall()
    call.cleanup = lambda: shutil.rmtree(tmp, ignore_errors=True)
    return call


def deferred_init():
    x = nd.array(data((2, 20), 0))

    def call():
        net = nn.Sequential()
        with net.name_scope():
            for _ in range(10):
                net.add(nn.Dense(256))
        net.initialize()
        net(x).wait_to_read()
    return call


TIMED = {
    'a_fwd': fwd(20, 256, 10, 2),
    'a_fwdbwd': fwdbwd(20, 256, 10, 2),
    'b_fwdbwd': fwdbwd(784, 256, 10, 256),
    'c_train_step': train_step,
    'd_save_load': save_load,
    'e_deferred_init': deferred_init,
}

if __name__ == '__main__':
    run_worker('mxnet', mx.__version__, TIMED, memory_step=train_step,
               info={'engine': os.environ.get('MXNET_ENGINE_TYPE', 'ThreadedEnginePerDevice')})
