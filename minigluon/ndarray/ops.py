"""The differentiable operations of ``mx.nd``, each forward with its backward beside it.

Every op reads the raw arrays of its inputs, computes with NumPy or CuPy, and hands
``_record`` the chain rule: ``backward(g)`` gets the gradient of the output and returns one
gradient per input. CPU and GPU share this code: operators, array methods and elementwise
functions (ufuncs such as ``np.exp``, and ``np.where``, ``np.clip``) run in the module that
owns the data by themselves; every other function (indexing, sorting, shaping, products,
making an array) is called through that module, ``xp = x._ctx.xp``.
"""
from __future__ import annotations

import builtins
import functools
import math

import numpy as np

from .. import autograd, bitexact
from ..base import MXNetError, alias, normalize_shape, not_implemented, unknown_argument
from ..context import Context
from . import casting
from .deferred import DeferredArray
from .ndarray import NDArray, _sum_to

_SCALARS = (int, float, bool, np.generic)


def _record(op: str, result: NDArray, backward, inputs, out: NDArray | None = None) -> NDArray:
    """Give ``result`` the Node of ``op`` if recording and an NDArray input needs a gradient;
    with MXNet's ``out=``, the result is written into ``out`` (and ``out`` returned)."""
    if autograd.is_recording():
        if len(inputs) == 2 and not (isinstance(inputs[0], NDArray) and isinstance(inputs[1], NDArray)):
            at = 0 if isinstance(inputs[0], NDArray) else 1  # the other is a scalar: no input
            backward, inputs = functools.partial(_gradient_of, at, backward), (inputs[at],)
        autograd.record_node(result, op, backward, inputs)
    return result if out is None else _write_into(out, result)


def _gradient_of(at: int, backward, g) -> tuple:
    """The gradient of operand ``at`` alone, for a binary op whose other operand is a scalar."""
    return (backward(g)[at],)


def _write_into(out: NDArray | None, result: NDArray) -> NDArray:
    """MXNet's ``out=``: ``result``'s values go into ``out``, which takes its place in the graph;
    ``out`` must have the result's shape and dtype, as MXNet's shape and type inference insist.
    Without an ``out`` (None), ``result`` itself."""
    if out is None:
        return result
    if out.shape != result.shape:
        raise MXNetError('Shape inconsistent, Provided = %s, inferred shape=%s'
                         % (_shape_str(out._data), _shape_str(result._data)))
    if out._data.dtype != result._data.dtype:
        raise MXNetError('Check failed: assign(&dattr, vec.at(i)): Incompatible attr in node  at 0-th '
                         'output: expected %s, got %s' % (result._data.dtype, out._data.dtype))
    out._inplace(result)
    autograd.record_node(out, '_copyto', lambda g: (g,), (result,))
    return out


def same_context(op: str, a: NDArray, b: NDArray) -> Context:
    """The context of a two-input op: the first input's; CPU ids may mix, devices may not."""
    ca, cb = a._ctx, b._ctx
    if ca is cb or (ca.device_type != 'gpu' and cb.device_type != 'gpu'):
        return ca
    raise MXNetError("Operator %s require all inputs live on the same context. But the first "
                     "argument is on %s while the 2-th argument is on %s" % (op, ca, cb))


def _same_dtype(name: str, first, *others):
    """MXNet refuses to mix dtypes in one operator (no silent promotion to float64)."""
    for i, other in enumerate(others, 1):
        if other.dtype != first.dtype:
            raise MXNetError('Incompatible attr in node  at %d-th input: expected %s, got %s'
                             % (i, first.dtype, other.dtype))  # an imperative call's node has no name


def _operands(name: str, lhs, rhs):
    """Raw values of a binary op's operands, and the context and dtype of its result."""
    if isinstance(lhs, NDArray):
        if isinstance(rhs, NDArray):
            a, b = lhs._data, rhs._data
            _same_dtype(name, a, b)
            return a, b, same_context(name, lhs, rhs), a.dtype
        if isinstance(rhs, _SCALARS):
            a = lhs._data
            return a, _scalar_as(rhs, a.dtype), lhs._ctx, a.dtype
    elif isinstance(lhs, _SCALARS) and isinstance(rhs, NDArray):
        b = rhs._data
        return _scalar_as(lhs, b.dtype), b, rhs._ctx, b.dtype
    raise TypeError('type %s not supported' % str(type(rhs if isinstance(lhs, NDArray) else lhs)))


def _scalar_as(value, dtype):
    """A scalar operand in the array's dtype, as MXNet casts it first (int32: 1.7 -> 1)."""
    if dtype.kind == 'f' and type(value) in (float, int):
        return value  # NumPy computes with a Python number in the array's float type already
    return casting.scalar_as(value, dtype)


def _broadcast(compute, a, b, ctx, dtype) -> NDArray:
    """Run a broadcasting kernel; keep the array operand's dtype, as MXNet does."""
    try:
        data = compute(a, b)
    except ValueError:
        try:
            np.broadcast_shapes(np.shape(a), np.shape(b))
        except ValueError:
            raise MXNetError('operands could not be broadcast together with shapes %s %s'
                             % (_shape_str(a), _shape_str(b))) from None
        raise  # not about shapes: e.g. CuPy refusing an array that is on another GPU
    if data.ndim == 0:  # NumPy gives a bare scalar for two 0-d operands
        data = ctx.xp.asarray(data)
    return NDArray(data if data.dtype == dtype else data.astype(dtype), ctx)


def _shape_str(x) -> str:
    return '[%s]' % ','.join(str(d) for d in np.shape(x))


# ----- arithmetic ---------------------------------------------------------------------------
def add(lhs, rhs) -> NDArray:
    a, b, ctx, dtype = _operands('broadcast_add', lhs, rhs)

    def backward(g):
        return _sum_to(g, a), _sum_to(g, b)
    return _record('add', _broadcast(np.add, a, b, ctx, dtype), backward, (lhs, rhs))


def subtract(lhs, rhs) -> NDArray:
    a, b, ctx, dtype = _operands('broadcast_sub', lhs, rhs)

    def backward(g):
        return _sum_to(g, a), _sum_to(-g, b)
    return _record('subtract', _broadcast(np.subtract, a, b, ctx, dtype), backward, (lhs, rhs))


def multiply(lhs, rhs) -> NDArray:
    a, b, ctx, dtype = _operands('broadcast_mul', lhs, rhs)

    def backward(g):
        return _sum_to(g * b, a), _sum_to(g * a, b)
    return _record('multiply', _broadcast(np.multiply, a, b, ctx, dtype), backward, (lhs, rhs))


def divide(lhs, rhs) -> NDArray:
    a, b, ctx, dtype = _operands('broadcast_div', lhs, rhs)

    def backward(g):
        return _sum_to(g / b, a), _sum_to(-g * a / (b * b), b)
    with np.errstate(divide='ignore', invalid='ignore'):  # x / 0 is inf or NaN, silently
        out = _broadcast(np.true_divide, a, b, ctx, dtype)
    return _record('divide', out, backward, (lhs, rhs))


def power(base, exp) -> NDArray:
    a, b, ctx, dtype = _operands('broadcast_power', base, exp)
    out = _broadcast(np.power, a, b, ctx, dtype)
    y = out._data

    def backward(g):
        ga = g * b * a ** (b - 1)
        gb = g * y * np.log(np.where(a > 0, a, 1)) if not isinstance(b, _SCALARS) else None
        return _sum_to(ga, a), (None if gb is None else _sum_to(gb, b))
    return _record('power', out, backward, (base, exp))


def maximum(lhs, rhs) -> NDArray:
    a, b, ctx, dtype = _operands('broadcast_maximum', lhs, rhs)

    def backward(g):
        a_wins = a >= b
        return _sum_to(g * a_wins, a), _sum_to(g * ~a_wins, b)
    return _record('maximum', _broadcast(np.maximum, a, b, ctx, dtype), backward, (lhs, rhs))


def minimum(lhs, rhs) -> NDArray:
    a, b, ctx, dtype = _operands('broadcast_minimum', lhs, rhs)

    def backward(g):
        a_wins = a <= b
        return _sum_to(g * a_wins, a), _sum_to(g * ~a_wins, b)
    return _record('minimum', _broadcast(np.minimum, a, b, ctx, dtype), backward, (lhs, rhs))


def negative(data: NDArray, out: NDArray | None = None, name: str | None = None) -> NDArray:
    return _record('negative', NDArray(-data._data, data._ctx), lambda g: (-g,), (data,), out)


def _compare(name, ufunc):
    def compare(lhs, rhs) -> NDArray:
        """Elementwise comparison: 1 where it holds, 0 elsewhere, in the array's dtype."""
        a, b, ctx, dtype = _operands(name, lhs, rhs)
        return _broadcast(ufunc, a, b, ctx, dtype)  # not differentiable
    compare.__name__ = name[len('broadcast_'):]  # nd.equal; errors name MXNet's operator
    return compare


equal = _compare('broadcast_equal', np.equal)
not_equal = _compare('broadcast_not_equal', np.not_equal)
greater = _compare('broadcast_greater', np.greater)
greater_equal = _compare('broadcast_greater_equal', np.greater_equal)
lesser = _compare('broadcast_lesser', np.less)
lesser_equal = _compare('broadcast_lesser_equal', np.less_equal)


# ----- elementwise functions --------------------------------------------------------------
def relu(data: NDArray, out: NDArray | None = None, name: str | None = None) -> NDArray:
    a = data._data
    y = NDArray(np.maximum(a, 0), data._ctx)
    return _record('relu', y, lambda g: (g * (a > 0),), (data,), out)


def sigmoid(data: NDArray, out: NDArray | None = None, name: str | None = None) -> NDArray:
    with np.errstate(over='ignore'):  # exp(-x) overflows to inf for x < -88: y is then 0
        y = 1 / (1 + bitexact.exp(-data._data))
    return _record('sigmoid', NDArray(y, data._ctx), lambda g: (g * y * (1 - y),), (data,), out)


