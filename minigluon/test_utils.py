"""``mx.test_utils``: the dense-array helpers of MXNet's test utilities (tolerances, comparisons,
random inputs, generator checks), enough for user code and MXNet's own unit tests to import.

Sparse storage types are not part of minigluon: ``rand_ndarray`` and ``compare_optimizer``
raise NotImplementedError for them.
"""
from __future__ import annotations

import contextlib
import numbers
import os
import sys

import numpy as np
import numpy.testing as npt

import minigluon as mx  # a public name, as in MXNet's module: tests star-import it from here

from .context import Context, current_context, num_gpus

_DENSE = 'default'


def list_gpus() -> range:
    """The ids of the GPUs there are (``range(0)`` without one), as MXNet returns them."""
    return range(num_gpus())


def default_context() -> Context:
    """The context tests run on: the current one."""
    return current_context()


def set_default_context(ctx: Context) -> None:
    """Make ``ctx`` the default context."""
    Context.default_ctx = ctx


def default_dtype():
    """The dtype of random test data: float32."""
    return np.float32


def default_rtols() -> dict:
    """Relative tolerance per dtype: 1e-2 for float16, 1e-4 float32, 1e-5 float64, 0 exact types."""
    return _by_dtype(1e-2, 1e-4, 1e-5)


def default_atols() -> dict:
    """Absolute tolerance per dtype: 1e-1 for float16, 1e-3 float32, 1e-20 float64, 0 exact types."""
    return _by_dtype(1e-1, 1e-3, 1e-20)


def _by_dtype(half: float, single: float, double: float) -> dict:
    exact = (np.bool_, np.int8, np.uint8, np.int32, np.uint32, np.int64, np.uint64)
    tols = {np.dtype(t): 0 for t in exact}
    tols.update({np.dtype(np.float16): half, np.dtype(np.float32): single,
                 np.dtype(np.float64): double})
    return tols


def get_tolerance(dat, tol, default_tol: dict) -> float:
    """``tol`` itself if a number, else its (or ``default_tol``'s) entry for ``dat``'s dtype."""
    if isinstance(tol, numbers.Number):
        return tol
    dtype = np.dtype(dat.dtype)
    return (tol or {}).get(dtype, default_tol[dtype])


def get_tols(x, y, rtol, atol) -> tuple:
    """(rtol, atol) for comparing ``x`` and ``y``: the looser of their dtypes' defaults."""
    x, y = (np.array(v) if isinstance(v, numbers.Number) else v for v in (x, y))
    return (max(get_tolerance(x, rtol, default_rtols()), get_tolerance(y, rtol, default_rtols())),
            max(get_tolerance(x, atol, default_atols()), get_tolerance(y, atol, default_atols())))


def get_atol(atol=None, dtype=np.dtype(np.float64)) -> float:
    """``atol``, or ``dtype``'s default (float64's: 1e-20)."""
    return default_atols()[dtype] if atol is None else atol


def get_rtol(rtol=None, dtype=np.dtype(np.float64)) -> float:
    """``rtol``, or ``dtype``'s default (float64's: 1e-5)."""
    return default_rtols()[dtype] if rtol is None else rtol


def random_arrays(*shapes):
    """Standard-normal float32 NumPy arrays of these shapes (one array if one shape)."""
    arrays = [np.array(np.random.randn(), dtype=default_dtype()) if len(shape) == 0
              else np.random.randn(*shape).astype(default_dtype()) for shape in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def random_sample(population: list, k: int) -> list:
    """``k`` elements of ``population`` in random order (np.random.shuffle of a copy)."""
    assert 0 <= k <= len(population)
    chosen = population[:]
    np.random.shuffle(chosen)
    return chosen[:k]


def rand_ndarray(shape, stype: str = _DENSE, density=None, dtype=None, modifier_func=None,
                 shuffle_csr_indices=False, distribution=None, ctx=None):
    """A standard-normal NDArray of ``shape`` (dense only: minigluon has no sparse storage)."""
    if stype != _DENSE:
        raise NotImplementedError("rand_ndarray(stype='%s'): sparse arrays are not part of "
                                  "minigluon" % stype)
    return mx.nd.array(random_arrays(shape), dtype=dtype, ctx=ctx or default_context())


def rand_shape_2d(dim0: int = 10, dim1: int = 10, allow_zero_size: bool = False) -> tuple:
    """A random 2-d shape, each size in [1 (0 if allowed), dim]."""
    low = 0 if allow_zero_size else 1
    return np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1)


