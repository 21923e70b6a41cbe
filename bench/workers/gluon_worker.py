"""The Gluon worker: the bench workloads as MXNet Gluon code, run on minigluon or on real
MXNet 1.x (``--framework``). One source for both is the point: minigluon runs MXNet code
unchanged. MXNet runs operators asynchronously, so every timed call ends by waiting for its
results (``wait_to_read`` / ``nd.waitall``); on minigluon those wait for a GPU's queue and
are no-ops on the CPU. Blocks are not hybridized (minigluon cannot be)."""
import importlib
import os
import shutil
import sys
import tempfile
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
FRAMEWORK = sys.argv[sys.argv.index('--framework') + 1] if '--framework' in sys.argv else 'minigluon'
if FRAMEWORK == 'minigluon':
    sys.path.insert(1, os.path.join(HERE, '..', '..'))
warnings.filterwarnings('ignore')

from _common import data, run_worker  # noqa: E402

mx = importlib.import_module(FRAMEWORK)
autograd, gluon, nd, nn = mx.autograd, mx.gluon, mx.nd, mx.gluon.nn


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
        net(x).wait_to_read()  # deferred init out of the timed loop

        def call():
            net(x).wait_to_read()
        return call
    return factory


def fwdbwd(in_dim, hidden, out, batch, ctx=None):
    def factory():
        if ctx is not None and mx.context.num_gpus() == 0:
            return 'no GPU: %s.context.num_gpus() == 0' % FRAMEWORK
        net = mlp(hidden + [out], ctx=ctx)
        x = nd.array(data((batch, in_dim), 0), ctx=ctx)
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
    tmp = tempfile.mkdtemp(prefix='bench_%s_' % FRAMEWORK)
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
    'a_fwdbwd': fwdbwd(20, [256], 10, 2),
    'b_fwdbwd': fwdbwd(784, [256], 10, 256),
    'c_train_step': train_step,
    'd_save_load': save_load,
    'e_deferred_init': deferred_init,
    'g_gpu_784_fwdbwd': fwdbwd(784, [256], 10, 256, ctx=mx.gpu(0)),
    'g_gpu_4096_fwdbwd': fwdbwd(4096, [4096, 4096], 10, 4096, ctx=mx.gpu(0)),
}

if __name__ == '__main__':
    info = {'engine': os.environ.get('MXNET_ENGINE_TYPE', 'ThreadedEnginePerDevice')} \
        if FRAMEWORK == 'mxnet' else None
    run_worker(FRAMEWORK, mx.__version__, TIMED, memory_step=train_step, info=info)
