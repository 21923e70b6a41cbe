"""Random numbers, bit-for-bit the same as MXNet 1.x on the CPU.

MXNet's CPU sampler keeps 1024 Mersenne Twister (mt19937) streams, stream i seeded with
``127 * seed + i`` (mod 2**32), and splits an array of n samples into ceil(n / 64) chunks
(at most 1024), chunk t drawn from stream t. A uniform float32 is one 32-bit draw divided
by 2**32 (C++'s ``generate_canonical<float>``); float64 and float16 samples are computed in
double precision, two draws each (``generate_canonical<double>``); a normal is the
Marsaglia polar method of ``std::normal_distribution`` with glibc's ``log``. Reproducing
that here means ``mx.random.seed(0)`` gives the very numbers of the MXNet edition's
printed outputs. GPU contexts use CuPy's own generator, seeded by the same ``seed``.
"""
from __future__ import annotations

import math

import numpy as np

from .base import normalize_shape, unknown_argument
from .context import Context, current_context
from .ndarray.ndarray import NDArray

_NUM_STREAMS = 1024
_MIN_PER_CHUNK = 64
_SEED_MAGIC = 127  # MXNet's kRandMagic: the resource manager seeds with seed * 127
_TWO_32 = np.float32(4294967296.0)
_BELOW_ONE = np.nextafter(np.float32(1), np.float32(0))
_BELOW_ONE_64 = np.nextafter(1.0, 0.0)