def softrelu(x: NDArray, out: NDArray | None = None, name: str | None = None) -> NDArray:
    """log(1 + exp(x)), whose derivative is the sigmoid, as MXNet's CPU Activation computes
    it: oneDNN's float32 polynomials for float32 arrays of 1 to 5 dimensions (softrelu(-30) is
    0), otherwise log1p(exp(x)) (x itself above 20) with the gradient 1 - exp(-y)."""
    a = x._data
    if a.dtype == np.float32 and 1 <= a.ndim <= 5 and isinstance(a, np.ndarray):
        y = bitexact.onednn_softrelu(a)
        return _record('softrelu', NDArray(y, x._ctx),
                       lambda g: (g * bitexact.onednn_logistic(a),), (x,), out)
    wide = np.float32 if a.dtype == np.float16 else a.dtype  # float16 is computed in float32
    with np.errstate(over='ignore'):  # exp(x) is inf where x itself is the answer
        y = np.where(a > 20, a, _log1pf(_expf(a.astype(wide))).astype(a.dtype))
    return _record('softrelu', NDArray(y, x._ctx),
                   lambda g: (g * -_expm1f(-y.astype(wide)).astype(a.dtype),), (x,), out)


_tanhf = bitexact.libm('tanh')
_log1pf = bitexact.libm('log1p')


def tanh(data: NDArray, out: NDArray | None = None, name: str | None = None) -> NDArray:
    y = _tanhf(data._data)
    return _record('tanh', NDArray(y, data._ctx), lambda g: (g * (1 - y * y),), (data,), out)


def exp(data: NDArray, out: NDArray | None = None, name: str | None = None) -> NDArray:
    y = bitexact.exp(data._data)
    return _record('exp', NDArray(y, data._ctx), lambda g: (g * y,), (data,), out)


def log(data: NDArray, out: NDArray | None = None, name: str | None = None) -> NDArray:
    a = data._data
    return _record('log', NDArray(bitexact.log(a), data._ctx), lambda g: (g / a,), (data,), out)


def sqrt(data: NDArray, out: NDArray | None = None, name: str | None = None) -> NDArray:
    y = np.sqrt(data._data)
    return _record('sqrt', NDArray(y, data._ctx), lambda g: (g / (2 * y),), (data,), out)


def square(data: NDArray, out: NDArray | None = None, name: str | None = None) -> NDArray:
    a = data._data
    return _record('square', NDArray(a * a, data._ctx), lambda g: (2 * g * a,), (data,), out)


def abs(data: NDArray, out: NDArray | None = None,  # noqa: A001 - MXNet's name
        name: str | None = None) -> NDArray:
    a = data._data
    return _record('abs', NDArray(np.abs(a), data._ctx), lambda g: (g * np.sign(a),), (data,), out)


def clip(data: NDArray, a_min: float, a_max: float,
         out: NDArray | None = None, name: str | None = None) -> NDArray:
    a = data._data
    result = NDArray(np.clip(a, a_min, a_max), data._ctx)
    return _record('clip', result, lambda g: (g * ((a >= a_min) & (a <= a_max)),), (data,), out)


def _softmax_kernel(a, axis: int, log: bool):
    """MXNet's CPU softmax (``log``: log_softmax) of ``a`` along ``axis``. float32 on the last
    axis of 1 to 4 dimensions goes to oneDNN: its exp and log polynomials, its lane-order sum,
    the sum's reciprocal multiplied in. Otherwise MXNet's own loop: C's exp, the sum added in
    order (float16 in float32), divided by; log_softmax is (x - max) - log(sum)."""
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):  # silent, as in C
        if a.dtype == np.float32 and axis == a.ndim - 1 and a.ndim <= 4 and isinstance(a, np.ndarray):
            shifted = a - a.max(axis=axis, keepdims=True)
            e = bitexact.onednn_exp(shifted)
            total = bitexact.onednn_lane_sum(e)
            return shifted - bitexact.onednn_log(total) if log else e * (np.float32(1) / total)
        work = np.float32 if a.dtype == np.float16 else a.dtype
        shifted = (a - a.max(axis=axis, keepdims=True)).astype(work, copy=False)
        e = bitexact.exp(shifted)
        total = bitexact.running_sum(e, axis, work)
        y = shifted - bitexact.log(total) if log else e / total
        return y.astype(a.dtype, copy=False)


def softmax(data: NDArray, axis: int = -1, out: NDArray | None = None,
            name: str | None = None) -> NDArray:
    """exp(x) / sum(exp(x)) along ``axis``, in MXNet's CPU arithmetic (``_softmax_kernel``);
    the gradient is y * (g - sum(g * y)), the sum added in order as MXNet's backward does."""
    a = data._data
    axis = _check_axis(axis, a.ndim)
    y = _softmax_kernel(a, axis, log=False)
    return _record('softmax', NDArray(y, data._ctx),
                   lambda g: ((g - bitexact.running_sum(g * y, axis, y.dtype)) * y,), (data,), out)


def log_softmax(data: NDArray, axis: int = -1, out: NDArray | None = None,
                name: str | None = None) -> NDArray:
    """x - max - log(sum(exp(x - max))) along ``axis``, in MXNet's CPU arithmetic
    (``_softmax_kernel``); the gradient is g - exp(y) * sum(g), the sum added in order."""
    a = data._data
    axis = _check_axis(axis, a.ndim)
    y = _softmax_kernel(a, axis, log=True)
    return _record('log_softmax', NDArray(y, data._ctx),
                   lambda g: (g - bitexact.exp(y) * bitexact.running_sum(g, axis, y.dtype),),
                   (data,), out)


_SOFTMAX_DTYPES = (None, 'float16', 'float32', 'float64')
_expf = bitexact.libm('exp')


def softmin(data: NDArray, axis: int = -1, temperature: float | None = None, dtype=None,
            use_length: bool = False, out: NDArray | None = None, **kwargs) -> NDArray:
    """softmax(-data / temperature) along ``axis``: large values get small weights. Computed as
    MXNet's CPU kernel does, in data's dtype (float32 for float16's exponentials), the
    exponentials added in order; ``dtype`` is the result's ('float16', 'float32', 'float64')."""
    if kwargs:
        raise unknown_argument('softmin', kwargs, ('axis', 'temperature', 'dtype', 'use_length'))
    dtype = None if dtype is None else np.dtype(dtype).name
    attrs = _given(axis=(axis, -1), temperature=(temperature, None), dtype=(dtype, None),
                   use_length=(use_length, False))
    if not isinstance(axis, (int, np.integer)):
        raise _parameter_error('softmin', 'axis', 'int', axis, attrs)
    if dtype not in _SOFTMAX_DTYPES:
        raise MXNetError("MXNetError: Invalid Input: '%s', valid values are: {None, 'float16', "
                         "'float32', 'float64'}, in operator %s" % (dtype, _in_operator('softmin', attrs)))
    a = data._data
    if a.ndim == 0:
        raise _shape_inference_failed('softmin', [()], attrs)
    _check(not use_length, 'in_attrs->size() == softmax_use_length(attrs) ? 2U : 1U (1 vs. 2) : ')
    axis = _check_axis(axis, a.ndim)
    if a.dtype.kind != 'f':
        raise MXNetError('This operation only support floating point types, not %s' % a.dtype)
    kind = a.dtype.type
    work = np.float64 if kind is np.float64 else np.float32  # C's float for float16's exp
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):  # silent, as in C
        z = -a - (-a).max(axis=axis, keepdims=True)
        if temperature is not None and kind(temperature) != 1:
            z = z / kind(temperature)
        e = _expf(z.astype(work, copy=False))
        y = (e / bitexact.running_sum(e, axis, a.dtype).astype(work)).astype(a.dtype)
    result = NDArray(y.astype(dtype or a.dtype, copy=False), data._ctx)

    def backward(g):  # -(y * (g - sum(g * y))) / temperature, the sum added in order
        dot = bitexact.running_sum(g * y, axis, a.dtype)
        grad = -(y * (g - dot)).astype(a.dtype)
        return (grad if temperature is None or kind(temperature) == 1 else grad / kind(temperature),)
    return _record('softmin', result, backward, (data,), out)


# ----- reductions: without an axis MXNet returns shape (1,), not a 0-d array ---------------
_REDUCE_ARGUMENTS = ('axis', 'keepdims', 'exclude')  # a typo among them is MXNet's MXNetError


def _axis(axis, exclude: bool = False, ndim: int = 0):
    """MXNet's axis argument as NumPy's: a list becomes a tuple, () means every axis, and
    ``exclude`` means every axis but those."""
    if exclude:
        named = {ax % ndim for ax in ((axis,) if isinstance(axis, (int, np.integer)) else axis or ())}
        return tuple(i for i in range(ndim) if i not in named)
    if axis is None or isinstance(axis, (int, np.integer)):
        return axis
    return tuple(axis) or None


def _reduction_axis(axis, exclude: bool, shape: tuple):
    """A reduction's ``axis`` as NumPy's (``_axis``), after MXNet's checks of it."""
    if not exclude:
        _check_reduce_axes(axis, shape)
    return _axis(axis, exclude, len(shape))


def _reduce_shape(a, axis):
    """The kept-dims shape that broadcasts a reduction's gradient back over ``a``."""
    if axis is None:
        return (1,) * a.ndim
    axes = (axis,) if isinstance(axis, int) else axis
    axes = {ax % a.ndim for ax in axes}
    return tuple(1 if i in axes else d for i, d in enumerate(a.shape))


def _spread(g, a, axis):
    """The gradient of a reduction, copied back over every element of its input ``a``."""
    out = a.astype(g.dtype)  # a new array of a's shape, on a's device
    out[...] = g.reshape(_reduce_shape(a, axis))
    return out


def _reduced(data):
    """A reduction over every axis is a shape-(1,) array in MXNet, never 0-d."""
    return data.reshape(1) if data.ndim == 0 else data


def sum(x: NDArray, axis=None, keepdims: bool = False, exclude: bool = False,  # noqa: A001
        **kwargs) -> NDArray:
    if kwargs:
        raise unknown_argument('sum', kwargs, _REDUCE_ARGUMENTS)
    a = x._data
    axis = _reduction_axis(axis, exclude, a.shape)
    out = NDArray(_reduced(a.sum(axis=axis, keepdims=keepdims, dtype=a.dtype)), x._ctx)

    def backward(g):
        return (_spread(g, a, axis),)
    return _record('sum', out, backward, (x,))


