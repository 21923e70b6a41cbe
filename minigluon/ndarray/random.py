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
from .ops import _check, _write_into


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


def _sample(kind: str, a, b, shape, dtype, ctx, out, kwargs, op: str | None = None) -> NDArray:
    """``shape`` samples of ``kind`` with parameters ``a`` and ``b`` (numbers, or NumPy arrays
    of one per sample); ``op``: MXNet's operator, for the error about an unknown keyword."""
    if kwargs:
        raise base.unknown_argument(op or '_random_' + kind, kwargs, _SAMPLER_ARGUMENTS[kind])
    if out is not None:
        shape, ctx, dtype = out.shape, out.context, out.dtype
    if getattr(a, 'ndim', 0) == 0:  # scalar parameters (MXNet does not check arrays of them)
        _check_parameters(kind, a, b)
    shape = (1,) if shape is None else base.normalize_shape(shape)
    ctx = operator_context(ctx)
    n = math.prod(shape)
    if ctx.device_type == 'gpu':
        with ctx.device():
            data = _gpu_sample(_generators.gpu(ctx), ctx.xp, kind, a, b, shape)
    else:
        dtype = np.dtype(dtype or np.float32)
        if kind == 'randint':
            data = _generators.cpu.randint(a, b, n).reshape(shape)
        else:
            # float64 and float16 are sampled in double precision; the gamma family's float16 in float
            double = dtype == np.float64 or (dtype != np.float32
                                             and kind in ('uniform', 'normal', 'exponential'))
            data = getattr(_generators.cpu, kind)(a, b, n, double).reshape(shape)
    with ctx.device():  # a GPU's samples are cast and stored on that GPU
        data = data.astype(dtype or np.float32, copy=False)
        if out is not None:
            out._data[...] = data
    return NDArray(data, ctx) if out is None else out


# MXNet's checks of a sampler's scalar parameters, by kind: (which parameter, 0 for a or 1 for b;
# MXNet's condition, comparing it with 0, or b with a for 'high >= low'; MXNet's message)
_PARAMETER_CHECKS = {
    'uniform': [(1, 'param.high >= param.low', 'low must be less or equal to high in uniform '
                 'distribution')],
    'randint': [(1, 'param.high >= param.low', 'low must be less or equal to high in uniform '
                 'distribution')],
    'normal': [(1, 'param.scale > 0', 'scale parameter in gaussian has to be positive')],
    'gamma': [(0, 'param.alpha > 0', 'alpha parameter in gamma distribution has to be positive'),
              (1, 'param.beta > 0', 'beta parameter in gamma distribution has to be positive')],
    'exponential': [(0, 'param.lam > 0', 'lambda parameter in exponential distribution has to '
                     'be positive')],
    'poisson': [(0, 'param.lam >= 0', 'lambda parameter in poisson distribution has to be '
                 'non-negative')],
    'negative_binomial': [(0, 'param.k >= 0', 'k parameter in negative binomial distribution has '
                           'to be non-negative'),
                          (1, 'param.p >= 0', 'p parameter in negative binomial distribution has '
                           'to be non-negative')],
    'generalized_negative_binomial': [
        (0, 'param.mu >= 0', 'mu parameter in generalized negative binomial distribution has to '
         'be non-negative'),
        (1, 'param.alpha >= 0', 'alpha parameter in generalized negative binomial distribution '
         'has to be non-negative')]}


def _check_parameters(kind: str, a, b) -> None:
    """MXNet's MXNetError for scalar parameters outside a sampler's domain (normal's scale <= 0,
    uniform's low > high, ...). MXNet raises when the samples are first read; here at the call."""
    for which, condition, message in _PARAMETER_CHECKS[kind]:
        value = (a, b)[which]
        left, right = value, (a if condition.endswith('param.low') else 0)
        if kind == 'randint':
            shown = '%d vs. %d' % (left, right)
        else:
            left, right = np.float32(left), np.float32(right)  # MXNet's parameters are floats
            shown = '%g vs. %g' % (left, right)
        ok = left >= right if '>=' in condition else left > right
        _check(bool(ok), '%s (%s) : %s' % (condition, shown, message))


