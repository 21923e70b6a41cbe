"""Differential tests: each case of tests/differential/cases_*.py prints on minigluon exactly
what it printed on MXNet 1.9.1 (recorded by scripts/record_mxnet.py into expected_*.json)."""
import glob
import importlib
import json
import os

import pytest

import minigluon
from differential.harness import framework_names, run_case
from minigluon_workbook.nbval_floats import floats_close

DIFF = os.path.join(os.path.dirname(__file__), 'differential')
# Recorded where MXNet saw no GPU: they print the machine's GPU count (test_context checks it).
_GPU_COUNT_CASES = {'nd:list_gpus'}


def _cases():
    for path in sorted(glob.glob(os.path.join(DIFF, 'expected_*.json'))):
        area = os.path.basename(path)[len('expected_'):-len('.json')]
        module = importlib.import_module(f'differential.cases_{area}')
        cases, approx = module.CASES, getattr(module, 'APPROX_FLOATS', set())
        with open(path) as f:
            expected = json.load(f)['cases']
        for name, code in cases.items():
            case = f'{area}:{name}'
            marks = [pytest.mark.skipif(minigluon.context.num_gpus() > 0 and case in _GPU_COUNT_CASES,
                                        reason='recorded by MXNet on a machine without a GPU')]
            yield pytest.param(code, expected.get(name), name in approx, id=case, marks=marks)


@pytest.mark.parametrize('code, expected, approx_floats', list(_cases()))
def test_case_matches_mxnet(code, expected, approx_floats):
    assert expected is not None, 'not recorded yet: run scripts/record_mxnet.py with MXNet 1.9.1'
    minigluon.random.seed(0)
    got = run_case(code, framework_names(minigluon))
    if approx_floats and floats_close(got['stdout'], expected['stdout']):
        # a case that prints float32 matrix products: the BLAS kernel picks their last digits,
        # so its floats are compared as the book's approx-floats cells are
        got['stdout'] = expected['stdout']
    assert got == expected
