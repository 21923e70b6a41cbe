"""Shared by every worker: the timing loop, RSS readings, the workload list and JSON output.

Workers run under other interpreters (a torch venv, an MXNet venv) that do not have
minigluon installed, so this file imports nothing but the standard library.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import sys
import time

MARKER = 'BENCH_JSON:'

# id -> (title, kind). Kinds: 'time' (microseconds per call), 'memory' (fresh process).
WORKLOADS = {
    'a_fwd': 'MLP 20-256-10, batch 2: forward',
    'a_fwdbwd': 'MLP 20-256-10, batch 2: forward+backward',
    'b_fwdbwd': 'MLP 784-256-10, batch 256: forward+backward',
    'c_train_step': 'MLP 784-256-10, batch 256: SGD step (fwd, softmax-CE, bwd, update)',
    'd_save_load': 'save+load parameters, MLP 784-1024-1024-10',
    'e_deferred_init': '10 x Dense(256) deferred init: build+initialize+first forward',
    'f_memory': '1,000 SGD steps of (c): peak RSS and growth step 100 -> 1,000',
    'g_gpu_784_fwdbwd': 'GPU: MLP 784-256-10, batch 256: forward+backward',
    'g_gpu_4096_fwdbwd': 'GPU: MLP 4096-4096-4096-10, batch 4096: forward+backward',
}
TIME_WORKLOADS = ['a_fwd', 'a_fwdbwd', 'b_fwdbwd', 'c_train_step', 'd_save_load',
                  'e_deferred_init']
GPU_WORKLOADS = ['g_gpu_784_fwdbwd', 'g_gpu_4096_fwdbwd']

# Iteration settings: (warmup seconds, seconds per repeat, repeats, min calls per repeat).
FULL = dict(warmup_s=0.05, repeat_s=0.1, repeats=7, min_calls=3, warmup_calls=3,
            mem_steps=1000, mem_check=100)
QUICK = dict(warmup_s=0.0, repeat_s=0.0, repeats=1, min_calls=2, warmup_calls=1,
             mem_steps=20, mem_check=5)


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument('--mode', choices=['time', 'memory'], default='time')
    parser.add_argument('--workloads', default=','.join(TIME_WORKLOADS))
    parser.add_argument('--quick', action='store_true')
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--framework', help='for the Gluon worker: minigluon or mxnet')
    args = parser.parse_args()
    args.workloads = [w for w in args.workloads.split(',') if w]
    args.settings = QUICK if args.quick else FULL
    return args


def measure(fn, settings) -> dict:
    """timeit-style: warm up, pick a call count filling ``repeat_s``, time ``repeats`` loops.

    Returns microseconds per call: 'us' is the best repeat (timeit's convention: the
    others were slowed by something else), 'us_median' the median repeat. gc stays on,
    as in real training.
    """
    clock = time.perf_counter
    t0, calls = clock(), 0
    while calls < settings['warmup_calls'] or clock() - t0 < settings['warmup_s']:
        fn()
        calls += 1
    per_call = (clock() - t0) / calls
    number = max(settings['min_calls'],
                 int(settings['repeat_s'] / per_call) if per_call > 0 else 1)
    times = []
    for _ in range(settings['repeats']):
        t = clock()
        for _ in range(number):
            fn()
        times.append((clock() - t) / number * 1e6)
    times.sort()
    return {'us': times[0], 'us_median': times[len(times) // 2], 'calls': number,
            'repeats': len(times)}


def rss_kib() -> dict:
    """Current (VmRSS) and peak (VmHWM) resident set size in KiB."""
    out = {}
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(('VmRSS:', 'VmHWM:')):
                    out[line.split(':')[0]] = int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if sys.platform == 'darwin':
        peak //= 1024  # bytes there, KiB on Linux
    out.setdefault('VmHWM', peak)
    out.setdefault('VmRSS', peak)  # no /proc: the best we have
    return {'rss_kib': out['VmRSS'], 'peak_kib': out['VmHWM']}


def memory_run(step, settings) -> dict:
    """Run ``step`` mem_steps times; RSS after step mem_check and at the end."""
    gc.collect()
    start = rss_kib()
    at_check = None
    for i in range(1, settings['mem_steps'] + 1):
        step()
        if i == settings['mem_check']:
            gc.collect()
            at_check = rss_kib()
    gc.collect()
    end = rss_kib()
    growth = (end['rss_kib'] - at_check['rss_kib']) / at_check['rss_kib'] * 100
    return {'steps': settings['mem_steps'], 'check_step': settings['mem_check'],
            'rss_start_kib': start['rss_kib'], 'rss_check_kib': at_check['rss_kib'],
            'rss_end_kib': end['rss_kib'], 'peak_kib': end['peak_kib'],
            'growth_pct': growth}


def base_info(framework: str, version: str, **extra) -> dict:
    import numpy
    info = {'framework': framework, 'version': version, 'python': platform.python_version(),
            'executable': sys.executable, 'numpy': numpy.__version__,
            'threads_env': {k: os.environ.get(k) for k in
                            ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS')}}
    info.update(extra)
    return info


def run_worker(framework: str, version: str, timed: dict, memory_step=None, info=None):
    """``timed``: workload id -> zero-argument factory returning the function to time (or a
    string: the reason it is skipped). Prints one JSON line after MARKER."""
    args = parse_args()
    result = {'info': base_info(framework, version, **(info or {})), 'results': {}}
    if args.mode == 'memory':
        if memory_step is None:
            result['results']['f_memory'] = {'skipped': '%s has no memory workload' % framework}
        else:
            result['results']['f_memory'] = memory_run(memory_step(), args.settings)
    else:
        for wid in args.workloads:
            factory = timed.get(wid)
            if factory is None:
                result['results'][wid] = {'skipped': 'not implemented for %s' % framework}
                continue
            try:
                fn = factory()
            except Exception as err:  # a GPU missing, an optional API absent
                fn = 'failed to set up: %s: %s' % (type(err).__name__, err)
            if isinstance(fn, str):
                result['results'][wid] = {'skipped': fn}
                continue
            try:
                result['results'][wid] = measure(fn, args.settings)
            finally:
                getattr(fn, 'cleanup', lambda: None)()
            del fn
            gc.collect()
    sys.stdout.write(MARKER + json.dumps(result) + '\n')
    sys.stdout.flush()


# ----- shared data: every framework gets the same float32 values ----------------------------
def data(shape, seed, kind='normal'):
    import numpy as np
    rng = np.random.default_rng(seed)
    if kind == 'labels':
        return rng.integers(0, shape[1], size=shape[0]).astype('float32')
    return rng.standard_normal(shape).astype('float32')