def rand_shape_3d(dim0: int = 10, dim1: int = 10, dim2: int = 10,
                  allow_zero_size: bool = False) -> tuple:
    """A random 3-d shape, each size in [1 (0 if allowed), dim]."""
    low = 0 if allow_zero_size else 1
    return tuple(np.random.randint(low, d + 1) for d in (dim0, dim1, dim2))


def rand_shape_nd(num_dim: int, dim: int = 10, allow_zero_size: bool = False) -> tuple:
    """A random ``num_dim``-d shape, each size in [1 (0 if allowed), dim]."""
    return tuple(np.random.randint(0 if allow_zero_size else 1, dim + 1, size=num_dim))


def np_reduce(dat: np.ndarray, axis, keepdims: bool, numpy_reduce_func) -> np.ndarray:
    """``numpy_reduce_func`` over several axes, one axis at a time (last first)."""
    axes = [axis] if isinstance(axis, int) else list(range(dat.ndim) if axis is None else axis)
    result = dat
    for a in sorted(axes, reverse=True):
        result = numpy_reduce_func(result, axis=a)
    if keepdims:
        result = result.reshape(tuple(1 if i in axes else n for i, n in enumerate(dat.shape)))
    return result


def same(a, b) -> bool:
    """Whether two arrays have the same shape and elements."""
    return np.array_equal(a, b)


def same_array(array1, array2) -> bool:
    """Whether two NDArrays share memory (adding 1 to the first changes the second)."""
    array1[:] += 1
    shared = same(array1.asnumpy(), array2.asnumpy())
    array1[:] -= 1
    return shared and same(array1.asnumpy(), array2.asnumpy())


def _check_shapes(a, b) -> None:
    if a.shape != b.shape:
        raise AssertionError(npt.build_err_msg(
            [a, b], err_msg='a.shape = %s and b.shape = %s are not equal' % (a.shape, b.shape)))


def almost_equal(a, b, rtol=None, atol=None, equal_nan: bool = False,
                 use_broadcast: bool = True) -> bool:
    """np.allclose with float64's default tolerances."""
    if not use_broadcast:
        _check_shapes(a, b)
    return bool(np.allclose(a, b, rtol=get_rtol(rtol), atol=get_atol(atol), equal_nan=equal_nan))