def mean(x: NDArray, axis=None, keepdims: bool = False, exclude: bool = False,
         **kwargs) -> NDArray:
    if kwargs:
        raise unknown_argument('mean', kwargs, _REDUCE_ARGUMENTS)
    a = x._data
    axis = _reduction_axis(axis, exclude, a.shape)
    data = a.mean(axis=axis, keepdims=keepdims)
    out = NDArray(_reduced(data.astype(a.dtype, copy=False)), x._ctx)
    count = a.size // data.size if data.size else 1

    def backward(g):
        return (_spread(g / count, a, axis),)
    return _record('mean', out, backward, (x,))


def prod(x: NDArray, axis=None, keepdims: bool = False, exclude: bool = False,
         **kwargs) -> NDArray:
    """The product over ``axis``; its gradient is product / x (inf or NaN at zeros, as MXNet)."""
    if kwargs:
        raise unknown_argument('prod', kwargs, _REDUCE_ARGUMENTS)
    a = x._data
    axis = _reduction_axis(axis, exclude, a.shape)
    data = a.prod(axis=axis, keepdims=keepdims, dtype=a.dtype)

    def backward(g):
        with np.errstate(divide='ignore', invalid='ignore'):
            return (_spread(g, a, axis) * (data.reshape(_reduce_shape(a, axis)) / a),)
    return _record('prod', NDArray(_reduced(data), x._ctx), backward, (x,))


def nansum(x: NDArray, axis=None, keepdims: bool = False, exclude: bool = False,
           **kwargs) -> NDArray:
    """The sum over ``axis`` with NaNs counted as 0 (and getting no gradient)."""
    if kwargs:
        raise unknown_argument('nansum', kwargs, _REDUCE_ARGUMENTS)
    a = x._data
    axis = _reduction_axis(axis, exclude, a.shape)
    data = x._ctx.xp.nansum(a, axis=axis, keepdims=keepdims, dtype=a.dtype)
    return _record('nansum', NDArray(_reduced(data), x._ctx),
                   lambda g: (_spread(g, a, axis) * ~np.isnan(a),), (x,))


def nanprod(data: NDArray, axis=None, keepdims: bool = False, exclude: bool = False,
            **kwargs) -> NDArray:
    """The product over ``axis`` with NaNs counted as 1. A NaN gets no gradient, the others
    product / x (NaN where a zero meets a zero product, as in MXNet)."""
    if kwargs:
        raise unknown_argument('nanprod', kwargs, _REDUCE_ARGUMENTS)
    a = data._data
    axis = _reduction_axis(axis, exclude, a.shape)
    nan = np.isnan(a)
    with np.errstate(over='ignore', invalid='ignore'):  # inf * 0 is NaN, silently, as in C
        product = np.where(nan, 1, a).prod(axis=axis, keepdims=keepdims, dtype=a.dtype)

    def backward(g):
        with np.errstate(divide='ignore', invalid='ignore'):
            return (_spread(g, a, axis) * np.where(nan, 0, product.reshape(_reduce_shape(a, axis)) / a),)
    return _record('nanprod', NDArray(_reduced(product), data._ctx), backward, (data,))


