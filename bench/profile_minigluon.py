"""Profile minigluon on the bench workloads: where does the time of one call go?

    python bench/profile_minigluon.py [--out bench/results] [--workloads a_fwdbwd,...]

For each workload: the unprofiled time per call, then cProfile over many calls with every
function's time divided by the number of calls (microseconds per workload call), grouped
into the layers of minigluon (Block.__call__, Parameter.data, NDArray creation, tape
recording, backward, numpy kernels...), then the top functions. NumPy's ufuncs and the
``@`` operator do not show up in cProfile: their time is in the tottime of the Python
function that calls them (FullyConnected, relu, the backward closures). Writes
<out>/profile_<workload>.txt. Run with OMP_NUM_THREADS=1 to match the bench.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, 'workers'))
sys.path.insert(1, os.path.dirname(HERE))
for var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ.setdefault(var, '1')

import gluon_worker as mgw  # noqa: E402  - the Gluon worker runs minigluon by default
from _common import FULL, WORKLOADS, measure  # noqa: E402

# (category, predicate on (file, line, function name)); the first match wins.
CATEGORIES = [
    ('Block.__call__ + forward (block.py, basic_layers.py)',
     lambda f, n: f.endswith(('gluon/block.py', 'nn/basic_layers.py'))),
    ('Parameter.data / parameters (parameter.py)', lambda f, n: f.endswith('gluon/parameter.py')),
    ('NDArray creation (NDArray.__init__, current_context)',
     lambda f, n: (f.endswith('ndarray/ndarray.py') and n == '__init__')
     or (f.endswith('context.py') and n == 'current_context')),
    ('tape recording (ops._record, autograd.record_node)',
     lambda f, n: (f.endswith('ndarray/ops.py') and n in ('_record', '<genexpr>'))
     or n == 'record_node'),
    ('backward: topological sort (_topological_order / _graph)',
     lambda f, n: n in ('_topological_order', '_graph', '_node_number')),
    ('backward: chain rule + grad writes (autograd.py)', lambda f, n: f.endswith('autograd.py')),
    ('op backward closures (ops.py backward/lambda: kernels inline)',
     lambda f, n: f.endswith('ndarray/ops.py') and (n in ('backward', '<lambda>', '_sum_to'))),
    ('op forwards (ops.py, ndarray.py: kernels inline)',
     lambda f, n: f.endswith(('ndarray/ops.py', 'ndarray/ndarray.py'))),
    ('initializers + random streams (initializer.py, random.py)',
     lambda f, n: f.endswith(('initializer.py', 'random.py'))),
    ('files: nd.save / nd.load (ndarray/utils.py)', lambda f, n: f.endswith('ndarray/utils.py')),
    ('loss + trainer + optimizer', lambda f, n: f.endswith(('loss.py', 'trainer.py', 'optimizer.py'))),
    ('numpy/builtin C functions called directly', lambda f, n: f == '~'),
    ('other Python (numpy wrappers, name.py, stdlib)', lambda f, n: True),
]


def factory_of(wid):
    return {'a_fwd': mgw.TIMED['a_fwd'], 'a_fwdbwd': mgw.TIMED['a_fwdbwd'],
            'b_fwdbwd': mgw.TIMED['b_fwdbwd'], 'c_train_step': mgw.train_step,
            'd_save_load': mgw.save_load, 'e_deferred_init': mgw.deferred_init}[wid]


def profile(wid: str, calls: int) -> str:
    fn = factory_of(wid)()
    timing = measure(fn, FULL)
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    for _ in range(calls):
        fn()
    prof.disable()
    profiled_us = (time.perf_counter() - t) / calls * 1e6
    getattr(fn, 'cleanup', lambda: None)()
    stats = pstats.Stats(prof)
    rows = []  # (tottime us/call, ncalls/call, file, line, name, cumtime us/call)
    for (f, line, name), (_cc, nc, tt, ct, _callers) in stats.stats.items():
        rows.append((tt / calls * 1e6, nc / calls, f, line, name, ct / calls * 1e6))
    total = sum(r[0] for r in rows)
    groups = {}
    for tt, nc, f, line, name, _ct in rows:
        for label, pred in CATEGORIES:
            if pred(f, name):
                g = groups.setdefault(label, [0.0, 0.0])
                g[0] += tt
                g[1] += nc
                break
    out = io.StringIO()
    w = out.write
    w('minigluon profile: %s (%s)\n' % (wid, WORKLOADS[wid]))
    w('unprofiled: %.1f us per call (best of %d x %d calls); under cProfile: %.1f us per call '
      '(%d calls)\n\n' % (timing['us'], timing['repeats'], timing['calls'], profiled_us, calls))
    w('Time by layer (cProfile tottime per workload call; the share is of the profiled total,\n'
      'scaled = share x the unprofiled time):\n')
    w('%-64s %10s %8s %10s %8s\n' % ('layer', 'us/call', 'share', 'scaled us', 'calls'))
    for label, (tt, nc) in sorted(groups.items(), key=lambda kv: -kv[1][0]):
        w('%-64s %10.1f %7.1f%% %10.1f %8.1f\n'
          % (label, tt, tt / total * 100, tt / total * timing['us'], nc))
    w('%-64s %10.1f\n\n' % ('total', total))
    w('Top 30 functions by tottime (us per workload call; ncalls per workload call):\n')
    w('%10s %10s %8s  %s\n' % ('tottime', 'cumtime', 'ncalls', 'function'))
    for tt, nc, f, line, name, ct in sorted(rows, key=lambda r: -r[0])[:30]:
        where = name if f == '~' else '%s:%d(%s)' % (short(f), line, name)
        w('%10.1f %10.1f %8.1f  %s\n' % (tt, ct, nc, where))
    return out.getvalue()


def short(path):
    for key in ('minigluon/', 'numpy/', 'bench/'):
        if key in path:
            return key + path.split(key, 1)[1]
    return os.path.basename(path)


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument('--out', default=os.path.join(HERE, 'results'))
    p.add_argument('--workloads', default='a_fwd,a_fwdbwd,b_fwdbwd,c_train_step,d_save_load,'
                                          'e_deferred_init')
    args = p.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    calls = {'a_fwd': 3000, 'a_fwdbwd': 2000, 'b_fwdbwd': 100, 'c_train_step': 100,
             'd_save_load': 20, 'e_deferred_init': 10}
    for wid in args.workloads.split(','):
        text = profile(wid, calls[wid])
        path = os.path.join(args.out, 'profile_%s.txt' % wid)
        with open(path, 'w') as f:
            f.write(text)
        print(text)
        print('wrote', path)


if __name__ == '__main__':
    main()