def _violations(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    """|a - b| / (atol + rtol |b|), 0 where a == b (infinities included)."""
    difference = np.where(np.equal(a, b), 0, np.abs(a - b))
    return difference / (atol + rtol * np.abs(b) + 1e-20)


def _location(a, b, index, names, maximum: bool = False) -> str:
    return 'Location of %serror: %s, %s=%.8f, %s=%.8f' % (
        'maximum ' if maximum else '', index, names[0], a[index], names[1], b[index])


def assert_almost_equal(a, b, rtol=None, atol=None, names=('a', 'b'), equal_nan: bool = False,
                        use_broadcast: bool = True, mismatches=(10, 10)) -> None:
    """Raise AssertionError unless |a - b| <= atol + rtol |b| elementwise (NDArrays or NumPy
    arrays; tolerances default by dtype), naming the worst element and the share that differ."""
    if not use_broadcast:
        _check_shapes(a, b)
    rtol, atol = get_tols(a, b, rtol, atol)
    a, b = (v.asnumpy() if hasattr(v, 'asnumpy') else v for v in (a, b))
    if getattr(a, 'dtype', None) == np.bool_ and getattr(b, 'dtype', None) == np.bool_:
        np.testing.assert_equal(a, b)
        return
    if almost_equal(a, b, rtol, atol, equal_nan=equal_nan):
        return
    a_wide, b_wide = np.broadcast_arrays(a, b)
    if a_wide.ndim == 0:  # scalars: in float64, as NumPy 1 computed with NumPy scalars
        a_wide, b_wide = a_wide.astype(np.float64), b_wide.astype(np.float64)
    violation = _violations(a_wide, b_wide, rtol, atol)
    if violation.ndim:
        order = np.argsort(-violation, axis=None, kind='stable')
        close = np.isclose(a_wide, b_wide, rtol=rtol, atol=atol, equal_nan=equal_nan)
        count = int((~close).sum())
        shown = min(count, mismatches[1] + 1) if mismatches[1] > 0 else count
        print('\n*** Maximum errors for vector of size {}:  rtol={}, atol={}\n'.format(
            a_wide.size, rtol, atol))
        for rank, flat in enumerate(order[:min(shown, mismatches[0])], 1):
            index = tuple(int(i) for i in np.unravel_index(flat, violation.shape))
            print('%3d: Error %f  %s' % (rank, violation[index], _location(a_wide, b_wide, index, names)))
        worst = tuple(int(i) for i in np.unravel_index(order[0], violation.shape))
        message = 'Error %f exceeds tolerance rtol=%e, atol=%e (mismatch %s%f%%).\n%s' % (
            violation[worst], rtol, atol, 'at least ' if 0 < mismatches[1] < count else '',
            100 * shown / a_wide.size, _location(a_wide, b_wide, worst, names, maximum=True))
    else:
        message = 'Error %f exceeds tolerance rtol=%e, atol=%e.\n' % (violation, rtol, atol)
    with np.printoptions(threshold=4, suppress=True):
        raise AssertionError(npt.build_err_msg([a, b], err_msg=message))


def assert_allclose(a, b, rtol: float = 1e-07, atol: float = 0, equal_nan: bool = True) -> None:
    """assert_almost_equal with NumPy's assert_allclose defaults."""
    assert_almost_equal(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def assert_exception(f, exception_type, *args, **kwargs) -> None:
    """Fail unless ``f(*args, **kwargs)`` raises ``exception_type``."""
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    raise AssertionError


def retry(n: int):
    """A decorator: run a stochastic test up to ``n`` times, failing if every try fails."""
    assert n > 0

    def decorate(test):
        def run(*args, **kwargs):
            for attempt in range(n):
                try:
                    return test(*args, **kwargs)
                except AssertionError:
                    if attempt == n - 1:
                        raise
        return run
    return decorate


@contextlib.contextmanager
def environment(*args):
    """Set environment variables (``name, value`` or one dict; a None value unsets) for the
    body of a ``with``, and restore them afterwards."""
    settings = args[0] if len(args) == 1 else {args[0]: args[1]}
    saved = {name: os.environ.get(name) for name in settings}
    _set_environ(settings)
    try:
        yield
    finally:
        _set_environ(saved)


def _set_environ(settings: dict) -> None:
    for name, value in settings.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@contextlib.contextmanager
def discard_stderr():
    """Send the process's stderr (file descriptor 2) to /dev/null for the body of a ``with``."""
    try:
        fileno = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # a captured or virtual stderr
        yield
        return
    saved = os.dup(fileno)
    with open(os.devnull, 'w') as null:
        os.dup2(null.fileno(), fileno)
        try:
            yield
        finally:
            os.dup2(saved, fileno)
            os.close(saved)


def gen_buckets_probs_with_ppf(ppf, nbuckets: int) -> tuple:
    """``nbuckets`` equally likely buckets [(ppf(i/n), ppf((i+1)/n))] and their probabilities."""
    assert nbuckets > 0
    return ([(ppf(i / float(nbuckets)), ppf((i + 1) / float(nbuckets))) for i in range(nbuckets)],
            [1.0 / nbuckets] * nbuckets)


def mean_check(generator, mu: float, sigma: float, nsamples: int = 1000000) -> bool:
    """Whether the mean of ``generator(nsamples)`` is within 3 standard errors of ``mu``."""
    mean = np.array(generator(nsamples)).mean()
    return bool(abs(mean - mu) < 3 * sigma / np.sqrt(nsamples))


def var_check(generator, sigma: float, nsamples: int = 1000000) -> bool:
    """Whether the sample variance of ``generator(nsamples)`` is within 3 standard errors of
    ``sigma ** 2``."""
    var = np.array(generator(nsamples)).var(ddof=1)
    return bool(abs(var - sigma ** 2) < 3 * np.sqrt(2 * sigma ** 4 / (nsamples - 1)))


def chi_square_check(generator, buckets: list, probs, nsamples: int = 1000000) -> tuple:
    """(p value, observed, expected counts) of a chi-square test of ``generator(nsamples)``
    against ``probs`` over ``buckets`` ((low, high) ranges, or the values of a discrete one)."""
    try:
        from scipy import stats
    except ImportError:
        raise ImportError('scipy is not available. Please check if the scipy python bindings '
                          'are installed.') from None
    assert isinstance(buckets, list) and len(probs) == len(buckets)
    samples = np.asarray(generator(nsamples))
    expected = (nsamples * np.array(probs, dtype=np.float32)).astype(np.int32)
    if isinstance(buckets[0], (list, tuple)):
        edges = np.array(buckets, dtype=np.float32).ravel()
        assert np.all(np.diff(edges) >= 0), 'buckets must be ordered and disjoint'
        ids = np.searchsorted(edges, samples, side='right') // 2
        observed = np.array([(ids == i).sum() for i in range(len(buckets))])
    else:
        observed = np.array([(samples == value).sum() for value in buckets])
    return stats.chisquare(f_obs=observed, f_exp=expected)[1], observed, expected


def verify_generator(generator, buckets: list, probs, nsamples: int = 1000000, nrepeat: int = 5,
                     success_rate: float = 0.2, alpha: float = 0.05) -> list:
    """Run chi_square_check ``nrepeat`` times; AssertionError unless at least ``success_rate``
    of the p values exceed ``alpha``. Returns the p values."""
    runs = [chi_square_check(generator, buckets, probs, nsamples) for _ in range(nrepeat)]
    p_values = [run[0] for run in runs]
    if (np.array(p_values) > alpha).sum() < nrepeat * success_rate:
        raise AssertionError('Generator test fails, Chi-square p=%s, obs_freq=%s, expected_freq=%s.'
                             '\nbuckets=%s, probs=%s' % (p_values, [r[1] for r in runs],
                                                         [r[2] for r in runs], buckets, probs))
    return p_values


def compare_ndarray_tuple(t1, t2, rtol=None, atol=None) -> None:
    """assert_almost_equal on two (nested tuples of) arrays; None on either side is skipped."""
    if t1 is None or t2 is None:
        return
    if isinstance(t1, tuple):
        for s1, s2 in zip(t1, t2):
            compare_ndarray_tuple(s1, s2, rtol, atol)
    else:
        assert_almost_equal(t1, t2, rtol=rtol, atol=atol)


def compare_optimizer(opt1, opt2, shape, dtype, w_stype: str = _DENSE, g_stype: str = _DENSE,
                      rtol: float = 1e-4, atol: float = 1e-5, compare_states: bool = True,
                      ntensors: int = 1) -> None:
    """One update of the same random weight and gradient by two optimizers; their states and
    weights must agree. ``shape`` a list: opt2 updates the tensors in one multi-tensor call."""
    if (w_stype, g_stype) != (_DENSE, _DENSE):
        raise NotImplementedError('compare_optimizer with sparse storage: sparse arrays are not '
                                  'part of minigluon')
    ctx = default_context()
    if not isinstance(shape, list):
        assert ntensors == 1
        w2 = mx.random.uniform(shape=shape, ctx=ctx, dtype=dtype)
        w1 = w2.copyto(ctx)
        g2 = mx.random.uniform(shape=shape, ctx=ctx, dtype=dtype)
        g1 = g2.copyto(ctx)
        state1, state2 = _create_state(opt1, 0, w1), _create_state(opt2, 0, w2)
        if compare_states:
            compare_ndarray_tuple(state1, state2)
        _update(opt1, 0, w1, g1, state1)
        _update(opt2, 0, w2, g2, state2)
        if compare_states:
            compare_ndarray_tuple(state1, state2, rtol=rtol, atol=atol)
        assert_almost_equal(w1, w2, rtol=rtol, atol=atol)
        return
    pairs = [(mx.random.uniform(shape=s, ctx=ctx, dtype=dtype), mx.random.uniform(shape=s, ctx=ctx, dtype=dtype))
             for s in shape]
    w2 = tuple(w.copy() for w, _ in pairs)
    g2 = tuple(g.copy() for _, g in pairs)
    state2 = [_create_state(opt2, 0, w2[i]) for i in range(ntensors)]
    _update(opt2, list(range(ntensors)), w2, g2, state2)
    for i in range(ntensors):
        w1, g1 = pairs[i]
        state1 = _create_state(opt1, i, w1)
        _update(opt1, i, w1, g1, state1)
        if compare_states:
            compare_ndarray_tuple(state1, state2[i], rtol, atol)
        compare_ndarray_tuple(w1, w2[i], rtol, atol)


# an optimizer without MXNet's float16 master-weight variants (minigluon's): what those
# variants do when multi_precision is off, the plain methods
def _create_state(optimizer, index, weight):
    return getattr(optimizer, 'create_state_multi_precision', optimizer.create_state)(index, weight)


def _update(optimizer, index, weight, grad, state) -> None:
    getattr(optimizer, 'update_multi_precision', optimizer.update)(index, weight, grad, state)
