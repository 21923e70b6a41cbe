"""minigluon worker: the bench workloads written as MXNet Gluon code (imperative)."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))

from _common import data, run_worker  # noqa: E402

import minigluon as mx  # noqa: E402
from minigluon import autograd, gluon, nd  # noqa: E402
from minigluon.gluon import nn  # noqa: E402


def mlp(sizes, ctx=None, in_units=None):
    """Dense(h, relu) for the hidden sizes, Dense(out) last; in_units given: no deferral."""
    net = nn.Sequential()
    with net.name_scope():
        prev = in_units or 0
        for h in sizes[:-1]:
            net.add(nn.Dense(h, activation='relu', in_units=prev))
            prev = h if in_units else 0
        net.add(nn.Dense(sizes[-1], in_units=prev))
    net.initialize(ctx=ctx)
    return net


def fwd(in_dim, hidden, out, batch):
    def factory():
        net = mlp([hidden, out])
        x = nd.array(data((batch, in_dim), 0))
        net(x)  # deferred init out of the timed loop

        def call():
            net(x)
        return call
    return factory


def fwdbwd(in_dim, hidden, out, batch, ctx=None):
    def factory():
        if ctx is not None and mx.context.num_gpus() == 0:
            return 'no GPU: minigluon.context.num_gpus() == 0 (needs CUDA and CuPy)'
        net = mlp(hidden + [out], ctx=ctx)
        x = nd.array(data((batch, in_dim), 0), ctx=ctx)
        net(x)
        sync = ctx.xp.cuda.Device(ctx.device_id).synchronize if ctx is not None else None

        def call():
            with autograd.record():
                y = net(x)
                loss = y.sum()
            loss.backward()
            if sync is not None:
                sync()
        return call
    return factory


def train_step():
    net = mlp([256, 10])
    x = nd.array(data((256, 784), 0))
    label = nd.array(data((256, 10), 1, 'labels'))
    net(x)
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.01})

    def step():
        with autograd.record():
            loss = loss_fn(net(x), label)
        loss.backward()
        trainer.step(256)
    return step


def save_load():
    net = mlp([1024, 1024, 10], in_units=784)
    tmp = tempfile.mkdtemp(prefix='bench_mg_')
    path = os.path.join(tmp, 'mlp.params')

    def call():
        net.save_parameters(path)
        net.load_parameters(path)
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
        net(x)
    return call


TIMED = {
    'a_fwd': fwd(20, 256, 10, 2),
    'a_fwdbwd': fwdbwd(20, [256], 10, 2),
    'b_fwdbwd': fwdbwd(784, [256], 10, 256),
    'c_train_step': train_step,
    'd_save_load': save_load,
    'e_deferred_init': deferred_init,
    'g_gpu_784_fwdbwd': fwdbwd(784, [256], 10, 256, ctx=mx.gpu(0)),
    'g_gpu_4096_fwdbwd': fwdbwd(4096, [4096, 4096], 10, 4096, ctx=mx.gpu(0)),
}

if __name__ == '__main__':
    run_worker('minigluon', mx.__version__, TIMED, memory_step=train_step)
