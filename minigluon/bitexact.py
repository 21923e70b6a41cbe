"""Bit-exactness: the code that exists only so minigluon prints MXNet 1.9.1's very digits.

A framework needs none of this to be correct. It is here because the book's outputs are
compared with MXNet's digit for digit: where NumPy's float32 arithmetic rounds differently
from the C code MXNet runs on the CPU, the functions below replay MXNet's arithmetic:

- ``exp``, ``log``: the C library's correctly rounded expf/logf (NumPy's SIMD versions can
  be one unit in the last place off).
- ``libm``: the C library's own float functions (sinf, tanhf, asinhf, ...), which MXNet's
  CPU operators call and which are not correctly rounded.
- ``nrm2``: BLAS nrm2's scaled sum of squares, accumulated in order.
- ``onednn_softrelu``, ``onednn_logistic``: the polynomials of oneDNN's JIT kernels, which
  MXNet's Activation calls for float32 softrelu and its gradient.
- ``running_sum``: a sum added in order, each partial sum rounded to the array's dtype, as
  MXNet's CPU softmax adds its exponentials (NumPy's sum adds pairwise).
- ``sgd_step``: SGD's update in the float32 order of MXNet's multi_sgd kernel.
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
import math

import numpy as np

# ----- elementwise functions -----------------------------------------------------------------
def _via_double(ufunc, a):
    """``ufunc(a)`` correctly rounded to float32 (computed in float64): glibc's expf/logf are."""
    if a.dtype == np.float32 and isinstance(a, np.ndarray):  # a GPU keeps its float32 speed
        with np.errstate(over='ignore'):  # exp(100) is inf in float32, without a warning
            return ufunc(a.astype(np.float64)).astype(np.float32)
    return ufunc(a)


def exp(a):
    """e**a, rounded as glibc's expf rounds it."""
    return _via_double(np.exp, a)


def log(a):
    """The natural log, rounded as glibc's logf rounds it."""
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


# ----- oneDNN's float32 activations -------------------------------------------------------------
# MXNet's CPU Activation hands float32 arrays of 1 to 5 dimensions to oneDNN, whose JIT kernels
# (AVX2) compute softrelu and its gradient (the logistic function) from polynomials in float32
# with fused multiply-adds: up to ~5e-5 relative from exact math, and softrelu(-30) is 0.
# Replayed step by step below (checked against MXNet 1.9.1 on 40,000 inputs in [-40, 40]).
def _f32(hex_bits: int) -> np.float32:
    return np.array([hex_bits], np.uint32).view(np.float32)[0]


_LN_FLT_MAX, _LN_FLT_MIN = _f32(0x42b17218), _f32(0xc2aeac50)
_LOG2E, _LN2 = _f32(0x3fb8aa3b), _f32(0x3f317218)
_EXP_POLY = [_f32(h) for h in (0x3f7ffffb, 0x3efffee3, 0x3e2aad40, 0x3d2b9d0d, 0x3c07cfce)]
_LOG1P_POLY = [_f32(h) for h in (0xb2b4637d, 0x3f7fff8e, 0xbf001759, 0x3ea70608, 0xbea3d7bf,
                                 0xbe361d04, 0xbfa8f1e6, 0xbfe1e812, 0xbfc4d30e)]
_ONE, _HALF = np.float32(1), np.float32(0.5)


def _fma(a, b, c):
    """a * b + c rounded once to float32 (the product of two float32 is exact in float64)."""
    return (a.astype(np.float64) * b + np.float64(c)).astype(np.float32)


def _poly(coefficients, x):
    """Horner's rule with fused multiply-adds, highest coefficient first."""
    p = np.full_like(x, coefficients[-1])
    for c in coefficients[-2::-1]:
        p = _fma(p, x, c)
    return p


def _power_of_two(n):
    """2**n for the integral float32 ``n``, built from its exponent bits (0 below 2**-126)."""
    with np.errstate(invalid='ignore'):  # nan and inf inputs: their lanes are replaced later
        return np.left_shift(n.astype(np.int32) + 127, 23).view(np.float32)