def _check_reduce_axes(axis, shape: tuple) -> None:
    """MXNet's checks of a reduction's ``axis`` (without ``exclude``), in its words."""
    given = () if axis is None else (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    if not given:
        return
    axes = sorted(ax + len(shape) if ax < 0 else ax for ax in given)
    for before, after in zip(axes, axes[1:]):
        _check(before < after, 'axes[i-1] < axes[i] (%d vs. %d) : Reduction axes have duplicates %s'
               % (before, after, _dims_str(axes)))
    _check(axes[-1] < len(shape), 'axes[axes.ndim()-1] < ishape.ndim() (%d vs. %d) : Reduction axis '
           '%d Exceeds input dimensions %s' % (axes[-1], len(shape), axes[-1], _dims_str(shape)))
    _check(axes[0] >= 0, 'axes[0] >= 0 (%d vs. 0) : Reduction axis %s Exceeds input dimensions %s'
           % (axes[0], _dims_str(given), _dims_str(shape)))


def _extreme(name, pick):
    def reduce(x: NDArray, axis=None, keepdims: bool = False, exclude: bool = False,
               **kwargs) -> NDArray:
        if kwargs:
            raise unknown_argument(name, kwargs, _REDUCE_ARGUMENTS)
        a = x._data
        axis = _reduction_axis(axis, exclude, a.shape)
        data = pick(a, axis=axis, keepdims=keepdims)
        out = NDArray(_reduced(data), x._ctx)

        def backward(g):
            shape = _reduce_shape(a, axis)
            return (g.reshape(shape) * (a == data.reshape(shape)),)
        return _record(name, out, backward, (x,))
    reduce.__name__ = name
    return reduce


max = _extreme('max', lambda a, **kw: a.max(**kw))  # noqa: A001
min = _extreme('min', lambda a, **kw: a.min(**kw))  # noqa: A001


def norm(data: NDArray, ord: int = 2, axis=None, keepdims: bool = False,  # noqa: A002
         out: NDArray | None = None, name: str | None = None) -> NDArray:
    """The L2 norm (``ord=2``) or L1 norm (``ord=1``) over ``axis`` (all elements by default)."""
    a = data._data
    axis = _reduction_axis(axis, False, a.shape)
    if ord == 1:
        values = np.abs(a).sum(axis=axis, keepdims=keepdims)
    elif ord == 2:
        values = bitexact.nrm2(a, axis, keepdims)
    else:
        raise MXNetError('norm supports ord=1 and ord=2, not %r' % (ord,))
    result = NDArray(_reduced(values), data._ctx)

    def backward(g):
        shape = _reduce_shape(a, axis)
        if ord == 1:
            return (g.reshape(shape) * np.sign(a),)
        with np.errstate(invalid='ignore'):  # 0 / 0 at a zero norm: NaN, as in MXNet
            return (g.reshape(shape) * a / values.reshape(shape),)
    return _record('norm', result, backward, (data,), out)


def _arg_extreme(name, pick):
    def reduce(data: NDArray, axis=None, keepdims: bool = False,
               out: NDArray | None = None, name: str | None = None) -> NDArray:
        """Index of the extreme element, as floats (MXNet gives indices in the input's dtype)."""
        a = data._data
        if axis is not None:
            _check_axis(axis, a.ndim)
        values = pick(a, axis)
        if keepdims and axis is not None:
            values = data._ctx.xp.expand_dims(values, axis)
        result = NDArray(_reduced(values).astype(a.dtype), data._ctx)
        return _write_into(out, result)
    reduce.__name__ = name
    return reduce


argmax = _arg_extreme('argmax', lambda a, axis: a.argmax(axis=axis))
argmin = _arg_extreme('argmin', lambda a, axis: a.argmin(axis=axis))


# ----- products -----------------------------------------------------------------------------
def dot(lhs: NDArray, rhs: NDArray, transpose_a: bool = False, transpose_b: bool = False,
        out: NDArray | None = None, name: str | None = None) -> NDArray:
    """Matrix product; for N-d arrays, contracts lhs's last axis with rhs's first (MXNet's rule)."""
    if isinstance(lhs, DeferredArray) or isinstance(rhs, DeferredArray):  # dot infers no operand
        raise MXNetError('Check failed: dim_size_is_known(*it): Shape dim size cannot be a '
                         'negative value -1')
    ctx = same_context('dot', lhs, rhs)
    _same_dtype('dot', lhs._data, rhs._data)
    xp = ctx.xp  # transposed, an N-d operand is MXNet's 2-d view of it: (first axis, the rest)
    a = xp.moveaxis(lhs._data, 0, -1) if transpose_a else lhs._data
    b = xp.moveaxis(rhs._data, -1, 0) if transpose_b else rhs._data
    if a.shape[-1:] != b.shape[:1]:
        _check(False, '%s (%d vs. %d) : dot shape error: %s X %s' % (
            'lshape[0] == rshape[0]' if a.ndim == b.ndim == 1 else 'L[!Ta].Size() == R[Tb].Size()',
            a.shape[-1], b.shape[0], _shape_str(lhs._data), _shape_str(rhs._data)))
    if a.ndim == 2 and b.ndim == 2:
        data = a @ b
    else:
        data = ctx.xp.tensordot(a, b, axes=1)
        if data.ndim == 0:
            data = data.reshape(1)  # vector . vector is a shape-(1,) array in MXNet

    def backward(g):
        g = g.reshape(a.shape[:-1] + b.shape[1:])
        ga = ctx.xp.tensordot(g, b, axes=(tuple(range(a.ndim - 1, g.ndim)), tuple(range(1, b.ndim))))
        gb = ctx.xp.tensordot(a, g, axes=(tuple(range(a.ndim - 1)), tuple(range(a.ndim - 1))))
        return (xp.moveaxis(ga, -1, 0) if transpose_a else ga,
                xp.moveaxis(gb, 0, -1) if transpose_b else gb)
    return _record('dot', NDArray(data, ctx), backward, (lhs, rhs), out)


def batch_dot(lhs: NDArray, rhs: NDArray, transpose_a: bool = False,
              transpose_b: bool = False, out: NDArray | None = None, name: str | None = None) -> NDArray:
    """Batched matrix product of (B, n, k) and (B, k, m) arrays (optionally transposed)."""
    ctx = same_context('batch_dot', lhs, rhs)
    _same_dtype('batch_dot', lhs._data, rhs._data)
    a = lhs._data.transpose(0, 2, 1) if transpose_a else lhs._data
    b = rhs._data.transpose(0, 2, 1) if transpose_b else rhs._data
    if a.ndim != 3 or b.ndim != 3 or a.shape[0] != b.shape[0]:
        raise MXNetError('batch_dot shape error: %s X %s' % (_shape_str(lhs._data),
                                                             _shape_str(rhs._data)))
    _check(a.shape[2] == b.shape[1], 'lshape_k == rshape_k (%d vs. %d) : batch_dot shape error '
           '(shape mismatch): %s X %s trans_a=%d trans_b=%d' % (
               a.shape[2], b.shape[1], _shape_str(lhs._data), _shape_str(rhs._data),
               transpose_a, transpose_b))

    def backward(g):
        ga, gb = g @ b.transpose(0, 2, 1), a.transpose(0, 2, 1) @ g
        return (ga.transpose(0, 2, 1) if transpose_a else ga,
                gb.transpose(0, 2, 1) if transpose_b else gb)
    return _record('batch_dot', NDArray(a @ b, ctx), backward, (lhs, rhs), out)


def FullyConnected(data: NDArray, weight: NDArray, bias: NDArray | None = None,
                   num_hidden: int | None = None, no_bias: bool = False,
                   flatten: bool = True, out: NDArray | None = None, name: str | None = None) -> NDArray:
    """``data @ weight.T + bias`` in one tape node; ``weight`` is (units, in_units) as in MXNet."""
    if isinstance(weight, DeferredArray) or isinstance(bias, DeferredArray):
        weight, bias = _fc_inferred(data, weight, bias, num_hidden, no_bias, flatten)
    ctx = data._ctx
    if weight._ctx is not ctx:
        ctx = same_context('FullyConnected', data, weight)
    x, w = data._data, weight._data
    if x.dtype != w.dtype or (bias is not None and bias._data.dtype != w.dtype):
        _same_dtype('FullyConnected', x, w, *([] if bias is None else [bias._data]))
    x2 = x if x.ndim == 2 else x.reshape(x.shape[0], -1) if flatten else x.reshape(-1, x.shape[-1])
    units = w.shape[0] if num_hidden is None else num_hidden
    if x2.shape[1] != w.shape[1] or units != w.shape[0]:
        raise MXNetError('Shape inconsistent, Provided = %s, inferred shape=(%d,%d)'
                         % (_shape_str(w), units, x2.shape[1]))
    result = x2 @ w.T
    if bias is not None and not no_bias:
        result += bias._data
    if not flatten:
        result = result.reshape(x.shape[:-1] + (w.shape[0],))

    data_needs_grad = autograd.is_recorded(data)  # the first layer's input rarely does

    def backward(g):
        g2 = g if g.ndim == 2 else g.reshape(-1, w.shape[0])
        gx = None
        if data_needs_grad:
            gx = g2 @ w
            gx = gx if x.ndim == 2 else gx.reshape(x.shape)
        grads = (gx, g2.T @ x2)
        return grads if bias is None or no_bias else grads + (g2.sum(axis=0),)
    inputs = (data, weight) if bias is None or no_bias else (data, weight, bias)
    return _record('FullyConnected', NDArray(result, ctx), backward, inputs, out)


def _fc_inferred(data, weight, bias, num_hidden, no_bias: bool, flatten: bool) -> tuple:
    """weight and bias whose sizes a block's shape pass left to this op: (num_hidden, features)
    and (num_hidden,), as MXNet's FullyConnected infers them."""
    if num_hidden is None:
        raise MXNetError('Required parameter num_hidden of int is not presented, in operator '
                         'FullyConnected(name="", no_bias="%s")' % no_bias)
    features = (data.size // data.shape[0] if data.shape[0] else 0) if flatten else data.shape[-1]
    if isinstance(weight, DeferredArray):
        weight = weight.resolved((num_hidden, features))
    if isinstance(bias, DeferredArray) and not no_bias:
        bias = bias.resolved((num_hidden,))
    return weight, bias


# ----- shapes -------------------------------------------------------------------------------
def _check(ok: bool, message: str):
    if not ok:
        raise MXNetError('Check failed: ' + message)


def _dims_str(dims) -> str:
    return '[%s]' % ','.join(str(d) for d in dims)


def _check_axis(axis: int, ndim: int) -> int:
    """``axis`` in range(ndim) (negative: from the end), or MXNet's error."""
    _check(-ndim <= axis < ndim, 'axis < ndim && axis >= -ndim: axis %d exceeds the input '
           'dimension of %d' % (axis, ndim))
    return axis % ndim


def _given(**params) -> dict:
    """The parameters passed with another value than their default, for MXNet's messages (which
    list them in the order given; here, in the order of the signature): each keyword is
    (value, default)."""
    return {name: value for name, (value, default) in params.items() if value is not default
            and not (type(value) is type(default) and value == default)}


def _in_operator(op: str, attrs: dict) -> str:
    return '%s(%s)' % (op, ', '.join(['name=""'] + ['%s="%s"' % kv for kv in attrs.items()]))


def _parameter_error(op: str, name: str, expected: str, value, attrs: dict) -> MXNetError:
    """MXNet's error for a parameter that does not parse as its type (``k=1.5`` for an int)."""
    return MXNetError("MXNetError: Invalid Parameter format for %s expect %s but value='%s', in "
                      'operator %s' % (name, expected, value, _in_operator(op, attrs)))


def _shape_inference_failed(op: str, shapes, attrs: dict, output: str = 'None') -> MXNetError:
    """MXNet's error for an input whose shape it does not know: a 0-d array's, shape (), is
    unknown to its operators (MXNet lists several attributes in its hash map's order)."""
    return MXNetError('Operator %s inferring shapes failed.\ninput shapes:\n%soutput shapes:\n%s\n'
                      'operator attributes:\n%s\n'
                      % (op, ''.join('%s\n' % (_dims_str(s) if s else 'None') for s in shapes), output,
                         ''.join('%s : %s\n' % kv for kv in attrs.items())))


def _reshape_target(codes: tuple, shape: tuple, reverse: bool) -> tuple:
    """MXNet's reshape codes: 0 copies an input axis, -1 is inferred, -2 copies all the
    remaining axes, -3 merges two axes, -4 splits one axis into the next two codes."""
    if reverse:
        codes, shape = codes[::-1], shape[::-1]
    out, src, inferred, i = [], 0, None, 0
    while i < len(codes):
        code = codes[i]
        if code == 0:
            _check(src < len(shape), 'src_idx < dshape_len (%d vs. %d)' % (src, len(shape)))
            out.append(shape[src])
            src += 1
        elif code == -1:
            _check(inferred is None, 'One and only one dim can be inferred')
            inferred = len(out)
            out.append(1)
            src += 1
        elif code == -2:
            out.extend(shape[src:])
            src = len(shape)
        elif code == -3:
            _check(src < len(shape) - 1, 'src_idx < dshape_len-1 (%d vs. %d)' % (src, len(shape) - 1))
            out.append(shape[src] * shape[src + 1])
            src += 2
        elif code == -4:
            _check(i + 2 < len(codes) and src < len(shape), 'i + 2 < params_len')
            whole, first, second = shape[src], codes[i + 1], codes[i + 2]
            _check(first != -1 or second != -1, 'Split dims cannot both be -1.')
            first = whole // second if first == -1 else first
            second = whole // first if second == -1 else second
            _check(first * second == whole, 'Split dims %d, %d do not divide original dim %d'
                   % (first, second, whole))
            out += [first, second]
            src += 1
            i += 2
        else:
            _check(code > 0, 'shape dim size must be >= -1, while received %d' % code)
            out.append(code)
            src += 1
        i += 1
    if inferred is not None:
        known = math.prod(out)
        out[inferred] = math.prod(shape) // known if known else 0
    return tuple(out[::-1] if reverse else out)


def reshape(x: NDArray, *shape, reverse: bool = False, **kwargs) -> NDArray:
    """The same values in a new shape, sharing memory; ``shape`` may use MXNet's codes
    (0 keep an axis, -1 infer one, -2 keep the rest, -3 merge two, -4 split one)."""
    if kwargs:
        if kwargs.keys() - {'shape'}:
            raise TypeError("Got unknown keywords in reshape: %s. Accepted keyword arguments are "
                            "'shape' and 'reverse'." % ', '.join(k for k in kwargs if k != 'shape'))
        shape = (kwargs['shape'],)
    codes = shape[0] if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)) else shape
    a = x._data
    if reverse or 0 in codes or builtins.min(codes, default=0) < -1:
        target = _reshape_target(normalize_shape(codes), a.shape, reverse)
    else:
        target = codes  # only sizes and -1: NumPy's own rule
    try:
        data = a.reshape(target)
    except ValueError:  # MXNet's checks say what is wrong
        size = math.prod(_reshape_target(normalize_shape(codes), a.shape, reverse))
        if size > a.size:
            raise MXNetError('NDArray.Reshape: Check failed: shape_.Size() >= shape.Size() '
                             '(%d vs. %d) : target shape size is larger than the current shape'
                             % (a.size, size)) from None
        raise ValueError('Cannot reshape array of size %d into shape %s'
                         % (a.size, tuple(codes))) from None
    return _record('reshape', NDArray(data, x._ctx), lambda g: (g.reshape(a.shape),), (x,))


def reshape_like(lhs: NDArray, rhs: NDArray, out: NDArray | None = None, name: str | None = None) -> NDArray:
    """``lhs``'s values in ``rhs``'s shape (sizes must agree); rhs gets no gradient."""
    if lhs.size != rhs.size:
        raise MXNetError('Cannot reshape lhs with shape %s'  # MXNet's words, its missing space too
                         'to new shape %s because they have different size.'
                         % (_shape_str(lhs._data), _shape_str(rhs._data)))
    a = lhs._data
    return _record('reshape_like', NDArray(a.reshape(rhs.shape), lhs._ctx),
                   lambda g: (g.reshape(a.shape), None), (lhs, rhs), out)


def shape_array(data: NDArray, out: NDArray | None = None, **kwargs) -> NDArray:
    """``data``'s shape as a 1-d int64 array; no gradient flows through it. As MXNet's
    operators without parameters, it ignores unknown keywords."""
    if data.ndim == 0:
        raise _shape_inference_failed('shape_array', [()], kwargs, output='[-1]')
    result = NDArray(data._ctx.xp.asarray(data.shape, dtype=np.int64), data._ctx)
    return _record('shape_array', result, lambda g: (None,), (data,), out)


def size_array(data: NDArray, out: NDArray | None = None, **kwargs) -> NDArray:
    """``data``'s number of elements as a 1-element int64 array; no gradient flows through it."""
    result = NDArray(data._ctx.xp.asarray([data.size], dtype=np.int64), data._ctx)
    return _record('size_array', result, lambda g: (None,), (data,), out)