def _gpu_sample(gen, xp, kind: str, a, b, shape):
    """CuPy's samples of ``kind`` (seeded as MXNet's GPU, but not its numbers); parameters given
    one per sample come flat, and are shaped like the samples."""
    a, b = (p.reshape(shape) if getattr(p, 'ndim', 0) else p for p in (a, b))
    if kind == 'uniform':
        return gen.uniform(a, b, size=shape, dtype=np.float32)
    if kind == 'normal':
        return gen.normal(a, b, size=shape, dtype=np.float32)
    if kind == 'exponential':
        return gen.exponential(1 / a, size=shape)
    if kind == 'poisson':
        return gen.poisson(a, size=shape)
    if kind == 'randint':
        return gen.randint(a, b, size=shape)
    if kind == 'gamma':
        return gen.gamma(a, b, size=shape)
    if kind == 'negative_binomial':
        return gen.poisson(gen.gamma(a, (1 - b) / b, size=shape))
    alpha = xp.where(b == 0, 1, b)  # generalized: mean a, dispersion b; where b is 0, Poisson(a)
    return gen.poisson(xp.where(b == 0, a, gen.gamma(1 / alpha, alpha * a, size=shape)))


_SAMPLER_ARGUMENTS = {'uniform': ('low', 'high', 'shape', 'ctx', 'dtype'),
                      'normal': ('loc', 'scale', 'shape', 'ctx', 'dtype'),
                      'exponential': ('lam', 'shape', 'ctx', 'dtype'),
                      'poisson': ('lam', 'shape', 'ctx', 'dtype'),
                      'randint': ('low', 'high', 'shape', 'ctx', 'dtype'),
                      'gamma': ('alpha', 'beta', 'shape', 'ctx', 'dtype'),
                      'negative_binomial': ('k', 'p', 'shape', 'ctx', 'dtype'),
                      'generalized_negative_binomial': ('mu', 'alpha', 'shape', 'ctx', 'dtype')}


def uniform(low: float = 0, high: float = 1, shape=None, dtype=None, ctx: Context | None = None,
            out: NDArray | None = None, **kwargs) -> NDArray:
    """Samples from the uniform distribution on [low, high); with NDArrays ``low`` and
    ``high``, ``shape`` samples for each of their elements (shape ``low.shape + shape``)."""
    if isinstance(low, NDArray) or isinstance(high, NDArray):
        return _sample_per_parameter('uniform', low, high, shape, dtype, out, kwargs)
    return _sample('uniform', low, high, shape, dtype, ctx, out, kwargs)


