"""The `approx-floats` comparison forgives summation-order noise and nothing else."""
import nbformat
from hypothesis import given, strategies as st

from workbook.nbval_floats import FLOAT_RTOL, floats_close, stored_text_if_close

STORED = ('\n[[ 0.09543004  0.04614332 -0.00286654 -0.07790349]\n'
          ' [ 0.0769287   0.03099705  0.00856576 -0.04467199]]\n<NDArray 2x4 @cpu(0)>')
# The same product summed by OpenBLAS's Prescott kernel: last digits differ, columns re-padded.
PRESCOTT = ('\n[[ 0.09543004  0.04614332 -0.00286655 -0.07790346]\n'
            ' [ 0.0769287   0.03099706  0.00856576 -0.044672  ]]\n<NDArray 2x4 @cpu(0)>')


def test_last_digit_noise_and_padding_pass():
    assert floats_close(PRESCOTT, STORED)
    assert floats_close('same loss: 0.000109177345 0.000109177345\n',
                        'same loss: 0.00010917736 0.00010917736\n')


def test_wrong_values_fail():
    assert not floats_close(PRESCOTT.replace('0.04614332', '0.04624332'), STORED)  # 1e-4 off
    assert not floats_close(PRESCOTT.replace('-0.00286655', '0.00286655'), STORED)  # sign
    assert not floats_close('[1.5]', '[2.5]')


def test_everything_but_floats_is_exact():
    assert not floats_close(PRESCOTT.replace('2x4', '2x5'), STORED)                  # shape
    assert not floats_close(PRESCOTT.replace('cpu(0)', 'gpu(0)'), STORED)            # context
    assert not floats_close(PRESCOTT.replace(' 0.0769287 ', ' '), STORED)            # a value missing
    assert not floats_close('weight (256, 20)', 'weight (256, 21)')                  # integers
    assert not floats_close('[nan]', '[inf]')


@given(st.lists(st.floats(-1e3, 1e3, width=32), min_size=1, max_size=8),
       st.floats(-4 * FLOAT_RTOL, 4 * FLOAT_RTOL))
def test_a_float_passes_exactly_when_within_tolerance_of_the_output_scale(values, shift):
    scale = max(abs(v) for v in values)
    stored = ' '.join('%.7e' % v for v in values)
    moved = values[:-1] + [values[-1] + shift * scale]
    fresh = ' '.join('%.7e' % v for v in moved)
    parsed_shift = abs(float(fresh.split()[-1]) - float(stored.split()[-1]))
    scale = max(abs(float(v)) for v in stored.split())
    assert floats_close(fresh, stored) == (parsed_shift <= FLOAT_RTOL * scale)


def test_close_fresh_output_takes_the_stored_text_and_a_wrong_one_keeps_its_own():
    def result(text):
        return nbformat.v4.new_output('execute_result', data={'text/plain': text}, execution_count=1)
    stream = nbformat.v4.new_output('stream', name='stdout', text='loss 0.1234567\n')
    stored = [stream, result(STORED)]
    fresh = [nbformat.v4.new_output('stream', name='stdout', text='loss 0.1234568\n'),
             result(PRESCOTT)]
    assert stored_text_if_close(fresh, stored) == stored
    wrong = [nbformat.v4.new_output('stream', name='stdout', text='loss 0.2234568\n'), result(PRESCOTT)]
    assert stored_text_if_close(wrong, stored) == [wrong[0], stored[1]]
    assert stored_text_if_close(fresh + [stream], stored)[-1] == stream   # an extra output stays
