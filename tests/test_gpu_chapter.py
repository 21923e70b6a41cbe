"""Chapter 06 (GPUs) top to bottom with a GPU: no cell fails, and its GPU cells ran on gpu(0)
(and gpu(1) where there are two). Its stored outputs are the CPU's (the book is executed
without a GPU); nbval compares the device-independent cells, but the device cells are
``nbval-ignore-output`` (without a GPU they print "No GPU: skipping ..."), so here they are
checked by what they must print. Runs the chapter as plain Python
(scripts/run_notebook_cells.py), so no Jupyter is needed: on a real GPU
(scripts/gpu_proof.sh) and under the CuPy stand-in (MINIGLUON_CUPY_DOUBLE=1)."""
import json
import os
import re
import subprocess
import sys

import pytest

import minigluon as mx

pytestmark = pytest.mark.gpu

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope='module')
def printed(tmp_path_factory) -> dict:
    """Each code cell's source -> what it printed, from one run of the chapter."""
    out = str(tmp_path_factory.mktemp('ch06') / '06_gpu_executed.ipynb')
    run = subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'run_notebook_cells.py'),
                          os.path.join(ROOT, 'chapters', '06_gpu.ipynb'), out],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, 'a cell failed:\n' + run.stdout[-4000:] + run.stderr[-2000:]
    cells = json.load(open(out, encoding='utf-8'))['cells']
    return {''.join(c['source']): ''.join(o['text'] for o in c['outputs'])
            for c in cells if c['cell_type'] == 'code'}


def output_of(printed: dict, marker: str) -> str:
    """What the one cell whose source contains ``marker`` printed."""
    found = [text for source, text in printed.items() if marker in source]
    assert len(found) == 1, '%d cells contain %r' % (len(found), marker)
    return found[0]


def test_no_cell_skipped_its_gpu_work(printed):
    assert not [text for text in printed.values() if 'No GPU' in text]
    assert output_of(printed, "print('GPUs minigluon can use:'") == \
        'GPUs minigluon can use: %d\n' % mx.context.num_gpus()


def test_arrays_and_copies_land_on_the_gpu(printed):
    made = output_of(printed, 'a = nd.array([1, 2, 3], ctx=mx.gpu())')
    assert '[1. 2. 3.]\n<NDArray 3 @gpu(0)>' in made
    if mx.context.num_gpus() > 1:
        assert '<NDArray 2x3 @gpu(1)>' in made
    moved = output_of(printed, 'y = x.copyto(mx.gpu())')
    assert moved.count('[1. 2. 3.]\n<NDArray 3 @gpu(0)>') == 2
    assert 'z.as_in_context(mx.gpu()) is z: True\nz.copyto(mx.gpu()) is z: False' in moved


def test_operations_stay_on_the_gpu_and_refuse_cpu_inputs(printed):
    text = output_of(printed, 'x_gpu = x.copyto(mx.gpu())')
    assert text.startswith('gpu(0) gpu(0)\n')
    assert ('MXNetError: Operator broadcast_add require all inputs live on the same context. But '
            'the first argument is on gpu(0) while the 2-th argument is on cpu(0)') in text


def test_networks_run_on_the_gpu(printed):
    assert output_of(printed, 'ctx = try_gpu()').count('@gpu(0)>') == 2
    assert output_of(printed, "gnet.initialize(init.One(), ctx=mx.gpu())") == \
        '\n[[3.]\n [3.]]\n<NDArray 2x1 @gpu(0)>\n'
    saved = output_of(printed, "trained.save_parameters(path)")
    assert saved == 'saved from [gpu(0)] -> loaded on [cpu(0)]\nsame outputs: True\n'


def test_memory_report_follows_a_256_mib_array(printed):
    report = output_of(printed, 'pool = cupy.get_default_memory_pool()')
    lines = re.findall(r'use\s+([\d.]+) MiB, the pool holds\s+([\d.]+) MiB', report)
    assert len(lines) == 4, report
    used, held = zip(*((float(u), float(h)) for u, h in lines))
    assert used[1] - used[0] >= 256 and used[2] <= used[1] - 256  # made, then given back to the pool
    assert held[2] >= held[1] - 0.1 and held[3] <= held[2] - 256  # empty_cache() frees the pool


def test_exercise_checks_target_gpu0(printed):
    assert 'PASSED exercise 06.1: every parameter moved to gpu(0)' in output_of(
        printed, 'check_1(to_device)')
    assert 'PASSED exercise 06.2: ran on gpu(0)' in output_of(printed, 'check_2(predict)')
