"""Record what real MXNet 1.9.1 prints for each differential case (tests/differential/).

Run from the repository root with an MXNet venv (``.mxvenv/`` is in .gitignore)::

    python3 -m venv .mxvenv && .mxvenv/bin/pip install mxnet==1.9.1 numpy==1.23.5
    .mxvenv/bin/python scripts/record_mxnet.py            # every cases_*.py
    .mxvenv/bin/python scripts/record_mxnet.py nd gluon   # only cases_nd.py, cases_gluon.py

Each case runs in a fresh namespace after ``mx.random.seed(0)``; its stdout, warnings and
exception type go to ``tests/differential/expected_<area>.json``. The tests never need MXNet.
"""
import glob
import importlib.util
import json
import os
import sys

import mxnet

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests'))
from differential.harness import framework_names, run_case  # noqa: E402

DIFF = os.path.join(ROOT, 'tests', 'differential')


def load_cases(path: str) -> dict:
    spec = importlib.util.spec_from_file_location('cases', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES


def main(areas: list) -> None:
    paths = [os.path.join(DIFF, f'cases_{a}.py') for a in areas] or sorted(
        glob.glob(os.path.join(DIFF, 'cases_*.py')))
    names = framework_names(mxnet)
    for path in paths:
        area = os.path.basename(path)[len('cases_'):-len('.py')]
        expected = {}
        for name, code in load_cases(path).items():
            mxnet.random.seed(0)
            expected[name] = run_case(code, names)
        target = os.path.join(DIFF, f'expected_{area}.json')
        with open(target + '.tmp', 'w') as f:
            json.dump({'mxnet': mxnet.__version__, 'cases': expected}, f, indent=1, sort_keys=True)
            f.write('\n')
        os.replace(target + '.tmp', target)
        print(f'{target}: {len(expected)} cases')


if __name__ == '__main__':
    main(sys.argv[1:])