def normal(loc: float = 0, scale: float = 1, shape=None, dtype=None, ctx: Context | None = None,
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


def _sample_per_parameter(kind: str, a: NDArray, b, shape, dtype, out, kwargs) -> NDArray:
    """MXNet's ``_sample_<kind>``: for each element of the parameter arrays, ``shape`` draws
    (none given: one), from the same streams as the scalar samplers."""
    if b is not None and not (isinstance(a, NDArray) and isinstance(b, NDArray)):
        raise base.MXNetAssertionError(
            'Distribution parameters must all have the same type, but got both %s and %s.'
            % (type(a), type(b)))
    shape = () if shape is None else base.normalize_shape(shape)  # the default adds no axis
    full, ctx, xp = a.shape + shape, a.context, a.context.xp
    if kind in ('uniform', 'normal'):  # location and scale of one standard sample each
        draws = _sample(kind, 0, 1, full, dtype, ctx, None, kwargs, '_sample_' + kind)._data
        extra = (None,) * len(shape)
        low, width = a._data[(...,) + extra], b._data[(...,) + extra]
        if kind == 'uniform':
            width = width - low
        data = (low + width * draws).astype(draws.dtype, copy=False)
    else:  # each sample from its own parameters, in the sampler's arithmetic
        per = math.prod(shape)
        params = [None if p is None else np.repeat(p.asnumpy().ravel(), per) for p in (a, b)]
        with ctx.device():
            params = [p if p is None or ctx.device_type != 'gpu' else xp.asarray(p) for p in params]
        data = _sample(kind, params[0], params[1], full, dtype, ctx, None, kwargs, '_sample_' + kind)._data
    if out is None:
        return NDArray(xp.asarray(data), ctx)
    out._data[...] = data
    return out


def exponential(scale=1, shape=None, dtype=None, ctx: Context | None = None,
                out: NDArray | None = None, **kwargs) -> NDArray:
    """Samples from the exponential distribution with mean ``scale`` (MXNet's streams); an
    NDArray ``scale``: ``shape`` samples for each of its elements."""
    if isinstance(scale, NDArray):
        return _sample_per_parameter('exponential', 1 / scale, None, shape, dtype, out, kwargs)
    return _sample('exponential', np.float32(1.0 / scale), None, shape, dtype, ctx, out, kwargs)


def poisson(lam=1, shape=None, dtype=None, ctx: Context | None = None,
            out: NDArray | None = None, **kwargs) -> NDArray:
    """Samples from the Poisson distribution with mean ``lam``, as floats (MXNet's default);
    an NDArray ``lam``: ``shape`` samples for each of its elements."""
    if isinstance(lam, NDArray):
        return _sample_per_parameter('poisson', lam, None, shape, dtype, out, kwargs)
    return _sample('poisson', lam, None, shape, dtype, ctx, out, kwargs)


def gamma(alpha=1, beta=1, shape=None, dtype=None, ctx: Context | None = None,
          out: NDArray | None = None, **kwargs) -> NDArray:
    """Samples from the gamma distribution of shape ``alpha`` and scale ``beta``; with NDArrays,
    ``shape`` samples for each of their elements."""
    if isinstance(alpha, NDArray) or isinstance(beta, NDArray):
        return _sample_per_parameter('gamma', alpha, beta, shape, dtype, out, kwargs)
    return _sample('gamma', alpha, beta, shape, dtype, ctx, out, kwargs)


def negative_binomial(k=1, p=1, shape=None, dtype=None, ctx: Context | None = None,
                      out: NDArray | None = None, **kwargs) -> NDArray:
    """Samples of the number of failures before the ``k``-th success of probability ``p``;
    with NDArrays, ``shape`` samples for each of their elements."""
    if isinstance(k, NDArray) or isinstance(p, NDArray):
        return _sample_per_parameter('negative_binomial', k, p, shape, dtype, out, kwargs)
    return _sample('negative_binomial', k, p, shape, dtype, ctx, out, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=None, dtype=None, ctx: Context | None = None,
                                  out: NDArray | None = None, **kwargs) -> NDArray:
    """Samples of the negative binomial distribution with mean ``mu`` and dispersion ``alpha``
    (Poisson where alpha is 0); with NDArrays, ``shape`` samples for each of their elements."""
    if isinstance(mu, NDArray) or isinstance(alpha, NDArray):
        return _sample_per_parameter('generalized_negative_binomial', mu, alpha, shape, dtype, out, kwargs)
    return _sample('generalized_negative_binomial', mu, alpha, shape, dtype, ctx, out, kwargs)


def _like(kind: str, data: NDArray, a, b, out, kwargs) -> NDArray:
    """MXNet's ``_random_<kind>_like``: samples of data's shape, dtype and context."""
    if out is not None and out.shape != data.shape:
        raise base.MXNetError('Check failed: assign(&dattr, vec.at(i)): Incompatible attr in node  at '
                              '0-th output: expected [%s], got [%s]' % (','.join(map(str, data.shape)),
                                                                       ','.join(map(str, out.shape))))
    return _sample(kind, a, b, data.shape, data.dtype, data.context, out, kwargs,
                   '_random_%s_like' % kind)


def uniform_like(data: NDArray, low: float = 0, high: float = 1, out: NDArray | None = None,
                 name: str | None = None, **kwargs) -> NDArray:
    """``uniform`` samples shaped like ``data``."""
    return _like('uniform', data, low, high, out, kwargs)


def normal_like(data: NDArray, loc: float = 0, scale: float = 1, out: NDArray | None = None,
                name: str | None = None, **kwargs) -> NDArray:
    """``normal`` samples shaped like ``data``."""
    return _like('normal', data, loc, scale, out, kwargs)


def exponential_like(data: NDArray, lam: float = 1, out: NDArray | None = None,
                     name: str | None = None, **kwargs) -> NDArray:
    """Exponential samples of rate ``lam`` (mean 1 / lam) shaped like ``data``."""
    return _like('exponential', data, np.float32(lam), None, out, kwargs)


def poisson_like(data: NDArray, lam: float = 1, out: NDArray | None = None,
                 name: str | None = None, **kwargs) -> NDArray:
    """``poisson`` samples shaped like ``data``."""
    return _like('poisson', data, lam, None, out, kwargs)


def gamma_like(data: NDArray, alpha: float = 1, beta: float = 1, out: NDArray | None = None,
               name: str | None = None, **kwargs) -> NDArray:
    """``gamma`` samples shaped like ``data``."""
    return _like('gamma', data, alpha, beta, out, kwargs)


def negative_binomial_like(data: NDArray, k: float = 1, p: float = 1, out: NDArray | None = None,
                           name: str | None = None, **kwargs) -> NDArray:
    """``negative_binomial`` samples shaped like ``data``."""
    return _like('negative_binomial', data, k, p, out, kwargs)


def generalized_negative_binomial_like(data: NDArray, mu: float = 1, alpha: float = 1,
                                       out: NDArray | None = None, name: str | None = None,
                                       **kwargs) -> NDArray:
    """``generalized_negative_binomial`` samples shaped like ``data``."""
    return _like('generalized_negative_binomial', data, mu, alpha, out, kwargs)


# ----- the same operators under nd's names: sample_<kind> takes arrays of parameters -------------
def sample_uniform(low: NDArray, high: NDArray, shape=None, dtype=None, out: NDArray | None = None,
                   name: str | None = None, **kwargs) -> NDArray:
    """``shape`` uniform samples on [low, high) for each element of ``low`` and ``high``."""
    return _sample_per_parameter('uniform', low, high, shape, dtype, out, kwargs)


def sample_normal(mu: NDArray, sigma: NDArray, shape=None, dtype=None, out: NDArray | None = None,
                  name: str | None = None, **kwargs) -> NDArray:
    """``shape`` normal samples for each element of ``mu`` and ``sigma``."""
    return _sample_per_parameter('normal', mu, sigma, shape, dtype, out, kwargs)


def sample_exponential(lam: NDArray, shape=None, dtype=None, out: NDArray | None = None,
                       name: str | None = None, **kwargs) -> NDArray:
    """``shape`` exponential samples for each rate in ``lam`` (mean 1 / lam)."""
    return _sample_per_parameter('exponential', lam, None, shape, dtype, out, kwargs)


def sample_poisson(lam: NDArray, shape=None, dtype=None, out: NDArray | None = None,
                   name: str | None = None, **kwargs) -> NDArray:
    """``shape`` Poisson samples for each mean in ``lam``."""
    return _sample_per_parameter('poisson', lam, None, shape, dtype, out, kwargs)


def sample_gamma(alpha: NDArray, beta: NDArray, shape=None, dtype=None, out: NDArray | None = None,
                 name: str | None = None, **kwargs) -> NDArray:
    """``shape`` gamma samples for each element of ``alpha`` and ``beta``."""
    return _sample_per_parameter('gamma', alpha, beta, shape, dtype, out, kwargs)


def sample_negative_binomial(k: NDArray, p: NDArray, shape=None, dtype=None,
                             out: NDArray | None = None, name: str | None = None,
                             **kwargs) -> NDArray:
    """``shape`` negative binomial samples for each element of ``k`` and ``p``."""
    return _sample_per_parameter('negative_binomial', k, p, shape, dtype, out, kwargs)


def sample_generalized_negative_binomial(mu: NDArray, alpha: NDArray, shape=None, dtype=None,
                                         out: NDArray | None = None, name: str | None = None,
                                         **kwargs) -> NDArray:
    """``shape`` generalized negative binomial samples for each element of ``mu`` and ``alpha``."""
    return _sample_per_parameter('generalized_negative_binomial', mu, alpha, shape, dtype, out, kwargs)


def random_exponential(lam: float = 1, shape=None, ctx: Context | None = None, dtype=None,
                       out: NDArray | None = None, name: str | None = None, **kwargs) -> NDArray:
    """nd's operator behind ``nd.random.exponential``: its parameter is the rate ``lam``."""
    return _sample('exponential', np.float32(lam), None, shape, dtype, ctx, out, kwargs)


def randint(low: int, high: int, shape=None, dtype=None, ctx: Context | None = None,
            out: NDArray | None = None, **kwargs) -> NDArray:
    """Uniformly random integers in [low, high), int32 unless ``dtype``."""
    return _sample('randint', low, high, shape, dtype or np.int32, ctx, out, kwargs)


def shuffle(data: NDArray) -> NDArray:
    """A copy of ``data`` with its elements (1-d) or rows in random order, MXNet's order."""
    order = _generators.cpu.shuffled_order(data.shape[0], data.ndim == 1)
    with data.context.device():  # the order is copied to, and used on, data's GPU
        return data[NDArray(data.context.xp.asarray(order), data.context)]


def multinomial(data: NDArray, shape=(), get_prob: bool = False, out: NDArray | None = None,
                dtype='int32', name: str | None = None):
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
def Dropout(data: NDArray, p: float = 0.5, mode: str = 'training', axes=(), cudnn_off: bool = False,
            out: NDArray | None = None, name: str | None = None) -> NDArray:
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p), while
    training (``mode='always'``: always); here, not in ops.py, because it draws from uniform.

    As MXNet, an element is kept where its uniform draw u satisfies u <= 1 - p (so a seed
    drops what MXNet's drops); ``axes`` share one draw along those axes. ``cudnn_off`` picks
    MXNet's GPU kernel, and changes nothing here.
    """
    if p <= 0 or (mode == 'training' and not autograd.is_training()):
        result = data
    else:
        keep = np.float32(1) - np.float32(p)
        shape = tuple(1 if i in axes else d for i, d in enumerate(data.shape))
        draw = uniform(0, 1, shape=shape, ctx=data.context)
        result = data * ((draw <= keep) * (np.float32(1) / keep))
    return _write_into(out, result)
