"""Measure candidate speed-ups of minigluon's hot path without editing minigluon.

    python bench/whatif_minigluon.py [--out bench/results]

Each candidate is a monkeypatch applied in this process only: it is first checked to give
the same results as minigluon (gradients, file bytes, random values), then the affected
workloads are timed with and without it, alternating, best of 3. Writes
<out>/profile_whatif.txt. These are suggestions for minigluon/, measured; nothing here
changes the library.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import struct
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, 'workers'))
sys.path.insert(1, os.path.dirname(HERE))
for var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ.setdefault(var, '1')

import numpy as np  # noqa: E402

import minigluon_worker as mgw  # noqa: E402
from _common import FULL, measure  # noqa: E402
from minigluon import autograd, nd, random as mx_random  # noqa: E402
from minigluon.gluon import nn, parameter  # noqa: E402
from minigluon.ndarray import ops, utils as nd_utils  # noqa: E402
from minigluon.ndarray.ndarray import NDArray, same_context  # noqa: E402


@contextlib.contextmanager
def patched(obj, name, value):
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


# ----- 1. FullyConnected: no gradient for an input that is not in the graph -----------------
def fully_connected_lazy(data, weight, bias=None, num_hidden=None, no_bias=False, flatten=True):
    """ops.FullyConnected, but backward skips ``g @ w`` when ``data`` needs no gradient."""
    ctx = same_context('FullyConnected', data, weight)
    x, w = data._data, weight._data
    x2 = x.reshape(x.shape[0], -1) if flatten else x.reshape(-1, x.shape[-1])
    out = x2 @ w.T
    if bias is not None and not no_bias:
        out += bias._data
    if not flatten:
        out = out.reshape(x.shape[:-1] + (w.shape[0],))
    need_x = data._node is not None

    def backward(g):
        g2 = g.reshape(-1, w.shape[0])
        grads = ((g2 @ w).reshape(x.shape) if need_x else None, g2.T @ x2)
        return grads if bias is None or no_bias else grads + (g2.sum(axis=0),)
    inputs = (data, weight) if bias is None or no_bias else (data, weight, bias)
    return ops._record(NDArray(out, ctx), backward, inputs)


def check_fc():
    net = mgw.mlp([256, 10])
    x = nd.array(np.random.default_rng(0).standard_normal((8, 784)).astype('f'))
    grads = []
    for patch in (False, True):
        with patched(ops, 'FullyConnected', fully_connected_lazy) if patch else contextlib.nullcontext():
            with autograd.record():
                loss = net(x).sum()
            loss.backward()
        grads.append([p.grad().asnumpy() for p in net.collect_params().values()])
    assert all(np.array_equal(a, b) for a, b in zip(*grads)), 'gradients differ'
    return 'gradients identical'


# ----- 2. save: no copies of the arrays, streamed writes; optionally no fsync ---------------
def reduce_no_copy(self):
    arrays = self._check_and_get(self._data, list)
    if len(arrays) == 1 and isinstance(arrays[0]._data, np.ndarray):
        return arrays[0]  # save only reads it
    return ORIGINAL_REDUCE(self)


ORIGINAL_REDUCE = parameter.Parameter._reduce


def make_save(fsync: bool):
    def save(fname, data):
        arrays, names = nd_utils._named_arrays(data)
        fname = os.fspath(fname)
        folder = os.path.dirname(os.path.abspath(fname))
        fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(fname) + '.', suffix='.tmp',
                                   dir=folder)
        try:
            with os.fdopen(fd, 'wb') as f:
                f.write(struct.pack('<QQQ', nd_utils._LIST_MAGIC, 0, len(arrays)))
                for array in arrays:
                    host = array._data if isinstance(array._data, np.ndarray) else array.asnumpy()
                    flag = nd_utils._DTYPE_TO_FLAG[host.dtype]
                    ctx = array.context
                    f.write(struct.pack('<Iii', nd_utils._ARRAY_MAGIC, 0, host.ndim)
                            + struct.pack('<%dq' % host.ndim, *host.shape)
                            + struct.pack('<iii', nd_utils._DEV_TYPES[ctx.device_type],
                                          ctx.device_id, flag))
                    if host.ndim and host.flags.c_contiguous and host.dtype.byteorder in '<=|':
                        f.write(memoryview(host).cast('B'))  # the array's own memory, no copy
                    else:
                        f.write(host.astype(host.dtype.newbyteorder('<')).tobytes('C'))
                f.write(struct.pack('<Q', len(names)))
                for name in names:
                    encoded = name.encode('utf-8')
                    f.write(struct.pack('<Q', len(encoded)) + encoded)
                if fsync:
                    f.flush()
                    os.fsync(f.fileno())
            os.chmod(tmp, nd_utils._new_file_mode(fname))
            os.replace(tmp, fname)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    return save


def check_save():
    net = mgw.mlp([64, 10], in_units=30)
    with tempfile.TemporaryDirectory() as tmp:
        a, b = os.path.join(tmp, 'a.params'), os.path.join(tmp, 'b.params')
        net.save_parameters(a)
        with patched(nd_utils, 'save', make_save(False)), \
                patched(parameter.Parameter, '_reduce', reduce_no_copy):
            net.save_parameters(b)
        with open(a, 'rb') as fa, open(b, 'rb') as fb:
            assert fa.read() == fb.read(), 'saved bytes differ'
    return 'saved files byte-identical'


# ----- 3. random: raw mt19937 words from each stream, one vectorized conversion -------------
def uniform_raw(self, low, high, n, double):
    if double:
        return ORIGINAL_UNIFORM(self, low, high, n, double)
    words = [stream._bit_generator.random_raw(k) for stream, k in self._chunks(n) if k > 0]
    bits = np.concatenate(words).astype(np.uint32) if words else np.empty(0, np.uint32)
    u = np.minimum(bits.astype(np.float32) / mx_random._TWO_32, mx_random._BELOW_ONE)
    return u * np.float32(high - low) + np.float32(low)


ORIGINAL_UNIFORM = mx_random._MXNetCPUSampler.uniform


def check_random():
    outs = []
    for patch in (False, True):
        mx_random.seed(7)
        ctx = patched(mx_random._MXNetCPUSampler, 'uniform', uniform_raw) if patch \
            else contextlib.nullcontext()
        with ctx:
            outs.append([nd.random.uniform(-0.07, 0.07, shape=s).asnumpy()
                         for s in [(5,), (64,), (65,), (256, 20), (256, 256), (1000, 333)]])
    assert all(np.array_equal(a, b) for a, b in zip(*outs)), 'random values differ'
    return 'uniform samples bit-identical (seed 7, 6 shapes)'


CANDIDATES = [
    ('FullyConnected.backward skips the input gradient (g @ w) when the input is not '
     'recorded (minigluon/ndarray/ops.py; already in minigluon\'s working tree when last '
     'measured, so ~1.00x; at 771c846 it was 815 of 2625 us of b_fwdbwd)', check_fc,
     [(ops, 'FullyConnected', fully_connected_lazy)], ['a_fwdbwd', 'b_fwdbwd', 'c_train_step']),
    ('save: Parameter._reduce without a copy + nd.save writing each array\'s memory directly '
     '(no asnumpy/tobytes/join copies), fsync kept', check_save,
     [(nd_utils, 'save', make_save(True)), (parameter.Parameter, '_reduce', reduce_no_copy)],
     ['d_save_load']),
    ('same, and no fsync (MXNet does not fsync)', None,
     [(nd_utils, 'save', make_save(False)), (parameter.Parameter, '_reduce', reduce_no_copy)],
     ['d_save_load']),
    ('random.uniform: random_raw words from each mt19937 stream, one vectorized float '
     'conversion (minigluon/random.py)', check_random,
     [(mx_random._MXNetCPUSampler, 'uniform', uniform_raw)], ['e_deferred_init']),
]


def time_workload(wid, patches) -> float:
    factory = {'a_fwdbwd': mgw.TIMED['a_fwdbwd'], 'b_fwdbwd': mgw.TIMED['b_fwdbwd'],
               'c_train_step': mgw.train_step, 'd_save_load': mgw.save_load,
               'e_deferred_init': mgw.deferred_init}[wid]
    with contextlib.ExitStack() as stack:
        for obj, name, value in patches:
            stack.enter_context(patched(obj, name, value))
        fn = factory()
        try:
            return measure(fn, FULL)['us']
        finally:
            getattr(fn, 'cleanup', lambda: None)()


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument('--out', default=os.path.join(HERE, 'results'))
    args = p.parse_args(argv)
    lines = ['minigluon what-if: candidate changes measured as monkeypatches (us per call, best '
             'of 3 alternating runs, 1 thread)', '']
    for title, check, patches, workloads in CANDIDATES:
        lines.append('* ' + title)
        if check is not None:
            lines.append('  check: ' + check())
        for wid in workloads:
            base, new = [], []
            for _ in range(3):
                base.append(time_workload(wid, []))
                new.append(time_workload(wid, patches))
            b, n = min(base), min(new)
            lines.append('  %-16s %10.1f -> %10.1f us  (%.2fx, %+.0f%%)'
                         % (wid, b, n, n / b, (n / b - 1) * 100))
        lines.append('')
        print('\n'.join(lines[-len(workloads) - 3:]))
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, 'profile_whatif.txt')
    with open(path, 'w') as f:
        f.write('\n'.join(lines))
    print('wrote', path)


if __name__ == '__main__':
    main()
