#!/usr/bin/env bash
# The GPU proof (issue "GPU on real hardware"), prepared to run as ONE call of the device tool:
#   run(command="bash scripts/gpu_proof.sh", timeout_s=540)
# It needs only what the lent machine has (python3 with CuPy, PyTorch, pytest, hypothesis,
# matplotlib): minigluon and minigluon_workbook are imported from this checkout. Results land in $OUT.
set -uo pipefail
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1 OUT=${OUT:-/tmp/gpu_proof}
mkdir -p "$OUT"
{
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
  python3 -c "import sys, numpy, cupy, torch; print(sys.version.split()[0], 'numpy', numpy.__version__, 'cupy', cupy.__version__, 'torch', torch.__version__)"
  python3 -c "import minigluon as mx; print('minigluon sees', mx.context.num_gpus(), 'GPU(s)')"
} 2>&1 | tee "$OUT/device.txt"
# 1. unit tests, the GPU-marked ones included (nbval is not installed there: chapters run in 2.)
python3 -m pytest tests -q -p no:nbval -o addopts="-p no:cacheprovider" -rs \
  --ignore=tests/test_book.py --ignore=tests/test_grader.py --ignore=tests/test_student_edition.py \
  2>&1 | tee "$OUT/pytest.txt" | tail -n 15
# 2. the GPU chapter, top to bottom, on the GPU
python3 scripts/run_notebook_cells.py chapters/06_gpu.ipynb "$OUT/06_gpu_executed.ipynb" > "$OUT/06_gpu.txt" 2>&1
tail -n 3 "$OUT/06_gpu.txt"
# 3. the GPU rows of the benchmark against PyTorch on the same GPU
python3 -m bench --gpu --torch python3 --frameworks minigluon,torch,numpy \
  --workloads a_fwdbwd,b_fwdbwd --rounds 3 --out "$OUT/bench" 2>&1 | tee "$OUT/bench.txt" | tail -n 25
