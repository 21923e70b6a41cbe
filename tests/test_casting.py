"""Float -> integer conversion (minigluon/ndarray/casting.py); MXNet's values for chosen inputs
are differential cases in tests/differential/cases_api.py (cast_*), recorded from MXNet 1.9.1."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

from minigluon import autograd, nd
from minigluon.ndarray.casting import NOT_ARRAY_LIKE, c_cast

INT_TYPES = ['uint8', 'int8', 'int32', 'int64']


def _wrap(value: int, dtype) -> int:
    """``value`` modulo 2**bits, read as ``dtype`` (two's complement for the signed ones)."""
    info = np.iinfo(dtype)
    span = 1 << (8 * np.dtype(dtype).itemsize)
    return (value - info.min) % span + info.min


def _c_reference(value: float, dtype) -> int:
    """x86's conversion: truncate; outside int32 (int64 for int64) or NaN: INT_MIN; then wrap."""
    wide = np.int64 if np.dtype(dtype).itemsize == 8 else np.int32
    low = int(np.iinfo(wide).min)
    whole = math.trunc(value) if math.isfinite(value) else low
    return _wrap(whole if low <= whole < -low else low, dtype)


floats = st.floats(allow_nan=True, allow_infinity=True, width=64)


@given(st.lists(floats, min_size=1, max_size=8), st.sampled_from(INT_TYPES), st.sampled_from(['float32', 'float64']))
def test_astype_is_cs_cast_for_every_float(values, dtype, source):
    with np.errstate(over='ignore'):
        x = nd.array(np.array(values, dtype=source), dtype=source)
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # no RuntimeWarning: MXNet casts silently
        got = x.astype(dtype).asnumpy().tolist()
    assert got == [_c_reference(float(v), dtype) for v in x.asnumpy()]


@given(st.lists(st.floats(min_value=-2.0 ** 63 + 2 ** 11, max_value=2.0 ** 63 - 2 ** 11), min_size=1, max_size=8),
       st.sampled_from(INT_TYPES))
def test_python_floats_truncate_then_wrap(values, dtype):
    assert nd.array(values, dtype=dtype).asnumpy().tolist() == [_wrap(math.trunc(v), dtype) for v in values]


@given(st.lists(st.integers(-2 ** 63, 2 ** 63 - 1), min_size=1, max_size=8), st.sampled_from(INT_TYPES))
def test_python_ints_wrap(values, dtype):
    assert nd.array(values, dtype=dtype).asnumpy().tolist() == [_wrap(v, dtype) for v in values]


@pytest.mark.parametrize('bad', [float('nan'), float('inf'), -float('inf'), 1e20, 2.0 ** 63, 2 ** 63])
@pytest.mark.parametrize('dtype', INT_TYPES)
def test_a_python_number_no_integer_can_hold_is_not_array_like(bad, dtype):
    with pytest.raises(TypeError, match='^%s$' % NOT_ARRAY_LIKE):
        nd.array([1.5, bad], dtype=dtype)


def test_the_issue_example():
    x = nd.array([1.7, -2.2, 3], dtype='uint8')
    assert x.dtype == np.uint8 and x.asnumpy().tolist() == [1, 254, 3]


def test_assignment_and_full_cast_like_astype():
    a = nd.zeros(3, dtype='uint8')
    a[:] = 300.5
    a[0] = -2.2
    a[1:] = np.array([-1e10, 257.9])
    assert a.asnumpy().tolist() == [254, 0, 1]
    assert nd.full((2,), np.nan, dtype='int32').asnumpy().tolist() == [-2 ** 31] * 2


def test_gradient_still_flows_back_through_astype():
    x = nd.array([1.5, -2.5], dtype='float64')
    x.attach_grad()
    with autograd.record():
        y = (x.astype('float32') * 3).sum()
    y.backward()
    assert x.grad.dtype == np.float64 and x.grad.asnumpy().tolist() == [3.0, 3.0]


def test_integer_sources_wrap():
    ints = np.array([300, -1], dtype=np.int64)
    assert c_cast(ints, 'uint8').tolist() == [44, 255]