class _MXNetCPUSampler:
    """MXNet's 1024 seeded mt19937 streams, created on first use."""

    def __init__(self, seed: int):
        self.seed = seed * _SEED_MAGIC
        self._streams = {}
        # MXNet's serial generator (multinomial's): one more mt19937, seeded like stream 0
        self.serial = np.random.RandomState(self.seed & 0xFFFFFFFF)

    def _stream(self, t: int) -> np.random.RandomState:
        stream = self._streams.get(t)
        if stream is None:
            stream = self._streams[t] = np.random.RandomState((self.seed + t) & 0xFFFFFFFF)
        return stream

    def _chunks(self, n: int):
        nthread = min(-(-n // _MIN_PER_CHUNK), _NUM_STREAMS)
        step = -(-n // max(nthread, 1))  # n == 0: no chunks, an empty array
        for t in range(nthread):
            yield self._stream(t), min(step, n - t * step)

    @staticmethod
    def _bits(stream, count: int) -> np.ndarray:
        """The next ``count`` 32-bit outputs of a stream's mt19937, as uint64."""
        return stream._bit_generator.random_raw(count)  # what randint(0, 2**32) returns

    @staticmethod
    def _canonical(bits: np.ndarray, double: bool) -> np.ndarray:
        """Floats in [0, 1) as generate_canonical makes them: float32 from one 32-bit draw,
        float64 from two (low word first)."""
        if double:
            u = (bits[0::2] + bits[1::2] * 4294967296.0) / 18446744073709551616.0
            return np.minimum(u, _BELOW_ONE_64)
        return np.minimum(bits.astype(np.float32) / _TWO_32, _BELOW_ONE)

    def uniform(self, low: float, high: float, n: int, double: bool) -> np.ndarray:
        ftype = np.float64 if double else np.float32
        words = 2 if double else 1
        # Draw every chunk's words, then convert them all at once: one NumPy pass, not 1024.
        bits = [self._bits(stream, k * words) for stream, k in self._chunks(n) if k > 0]
        bits = np.concatenate(bits) if bits else np.empty(0, np.uint64)
        return self._canonical(bits, double) * ftype(high - low) + ftype(low)

    def exponential(self, scale: float, _unused, n: int, double: bool) -> np.ndarray:
        """-log(1 - u) / lambda in double precision, lambda = 1 / scale (MXNet's float32 param)."""
        u = self.uniform(0, 1, n, double).astype(np.float64)
        return -np.log(1.0 - u) / np.float64(np.float32(1.0 / scale))

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
            u = self._canonical(self._bits(stream, 2 * missing * (2 if double else 1)),
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


_cpu_sampler = _MXNetCPUSampler(0)  # MXNet seeds with 0 when the user does not
_gpu_generators: dict = {}
_seed = 0


def seed(seed_state: int, ctx='all'):
    """Seed the generators of every device (``ctx='all'``) or of one context."""
    global _cpu_sampler, _seed
    if not isinstance(seed_state, (int, np.integer)):
        raise ValueError('seed_state must be int')
    seed_state = int(seed_state)
    if ctx == 'all' or Context(ctx).device_type != 'gpu':
        _cpu_sampler = _MXNetCPUSampler(seed_state)
    _seed = seed_state
    _gpu_generators.clear()


def _gpu_generator(ctx: Context):
    gen = _gpu_generators.get(ctx)
    if gen is None:
        with ctx.device():
            gen = _gpu_generators[ctx] = ctx.xp.random.RandomState(_seed)
    return gen


def _sample(kind: str, a: float, b: float, shape, dtype, ctx, out, kwargs) -> NDArray:
    if kwargs:
        raise unknown_argument('_random_' + kind, kwargs, _SAMPLER_ARGUMENTS[kind])
    if out is not None:
        shape, ctx, dtype = out.shape, out.context, out.dtype
    shape = normalize_shape(shape)
    ctx = current_context() if ctx is None else ctx
    n = math.prod(shape)
    if ctx.device_type == 'gpu':
        gen = _gpu_generator(ctx)
        with ctx.device():
            if kind == 'uniform':
                data = gen.uniform(a, b, size=shape, dtype=np.float32)
            elif kind == 'normal':
                data = gen.normal(a, b, size=shape, dtype=np.float32)
            else:
                data = gen.exponential(a, size=shape).astype(np.float32)
    else:
        dtype = np.dtype(dtype or np.float32)
        double = dtype != np.float32  # float64 and float16 are sampled in double precision
        data = getattr(_cpu_sampler, kind)(a, b, n, double).reshape(shape)
    data = data.astype(dtype or np.float32, copy=False)
    if out is None:
        return NDArray(data, ctx)
    out._data[...] = data
    return out


_SAMPLER_ARGUMENTS = {'uniform': ('low', 'high', 'shape', 'ctx', 'dtype'),
                      'normal': ('loc', 'scale', 'shape', 'ctx', 'dtype'),
                      'exponential': ('lam', 'shape', 'ctx', 'dtype')}


def uniform(low: float = 0, high: float = 1, shape=(1,), dtype=None, ctx: Context | None = None,
            out: NDArray | None = None, **kwargs) -> NDArray:
    """Samples from the uniform distribution on [low, high)."""
    return _sample('uniform', low, high, shape, dtype, ctx, out, kwargs)


def normal(loc: float = 0, scale: float = 1, shape=(1,), dtype=None, ctx: Context | None = None,
           out: NDArray | None = None, **kwargs) -> NDArray:
    """Samples from the normal distribution with mean ``loc`` and deviation ``scale``."""
    return _sample('normal', loc, scale, shape, dtype, ctx, out, kwargs)


def exponential(scale: float = 1, shape=(1,), dtype=None, ctx: Context | None = None,
                out: NDArray | None = None, **kwargs) -> NDArray:
    """Samples from the exponential distribution with mean ``scale`` (MXNet's streams)."""
    return _sample('exponential', scale, None, shape, dtype, ctx, out, kwargs)


def _host_samples(draw, shape, dtype, ctx, out) -> NDArray:
    """Samples drawn on the host from the seeded serial stream (MXNet's own algorithm for
    these is not reproduced: same distribution, shape and dtype, different numbers)."""
    if out is not None:
        shape, ctx, dtype = out.shape, out.context, out.dtype
    ctx = current_context() if ctx is None else ctx
    data = draw(_cpu_sampler.serial, normalize_shape(shape)).astype(dtype, copy=False)
    if out is None:
        with ctx.device():
            return NDArray(ctx.xp.asarray(data), ctx)
    out[:] = data
    return out


def poisson(lam: float = 1, shape=(1,), dtype=None, ctx: Context | None = None,
            out: NDArray | None = None) -> NDArray:
    """Samples from the Poisson distribution with mean ``lam``, as floats (MXNet's default)."""
    return _host_samples(lambda rng, shape: rng.poisson(lam, shape), shape, dtype or np.float32,
                         ctx, out)


def randint(low: int, high: int, shape=(1,), dtype=None, ctx: Context | None = None,
            out: NDArray | None = None) -> NDArray:
    """Uniformly random integers in [low, high), int32 unless ``dtype``."""
    return _host_samples(lambda rng, shape: rng.randint(low, high, shape, np.int64), shape,
                         dtype or np.int32, ctx, out)


def shuffle(data: NDArray) -> NDArray:
    """A copy of ``data`` with its rows (first axis) in random order."""
    order = _cpu_sampler.serial.permutation(data.shape[0])
    return data[NDArray(data.context.xp.asarray(order), data.context)]


def multinomial(data: NDArray, shape=(), get_prob: bool = False, out: NDArray | None = None,
                dtype='int32'):
    """Draw category indices from the distribution(s) in the last axis of ``data``: one per
    row, or ``shape`` of them; with ``get_prob``, also their log-probabilities. MXNet's
    numbers: one float32 uniform each from its serial stream, found in the running sum."""
    shape = normalize_shape(shape)
    probs = data.asnumpy()
    rows = probs.reshape(-1, probs.shape[-1])
    per_row = math.prod(shape)
    u = _MXNetCPUSampler._canonical(_cpu_sampler.serial._bit_generator.random_raw(
        rows.shape[0] * per_row), False).reshape(rows.shape[0], per_row)
    cdf = np.cumsum(rows, axis=1, dtype=np.float64).astype(np.float32)
    picked = np.stack([np.searchsorted(c, r, side='right') for c, r in zip(cdf, u)])
    picked = np.minimum(picked, rows.shape[1] - 1).reshape(probs.shape[:-1] + shape or (1,))
    samples = NDArray(data.context.xp.asarray(picked.astype(dtype)), data.context)
    if out is not None:
        out[:] = samples
        samples = out
    if not get_prob:
        return samples
    logp = np.log(np.take_along_axis(rows, picked.reshape(rows.shape[0], -1), axis=1))
    return [samples, NDArray(data.context.xp.asarray(logp.reshape(picked.shape)), data.context)]
