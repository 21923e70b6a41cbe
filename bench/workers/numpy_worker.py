"""The floor: the same workloads in plain NumPy, every gradient written by hand.

No graph, no objects per op: matmuls, relu and their gradients, nothing else. The input
gradient of the first layer is not computed (no framework needs it: x is not a variable).
With a GPU and CuPy, the GPU workloads run the same code on CuPy.
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import data, run_worker  # noqa: E402

import numpy as np  # noqa: E402


def init_mlp(sizes, xp=np, seed=0):
    """[(W, b), ...] with W (out, in) as in Gluon, uniform(-0.07, 0.07) like its default."""
    rng = np.random.default_rng(seed)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        w = rng.uniform(-0.07, 0.07, (n_out, n_in)).astype(np.float32)
        layers.append([xp.asarray(w), xp.zeros(n_out, np.float32)])
    return layers


def forward(layers, x, keep=None):
    """relu on every layer but the last; ``keep`` collects (input, pre-activation) pairs."""
    h = x
    for i, (w, b) in enumerate(layers):
        z = h @ w.T + b
        if keep is not None:
            keep.append((h, z))
        h = np.maximum(z, 0) if i < len(layers) - 1 else z
    return h


def backward(layers, keep, gy):
    """Gradients (dW, db) per layer from the gradient of the output ``gy``."""
    grads = [None] * len(layers)
    g = gy
    for i in range(len(layers) - 1, -1, -1):
        h, z = keep[i]
        if i < len(layers) - 1:
            g = g * (z > 0)
        grads[i] = (g.T @ h, g.sum(axis=0))
        if i > 0:
            g = g @ layers[i][0]
    return grads


def fwd(sizes, batch):
    def factory():
        layers = init_mlp(sizes)
        x = data((batch, sizes[0]), 0)

        def call():
            forward(layers, x)
        return call
    return factory


def fwdbwd(sizes, batch, gpu=False):
    def factory():
        xp = np
        sync = None
        if gpu:
            try:
                import cupy as xp
                if xp.cuda.runtime.getDeviceCount() == 0:
                    raise RuntimeError('no CUDA device')
            except Exception as err:
                return 'no GPU for the CuPy floor (%s: %s)' % (type(err).__name__, err)
            sync = xp.cuda.Device().synchronize
        layers = init_mlp(sizes, xp)
        x = xp.asarray(data((batch, sizes[0]), 0))

        def call():
            keep = []
            y = forward(layers, x, keep)
            backward(layers, keep, xp.ones_like(y))  # loss = y.sum()
            if sync is not None:
                sync()
        return call
    return factory


def train_step():
    layers = init_mlp([784, 256, 10])
    x = data((256, 784), 0)
    label = data((256, 10), 1, 'labels').astype(np.int64)
    rows = np.arange(256)
    lr = 0.01

    def step():
        keep = []
        y = forward(layers, x, keep)
        # softmax cross-entropy, mean over the batch: d/dy = (softmax(y) - onehot) / n
        e = np.exp(y - y.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        loss = -np.log(p[rows, label])  # computed, as a framework would  # noqa: F841
        p[rows, label] -= 1
        grads = backward(layers, keep, p / 256)
        for (w, b), (gw, gb) in zip(layers, grads):
            w -= lr * gw
            b -= lr * gb
    return step


def save_load():
    layers = init_mlp([784, 1024, 1024, 10])
    tmp = tempfile.mkdtemp(prefix='bench_np_')
    path = os.path.join(tmp, 'mlp.npz')

    def call():
        np.savez(path, **{'%d.%s' % (i, n): a for i, layer in enumerate(layers)
                          for n, a in zip(('weight', 'bias'), layer)})
        with np.load(path) as f:
            for i, layer in enumerate(layers):
                layer[0][...] = f['%d.weight' % i]
                layer[1][...] = f['%d.bias' % i]
    call.cleanup = lambda: shutil.rmtree(tmp, ignore_errors=True)
    return call


def deferred_init():
    x = data((2, 20), 0)
    rng = np.random.default_rng(0)

    def call():
        h, layers = x, []
        for _ in range(10):  # shapes from the input, as deferred init does
            w = rng.uniform(-0.07, 0.07, (256, h.shape[1])).astype(np.float32)
            b = np.zeros(256, np.float32)
            layers.append((w, b))
            h = h @ w.T + b
    return call


TIMED = {
    'a_fwd': fwd([20, 256, 10], 2),
    'a_fwdbwd': fwdbwd([20, 256, 10], 2),
    'b_fwdbwd': fwdbwd([784, 256, 10], 256),
    'c_train_step': train_step,
    'd_save_load': save_load,
    'e_deferred_init': deferred_init,
    'g_gpu_784_fwdbwd': fwdbwd([784, 256, 10], 256, gpu=True),
    'g_gpu_4096_fwdbwd': fwdbwd([4096, 4096, 4096, 10], 4096, gpu=True),
}

if __name__ == '__main__':
    run_worker('numpy', np.__version__, TIMED, memory_step=train_step)
