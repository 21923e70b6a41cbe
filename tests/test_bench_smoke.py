"""The benchmark runner's quickest mode works end to end (minigluon and the NumPy floor only).

Checks the shape of bench's JSON, never a timing: times on shared machines are noise.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_bench_quick_minigluon_and_numpy(tmp_path):
    proc = subprocess.run(
        [sys.executable, '-m', 'bench', '--quick', '--rounds', '1', '--no-chart',
         '--frameworks', 'minigluon,numpy', '--out', str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert 'Targets' in proc.stdout
    with open(tmp_path / 'latest.json') as f:
        result = json.load(f)
    for key in ('cpu_model', 'logical_cores', 'date', 'threads_per_framework'):
        assert key in result['machine']
    assert result['frameworks']['minigluon']['numpy']
    assert 'skipped' in result['frameworks']['torch']
    expected = ['a_fwd', 'a_fwdbwd', 'b_fwdbwd', 'c_train_step', 'd_save_load',
                'e_deferred_init', 'f_memory']
    assert sorted(result['workloads']) == sorted(expected)
    for wid in expected:
        entry = result['workloads'][wid]
        assert set(entry['median']) == {'minigluon', 'numpy'}, (wid, entry['skipped'])
        assert entry['ratios']['numpy'] > 0
        assert 'torch' in entry['skipped'] and 'mxnet' in entry['skipped']
    assert 'minigluon' in result['workloads']['f_memory']['growth_pct']
    statuses = {t['target']: t['status'] for t in result['targets']}
    assert len(statuses) == 5 and set(statuses.values()) <= {'PASS', 'MISS', 'SKIP'}
