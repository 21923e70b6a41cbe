"""``mx.nd.random``: samplers of random NDArrays, MXNet's numbers on the CPU.

On a CPU context the samples are MXNet 1.x's own, bit for bit, after the same
``mx.random.seed`` (the streams are replayed in ``minigluon.bitexact``); GPU contexts use
CuPy's generator, seeded by the same seed.
"""
from __future__ import annotations

import math

import numpy as np

from .. import autograd, base, bitexact
from ..context import Context, operator_context
from .ndarray import NDArray


class _Generators:
    """The seeded state every sampler draws from: MXNet's CPU streams, and one CuPy
    generator per GPU (made on first use)."""

    def __init__(self, seed_state: int):
        self.seed_state = seed_state
        self.cpu = bitexact.MXNetCPUSampler(seed_state)
        self._gpus = {}

    def gpu(self, ctx: Context):
        gen = self._gpus.get(ctx)
        if gen is None:
            with ctx.device():
                gen = self._gpus[ctx] = ctx.xp.random.RandomState(self.seed_state)
        return gen


_generators = _Generators(0)  # MXNet seeds with 0 when the user does not


def seed_generators(seed_state: int, ctx='all'):
    """Restart the generators of every device (``ctx='all'``) or of one context from
    ``seed_state``: what ``mx.random.seed`` does."""
    global _generators
    previous = _generators
    _generators = _Generators(seed_state)
    if ctx != 'all' and Context(ctx).device_type == 'gpu':
        _generators.cpu = previous.cpu  # a GPU's seed leaves the CPU streams where they are


def _sample(kind: str, a: float, b: float, shape, dtype, ctx, out, kwargs) -> NDArray:
    if kwargs:
        raise base.unknown_argument('_random_' + kind, kwargs, _SAMPLER_ARGUMENTS[kind])
    if out is not None:
        shape, ctx, dtype = out.shape, out.context, out.dtype
    shape = base.normalize_shape(shape)
    ctx = operator_context(ctx)
    n = math.prod(shape)
    if ctx.device_type == 'gpu':
        gen = _generators.gpu(ctx)
        with ctx.device():
            if kind == 'uniform':
                data = gen.uniform(a, b, size=shape, dtype=np.float32)
            elif kind == 'normal':
                data = gen.normal(a, b, size=shape, dtype=np.float32)
            elif kind == 'exponential':
                data = gen.exponential(a, size=shape).astype(np.float32)
            elif kind == 'poisson':
                data = gen.poisson(a, size=shape).astype(np.float32)
            else:
                data = gen.randint(a, b, size=shape)
    else:
        dtype = np.dtype(dtype or np.float32)
        if kind == 'randint':
            data = _generators.cpu.randint(a, b, n).reshape(shape)
        else:
            double = dtype != np.float32  # float64 and float16 are sampled in double precision
            data = getattr(_generators.cpu, kind)(a, b, n, double).reshape(shape)
    with ctx.device():  # a GPU's samples are cast and stored on that GPU
        data = data.astype(dtype or np.float32, copy=False)
        if out is not None:
            out._data[...] = data
    return NDArray(data, ctx) if out is None else out


_SAMPLER_ARGUMENTS = {'uniform': ('low', 'high', 'shape', 'ctx', 'dtype'),
                      'normal': ('loc', 'scale', 'shape', 'ctx', 'dtype'),
                      'exponential': ('lam', 'shape', 'ctx', 'dtype'),
                      'poisson': ('lam', 'shape', 'ctx', 'dtype'),
                      'randint': ('low', 'high', 'shape', 'ctx', 'dtype')}


def uniform(low: float = 0, high: float = 1, shape=(1,), dtype=None, ctx: Context | None = None,
            out: NDArray | None = None, **kwargs) -> NDArray:
    """Samples from the uniform distribution on [low, high); with NDArrays ``low`` and
    ``high``, ``shape`` samples for each of their elements (shape ``low.shape + shape``)."""
    if isinstance(low, NDArray) or isinstance(high, NDArray):
        return _sample_per_parameter('uniform', low, high, shape, dtype, out, kwargs)
    return _sample('uniform', low, high, shape, dtype, ctx, out, kwargs)


def normal(loc: float = 0, scale: float = 1, shape=(1,), dtype=None, ctx: Context | None = None,
           out: NDArray | None = None, **kwargs) -> NDArray:
    """Samples from the normal distribution with mean ``loc`` and deviation ``scale``; with
    NDArrays ``loc`` and ``scale``, ``shape`` samples for each of their elements."""
    if isinstance(loc, NDArray) or isinstance(scale, NDArray):
        return _sample_per_parameter('normal', loc, scale, shape, dtype, out, kwargs)
    return _sample('normal', loc, scale, shape, dtype, ctx, out, kwargs)