def diag(data: NDArray, k: int = 0, axis1: int = 0, axis2: int = 1,
         out: NDArray | None = None, **kwargs) -> NDArray:
    """1-d ``data``: the square matrix with ``data`` on its diagonal ``k`` (k > 0 above the
    main one, k < 0 below) and zeros elsewhere. N-d: diagonal ``k`` of the matrices that axes
    ``axis1`` and ``axis2`` hold, as a new last axis (NumPy's ``diagonal``)."""
    if kwargs:
        raise unknown_argument('diag', kwargs, ('k', 'axis1', 'axis2'))
    attrs = _given(k=(k, 0), axis1=(axis1, 0), axis2=(axis2, 1))
    for name, value in (('k', k), ('axis1', axis1), ('axis2', axis2)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
            raise _parameter_error('diag', name, 'int', value, attrs)
    a, xp = data._data, data._ctx.xp
    if a.ndim == 0:
        raise _shape_inference_failed('diag', [()], attrs)
    if a.ndim == 1:
        return _record('diag', NDArray(xp.diag(a, k), data._ctx),
                       lambda g: (xp.diagonal(g, k).copy(),), (data,), out)
    x1, x2 = _check_axis(axis1, a.ndim), _check_axis(axis2, a.ndim)
    _check(x1 != x2, 'x1 != x2 (%d vs. %d) : axis1 and axis2 cannot refer to the same axis %d'
           % (x1, x2, x1))
    if builtins.min(a.shape[x1] + builtins.min(k, 0), a.shape[x2] - builtins.max(k, 0)) < 0:
        raise MXNetError('Diagonal does not exist.')
    y = xp.diagonal(a, k, x1, x2).copy()

    def backward(g):  # g goes back onto the diagonal, zeros elsewhere
        grad = xp.zeros_like(a, dtype=g.dtype)
        n = xp.arange(y.shape[-1])
        xp.moveaxis(grad, (x1, x2), (-2, -1))[..., n + builtins.max(-k, 0), n + builtins.max(k, 0)] = g
        return (grad,)
    return _record('diag', NDArray(y, data._ctx), backward, (data,), out)


def flatten(data: NDArray, out: NDArray | None = None, name: str | None = None) -> NDArray:
    """Collapse all axes after the first: (N, a, b) -> (N, a*b); a copy, as in MXNet."""
    a = data._data
    values = a.reshape((a.shape[0], -1) if a.ndim else (1, 1)).copy()
    return _record('flatten', NDArray(values, data._ctx), lambda g: (g.reshape(a.shape),), (data,), out)


def transpose(data: NDArray, axes=None, out: NDArray | None = None, name: str | None = None) -> NDArray:
    """The axes permuted (reversed by default); a copy, as in MXNet."""
    a = data._data
    axes = tuple(ax % a.ndim for ax in axes) if axes else tuple(reversed(range(a.ndim)))
    inverse = tuple(np.argsort(axes))
    values = a.transpose(axes).copy()
    return _record('transpose', NDArray(values, data._ctx), lambda g: (g.transpose(inverse),), (data,), out)


def moveaxis(tensor: NDArray, source, destination) -> NDArray:
    """``tensor`` with the axes ``source`` (an int or a sequence) moved to ``destination``, the
    others kept in order: a transpose (a copy), as MXNet's."""
    source = _axes_in(source, tensor.ndim, lambda: ValueError(
        'Source should verify 0 <= source < tensor.ndimGot %d' % source))  # MXNet's words
    destination = _axes_in(destination, tensor.ndim, lambda: ValueError(
        'Destination should verify 0 <= destination < tensor.ndim (%d).' % tensor.ndim,
        'Got %d' % destination))
    if len(source) != len(destination):
        raise ValueError('`source` and `destination` arguments must have the same number of elements')
    order = [n for n in range(tensor.ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return transpose(tensor, order)


def _axes_in(axes, ndim: int, out_of_range) -> tuple:
    """``axes`` (an int or a sequence, negative counting from the end) as a tuple in [0, ndim);
    ``out_of_range()`` is raised for one outside, ValueError for a repeated one."""
    axes = (axes,) if isinstance(axes, (int, np.integer)) else tuple(axes)
    if any(not -ndim <= a < ndim for a in axes):
        raise out_of_range()
    axes = tuple(int(a) % ndim for a in axes)
    if len(set(axes)) != len(axes):
        raise ValueError('repeated axis')
    return axes


def expand_dims(data: NDArray, axis: int, out: NDArray | None = None, name: str | None = None) -> NDArray:
    """A new axis of length 1 at ``axis``; a copy, as in MXNet."""
    a = data._data
    return _record('expand_dims', NDArray(data._ctx.xp.expand_dims(a, axis).copy(), data._ctx),
                   lambda g: (g.reshape(a.shape),), (data,), out)


def broadcast_to(data: NDArray, shape, out: NDArray | None = None, name: str | None = None) -> NDArray:
    a = data._data
    shape = normalize_shape(shape)
    values = data._ctx.xp.broadcast_to(a, tuple(d if d else a.shape[i] for i, d in enumerate(shape))).copy()
    return _record('broadcast_to', NDArray(values, data._ctx), lambda g: (_sum_to(g, a),), (data,), out)


def concat(*arrays: NDArray, dim: int = 1) -> NDArray:
    """Join arrays along ``dim`` (MXNet's default is 1)."""
    ctx = arrays[0]._ctx
    for other in arrays[1:]:
        same_context('concat', arrays[0], other)
    _same_dtype('concat', *(x._data for x in arrays))
    # MXNet's shape check: every input of the first one's shape, except along the axis
    first = list(arrays[0].shape)
    first[_check_axis(dim, len(first))] = -1
    for x in arrays:
        _check(len(x.shape) == len(first) and all(e in (-1, d) for e, d in zip(first, x.shape)),
               'shape_assign(&(*in_shape)[i], dshape): Incompatible input shape: expected %s, '
               'got %s' % (_dims_str(first), _dims_str(x.shape)))
    data = arrays[0]._ctx.xp.concatenate([x._data for x in arrays], axis=dim)
    ends = np.cumsum([x.shape[dim] for x in arrays])[:-1]

    def backward(g):
        return arrays[0]._ctx.xp.split(g, ends, axis=dim)
    return _record('concat', NDArray(data, ctx), backward, arrays)


def add_n(*args: NDArray) -> NDArray:
    """The elementwise sum of same-shaped arrays, added left to right (MXNet's ElementWiseSum)."""
    for other in args[1:]:
        same_context('add_n', args[0], other)
    _same_dtype('add_n', *(x._data for x in args))
    total = args[0]._data.copy()
    for x in args[1:]:
        total = total + x._data
    return _record('add_n', NDArray(total, args[0]._ctx), lambda g: [g] * len(args), args)


def stack(*arrays: NDArray, axis: int = 0) -> NDArray:
    """Join same-shaped arrays along a new ``axis``."""
    for other in arrays[1:]:
        same_context('stack', arrays[0], other)
    _same_dtype('stack', *(x._data for x in arrays))
    xp = arrays[0]._ctx.xp
    data = xp.stack([x._data for x in arrays], axis=axis)

    def backward(g):
        return [xp.take(g, i, axis=axis) for i in range(len(arrays))]
    return _record('stack', NDArray(data, arrays[0]._ctx), backward, arrays)


def pick(data: NDArray, index: NDArray, axis: int = -1, keepdims: bool = False,
         mode: str = 'clip', out: NDArray | None = None, name: str | None = None) -> NDArray:
    """``data[i, index[i]]`` along ``axis``: each row's entry at its label; an index out of
    range is clipped to the ends (``mode='clip'``) or taken modulo the length ('wrap')."""
    ctx = same_context('pick', data, index)
    xp = ctx.xp
    a = data._data
    axis = _check_axis(axis, a.ndim)
    # MXNet's index shape: data's without the axis, or of as many dimensions with the axis 1
    expected = a.shape[:axis] + ((1,) if index.ndim == a.ndim else ()) + a.shape[axis + 1:]
    if index.shape != expected:  # str(err) starts 'MXNetError: ', as MXNet's does
        raise MXNetError('MXNetError: Shape inconsistent, Provided = %s, inferred shape=%s'
                         % (_dims_str(index.shape), _dims_str(expected)))
    idx = _in_range(index._data.astype(np.int64), a.shape[axis], mode)
    if idx.ndim < a.ndim:  # labels of shape (N,) or, as Gluon's losses pass them, (N, 1)
        idx = xp.expand_dims(idx, axis % a.ndim)
    result = xp.take_along_axis(a, idx, axis=axis)
    if not keepdims:
        result = result.squeeze(axis)

    def backward(g):
        grad = xp.zeros_like(a)
        xp.put_along_axis(grad, idx, g.reshape(idx.shape), axis=axis)
        return grad, None
    return _record('pick', NDArray(result, ctx), backward, (data, index), out)


def _in_range(idx, n: int, mode: str):
    """Indices made valid for an axis of length ``n`` as MXNet's ``mode`` says."""
    if mode == 'clip':
        return np.clip(idx, 0, n - 1)
    if mode == 'wrap':
        return idx % n
    raise MXNetError("mode must be 'clip' or 'wrap', not %r" % (mode,))


def one_hot(indices: NDArray, depth: int, on_value: float = 1.0, off_value: float = 0.0,
            dtype='float32', out: NDArray | None = None, name: str | None = None) -> NDArray:
    xp = indices._ctx.xp
    eye = xp.arange(depth) == indices._data.astype(np.int64)[..., None]
    result = NDArray(np.where(eye, on_value, off_value).astype(dtype), indices._ctx)
    return _write_into(out, result)


def where(condition: NDArray, x: NDArray, y: NDArray,
          out: NDArray | None = None, name: str | None = None) -> NDArray:
    """``x`` where ``condition`` is nonzero, else ``y`` (the condition may have any dtype)."""
    ctx = same_context('where', x, y)
    same_context('where', condition, x)
    _same_dtype('where', x._data, y._data)
    c = condition._data != 0

    def backward(g):
        return None, g * c, g * ~c
    data = np.where(c, x._data, y._data)
    return _record('where', NDArray(data, ctx), backward, (condition, x, y), out)


def modulo(lhs, rhs) -> NDArray:
    """The remainder with the divisor's sign (Python's %); 0 where the divisor is 0, as MXNet."""
    a, b, ctx, dtype = _operands('broadcast_mod', lhs, rhs)
    with np.errstate(divide='ignore', invalid='ignore'):
        out = _broadcast(lambda a, b: np.where(b == 0, 0, np.mod(a, b)), a, b, ctx, dtype)

    def backward(g):
        with np.errstate(divide='ignore', invalid='ignore'):
            return _sum_to(g, a), _sum_to(-g * np.floor(a / b), b)
    return _record('modulo', out, backward, (lhs, rhs))


def hypot(lhs, rhs) -> NDArray:
    a, b, ctx, dtype = _operands('broadcast_hypot', lhs, rhs)
    out = _broadcast(np.hypot, a, b, ctx, dtype)
    y = out._data
    return _record('hypot', out, lambda g: (_sum_to(g * a / y, a), _sum_to(g * b / y, b)), (lhs, rhs))


def _logical(name, ufunc):
    def logical(lhs, rhs) -> NDArray:
        """1 where the truth values (nonzero) combine to true, else 0, in the array's dtype."""
        a, b, ctx, dtype = _operands(name, lhs, rhs)
        return _broadcast(lambda a, b: ufunc(a != 0, b != 0), a, b, ctx, dtype)
    logical.__name__ = name
    return logical


logical_and = _logical('broadcast_logical_and', np.logical_and)
logical_or = _logical('broadcast_logical_or', np.logical_or)
logical_xor = _logical('broadcast_logical_xor', np.logical_xor)


def _named_binary(name: str, op, same_shape: bool = False):
    """MXNet's operator ``name`` for two NDArrays: ``op`` with an ``out=`` argument; the
    elemwise_* family also insists on equal shapes."""
    def binary(lhs: NDArray, rhs: NDArray, out: NDArray | None = None, name: str | None = None) -> NDArray:
        if same_shape:  # MXNet's shape inference: the 1-th input must match the 0-th
            _check(lhs.shape == rhs.shape, 'assign(&dattr, vec.at(i)): Incompatible attr in node  at '
                   '1-th input: expected %s, got %s' % (_shape_str(lhs), _shape_str(rhs)))
        result = op(lhs, rhs)
        return _write_into(out, result)
    binary.__name__ = name
    binary.__doc__ = '``%s`` as MXNet names it, with ``out=``.' % op.__name__
    return binary


broadcast_add = _named_binary('broadcast_add', add)
broadcast_plus = alias(broadcast_add, 'broadcast_plus')
broadcast_sub = _named_binary('broadcast_sub', subtract)
broadcast_minus = alias(broadcast_sub, 'broadcast_minus')
broadcast_mul = _named_binary('broadcast_mul', multiply)
broadcast_div = _named_binary('broadcast_div', divide)
broadcast_mod = _named_binary('broadcast_mod', modulo)
broadcast_power = _named_binary('broadcast_power', power)
broadcast_maximum = _named_binary('broadcast_maximum', maximum)
broadcast_minimum = _named_binary('broadcast_minimum', minimum)
broadcast_hypot = _named_binary('broadcast_hypot', hypot)
broadcast_equal = _named_binary('broadcast_equal', equal)
broadcast_not_equal = _named_binary('broadcast_not_equal', not_equal)
broadcast_greater = _named_binary('broadcast_greater', greater)
broadcast_greater_equal = _named_binary('broadcast_greater_equal', greater_equal)
broadcast_lesser = _named_binary('broadcast_lesser', lesser)
broadcast_lesser_equal = _named_binary('broadcast_lesser_equal', lesser_equal)
broadcast_logical_and = _named_binary('broadcast_logical_and', logical_and)
broadcast_logical_or = _named_binary('broadcast_logical_or', logical_or)
broadcast_logical_xor = _named_binary('broadcast_logical_xor', logical_xor)
elemwise_add = _named_binary('elemwise_add', add, same_shape=True)
elemwise_sub = _named_binary('elemwise_sub', subtract, same_shape=True)
elemwise_mul = _named_binary('elemwise_mul', multiply, same_shape=True)
elemwise_div = _named_binary('elemwise_div', divide, same_shape=True)


def broadcast_like(lhs: NDArray, rhs: NDArray,
                   out: NDArray | None = None, name: str | None = None) -> NDArray:
    result = broadcast_to(lhs, rhs.shape)
    return _write_into(out, result)


def broadcast_axis(data: NDArray, axis=(), size=(),
                   out: NDArray | None = None, name: str | None = None) -> NDArray:
    """Repeat the length-1 ``axis`` (or axes) ``size`` times."""
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    sizes = (size,) if isinstance(size, int) else tuple(size)
    shape = list(data.shape)
    for ax, n in zip(axes, sizes):
        shape[ax] = n
    result = broadcast_to(data, tuple(shape))
    return _write_into(out, result)


broadcast_axes = alias(broadcast_axis, 'broadcast_axes')


# ----- elementwise functions made from y = f(x) and dy/dx -----------------------------------
def _unary(op: str, forward, derivative=None):
    """An elementwise function of MXNet's: ``forward(a)``; ``derivative(a, y)`` is dy/dx
    (None: a step function, whose gradient is 0 everywhere, as MXNet gives it)."""
    def unary(data: NDArray, out: NDArray | None = None, name: str | None = None) -> NDArray:
        a = data._data
        with np.errstate(divide='ignore', invalid='ignore'):
            y = forward(a)
        if y.dtype != a.dtype:
            y = y.astype(a.dtype)
        if derivative is None:
            return _record(op, NDArray(y, data._ctx), lambda g: (g * 0,), (data,), out)

        def backward(g):
            with np.errstate(divide='ignore', invalid='ignore'):
                return (g * derivative(a, y),)
        return _record(op, NDArray(y, data._ctx), backward, (data,), out)
    unary.__name__ = op  # the keyword ``name`` is MXNet's symbol name, ignored imperatively
    unary.__doc__ = 'Elementwise %s.' % op
    return unary


def _rint(a):
    """MXNet's rint: the nearer integer, a tie going down (-2.5 -> -3, 2.5 -> 2)."""
    down, up = np.floor(a), np.ceil(a)
    return np.where(a - down <= up - a, down, up)


def _round_half_away(a):
    """C's round: halves go away from zero (NumPy's round goes to the even neighbour)."""
    t = np.trunc(a)
    return np.where(np.abs(a - t) >= 0.5, t + np.sign(a), t)


sign = _unary('sign', np.sign)
floor = _unary('floor', np.floor)
ceil = _unary('ceil', np.ceil)
round = _unary('round', _round_half_away)  # noqa: A001 - MXNet's name
rint = _unary('rint', _rint)
fix = _unary('fix', np.trunc)
trunc = _unary('trunc', np.trunc)
sin = _unary('sin', bitexact.libm('sin'), lambda a, y: bitexact.libm('cos')(a))
cos = _unary('cos', bitexact.libm('cos'), lambda a, y: -bitexact.libm('sin')(a))
tan = _unary('tan', bitexact.libm('tan'), lambda a, y: 1 + y * y)
arcsin = _unary('arcsin', bitexact.libm('asin'), lambda a, y: 1 / np.sqrt(1 - a * a))
arccos = _unary('arccos', bitexact.libm('acos'), lambda a, y: -1 / np.sqrt(1 - a * a))
arctan = _unary('arctan', bitexact.libm('atan'), lambda a, y: 1 / (1 + a * a))
sinh = _unary('sinh', bitexact.libm('sinh'), lambda a, y: bitexact.libm('cosh')(a))
cosh = _unary('cosh', bitexact.libm('cosh'), lambda a, y: bitexact.libm('sinh')(a))
arcsinh = _unary('arcsinh', bitexact.libm('asinh'), lambda a, y: 1 / np.sqrt(a * a + 1))
arccosh = _unary('arccosh', bitexact.libm('acosh'), lambda a, y: 1 / np.sqrt(a * a - 1))
arctanh = _unary('arctanh', bitexact.libm('atanh'), lambda a, y: 1 / (1 - a * a))
log1p = _unary('log1p', bitexact.libm('log1p'), lambda a, y: 1 / (1 + a))
expm1 = _unary('expm1', bitexact.libm('expm1'), lambda a, y: y + 1)
log2 = _unary('log2', bitexact.libm('log2'), lambda a, y: 1 / (a * np.log(2)))
log10 = _unary('log10', bitexact.libm('log10'), lambda a, y: 1 / (a * np.log(10)))
reciprocal = _unary('reciprocal', lambda a: 1 / a, lambda a, y: -y * y)
rsqrt = _unary('rsqrt', lambda a: 1 / np.sqrt(a), lambda a, y: -0.5 * y / a)


def _unary_in_c_float(name: str, forward, derivative):
    """An elementwise function that MXNet computes in C's float for every dtype but float64
    (integers and float16 included) and casts back as C does (an integer dtype truncates, inf
    becomes INT_MIN): ``forward(f)`` of the data as float32 (float64 stays), ``derivative(a,
    y)`` is dy/dx. As MXNet's operators without parameters, it ignores unknown keywords."""
    def unary(data: NDArray, out: NDArray | None = None, **kwargs) -> NDArray:
        a = data._data
        with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
            y = casting.c_cast(forward(a if a.dtype == np.float64 else a.astype(np.float32)), a.dtype)

        def backward(g):
            with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
                return (g * derivative(a, y),)
        return _record(name, NDArray(y, data._ctx), backward, (data,), out)
    unary.__name__ = name
    unary.__doc__ = 'Elementwise %s.' % name
    return unary


_cbrt = bitexact.libm('cbrt')
_DEGREES = np.float32(180 / np.float64(np.float32(math.pi)))  # MXNet's constants are floats:
_RADIANS = np.float32(np.float64(np.float32(math.pi)) / 180)  # 180 / PI, PI / 180 with PI a float

cbrt = _unary_in_c_float('cbrt', _cbrt, lambda a, y: 1 / (3 * (y * y)))
rcbrt = _unary_in_c_float('rcbrt', lambda f: 1 / _cbrt(f), lambda a, y: -1 / (3 * _cbrt(a) * a))
degrees = _unary_in_c_float('degrees', lambda f: f * _DEGREES, lambda a, y: _DEGREES)
radians = _unary_in_c_float('radians', lambda f: f * _RADIANS, lambda a, y: _RADIANS)


def cast(data: NDArray, dtype, out: NDArray | None = None, name: str | None = None) -> NDArray:
    """``data`` converted to ``dtype`` (MXNet's operator name for ``astype``)."""
    result = data.astype(dtype)
    return _write_into(out, result)


# ----- picking, slicing, repeating --------------------------------------------------------
def take(a: NDArray, indices: NDArray, axis: int = 0, mode: str = 'clip',
         out: NDArray | None = None, name: str | None = None) -> NDArray:
    """The slices of ``a`` along ``axis`` at ``indices`` (clipped or wrapped into range)."""
    ctx = same_context('take', a, indices)
    data, xp = a._data, ctx.xp
    axis %= data.ndim
    idx = _in_range(indices._data.astype(np.int64), data.shape[axis], mode)

    def backward(g):
        grad = xp.zeros_like(data, dtype=g.dtype)
        xp.add.at(grad, (slice(None),) * axis + (idx,), g)
        return grad, None
    return _record('take', NDArray(xp.take(data, idx, axis=axis), ctx), backward, (a, indices), out)


def slice_axis(data: NDArray, axis: int, begin: int, end,
               out: NDArray | None = None, name: str | None = None) -> NDArray:
    """``data[begin:end]`` along ``axis`` (``end=None``: to the end), as a copy."""
    a = data._data
    key = (slice(None),) * (axis % a.ndim) + (slice(begin, end),)

    def backward(g):
        grad = data._ctx.xp.zeros_like(a, dtype=g.dtype)
        grad[key] = g
        return (grad,)
    return _record('slice_axis', NDArray(a[key].copy(), data._ctx), backward, (data,), out)


def slice_like(data: NDArray, shape_like: NDArray, axes=(), out: NDArray | None = None,
               **kwargs) -> NDArray:
    """``data`` cut to ``shape_like``'s size along ``axes`` (all axes by default), each from
    its start, as a copy; ``shape_like`` gives only its shape (and gets no gradient)."""
    if kwargs:
        raise unknown_argument('slice_like', kwargs, ('axes',))
    axes = (axes,) if isinstance(axes, (int, np.integer)) else tuple(axes)
    a, like = data._data, shape_like.shape
    if a.ndim == 0 or not like:
        raise _shape_inference_failed('slice_like', [a.shape, like], _given(axes=(axes, ())))
    if not axes:
        _check(a.ndim == len(like), 'ishape.ndim() == from_shape.ndim() (%d vs. %d) : By default '
               'slice_axis performs slice on all axes, but ndim mismatch for inputs: %d vs. %d'
               % (a.ndim, len(like), a.ndim, len(like)))
    key = [slice(None)] * a.ndim
    for given in axes or range(a.ndim):
        axis = given + a.ndim if given < 0 else given
        _check(axis >= 0, 'axis >= 0 (%d vs. 0) : Slice axis: %d too small' % (axis, given))
        _check(a.ndim > axis, 'ishape.ndim() > axis (%d vs. %d) : Slice axis: %d exceeds first '
               'input: %d' % (a.ndim, axis, axis, a.ndim))
        _check(len(like) > axis, 'from_shape.ndim() > axis (%d vs. %d) : Slice axis: %d exceeds '
               'second input: %d' % (len(like), axis, axis, len(like)))
        _check(a.shape[axis] >= like[axis], '%s (%d vs. %d) : Slice axis %d with size %d'
               'exceeds limit of input with size %d'  # MXNet's words, its missing space too
               % ('ishape[axis] >= from_shape[axis]' if axes else 'ishape[i] >= from_shape[i]',
                  a.shape[axis], like[axis], axis, like[axis], a.shape[axis]))
        key[axis] = slice(0, like[axis])
    key = tuple(key)

    def backward(g):
        grad = data._ctx.xp.zeros_like(a, dtype=g.dtype)
        grad[key] = g
        return grad, None
    return _record('slice_like', NDArray(a[key].copy(), data._ctx), backward, (data, shape_like), out)


def split(data: NDArray, num_outputs: int, axis: int = 1, squeeze_axis: bool = False):
    """``num_outputs`` equal parts along ``axis``: a list (one part: the NDArray itself)."""
    length = data.shape[axis]
    if length % num_outputs:
        raise MXNetError('Check failed: dshape[axis] %% num_outputs == 0: You are trying to split '
                         'the %d-th axis of input tensor with shape %s into num_outputs=%d evenly '
                         'sized chunks, but this is not possible because %d is not a multiple of '
                         '%d.' % (axis, data.shape, num_outputs, length, num_outputs))
    step = length // num_outputs
    parts = [slice_axis(data, axis, i * step, (i + 1) * step) for i in range(num_outputs)]
    if squeeze_axis and step == 1:
        parts = [squeeze(p, axis=axis) for p in parts]
    return parts[0] if num_outputs == 1 else parts


def squeeze(data: NDArray, axis=None, out: NDArray | None = None, name: str | None = None) -> NDArray:
    """``data`` without its length-1 axes (or only those in ``axis``); a copy."""
    a = data._data
    result = a.squeeze(axis=_axis(axis)).copy()
    return _record('squeeze', NDArray(result.reshape(1) if result.ndim == 0 else result, data._ctx),
                   lambda g: (g.reshape(a.shape),), (data,), out)


def swapaxes(data: NDArray, dim1: int = 0, dim2: int = 0,
             out: NDArray | None = None, name: str | None = None) -> NDArray:
    a = data._data
    return _record('swapaxes', NDArray(a.swapaxes(dim1, dim2).copy(), data._ctx),
                   lambda g: (g.swapaxes(dim1, dim2),), (data,), out)


def flip(data: NDArray, axis, out: NDArray | None = None, name: str | None = None) -> NDArray:
    """``data`` with the order of ``axis`` (or axes) reversed; a copy."""
    axis = _axis(axis)
    xp = data._ctx.xp
    return _record('flip', NDArray(xp.flip(data._data, axis).copy(), data._ctx),
                   lambda g: (xp.flip(g, axis),), (data,), out)


def tile(data: NDArray, reps, out: NDArray | None = None, name: str | None = None) -> NDArray:
    """``data`` repeated ``reps[i]`` times along axis i (NumPy's tile)."""
    a = data._data
    reps = normalize_shape(reps)
    result = data._ctx.xp.tile(a, reps)
    shape = (1,) * (result.ndim - a.ndim) + a.shape
    reps = (1,) * (result.ndim - len(reps)) + reps

    def backward(g):  # every copy's gradient flows back to the element it copied
        interleaved = [n for r, d in zip(reps, shape) for n in (r, d)]
        g = g.reshape(interleaved).sum(axis=tuple(range(0, 2 * result.ndim, 2)))
        return (g.reshape(a.shape),)
    return _record('tile', NDArray(result, data._ctx), backward, (data,), out)


def repeat(data: NDArray, repeats: int, axis=None,
           out: NDArray | None = None, name: str | None = None) -> NDArray:
    """Each element repeated ``repeats`` times along ``axis`` (None: of the flattened array)."""
    a = data._data
    result = data._ctx.xp.repeat(a, repeats, axis=axis)

    def backward(g):
        if axis is None:
            return (g.reshape(a.size, repeats).sum(axis=1).reshape(a.shape),)
        ax = axis % a.ndim
        return (g.reshape(a.shape[:ax + 1] + (repeats,) + a.shape[ax + 1:]).sum(axis=ax + 1),)
    return _record('repeat', NDArray(result, data._ctx), backward, (data,), out)


# ----- sorting -----------------------------------------------------------------------------
def _order(xp, a, axis, is_ascend: bool):
    """Indices that sort ``a`` along ``axis`` (stable; descending keeps ties in order)."""
    if is_ascend:
        return xp.argsort(a, axis=axis, kind='stable')
    return xp.argsort(-a if a.dtype.kind == 'f' else -a.astype(np.int64), axis=axis, kind='stable')


def _flat(data: NDArray, axis):
    """(array, axis): axis None means the flattened array, as in MXNet's sort family."""
    return (data._data.reshape(-1), 0) if axis is None else (data._data, axis)


def sort(data: NDArray, axis=-1, is_ascend: bool = True,
         out: NDArray | None = None, name: str | None = None) -> NDArray:
    """The values sorted along ``axis`` (not differentiable in MXNet: use topk's values)."""
    a, axis = _flat(data, axis)
    xp = data._ctx.xp
    result = NDArray(xp.take_along_axis(a, _order(xp, a, axis, is_ascend), axis=axis), data._ctx)
    return _write_into(out, result)


def argsort(data: NDArray, axis=-1, is_ascend: bool = True, dtype='float32',
            out: NDArray | None = None, name: str | None = None) -> NDArray:
    """The indices that sort ``data`` along ``axis``, as ``dtype`` (float32 by default)."""
    a, axis = _flat(data, axis)
    result = NDArray(_order(data._ctx.xp, a, axis, is_ascend).astype(dtype), data._ctx)
    return _write_into(out, result)


def topk(data: NDArray, axis=-1, k: int = 1, ret_typ: str = 'indices', is_ascend: bool = False,
         dtype='float32'):
    """The ``k`` largest (or smallest) along ``axis``: their 'indices', 'value', 'both'
    ([values, indices]) or a 'mask' of where they are."""
    a, axis = _flat(data, axis)
    xp = data._ctx.xp
    order = _order(xp, a, axis, is_ascend)
    picked = xp.take(order, xp.arange(k if k > 0 else a.shape[axis]), axis=axis)
    picked_values = xp.take_along_axis(a, picked, axis=axis)
    if ret_typ == 'mask':
        mask = xp.zeros_like(a)
        xp.put_along_axis(mask, picked, 1, axis=axis)
        return NDArray(mask.reshape(data.shape), data._ctx)
    indices = NDArray(picked.astype(dtype), data._ctx)
    if ret_typ == 'indices':
        return indices

    def backward(g):
        grad = xp.zeros_like(a, dtype=g.dtype)
        xp.put_along_axis(grad, picked, g, axis=axis)
        return (grad.reshape(data.shape),)
    values = _record('topk', NDArray(picked_values, data._ctx), backward, (data,))
    return values if ret_typ == 'value' else [values, indices]


# ----- operators of d2l's "deep learning basics" (MXNet's layer-named ops and friends) ----------
# Added for MXNet-edition code run through the mxnet alias; each forward with its backward.
_ACTIVATIONS = {'relu': relu, 'sigmoid': sigmoid, 'softrelu': softrelu, 'tanh': tanh}


def _softsign(x: NDArray) -> NDArray:
    a = x._data
    return _record('softsign', NDArray(a / (1 + np.abs(a)), x._ctx),
                   lambda g: (g / np.square(1 + np.abs(a)),), (x,))


def _choice(op: str, name: str, value, valid) -> None:
    """MXNet's error for an enum argument outside its values."""
    if value is None:
        raise MXNetError('Required parameter %s of int is not presented, in operator %s(name="")'
                         % (name, op))
    if value not in valid:
        raise MXNetError("Invalid Input: '%s', valid values are: {%s}, in operator %s(name=\"\", "
                         '%s="%s")' % (value, ', '.join("'%s'" % v for v in sorted(valid)), op,
                                       name, value))


def Activation(data: NDArray, act_type: str | None = None,
               out: NDArray | None = None, name: str | None = None) -> NDArray:
    """The activation ``act_type`` ('relu', 'sigmoid', 'softrelu', 'softsign' or 'tanh')."""
    _choice('Activation', 'act_type', act_type, set(_ACTIVATIONS) | {'softsign'})
    result = _softsign(data) if act_type == 'softsign' else _ACTIVATIONS[act_type](data)
    return _write_into(out, result)


_expm1f = bitexact.libm('expm1')
_SELU_ALPHA, _SELU_LAMBDA = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
_SQRT_2, _TWO_OVER_SQRT_PI = math.sqrt(2), 2 / math.sqrt(math.pi)


def LeakyReLU(data: NDArray, gamma: NDArray | None = None, act_type: str = 'leaky',
              slope: float = 0.25, out: NDArray | None = None, name: str | None = None) -> NDArray:
    """x where x > 0; below: ``slope * x`` ('leaky'), ``gamma * x`` ('prelu', ``gamma`` one
    slope or one per channel, axis 1), ``slope * (exp(x) - 1)`` ('elu') or SELU's fixed
    scaling of ELU ('selu', which ignores ``slope``); 'gelu' is x * Phi(x) everywhere."""
    _choice('LeakyReLU', 'act_type', act_type, {'elu', 'gelu', 'leaky', 'prelu', 'rrelu', 'selu'})
    if act_type == 'rrelu':
        raise not_implemented("LeakyReLU(act_type='rrelu')", 'randomized leaky ReLU')
    if act_type == 'prelu':
        return _prelu(data, gamma, out)
    if act_type == 'gelu':
        return _gelu(data, out)
    a = data._data
    positive = a > 0
    scale, alpha = (_SELU_LAMBDA, _SELU_ALPHA) if act_type == 'selu' else (1, slope)
    if act_type == 'leaky':  # slope 0 is MXNet's relu: +0.0 below, not 0 * x's -0.0
        below, below_slope = alpha * a if alpha else 0, alpha
    else:
        em1 = _expm1f(np.minimum(a, 0))
        below, below_slope = alpha * em1, alpha * (em1 + 1)
    y = (scale * np.where(positive, a, below)).astype(a.dtype)
    if act_type == 'selu':  # MXNet's selu_grad(y) below 0 is lambda * (y + alpha), not dy/dx
        below_slope = y + alpha
    return _record('LeakyReLU', NDArray(y, data._ctx),
                   lambda g: (g * (scale * np.where(positive, 1, below_slope)),), (data,), out)


def _prelu(data: NDArray, gamma: NDArray | None, out: NDArray | None) -> NDArray:
    """x where x > 0, else gamma * x; gamma's gradient sums x * g over all but axis 1."""
    if gamma is None:
        raise MXNetError('Operator LeakyReLU expects 2 inputs, but got 1 instead.')
    same_context('LeakyReLU', data, gamma)
    a, slopes = data._data, gamma._data
    channels = a.shape[1] if a.ndim > 1 else a.shape[0] if a.ndim else 1
    if slopes.size not in (1, channels):
        raise MXNetError('Shape inconsistent, Provided = [%d], inferred shape=[%d] (PReLU: one '
                         'slope, or one per channel of axis 1)' % (slopes.size, channels))
    if slopes.size > 1 and a.ndim > 1:  # one slope per channel: along axis 1
        slopes = slopes.reshape((1, -1) + (1,) * (a.ndim - 2))
    slopes = slopes.astype(a.dtype, copy=False)
    negative = a <= 0
    y = np.where(negative, slopes * a, a)

    def backward(g):
        grad_gamma = g * np.where(negative, a, 0)  # -0.0 where g < 0 < x, as MXNet's
        # summed in float64, then rounded: MXNet's digits (a float32 sum can differ in the last)
        if gamma._data.size == 1:
            grad_gamma = grad_gamma.sum(dtype=np.float64).reshape(gamma.shape)
        elif a.ndim > 1:
            grad_gamma = grad_gamma.sum(axis=tuple(i for i in range(a.ndim) if i != 1),
                                        dtype=np.float64)
        return np.where(negative, g * slopes, g), grad_gamma.astype(gamma.dtype, copy=False)
    return _record('LeakyReLU', NDArray(y, data._ctx), backward, (data, gamma), out)


def _erf(u):
    """erf, correctly rounded to ``u``'s dtype (NumPy has no erf: Python's, element by element)."""
    exact = np.fromiter(map(math.erf, u.reshape(-1).tolist()), np.float64, u.size)
    return exact.astype(u.dtype).reshape(u.shape)  # a NumPy array, also for a GPU's ``u``


def _gelu(data: NDArray, out: NDArray | None) -> NDArray:
    """x * (1 + erf(x / sqrt(2))) / 2, in the input's dtype; MXNet's oneDNN kernel can
    differ in the last float32 digit."""
    a = data._data
    ftype = a.dtype.type
    u = a / ftype(_SQRT_2)
    erf = data._ctx.xp.asarray(_erf(u))
    y = ftype(0.5) * a * (ftype(1) + erf)

    def backward(g):
        density = ftype(_TWO_OVER_SQRT_PI) * bitexact.exp(-u * u)
        return (g * (ftype(0.5) * (ftype(1) + erf + a * density / ftype(_SQRT_2))),)
    return _record('LeakyReLU', NDArray(y, data._ctx), backward, (data,), out)


Cast = alias(cast, 'Cast')


def softmax_cross_entropy(data: NDArray, label: NDArray,
                          out: NDArray | None = None, name: str | None = None) -> NDArray:
    """The cross-entropy of softmax(``data``) against integer labels, summed over the batch
    (shape (1,), as MXNet's op; gluon's SoftmaxCrossEntropyLoss keeps one value per example).
    Its gradient is softmax - one_hot(label), as MXNet computes it."""
    ctx = same_context('softmax_cross_entropy', data, label)
    a = data._data
    e = bitexact.exp(a - a.max(axis=-1, keepdims=True))
    p = e / e.sum(axis=-1, keepdims=True)
    rows = ctx.xp.arange(a.shape[0])
    index = label._data.astype(np.int64)
    loss = -bitexact.log(p[rows, index]).sum(dtype=a.dtype).reshape(1)

    def backward(g):
        grad = p.copy()
        grad[rows, index] -= 1
        return grad * g, None
    return _record('softmax_cross_entropy', NDArray(loss, ctx), backward, (data, label), out)


def gather_nd(data: NDArray, indices: NDArray,
              out: NDArray | None = None, name: str | None = None) -> NDArray:
    """``data[indices[0], indices[1], ...]``: the first axis of ``indices`` indexes ``data``'s
    leading axes; equal indices sum their gradients."""
    ctx = same_context('gather_nd', data, indices)
    a = data._data
    key = tuple(indices._data.astype(np.int64))

    def backward(g):
        grad = ctx.xp.zeros_like(a, dtype=g.dtype)
        ctx.xp.add.at(grad, key, g)
        return grad, None
    return _record('gather_nd', NDArray(a[key], ctx), backward, (data, indices), out)


def logical_not(data: NDArray, out: NDArray | None = None, name: str | None = None) -> NDArray:
    """1 where ``data`` is 0, else 0, in ``data``'s dtype (no gradient, as MXNet)."""
    a = data._data
    return _record('logical_not', NDArray((a == 0).astype(a.dtype), data._ctx), lambda g: (g * 0,),
                   (data,), out)


def slice_data(data: NDArray, begin, end, step=(),
               out: NDArray | None = None, name: str | None = None) -> NDArray:
    """``data[begin[0]:end[0]:step[0], ...]`` (None: the whole axis), as a copy: ``nd.slice``
    (named so here, where ``slice`` is Python's)."""
    a = data._data
    step = tuple(step) + (None,) * (len(begin) - len(step))
    key = tuple(slice(b, e, s) for b, e, s in zip(begin, end, step))

    def backward(g):
        grad = data._ctx.xp.zeros_like(a, dtype=g.dtype)
        grad[key] = g
        return (grad,)
    return _record('slice', NDArray(a[key].copy(), data._ctx), backward, (data,), out)


def linalg_gemm2(A: NDArray, B: NDArray, transpose_a: bool = False,  # noqa: N803 - MXNet's
                 transpose_b: bool = False, alpha: float = 1.0,
                 out: NDArray | None = None, name: str | None = None) -> NDArray:
    """``alpha * op(A) @ op(B)`` over the last two axes (the leading axes are a batch)."""
    ctx = same_context('_linalg_gemm2', A, B)
    _same_dtype('_linalg_gemm2', A._data, B._data)
    a = A._data.swapaxes(-1, -2) if transpose_a else A._data
    b = B._data.swapaxes(-1, -2) if transpose_b else B._data
    if a.shape[:-2] != b.shape[:-2] or a.shape[-1] != b.shape[-2]:
        raise MXNetError('Check failed: shape mismatch: %s X %s'
                         % (_shape_str(A._data), _shape_str(B._data)))
    result = a @ b
    if alpha != 1:
        result *= result.dtype.type(alpha)

    def backward(g):
        ga, gb = alpha * (g @ b.swapaxes(-1, -2)), alpha * (a.swapaxes(-1, -2) @ g)
        return (ga.swapaxes(-1, -2) if transpose_a else ga,
                gb.swapaxes(-1, -2) if transpose_b else gb)
    return _record('linalg_gemm2', NDArray(result, ctx), backward, (A, B), out)


def stop_gradient(data: NDArray, out: NDArray | None = None, name: str | None = None) -> NDArray:
    """A copy of ``data`` through which no gradient flows (its inputs get zeros)."""
    return _record('stop_gradient', NDArray(data._data.copy(), data._ctx), lambda g: (g * 0,),
                   (data,), out)


BlockGrad = alias(stop_gradient, 'BlockGrad')
