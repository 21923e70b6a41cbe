"""The book's notebooks (chapters, appendix) pass nbval whichever OpenBLAS kernel sums their
matrix products.

OpenBLAS picks a GEMM kernel by CPU type, and kernels sum in different orders, so a float32 product's
last digit depends on the machine. OPENBLAS_CORETYPE forces a kernel; OpenBLAS reads it once, when
NumPy loads it, so each kernel runs the chapters in its own process.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip('nbval')
ROOT = Path(__file__).resolve().parents[1]

# Kernel -> (the names OpenBLAS reports for it, the /proc/cpuinfo flags its instructions need).
# Builds without DYNAMIC_OLDER run Prescott with the table they name Katmai.
KERNELS = {
    'Prescott': (('Prescott', 'Katmai'), {'pni'}),
    'Haswell': (('Haswell',), {'avx2', 'fma'}),
    'SkylakeX': (('SkylakeX',), {'avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd'}),
}


def _cpu_flags() -> set[str] | None:
    """The CPU's instruction-set flags (Linux), or None where /proc/cpuinfo cannot say."""
    try:
        cpuinfo = Path('/proc/cpuinfo').read_text()
    except OSError:
        return None
    return {flag for line in cpuinfo.splitlines() if line.startswith('flags')
            for flag in line.partition(':')[2].split()}


def _openblas_core(env: dict) -> str | None:
    """The kernel NumPy's OpenBLAS runs under `env`, as it reports it; None for another BLAS."""
    probe = subprocess.run(
        [sys.executable, '-c', 'import numpy as np; a = np.ones((2, 2), np.float32); a @ a'],
        env=dict(env, OPENBLAS_VERBOSE='2'), capture_output=True, text=True, timeout=120)
    cores = [line.split(':', 1)[1].strip() for line in probe.stderr.splitlines()
             if line.startswith('Core:')]
    return cores[-1] if cores else None


@pytest.mark.parametrize('kernel', sorted(KERNELS))
def test_chapters_pass_nbval_under_the_openblas_kernel(kernel):
    names, flags = KERNELS[kernel]
    if _openblas_core(dict(os.environ)) is None:
        pytest.skip("NumPy's BLAS is not a runtime-dispatching OpenBLAS (e.g. Apple's Accelerate): "
                    'OPENBLAS_CORETYPE has no effect')
    cpu_flags = _cpu_flags()
    if cpu_flags is None:
        pytest.skip('no /proc/cpuinfo to tell whether this CPU runs the %s kernel' % kernel)
    missing = flags - cpu_flags
    if missing:
        pytest.skip('this CPU lacks %s, which the %s kernel needs' % (sorted(missing), kernel))
    env = dict(os.environ, OPENBLAS_CORETYPE=kernel)
    assert _openblas_core(env) in names, 'OpenBLAS did not switch to the %s kernel' % kernel

    run = subprocess.run([sys.executable, '-m', 'pytest', 'chapters', 'appendix', '-q'],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
