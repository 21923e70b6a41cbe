"""Float -> integer conversion as MXNet 1.9.1 does it on x86 CPUs, independent of NumPy's version.

MXNet converts arrays (``astype``, ``nd.array`` of a NumPy array, ``x[:] = 300.5``) with C's
cast: truncate toward zero, then keep the low bits; a value outside int32 (int64 for int64)
or NaN becomes INT_MIN, whose low byte is 0, so uint8 gets 0. Python numbers in a list go
through NumPy 1.x's conversion instead: truncate, then wrap modulo 2**bits; NaN, infinity or
a value outside int64 make ``nd.array`` raise TypeError. NumPy 2 raises OverflowError for the
list case and warns (and differs between CPU types) for the array case, so both are spelt out.
"""
from __future__ import annotations

import importlib
import math

import numpy as np

NOT_ARRAY_LIKE = 'source_array must be array like object'
_INT64_RANGE = (-2 ** 63, 2 ** 63)


def c_cast(data, dtype):
    """``data`` (a NumPy or CuPy array) as ``dtype``, converted the way MXNet's C++ casts."""
    dtype = np.dtype(dtype)
    if data.dtype.kind != 'f' or dtype.kind not in 'iu':
        if dtype.kind != 'f' or dtype.itemsize >= data.dtype.itemsize:
            return data.astype(dtype)   # cannot overflow (errstate costs a microsecond)
        with np.errstate(over='ignore'):  # float64 1e300 -> float32 is inf, silently, as in C
            return data.astype(dtype)
    xp = np if isinstance(data, np.ndarray) else importlib.import_module('cupy')
    wide = np.dtype(np.int64 if dtype.itemsize == 8 else np.int32)
    low = np.iinfo(wide).min
    whole = xp.trunc(data)
    fits = (whole >= low) & (whole < -float(low))  # NaN compares False: it does not fit
    converted = xp.where(fits, whole, 0).astype(wide)
    return xp.where(fits, converted, wide.type(low)).astype(dtype)  # int -> int keeps low bits


def scalar_as(value, dtype):
    """A Python or NumPy scalar converted to ``dtype`` by C's cast (a NumPy scalar)."""
    return c_cast(np.asarray(value), dtype)[()]


def _python_int(value) -> int:
    """A Python number in a list, as NumPy 1.x turns it into an integer (or TypeError)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError(NOT_ARRAY_LIKE)
        value = math.trunc(value)
    if not _INT64_RANGE[0] <= value < _INT64_RANGE[1]:
        raise TypeError(NOT_ARRAY_LIKE)
    return int(value)


def _leaves_as_int(source):
    """Nested lists with each leaf an int64-range Python int, converted as NumPy 1.x would.

    A NumPy scalar in a list counts as a Python number: NumPy 1.x converts it so for the signed
    types (for uint8 it used C's cast, which differs for values outside int32: not replayed)."""
    if isinstance(source, (list, tuple)):
        return [_leaves_as_int(item) for item in source]
    if isinstance(source, (np.floating, np.integer, np.bool_)):
        source = source.item()
    if isinstance(source, (bool, int, float)):
        return _python_int(source)
    if hasattr(source, '__array__'):  # an array inside the list: its values, one by one
        return _leaves_as_int(np.asarray(source).tolist())
    raise TypeError(NOT_ARRAY_LIKE)


def host_array(source, dtype) -> np.ndarray:
    """``np.array(source, dtype)`` as MXNet 1.9.1 (on NumPy 1.x) gets it for ``nd.array``."""
    dtype = np.dtype(dtype)
    if isinstance(source, np.ndarray):
        return c_cast(source, dtype)
    try:
        if dtype.kind in 'iu' and not isinstance(source, (str, bytes)):
            inferred = np.array(source)
            if inferred.dtype.kind in 'bi':
                return inferred.astype(dtype)  # Python ints wrap modulo 2**bits
            if inferred.dtype.kind == 'f' and isinstance(source, np.generic):
                return c_cast(inferred, dtype)
            return np.array(_leaves_as_int(source), dtype=np.int64).astype(dtype)
        with np.errstate(over='ignore'):  # 1e300 -> float32 is inf, silently, as in C
            return np.array(source, dtype=dtype)
    except (TypeError, ValueError, OverflowError):  # MXNet's `except:` around np.array
        raise TypeError(NOT_ARRAY_LIKE) from None