def onednn_exp(x):
    """oneDNN's exp: poly(r) * 2**(n - 1) * 2, x = n * ln2 + r; 0 below log(FLT_MIN) and
    where 2**(n - 1) is below the normal floats (n = -126)."""
    tiny = x < _LN_FLT_MIN
    x = np.clip(x, _LN_FLT_MIN, _LN_FLT_MAX)
    n = np.floor(x * _LOG2E + _HALF)
    r = (x.astype(np.float64) - n.astype(np.float64) * np.float64(_LN2)).astype(np.float32)
    scale = np.where(tiny, np.float32(0), _power_of_two(n - _ONE))
    return _fma(_poly(_EXP_POLY, r), r, _ONE) * scale * np.float32(2)


def onednn_logistic(x):
    """oneDNN's logistic function (softrelu's gradient): e / (e + 1), e = exp(-|x|),
    mirrored to 1 - that for x >= 0."""
    e = onednn_exp(-np.abs(x))
    y = e / (e + _ONE)
    return np.where(np.signbit(x), y, _ONE - y)


def onednn_softrelu(x):
    """oneDNN's log(1 + exp(x)): with x = n * ln2 + r, n * ln2 + log(2**-n + exp(r)), the log
    from the float's exponent and a polynomial in its mantissa; x itself above log(FLT_MAX)."""
    s = np.clip(x, _LN_FLT_MIN, _LN_FLT_MAX)
    n = np.floor(s * _LOG2E + _HALF)
    n_ln2 = n * _LN2
    r = s - n_ln2
    t = _fma(_poly(_EXP_POLY, r), r, _ONE) + _power_of_two(-n)
    bits = t.view(np.int32)
    exponent = np.right_shift(bits.view(np.uint32), 23).astype(np.float32) - np.float32(126)
    mantissa = (np.bitwise_and(bits, np.int32(-0x7f800001)) | np.int32(0x3f000000)).view(np.float32)
    y = exponent * _LN2 + _poly(_LOG1P_POLY, mantissa - _ONE) + n_ln2
    # x itself above log(FLT_MAX), and (MXNet's build, seen) where 2**-n is below the floats
    return np.where((x > _LN_FLT_MAX) | (n >= 128), x, y)


# oneDNN's log: x = 2**E * m; log(x) = E * ln2 - log(r) + log1p(m * r - 1), r from a table of
# 32 (r, log r) pairs (with MXNet's exponent bias folded into log r) picked by m's top 5 bits
_LOG_TABLE = np.array([
    (0x3f800000, 0xc2b00f34), (0x3f780000, 0xc2affef2), (0x3f700000, 0xc2afee29),
    (0x3f680000, 0xc2afdccd), (0x3f600000, 0xc2afcad6), (0x3f580000, 0xc2afb837),
    (0x3f580000, 0xc2afb837), (0x3f500000, 0xc2afa4e4), (0x3f480000, 0xc2af90cf),
    (0x3f480000, 0xc2af90cf), (0x3f400000, 0xc2af7be9), (0x3f400000, 0xc2af7be9),
    (0x3f380000, 0xc2af661e), (0x3f380000, 0xc2af661e), (0x3f300000, 0xc2af4f5c),
    (0x3f300000, 0xc2af4f5c), (0x3fa80000, 0xc2b09a6f), (0x3fa80000, 0xc2b09a6f),
    (0x3fa00000, 0xc2b08174), (0x3fa00000, 0xc2b08174), (0x3fa00000, 0xc2b08174),
    (0x3f980000, 0xc2b06731), (0x3f980000, 0xc2b06731), (0x3f900000, 0xc2b04b82),
    (0x3f900000, 0xc2b04b82), (0x3f900000, 0xc2b04b82), (0x3f900000, 0xc2b04b82),
    (0x3f880000, 0xc2b02e3e), (0x3f880000, 0xc2b02e3e), (0x3f880000, 0xc2b02e3e),
    (0x3f800000, 0xc2b00f34), (0x3f800000, 0xc2b00f34)], np.uint32).view(np.float32)