def randn(*shape: int, loc: float = 0, scale: float = 1, dtype=None, ctx: Context | None = None,
          out: NDArray | None = None, **kwargs) -> NDArray:
    """``normal(loc, scale, shape)`` with the shape given as arguments: randn(2, 3)."""
    return normal(loc, scale, shape, dtype, ctx, out, **kwargs)


def _sample_per_parameter(kind: str, a: NDArray, b: NDArray, shape, dtype, out, kwargs) -> NDArray:
    """MXNet's ``_sample_<kind>``: for each element of the parameter arrays, ``shape`` draws
    (none given: one), from the same stream as the scalar samplers, scaled per element."""
    if not (isinstance(a, NDArray) and isinstance(b, NDArray)):
        raise base.MXNetAssertionError(
            'Distribution parameters must all have the same type, but got both %s and %s.'
            % (type(a), type(b)))
    shape = () if shape == (1,) else base.normalize_shape(shape)  # the default adds no axis
    draws = _sample(kind, 0, 1, a.shape + shape, dtype, a.context, None, kwargs)._data
    xp, extra = a.context.xp, (None,) * len(shape)
    low, width = a._data[(...,) + extra], b._data[(...,) + extra]
    if kind == 'uniform':
        width = width - low
    data = (low + width * draws).astype(draws.dtype, copy=False)
    if out is None:
        return NDArray(xp.asarray(data), a.context)
    out._data[...] = data
    return out


def exponential(scale: float = 1, shape=(1,), dtype=None, ctx: Context | None = None,
                out: NDArray | None = None, **kwargs) -> NDArray:
    """Samples from the exponential distribution with mean ``scale`` (MXNet's streams)."""
    return _sample('exponential', scale, None, shape, dtype, ctx, out, kwargs)


def poisson(lam: float = 1, shape=(1,), dtype=None, ctx: Context | None = None,
            out: NDArray | None = None, **kwargs) -> NDArray:
    """Samples from the Poisson distribution with mean ``lam``, as floats (MXNet's default)."""
    return _sample('poisson', lam, None, shape, dtype, ctx, out, kwargs)


def randint(low: int, high: int, shape=(1,), dtype=None, ctx: Context | None = None,
            out: NDArray | None = None, **kwargs) -> NDArray:
    """Uniformly random integers in [low, high), int32 unless ``dtype``."""
    return _sample('randint', low, high, shape, dtype or np.int32, ctx, out, kwargs)


def shuffle(data: NDArray) -> NDArray:
    """A copy of ``data`` with its elements (1-d) or rows in random order, MXNet's order."""
    order = _generators.cpu.shuffled_order(data.shape[0], data.ndim == 1)
    with data.context.device():  # the order is copied to, and used on, data's GPU
        return data[NDArray(data.context.xp.asarray(order), data.context)]


def multinomial(data: NDArray, shape=(), get_prob: bool = False, out: NDArray | None = None,
                dtype='int32'):
    """Draw category indices from the distribution(s) in the last axis of ``data``: one per
    row, or ``shape`` of them; with ``get_prob``, also their log-probabilities. MXNet's
    numbers: one float32 uniform each from its serial stream, found in the running sum."""
    shape = base.normalize_shape(shape)
    probs = data.asnumpy()
    rows = probs.reshape(-1, probs.shape[-1])
    per_row = math.prod(shape)
    u = _generators.cpu.serial_uniform(rows.shape[0] * per_row).reshape(rows.shape[0], per_row)
    cdf = np.cumsum(rows, axis=1, dtype=np.float64).astype(np.float32)
    picked = np.stack([np.searchsorted(c, r, side='right') for c, r in zip(cdf, u)])
    picked = np.minimum(picked, rows.shape[1] - 1).reshape(probs.shape[:-1] + shape or (1,))
    with data.context.device():  # drawn on the host: copied to data's GPU
        samples = NDArray(data.context.xp.asarray(picked.astype(dtype)), data.context)
        if get_prob:
            logp = np.log(np.take_along_axis(rows, picked.reshape(rows.shape[0], -1), axis=1))
            logp = NDArray(data.context.xp.asarray(logp.reshape(picked.shape)), data.context)
    if out is not None:
        out[:] = samples
        samples = out
    return [samples, logp] if get_prob else samples


# ----- operators of d2l's "deep learning basics" that draw random numbers -----------------------
def Dropout(data: NDArray, p: float = 0.5, mode: str = 'training', axes=()) -> NDArray:
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p), while
    training (``mode='always'``: always); here, not in ops.py, because it draws from uniform.

    As MXNet, an element is kept where its uniform draw u satisfies u <= 1 - p (so a seed
    drops what MXNet's drops); ``axes`` share one draw along those axes.
    """
    if p <= 0 or (mode == 'training' and not autograd.is_training()):
        return data
    keep = np.float32(1) - np.float32(p)
    shape = tuple(1 if i in axes else d for i, d in enumerate(data.shape))
    draw = uniform(0, 1, shape=shape, ctx=data.context)
    return data * ((draw <= keep) * (np.float32(1) / keep))
