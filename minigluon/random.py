"""Random numbers, bit-for-bit the same as MXNet 1.x on the CPU.

MXNet's CPU sampler keeps 1024 Mersenne Twister (mt19937) streams, stream i seeded with
``seed + i``, and splits an array of n samples into ceil(n / 64) chunks (at most 1024),
chunk t drawn from stream t. A uniform float is one 32-bit draw divided by 2**32 (C++'s
``generate_canonical<float>``); a normal is the Marsaglia polar method of
``std::normal_distribution<float>``. Reproducing that here means ``mx.random.seed(0)``
gives the very numbers of the MXNet edition's printed outputs. GPU contexts use CuPy's
own generator, seeded by the same ``seed``.
"""
from __future__ import annotations

import numpy as np

from .context import Context, current_context
from .ndarray.ndarray import NDArray

_NUM_STREAMS = 1024
_MIN_PER_CHUNK = 64
_TWO_32 = np.float32(4294967296.0)
_BELOW_ONE = np.nextafter(np.float32(1), np.float32(0))


class _MXNetCPUSampler:
    """MXNet's 1024 seeded mt19937 streams, created on first use."""

    def __init__(self, seed: int):
        self.seed = seed
        self._streams = {}

    def _stream(self, t: int) -> np.random.RandomState:
        stream = self._streams.get(t)
        if stream is None:
            stream = self._streams[t] = np.random.RandomState((self.seed + t) & 0xFFFFFFFF)
        return stream

    def _chunks(self, n: int):
        nthread = min(-(-n // _MIN_PER_CHUNK), _NUM_STREAMS)
        step = -(-n // nthread)
        for t in range(nthread):
            yield self._stream(t), min(step, n - t * step)

    @staticmethod
    def _canonical(stream, n: int) -> np.ndarray:
        """n floats in [0, 1), one 32-bit draw each, as generate_canonical<float> makes them."""
        bits = stream.randint(0, 2 ** 32, size=n, dtype=np.uint32)
        return np.minimum(bits.astype(np.float32) / _TWO_32, _BELOW_ONE)

    def uniform(self, low: float, high: float, n: int) -> np.ndarray:
        parts = [self._canonical(s, k) for s, k in self._chunks(n) if k > 0]
        u = np.concatenate(parts) if parts else np.empty(0, np.float32)
        return u * np.float32(high - low) + np.float32(low)

    def normal(self, loc: float, scale: float, n: int) -> np.ndarray:
        parts = [self._polar(s, k) for s, k in self._chunks(n) if k > 0]
        z = np.concatenate(parts) if parts else np.empty(0, np.float32)
        return z * np.float32(scale) + np.float32(loc)

    def _polar(self, stream, n: int) -> np.ndarray:
        """n standard normals; draws pairs until n are accepted, never one pair more."""
        accepted = []
        missing = n
        while missing:
            u = self._canonical(stream, 2 * missing).reshape(missing, 2)
            x, y = 2 * u[:, 0] - 1, 2 * u[:, 1] - 1
            r2 = x * x + y * y
            ok = (r2 <= 1) & (r2 != 0)
            r2, y = r2[ok], y[ok]
            accepted.append(y * np.sqrt(np.float32(-2) * np.log(r2) / r2))
            missing -= int(ok.sum())
        return np.concatenate(accepted)


_cpu_sampler = _MXNetCPUSampler(0)  # MXNet seeds with 0 when the user does not
_gpu_generators: dict = {}
_seed = 0


def seed(seed_state: int, ctx='all'):
    """Seed the generators of every device (``ctx='all'``) or of one context."""
    global _cpu_sampler, _seed
    if not isinstance(seed_state, (int, np.integer)):
        raise ValueError('sd must be int')
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


def _sample(kind: str, a: float, b: float, shape, dtype, ctx, out) -> NDArray:
    if out is not None:
        shape, ctx, dtype = out.shape, out.context, out.dtype
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    ctx = current_context() if ctx is None else ctx
    n = int(np.prod(shape))
    if ctx.device_type == 'gpu':
        gen = _gpu_generator(ctx)
        with ctx.device():
            if kind == 'uniform':
                data = gen.uniform(a, b, size=shape, dtype=np.float32)
            else:
                data = gen.normal(a, b, size=shape, dtype=np.float32)
    else:
        data = getattr(_cpu_sampler, kind)(a, b, n).reshape(shape)
    data = data.astype(dtype or np.float32, copy=False)
    if out is None:
        return NDArray(data, ctx)
    out._data[...] = data
    return out


def uniform(low: float = 0, high: float = 1, shape=(1,), dtype=None, ctx: Context | None = None,
            out: NDArray | None = None) -> NDArray:
    """Samples from the uniform distribution on [low, high)."""
    return _sample('uniform', low, high, shape, dtype, ctx, out)


def normal(loc: float = 0, scale: float = 1, shape=(1,), dtype=None, ctx: Context | None = None,
           out: NDArray | None = None) -> NDArray:
    """Samples from the normal distribution with mean ``loc`` and deviation ``scale``."""
    return _sample('normal', loc, scale, shape, dtype, ctx, out)