_LOG_POLY = [_ONE] + [_f32(h) for h in (0xbf000000, 0x3eaaaaab, 0xbe8004ab, 0x3e4cc8a3)]


def onednn_log(x):
    """oneDNN's natural log of positive float32 ``x`` (the log of its softmax's sum)."""
    bits = x.view(np.int32)
    index = np.right_shift(bits, 18) & 0x1f
    upper = np.right_shift(index, 4)  # m >= 1.5: take 2**(E+1) * (m / 2) instead
    exponent = (np.right_shift(bits, 23) + upper).astype(np.float32)
    mantissa = ((bits & 0x7fffff) | np.left_shift(upper ^ 127, 23)).view(np.float32)
    r, log_r = _LOG_TABLE[index, 0], _LOG_TABLE[index, 1]
    z = _fma(r, mantissa, -_ONE)
    p = _poly(_LOG_POLY, z) * z
    partial = _fma(exponent, np.full_like(exponent, _LN2), log_r)
    high = p + partial
    return high + ((high - partial) - p)  # oneDNN's (mis-signed) TwoSum correction, replayed


def onednn_lane_sum(e):
    """The sum over the last axis as oneDNN's AVX2 softmax adds it: element j into lane j % 8,
    then the 8 lanes folded pairwise (lane i + lane i^4, then i^2, then i^1)."""
    lanes = np.zeros(e.shape[:-1] + (8,), e.dtype)
    for start in range(0, e.shape[-1], 8):
        chunk = e[..., start:start + 8]
        lanes[..., :chunk.shape[-1]] += chunk
    for fold in ([4, 5, 6, 7, 0, 1, 2, 3], [2, 3, 0, 1, 6, 7, 4, 5], [1, 0, 3, 2, 5, 4, 7, 6]):
        lanes = lanes + lanes[..., fold]
    return lanes[..., :1]


# ----- reductions ----------------------------------------------------------------------------
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


def running_sum(a, axis: int, dtype):
    """The sum of ``a`` along ``axis`` (kept, of length 1), added in order with each partial
    sum rounded to ``dtype``, as MXNet's softmax loops add ``sum += exp(...)`` in the input's
    dtype (for float16, float32 exponentials into a float16 sum). ``cumsum`` adds in order."""
    axis %= a.ndim
    if a.shape[axis] == 0:
        return a.sum(axis=axis, keepdims=True, dtype=dtype)
    at = (slice(None),) * axis
    if a.dtype == dtype:
        return np.cumsum(a, axis=axis)[at + (slice(-1, None),)]
    total = a[at + (slice(0, 1),)].astype(dtype)
    for j in range(1, a.shape[axis]):
        total = (total + a[at + (slice(j, j + 1),)]).astype(dtype)
    return total


# ----- optimizer kernels -----------------------------------------------------------------------
def sgd_step(weight, grad, state, lr: float, wd: float, momentum: float, rescale_grad: float,
             clip_gradient: float | None):
    """One SGD step on the raw arrays, in place, as MXNet's Trainer computes it with its
    multi_sgd kernel: in float32, lr*wd and lr*rescale_grad multiplied first, so that
    state = momentum * state - lr*wd * weight - lr * g; weight += state (``state`` None:
    weight -= lr*wd * weight + lr * g), where lr * g = (lr * rescale_grad) * grad, or
    lr * clip(rescale_grad * grad) with ``clip_gradient`` (the weight decay is not clipped).
    NDArrays (a user's direct ``SGD.update``) are updated through their arrays."""
    weight, grad, state = (getattr(a, '_data', a) for a in (weight, grad, state))
    lr, wd = np.float32(lr), np.float32(wd)
    if clip_gradient is None:
        lr_g = (lr * np.float32(rescale_grad)) * grad
    else:
        lr_g = lr * np.clip(grad * np.float32(rescale_grad), -clip_gradient, clip_gradient)
    if state is None:
        weight -= lr * wd * weight + lr_g if wd else lr_g
    else:
        state *= np.float32(momentum)
        if wd:
            state -= lr * wd * weight
        state -= lr_g
        weight += state


