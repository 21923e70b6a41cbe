"""Bit-exactness: the code that exists only so minigluon prints MXNet 1.9.1's very digits.

A framework needs none of this to be correct. It is here because the book's outputs are
compared with MXNet's digit for digit: where NumPy's float32 arithmetic rounds differently
from the C code MXNet runs on the CPU, the functions below replay MXNet's arithmetic:

- ``exp``, ``log``: the C library's correctly rounded expf/logf (NumPy's SIMD versions can
  be one unit in the last place off).
- ``libm``: the C library's own float functions (sinf, tanhf, asinhf, ...), which MXNet's
  CPU operators call and which are not correctly rounded.
- ``nrm2``: BLAS nrm2's scaled sum of squares, accumulated in order.
- ``MXNetCPUSampler``: MXNet's 1024 seeded mt19937 streams and how it splits an array
  among them, C++'s generate_canonical and normal_distribution, and glibc's logf.

Each keeps the fast NumPy path for what cannot matter (GPU arrays, other dtypes, arrays
too large to replay) and says so. The ops in ``ndarray/ops.py`` read like their math and
call these where the last digit is printed.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools

import numpy as np

# ----- elementwise functions -----------------------------------------------------------------


def _via_double(ufunc, a):
    """``ufunc(a)`` correctly rounded to float32 (computed in float64): glibc's expf/logf are."""
    if a.dtype == np.float32 and isinstance(a, np.ndarray):  # a GPU keeps its float32 speed
        return ufunc(a.astype(np.float64)).astype(np.float32)
    return ufunc(a)


def exp(a):
    return _via_double(np.exp, a)


def log(a):
    return _via_double(np.log, a)


_LIBM_EXACT_MAX = 1 << 14  # longest array passed element by element through the C library
# (a Python call each: longer arrays use NumPy's ufunc, which can differ in the last digit)
_NUMPY_NAMES = {'asin': 'arcsin', 'acos': 'arccos', 'atan': 'arctan', 'asinh': 'arcsinh',
                'acosh': 'arccosh', 'atanh': 'arctanh'}
_libm_library = None


def _c_function(name: str, ctype):
    """The C library's function ``name`` (for ``ctype`` floats), or None where there is none."""
    global _libm_library
    if _libm_library is None:
        try:
            _libm_library = ctypes.CDLL(ctypes.util.find_library('m') or 'libm.so.6')
        except OSError:
            _libm_library = False
    function = getattr(_libm_library, name, None) if _libm_library else None
    if function is not None:
        function.restype, function.argtypes = ctype, [ctype]
    return function


@functools.lru_cache(maxsize=None)
def libm(name: str):
    """The C library's ``name`` (e.g. 'sinh') as MXNet's CPU operators call it: sinhf on
    float32, sinh on float64, elementwise; NumPy's ufunc for GPU or very long arrays."""
    ufunc = getattr(np, _NUMPY_NAMES.get(name, name))
    single, double = _c_function(name + 'f', ctypes.c_float), _c_function(name, ctypes.c_double)

    def apply(a):
        c_function = {np.float32: single, np.float64: double}.get(a.dtype.type)
        if c_function is None or not isinstance(a, np.ndarray) or a.size > _LIBM_EXACT_MAX:
            return ufunc(a)
        return np.fromiter(map(c_function, a.reshape(-1).tolist()), a.dtype, a.size).reshape(a.shape)
    apply.__name__ = name
    return apply


_NRM2_EXACT_MAX = 256  # longest reduction replayed step by step (a Python loop; longer:
# plain sqrt-sum, which can differ from MXNet in the last digit)


def nrm2(a, axis, keepdims):
    """MXNet's CPU L2 norm: BLAS nrm2's scaled sum of squares, accumulated in order in float32,
    so the printed digits match (sqrt(sum(a * a)) can differ in the last one: 22.494444 for
    nd.arange(12).norm(), where MXNet prints 22.494442). Replayed for reductions up to
    _NRM2_EXACT_MAX elements, vectorized over the outputs."""
    axes = tuple(range(a.ndim)) if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
    axes = tuple(sorted(ax % a.ndim for ax in axes)) if a.ndim else ()
    k = int(np.prod([a.shape[i] for i in axes])) if axes else 1
    if a.dtype != np.float32 or not isinstance(a, np.ndarray) or a.size == 0 or k > _NRM2_EXACT_MAX:
        return np.sqrt((a * a).sum(axis=axis, keepdims=keepdims))
    kept = [i for i in range(a.ndim) if i not in axes]
    rows = np.abs(a.transpose(kept + list(axes)).reshape(-1, k))
    scale = np.zeros(rows.shape[0], np.float32)
    ssq = np.zeros(rows.shape[0], np.float32)
    with np.errstate(divide='ignore', invalid='ignore'):
        for j in range(k):
            x = rows[:, j]
            up = scale < x            # a new largest |x|: rescale the sum so far
            r = scale / x
            s = x / scale
            ssq = np.where(x == 0, ssq, np.where(up, np.float32(1) + ssq * r * r, ssq + s * s))
            scale = np.where(up, x, scale)
    out = (scale * np.sqrt(ssq)).reshape([a.shape[i] for i in kept])
    if keepdims:
        out = out.reshape([1 if i in axes else d for i, d in enumerate(a.shape)])
    return out


