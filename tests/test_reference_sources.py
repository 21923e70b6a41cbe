"""MXNet values that tests write out are in the committed recording they cite.

tests/fixtures/oracle_output.txt is what scripts/mxnet_oracle.py printed under MXNet 1.9.1.
"""
from pathlib import Path

import numpy as np

import test_seed_examples
from gluon_helpers import REF_MLP_OUT

ORACLE = (Path(__file__).parent / 'fixtures' / 'oracle_output.txt').read_text(encoding='utf-8')


def _section(number: str) -> str:
    return ORACLE.split('\n== %s. ' % number, 1)[1].split('\n== ', 1)[0]


def test_the_mlp_output_is_the_oracles_section_3():
    section = _section('3')
    assert all(np.format_float_positional(v) in section for v in REF_MLP_OUT.ravel())


def test_the_parameter_reprs_are_the_oracles_section_4():
    section = _section('4')
    assert test_seed_examples.REF_WEIGHT in section and test_seed_examples.REF_GRAD in section
