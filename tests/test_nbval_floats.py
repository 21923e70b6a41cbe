"""The `approx-floats` comparison forgives summation-order noise and nothing else."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from minigluon_workbook.nbval_floats import FLOAT_RTOL, floats_close, stored_text_if_close

ROOT = Path(__file__).resolve().parents[1]
STORED = ('\n[[ 0.09543004  0.04614332 -0.00286654 -0.07790349]\n'
          ' [ 0.0769287   0.03099705  0.00856576 -0.04467199]]\n<NDArray 2x4 @cpu(0)>')
# The same product summed by OpenBLAS's Prescott kernel: last digits differ, columns re-padded.
PRESCOTT = ('\n[[ 0.09543004  0.04614332 -0.00286655 -0.07790346]\n'
            ' [ 0.0769287   0.03099706  0.00856576 -0.044672  ]]\n<NDArray 2x4 @cpu(0)>')


def test_last_digit_noise_and_padding_pass():
    assert floats_close(PRESCOTT, STORED)
    assert floats_close('same loss: 0.000109177345 0.000109177345\n',
                        'same loss: 0.00010917736 0.00010917736\n')


def test_noise_that_tips_a_rounded_print_passes():
    assert floats_close('step 3, cross-entropy 0.7627\nmoved by 0.0241\n',
                        'step 3, cross-entropy 0.7626\nmoved by 0.0241\n')
    assert floats_close('[0.2689 0.5    0.7311]', '[0.269  0.5    0.7311]')   # np.round(x, 4)
    assert floats_close('norms: shared 5.9881e-03, first 4.6343e-03',
                        'norms: shared 5.9880e-03, first 4.6343e-03')


def test_wrong_values_fail():
    assert not floats_close(PRESCOTT.replace('0.04614332', '0.04624332'), STORED)  # 1e-4 off
    assert not floats_close(PRESCOTT.replace('-0.00286655', '0.00286655'), STORED)  # sign
    assert not floats_close('[1.5]', '[2.5]')
    assert not floats_close('cross-entropy 0.7628', 'cross-entropy 0.7626')          # two places
    assert not floats_close('norms: 5.9882e-03, 4.6343e-03', 'norms: 5.9880e-03, 4.6343e-03')
    assert not floats_close('[0.2689 0.6    0.7311]', '[0.2689 0.5    0.7311]')
    # Prints with few digits are exact values, not rounded ones: no place is forgiven there.
    assert not floats_close('[3. 1. 0.]', '[2. 1. 0.]')
    assert not floats_close('[0.6 1. ]', '[0.5 1. ]')


def test_everything_but_floats_is_exact():
    assert not floats_close(PRESCOTT.replace('2x4', '2x5'), STORED)                  # shape
    assert not floats_close(PRESCOTT.replace('cpu(0)', 'gpu(0)'), STORED)            # context
    assert not floats_close(PRESCOTT.replace(' 0.0769287 ', ' '), STORED)            # a value missing
    assert not floats_close('weight (256, 20)', 'weight (256, 21)')                  # integers
    assert not floats_close('[nan]', '[inf]')


values = st.lists(st.floats(-1e3, 1e3, width=32), min_size=1, max_size=8)


def _printed(values):
    return ' '.join('%.7e' % v for v in values)


@given(values, st.floats(-0.9, 0.9))
def test_noise_within_the_tolerance_passes(values, shift):
    scale = max(abs(v) for v in values)
    moved = values[:-1] + [values[-1] + shift * FLOAT_RTOL * scale]
    assert floats_close(_printed(moved), _printed(values))


@given(values, st.floats(2, 1e6), st.booleans())
def test_a_shift_beyond_the_tolerance_fails(values, shift, down):
    scale = max(abs(v) for v in values)
    moved = values[:-1] + [values[-1] + (-shift if down else shift) * FLOAT_RTOL * scale]
    assert scale == 0 or not floats_close(_printed(moved), _printed(values))


def test_close_fresh_output_takes_the_stored_text_and_a_wrong_one_keeps_its_own():
    def result(text):
        return {'output_type': 'execute_result', 'data': {'text/plain': text}, 'execution_count': 1}

    def stdout(text):
        return {'output_type': 'stream', 'name': 'stdout', 'text': text}
    stored = [stdout('loss 0.1234567\n'), result(STORED)]
    assert stored_text_if_close([stdout('loss 0.1234568\n'), result(PRESCOTT)], stored) == stored
    wrong = [stdout('loss 0.2234568\n'), result(PRESCOTT)]
    assert stored_text_if_close(wrong, stored) == [wrong[0], stored[1]]
    stderr = dict(stdout('loss 0.1234568\n'), name='stderr')
    assert stored_text_if_close([stderr], stored) == [stderr]              # another stream
    extra = stdout('more\n')
    assert stored_text_if_close(stored + [extra], stored)[-1] == extra     # an extra output stays


def test_nbval_applies_the_tolerance_to_tagged_cells_only(tmp_path):
    """End to end: pytest.ini's plugin makes nbval forgive noise in tagged cells, and nothing else."""
    pytest.importorskip('nbval')
    nbformat = pytest.importorskip('nbformat')
    def cell(stored, tags):
        code = nbformat.v4.new_code_cell("print('loss %.7f' % 0.12345674)", execution_count=1,
                                         metadata={'tags': tags})
        code.outputs = [nbformat.v4.new_output('stream', name='stdout', text='loss %s\n' % stored)]
        return code
    nb = nbformat.v4.new_notebook(cells=[
        cell('0.1234568', ['approx-floats']),   # the last digit differs: passes
        cell('0.1234578', ['approx-floats']),   # 1e-6 off, 8e-6 of the scale: passes
        cell('0.1244567', ['approx-floats']),   # 1e-4 off: fails
        cell('0.1234568', []),                  # untagged: exact, fails
    ])
    nbformat.write(nb, tmp_path / 'noise.ipynb')
    run = subprocess.run([sys.executable, '-m', 'pytest', '-c', str(ROOT / 'pytest.ini'),
                          '--rootdir', str(tmp_path), str(tmp_path / 'noise.ipynb'), '-q', '-rA'],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    # a summary line is 'PASSED path::Cell 0', or 'FAILED path::Cell 2 - reason' (the reason in full
    # where pytest sees CI=true)
    results = {re.search(r'::Cell (\d+)', line).group(1): line.split()[0]
               for line in run.stdout.splitlines() if line.startswith(('PASSED', 'FAILED'))}
    assert results == {'0': 'PASSED', '1': 'PASSED', '2': 'FAILED', '3': 'FAILED'}, run.stdout