# ----- random streams ------------------------------------------------------------------------
# MXNet's CPU sampler keeps 1024 Mersenne Twister (mt19937) streams, stream i seeded with
# ``127 * seed + i`` (mod 2**32), and splits an array of n samples into ceil(n / 64) chunks
# (at most 1024), chunk t drawn from stream t. A uniform float32 is one 32-bit draw divided
# by 2**32 (C++'s ``generate_canonical<float>``); float64 and float16 samples are computed in
# double precision, two draws each (``generate_canonical<double>``); a normal is the
# Marsaglia polar method of ``std::normal_distribution`` with glibc's ``log``; an
# exponential is ``-log(1 - u) / lambda`` in double precision; randint and poisson follow
# MXNet's sampler.h. Multinomial and shuffle draw from one more mt19937 (MXNet's serial
# generator), seeded like stream 0.
_NUM_STREAMS = 1024
_MIN_PER_CHUNK = 64
_SEED_MAGIC = 127  # MXNet's kRandMagic: the resource manager seeds with seed * 127
_TWO_32 = np.float32(4294967296.0)
_BELOW_ONE = np.nextafter(np.float32(1), np.float32(0))
_BELOW_ONE_64 = np.nextafter(1.0, 0.0)


class MXNetCPUSampler:
    """MXNet's 1024 seeded mt19937 streams, created on first use."""

    def __init__(self, seed: int):
        self.seed = seed * _SEED_MAGIC
        self._streams = {}
        # MXNet's serial generator (multinomial's): one more mt19937, seeded like stream 0
        self.serial = np.random.RandomState(self.seed & 0xFFFFFFFF)

    def stream(self, t: int) -> np.random.RandomState:
        stream = self._streams.get(t)
        if stream is None:
            stream = self._streams[t] = np.random.RandomState((self.seed + t) & 0xFFFFFFFF)
        return stream

    def _chunks(self, n: int):
        nthread = min(-(-n // _MIN_PER_CHUNK), _NUM_STREAMS)
        step = -(-n // max(nthread, 1))  # n == 0: no chunks, an empty array
        for t in range(nthread):
            yield self.stream(t), min(step, n - t * step)

    @staticmethod
    def bits(stream, count: int) -> np.ndarray:
        """The next ``count`` 32-bit outputs of a stream's mt19937, as uint64."""
        return stream._bit_generator.random_raw(count)  # what randint(0, 2**32) returns

    @staticmethod
    def canonical(bits: np.ndarray, double: bool) -> np.ndarray:
        """Floats in [0, 1) as generate_canonical makes them: float32 from one 32-bit draw,
        float64 from two (low word first)."""
        if double:
            u = (bits[0::2] + bits[1::2] * 4294967296.0) / 18446744073709551616.0
            return np.minimum(u, _BELOW_ONE_64)
        return np.minimum(bits.astype(np.float32) / _TWO_32, _BELOW_ONE)

    def serial_uniform(self, n: int) -> np.ndarray:
        """n float32 uniforms from the serial stream (MXNet's multinomial draws from it)."""
        return self.canonical(self.bits(self.serial, n), False)

    def uniform(self, low: float, high: float, n: int, double: bool) -> np.ndarray:
        ftype = np.float64 if double else np.float32
        words = 2 if double else 1
        # Draw every chunk's words, then convert them all at once: one NumPy pass, not 1024.
        bits = [self.bits(stream, k * words) for stream, k in self._chunks(n) if k > 0]
        bits = np.concatenate(bits) if bits else np.empty(0, np.uint64)
        return self.canonical(bits, double) * ftype(high - low) + ftype(low)

    def exponential(self, lam, _unused, n: int, double: bool) -> np.ndarray:
        """-log(1 - u) / lam in double precision; ``lam``: the rate (a float32), or one per sample."""
        u = self.uniform(0, 1, n, double).astype(np.float64)
        return -np.log(1.0 - u) / np.asarray(lam, np.float64)

    def shuffled_order(self, n: int, one_dimensional: bool) -> list:
        """The order MXNet's shuffle puts n elements (or rows) in, from the serial stream:
        libstdc++'s std::shuffle for a 1-d array, MXNet's own Fisher-Yates from the last row
        otherwise: out[i] = in[order[i]]."""
        order = list(range(n))
        for i in range(1, n) if one_dimensional else range(n - 1, 0, -1):
            j = self._serial_int(i)
            order[i], order[j] = order[j], order[i]
        return order

    def _serial_int(self, high: int) -> int:
        """An int uniform in [0, high] as libstdc++'s uniform_int_distribution draws it from
        a 32-bit generator (GCC before 11): reject the draws past the last full bucket."""
        scaling = 0xFFFFFFFF // (high + 1)
        past = (high + 1) * scaling
        while True:
            word = int(self.bits(self.serial, 1)[0])
            if word < past:
                return word // scaling

    def randint(self, low: int, high: int, n: int) -> np.ndarray:
        """low + r % (high - low), r = (draw << 31) + next draw as a signed 64-bit integer
        (MXNet's rand_int64), % as C's (the sign of r)."""
        bits = [self.bits(stream, 2 * k) for stream, k in self._chunks(n) if k > 0]
        bits = np.concatenate(bits) if bits else np.empty(0, np.uint64)
        r = ((bits[0::2] << np.uint64(31)) + bits[1::2]).view(np.int64)
        return low + np.fmod(r, high - low)

    def poisson(self, lam, _unused, n: int, double: bool) -> np.ndarray:
        """MXNet's SamplePoisson in float32, sample by sample: Knuth's product of uniforms
        below lambda 12, Numerical Recipes' rejection method above. ``lam``: a number, or
        one per sample (so for the gamma and negative binomial samplers below)."""
        return self._each(n, False, _poisson, lam)

    def gamma(self, alpha, beta, n: int, double: bool) -> np.ndarray:
        """MXNet's SampleGamma (Marsaglia and Tsang's method), in double for float64 samples
        and in float32 otherwise; ``alpha`` and ``beta``: numbers, or one per sample."""
        return self._each(n, double, _gamma, alpha, beta)

    def negative_binomial(self, k, p, n: int, double: bool) -> np.ndarray:
        """Failures before the k-th success of probability p: Poisson(Gamma(k, (1 - p) / p)),
        in float32, both from the sample's stream."""
        return self._each(n, False, _negative_binomial, k, p)

    def generalized_negative_binomial(self, mu, alpha, n: int, double: bool) -> np.ndarray:
        """Poisson(Gamma(1 / alpha, alpha * mu)) (Poisson(mu) where alpha is 0), in float32."""
        return self._each(n, False, _generalized_negative_binomial, mu, alpha)

    def _each(self, n: int, double: bool, sample, *params) -> np.ndarray:
        """``sample(draws, *parameters)`` for each of n samples, the i-th drawing from the
        stream of its chunk (as MXNet's kernel loop); a parameter: a number or one per sample."""
        params = [np.broadcast_to(np.asarray(p, np.float32 if np.ndim(p) == 0 else None), (n,))
                  for p in params]
        out = np.empty(n, np.float64)
        i = 0
        for stream, k in self._chunks(n):
            draws = _Draws(self, stream, double)
            for j in range(i, i + k):
                out[j] = sample(draws, *(p[j] for p in params))
            i += k
        return out

    def normal(self, loc: float, scale: float, n: int, double: bool) -> np.ndarray:
        ftype = np.float64 if double else np.float32
        parts = [self._polar(stream, k, double) for stream, k in self._chunks(n) if k > 0]
        z = np.concatenate(parts) if parts else np.empty(0, ftype)
        return z * ftype(scale) + ftype(loc)

    def _polar(self, stream, n: int, double: bool) -> np.ndarray:
        """n standard normals; draws pairs until n are accepted, never one pair more."""
        accepted = []
        missing = n
        while missing:
            u = self.canonical(self.bits(stream, 2 * missing * (2 if double else 1)),
                                double).reshape(missing, 2)
            x, y = 2 * u[:, 0] - 1, 2 * u[:, 1] - 1
            r2 = x * x + y * y
            ok = (r2 <= 1) & (r2 != 0)
            r2, y = r2[ok], y[ok]
            accepted.append(y * np.sqrt(-2 * (_log64(r2) if double else _logf(r2)) / r2))
            missing -= int(ok.sum())
        return np.concatenate(accepted)


# glibc's logf (the one MXNet's normal_distribution<float> calls) is not correctly rounded,
# and NumPy's float32 log differs from it in about 1 of 400 samples; so here is glibc's
# algorithm (sysdeps/ieee754/flt-32/e_logf.c): log(x) = k*ln2 + log(c) + log1p(z/c - 1)
# for x = 2**k * z, with 1/c and log(c) from a 16-entry table and a cubic for log1p.
_LOGF_INVC, _LOGF_LOGC = (np.array([float.fromhex(h) for h in column]) for column in zip(
    ('0x1.661ec79f8f3bep+0', '-0x1.57bf7808caadep-2'), ('0x1.571ed4aaf883dp+0', '-0x1.2bef0a7c06ddbp-2'),
    ('0x1.49539f0f010bp+0', '-0x1.01eae7f513a67p-2'), ('0x1.3c995b0b80385p+0', '-0x1.b31d8a68224e9p-3'),
    ('0x1.30d190c8864a5p+0', '-0x1.6574f0ac07758p-3'), ('0x1.25e227b0b8eap+0', '-0x1.1aa2bc79c81p-3'),
    ('0x1.1bb4a4a1a343fp+0', '-0x1.a4e76ce8c0e5ep-4'), ('0x1.12358f08ae5bap+0', '-0x1.1973c5a611cccp-4'),
    ('0x1.0953f419900a7p+0', '-0x1.252f438e10c1ep-5'), ('0x1p+0', '0x0p+0'),
    ('0x1.e608cfd9a47acp-1', '0x1.aa5aa5df25984p-5'), ('0x1.ca4b31f026aap-1', '0x1.c5e53aa362eb4p-4'),
    ('0x1.b2036576afce6p-1', '0x1.526e57720db08p-3'), ('0x1.9c2d163a1aa2dp-1', '0x1.bc2860d22477p-3'),
    ('0x1.886e6037841edp-1', '0x1.1058bc8a07ee1p-2'), ('0x1.767dcf5534862p-1', '0x1.4043057b6ee09p-2')))
_LOGF_LN2 = float.fromhex('0x1.62e42fefa39efp-1')
_LOGF_A = [float.fromhex(h) for h in ('-0x1.00ea348b88334p-2', '0x1.5575b0be00b6ap-2', '-0x1.ffffef20a4123p-2')]


def _logf(x: np.ndarray) -> np.ndarray:
    """glibc's logf for positive normal float32 values, bit for bit."""
    tmp = x.view(np.int32).astype(np.int64) - 0x3f330000
    i = (tmp >> 19) % 16
    z = (x.view(np.int32) - (tmp & 0xff800000).astype(np.int32)).view(np.float32).astype(np.float64)
    r = z * _LOGF_INVC[i] - 1
    r2 = r * r
    y = _LOGF_A[0] * r2 + (_LOGF_A[1] * r + _LOGF_A[2])
    return (y * r2 + (_LOGF_LOGC[i] + (tmp >> 23) * _LOGF_LN2 + r)).astype(np.float32)


def _log64(x: np.ndarray) -> np.ndarray:
    """The C library's double log (NumPy's own differs in about 1 of 300 values)."""
    return np.fromiter(map(math.log, x.tolist()), np.float64, x.size)


class _Draws:
    """One stream's uniforms and normals, one per call, as MXNet's per-sample generator gives
    them (float32, or float64 with ``double``): a rejection loop takes as many as it needs, and
    the stream is left where MXNet's would be."""

    def __init__(self, sampler: MXNetCPUSampler, stream, double: bool = False):
        self.sampler, self.stream, self.double = sampler, stream, double
        self.ftype = np.float64 if double else np.float32

    def __call__(self):
        """A uniform in [0, 1)."""
        return self.sampler.canonical(self.sampler.bits(self.stream, 2 if self.double else 1),
                                      self.double)[0]

    def normal(self):
        """A standard normal: a fresh std::normal_distribution each call, so one polar pair."""
        return self.sampler._polar(self.stream, 1, self.double)[0]


_expf, _tanf, _lgammaf = (_c_function(name, ctypes.c_float) for name in ('expf', 'tanf', 'lgammaf'))
_F = np.float32


def _poisson_small(lam, uniform) -> int:
    t = _F(_expf(float(-lam)))
    x, prod = 0, uniform()
    while prod > t:
        x += 1
        prod = _F(prod * uniform())
    return x


def _poisson_large(lam, uniform) -> int:
    # the C code's mix of float and double arithmetic, step by step
    pi = _F(3.1415926)
    sq = _F(math.sqrt(2.0 * float(lam)))
    loglambda = _F(math.log(float(lam)))
    g = _F(lam * loglambda - _F(_lgammaf(float(lam) + 1.0)))
    while True:
        while True:
            y = _F(_tanf(float(_F(pi * uniform()))))
            em = _F(sq * y + lam)
            if em >= 0.0:
                break
        em = _F(math.floor(em))
        t = _F(0.9 * (1.0 + float(_F(y * y))) * float(_F(_expf(
            float(_F(_F(_F(em * loglambda) - _F(_lgammaf(float(em) + 1.0))) - g))))))
        if not uniform() > t:
            return int(em)


def _poisson(draws: _Draws, lam) -> int:
    """One of MXNet's SamplePoisson samples (its float32 arithmetic)."""
    lam = _F(lam)
    return (_poisson_small if lam < 12 else _poisson_large)(lam, draws)


def _gamma(draws: _Draws, a, b) -> float:
    """One of MXNet's SampleGamma samples in the draws' precision, C's promotions step by step
    (Marsaglia and Tsang; for a < 1, a sample of a + 1 times u ** (1 / a))."""
    t = draws.ftype
    a, b = float(a), float(b)
    d = t(a + 2.0 / 3.0) if a < 1 else t(a - 1.0 / 3.0)
    k = t(math.sqrt(9.0 * float(d)))
    c = t(1.0 / float(k))
    while True:
        z = draws.normal()
        if z > -k:
            x = t(1.0 + float(t(c * z)))
            v = t(t(x * x) * x)
            log_v = math.log(float(v)) if draws.double else float(_logf(np.array([v]))[0])
            bound = 0.5 * float(z) * float(z) + float(d) * (1.0 - float(v) + log_v)
            if math.log(1.0 - float(draws())) < bound:
                sample = t(t(d * v) * t(b))
                break
    if a < 1:  # pow in double: C++ promotes pow(float, float)
        return float(t(float(sample) * math.pow(float(draws()), float(t(1.0 / a)))))
    return float(sample)


def _negative_binomial(draws: _Draws, k, p) -> int:
    """Poisson(Gamma(k, (1 - p) / p)), MXNet's float32 steps."""
    p = float(_F(p))
    return _poisson(draws, _gamma(draws, _F(k), _F((1.0 - p) / p)))


def _generalized_negative_binomial(draws: _Draws, mu, alpha) -> int:
    """Poisson(Gamma(1 / alpha, alpha * mu)), or Poisson(mu) where alpha is 0."""
    mu, alpha = _F(mu), _F(alpha)
    return _poisson(draws, mu if alpha == 0 else _gamma(draws, _F(1) / alpha, alpha * mu))
