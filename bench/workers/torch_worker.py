"""PyTorch worker: the same workloads in idiomatic eager PyTorch (CPU; CUDA for --gpu)."""
import os
import shutil
import sys
import tempfile
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import data, parse_args, run_worker  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

torch.set_num_threads(parse_args().threads)
warnings.filterwarnings('ignore', message='Lazy modules are a new feature')


def mlp(sizes, device='cpu'):
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers).to(device)


def fwd(sizes, batch):
    def factory():
        net = mlp(sizes)
        x = torch.from_numpy(data((batch, sizes[0]), 0))

        def call():
            with torch.no_grad():  # Gluon outside autograd.record() builds no graph either
                net(x)
        return call
    return factory


def fwdbwd(sizes, batch, gpu=False):
    def factory():
        device, sync = 'cpu', None
        if gpu:
            if not torch.cuda.is_available():
                return 'no GPU: torch.cuda.is_available() is False'
            device, sync = 'cuda', torch.cuda.synchronize
        net = mlp(sizes, device)
        x = torch.from_numpy(data((batch, sizes[0]), 0)).to(device)

        def call():
            # gradients accumulate into .grad (one in-place add), Gluon overwrites (one copy)
            net(x).sum().backward()
            if sync is not None:
                sync()
        return call
    return factory


def train_step():
    net = mlp([784, 256, 10])
    x = torch.from_numpy(data((256, 784), 0))
    label = torch.from_numpy(data((256, 10), 1, 'labels')).long()
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        loss_fn(net(x), label).backward()
        opt.step()
    return step


def save_load():
    net = mlp([784, 1024, 1024, 10])
    tmp = tempfile.mkdtemp(prefix='bench_torch_')
    path = os.path.join(tmp, 'mlp.pt')

    def call():
        torch.save(net.state_dict(), path)
        net.load_state_dict(torch.load(path))
    call.cleanup = lambda: shutil.rmtree(tmp, ignore_errors=True)
    return call


def deferred_init():
    x = torch.from_numpy(data((2, 20), 0))

    def call():
        net = nn.Sequential(*[nn.LazyLinear(256) for _ in range(10)])
        with torch.no_grad():
            net(x)
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
    run_worker('torch', torch.__version__, TIMED, memory_step=train_step,
               info={'torch_threads': torch.get_num_threads(),
                     'cuda': torch.cuda.is_available()})
