"""The differentiable operations of ``mx.nd``, each forward with its backward beside it.

Every op reads the raw arrays of its inputs, computes with NumPy or CuPy (operators and
ufuncs dispatch to the module that owns the data, so CPU and GPU share this code), and
hands ``_record`` the chain rule: ``backward(g)`` gets the gradient of the output and
returns one gradient per input.
"""
from __future__ import annotations

import numpy as np

from .. import autograd
from ..base import MXNetError
from .ndarray import NDArray, same_context

_SCALARS = (int, float, bool, np.generic)


def _record(out: NDArray, backward, inputs) -> NDArray:
    """Put ``out`` on the tape if recording and an NDArray input needs a gradient."""
    if autograd._recording:
        if len(inputs) == 2 and not (isinstance(inputs[0], NDArray) and isinstance(inputs[1], NDArray)):
            array_at = 0 if isinstance(inputs[0], NDArray) else 1  # the other is a scalar
            full = backward

            def backward(g):
                return (full(g)[array_at],)
            inputs = (inputs[array_at],)
        autograd.record_node(out, backward, inputs)
    return out


def _same_dtype(name: str, first, *others):
    """MXNet refuses to mix dtypes in one operator (no silent promotion to float64)."""
    for i, other in enumerate(others, 1):
        if other.dtype != first.dtype:
            raise MXNetError('Incompatible attr in node %s at %d-th input: expected %s, got %s'
                             % (name, i, first.dtype, other.dtype))


def _operands(name: str, lhs, rhs):
    """Raw values of a binary op's operands, and the context and dtype of its result."""
    if isinstance(lhs, NDArray):
        if isinstance(rhs, NDArray):
            a, b = lhs._data, rhs._data
            _same_dtype(name, a, b)
            return a, b, same_context(name, lhs, rhs), a.dtype
        if isinstance(rhs, _SCALARS):
            return lhs._data, rhs, lhs._ctx, lhs._data.dtype
    elif isinstance(lhs, _SCALARS) and isinstance(rhs, NDArray):
        return lhs, rhs._data, rhs._ctx, rhs._data.dtype
    raise TypeError('type %s not supported' % str(type(rhs if isinstance(lhs, NDArray) else lhs)))


def _broadcast(compute, a, b, ctx, dtype) -> NDArray:
    """Run a broadcasting kernel; keep the array operand's dtype, as MXNet does."""
    try:
        data = compute(a, b)
    except ValueError:
        raise MXNetError('operands could not be broadcast together with shapes %s %s'
                         % (_shape_str(a), _shape_str(b))) from None
    if data.ndim == 0:  # NumPy gives a bare scalar for two 0-d operands
        data = ctx.xp.asarray(data)
    return NDArray(data if data.dtype == dtype else data.astype(dtype), ctx)


def _shape_str(x) -> str:
    return '[%s]' % ','.join(str(d) for d in np.shape(x))


def _sum_to(g, x):
    """Sum a broadcast gradient back to the shape of operand ``x`` (None for a scalar)."""
    shape = getattr(x, 'shape', None)
    if shape is None or g.shape == shape:
        return None if shape is None else g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, d in enumerate(shape) if d == 1 and g.shape[i + lead] != 1)
    return g.sum(axis=axes, keepdims=True).reshape(shape)


# ----- arithmetic ---------------------------------------------------------------------------
def add(lhs, rhs) -> NDArray:
    a, b, ctx, dtype = _operands('broadcast_add', lhs, rhs)

    def backward(g):
        return _sum_to(g, a), _sum_to(g, b)
    return _record(_broadcast(np.add, a, b, ctx, dtype), backward, (lhs, rhs))


def subtract(lhs, rhs) -> NDArray:
    a, b, ctx, dtype = _operands('broadcast_sub', lhs, rhs)

    def backward(g):
        return _sum_to(g, a), _sum_to(-g, b)
    return _record(_broadcast(np.subtract, a, b, ctx, dtype), backward, (lhs, rhs))


def multiply(lhs, rhs) -> NDArray:
    a, b, ctx, dtype = _operands('broadcast_mul', lhs, rhs)

    def backward(g):
        return _sum_to(g * b, a), _sum_to(g * a, b)
    return _record(_broadcast(np.multiply, a, b, ctx, dtype), backward, (lhs, rhs))


def divide(lhs, rhs) -> NDArray:
    a, b, ctx, dtype = _operands('broadcast_div', lhs, rhs)

    def backward(g):
        return _sum_to(g / b, a), _sum_to(-g * a / (b * b), b)
    return _record(_broadcast(np.true_divide, a, b, ctx, dtype), backward, (lhs, rhs))


def power(base, exp) -> NDArray:
    a, b, ctx, dtype = _operands('broadcast_power', base, exp)
    out = _broadcast(np.power, a, b, ctx, dtype)
    y = out._data

    def backward(g):
        ga = g * b * a ** (b - 1)
        gb = g * y * np.log(np.where(a > 0, a, 1)) if not isinstance(b, _SCALARS) else None
        return _sum_to(ga, a), (None if gb is None else _sum_to(gb, b))
    return _record(out, backward, (base, exp))


def maximum(lhs, rhs) -> NDArray:
    a, b, ctx, dtype = _operands('broadcast_maximum', lhs, rhs)

    def backward(g):
        a_wins = a >= b
        return _sum_to(g * a_wins, a), _sum_to(g * ~a_wins, b)
    return _record(_broadcast(np.maximum, a, b, ctx, dtype), backward, (lhs, rhs))


def minimum(lhs, rhs) -> NDArray:
    a, b, ctx, dtype = _operands('broadcast_minimum', lhs, rhs)

    def backward(g):
        a_wins = a <= b
        return _sum_to(g * a_wins, a), _sum_to(g * ~a_wins, b)
    return _record(_broadcast(np.minimum, a, b, ctx, dtype), backward, (lhs, rhs))


def negative(x: NDArray) -> NDArray:
    return _record(NDArray(-x._data, x._ctx), lambda g: (-g,), (x,))


def _compare(name, ufunc):
    def compare(lhs, rhs) -> NDArray:
        """Elementwise comparison: 1 where it holds, 0 elsewhere, in the array's dtype."""
        a, b, ctx, dtype = _operands(name, lhs, rhs)
        return _broadcast(ufunc, a, b, ctx, dtype)  # not differentiable
    compare.__name__ = name
    return compare


equal = _compare('broadcast_equal', np.equal)
not_equal = _compare('broadcast_not_equal', np.not_equal)
greater = _compare('broadcast_greater', np.greater)
greater_equal = _compare('broadcast_greater_equal', np.greater_equal)
lesser = _compare('broadcast_lesser', np.less)
lesser_equal = _compare('broadcast_lesser_equal', np.less_equal)


# ----- elementwise functions --------------------------------------------------------------
def relu(x: NDArray) -> NDArray:
    a = x._data
    out = NDArray(np.maximum(a, 0), x._ctx)
    return _record(out, lambda g: (g * (a > 0),), (x,))


def sigmoid(x: NDArray) -> NDArray:
    with np.errstate(over='ignore'):  # exp(-x) overflows to inf for x < -88: y is then 0
        y = 1 / (1 + np.exp(-x._data))
    return _record(NDArray(y, x._ctx), lambda g: (g * y * (1 - y),), (x,))


def softrelu(x: NDArray) -> NDArray:
    """log(1 + exp(x)), computed without overflow; its derivative is the sigmoid."""
    a = x._data
    y = np.logaddexp(0, a)
    return _record(NDArray(y, x._ctx), lambda g: (g * np.exp(a - y),), (x,))


def tanh(x: NDArray) -> NDArray:
    y = np.tanh(x._data)
    return _record(NDArray(y, x._ctx), lambda g: (g * (1 - y * y),), (x,))


def _correctly_rounded(ufunc, a):
    """``ufunc(a)`` rounded like the C library's expf/logf that MXNet calls: NumPy's SIMD
    float32 versions can be one unit in the last place off, which printing shows."""
    if a.dtype == np.float32 and isinstance(a, np.ndarray):  # a GPU keeps its float32 speed
        return ufunc(a.astype(np.float64)).astype(np.float32)
    return ufunc(a)


def exp(x: NDArray) -> NDArray:
    y = _correctly_rounded(np.exp, x._data)
    return _record(NDArray(y, x._ctx), lambda g: (g * y,), (x,))


def log(x: NDArray) -> NDArray:
    a = x._data
    return _record(NDArray(_correctly_rounded(np.log, a), x._ctx), lambda g: (g / a,), (x,))


def sqrt(x: NDArray) -> NDArray:
    y = np.sqrt(x._data)
    return _record(NDArray(y, x._ctx), lambda g: (g / (2 * y),), (x,))


def square(x: NDArray) -> NDArray:
    a = x._data
    return _record(NDArray(a * a, x._ctx), lambda g: (2 * g * a,), (x,))


def abs(x: NDArray) -> NDArray:  # noqa: A001 - MXNet's name
    a = x._data
    return _record(NDArray(np.abs(a), x._ctx), lambda g: (g * np.sign(a),), (x,))


def sign(x: NDArray) -> NDArray:
    return NDArray(np.sign(x._data), x._ctx)


def clip(x: NDArray, a_min: float, a_max: float) -> NDArray:
    a = x._data
    out = NDArray(np.clip(a, a_min, a_max), x._ctx)
    return _record(out, lambda g: (g * ((a >= a_min) & (a <= a_max)),), (x,))


def softmax(x: NDArray, axis: int = -1) -> NDArray:
    a = x._data
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    y = e / e.sum(axis=axis, keepdims=True)
    return _record(NDArray(y, x._ctx),
                   lambda g: (y * (g - (g * y).sum(axis=axis, keepdims=True)),), (x,))


def log_softmax(x: NDArray, axis: int = -1) -> NDArray:
    a = x._data
    shifted = a - a.max(axis=axis, keepdims=True)
    y = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return _record(NDArray(y, x._ctx),
                   lambda g: (g - np.exp(y) * g.sum(axis=axis, keepdims=True),), (x,))


# ----- reductions: without an axis MXNet returns shape (1,), not a 0-d array ---------------
def _axis(axis):
    """MXNet's axis argument as NumPy's: a list becomes a tuple, and () means every axis."""
    if axis is None or isinstance(axis, (int, np.integer)):
        return axis
    return tuple(axis) or None


def _reduce_shape(a, axis):
    """The kept-dims shape that broadcasts a reduction's gradient back over ``a``."""
    if axis is None:
        return (1,) * a.ndim
    axes = (axis,) if isinstance(axis, int) else axis
    axes = {ax % a.ndim for ax in axes}
    return tuple(1 if i in axes else d for i, d in enumerate(a.shape))


def _spread(g, a, axis):
    """The gradient of a reduction, copied back over every element of its input ``a``."""
    out = np.empty_like(a, dtype=g.dtype)
    out[...] = g.reshape(_reduce_shape(a, axis))
    return out


def _reduced(data):
    """A reduction over every axis is a shape-(1,) array in MXNet, never 0-d."""
    return data.reshape(1) if data.ndim == 0 else data


def sum(x: NDArray, axis=None, keepdims: bool = False) -> NDArray:  # noqa: A001
    a = x._data
    axis = _axis(axis)
    out = NDArray(_reduced(a.sum(axis=axis, keepdims=keepdims, dtype=a.dtype)), x._ctx)

    def backward(g):
        return (_spread(g, a, axis),)
    return _record(out, backward, (x,))


def mean(x: NDArray, axis=None, keepdims: bool = False) -> NDArray:
    a = x._data
    axis = _axis(axis)
    data = a.mean(axis=axis, keepdims=keepdims)
    out = NDArray(_reduced(data.astype(a.dtype, copy=False)), x._ctx)
    count = a.size // data.size if data.size else 1

    def backward(g):
        return (_spread(g / count, a, axis),)
    return _record(out, backward, (x,))


def _extreme(name, pick):
    def reduce(x: NDArray, axis=None, keepdims: bool = False) -> NDArray:
        a = x._data
        axis = _axis(axis)
        data = pick(a, axis=axis, keepdims=keepdims)
        out = NDArray(_reduced(data), x._ctx)

        def backward(g):
            shape = _reduce_shape(a, axis)
            return (g.reshape(shape) * (a == data.reshape(shape)),)
        return _record(out, backward, (x,))
    reduce.__name__ = name
    return reduce


max = _extreme('max', lambda a, **kw: a.max(**kw))  # noqa: A001
min = _extreme('min', lambda a, **kw: a.min(**kw))  # noqa: A001


_NRM2_EXACT_MAX = 256  # longest reduction replayed step by step (a Python loop; longer:
# plain sqrt-sum, which can differ from MXNet in the last digit)


def _nrm2(a, axis, keepdims):
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


def norm(x: NDArray, ord: int = 2, axis=None, keepdims: bool = False) -> NDArray:  # noqa: A002
    """The L2 norm (``ord=2``) or L1 norm (``ord=1``) over ``axis`` (all elements by default)."""
    a = x._data
    axis = _axis(axis)
    if ord == 1:
        data = np.abs(a).sum(axis=axis, keepdims=keepdims)
    elif ord == 2:
        data = _nrm2(a, axis, keepdims)
    else:
        raise MXNetError('norm supports ord=1 and ord=2, not %r' % (ord,))
    out = NDArray(_reduced(data), x._ctx)

    def backward(g):
        shape = _reduce_shape(a, axis)
        if ord == 1:
            return (g.reshape(shape) * np.sign(a),)
        n = data.reshape(shape)
        return (g.reshape(shape) * a / np.where(n == 0, 1, n),)
    return _record(out, backward, (x,))


def _arg_extreme(name, pick):
    def reduce(x: NDArray, axis=None, keepdims: bool = False) -> NDArray:
        """Index of the extreme element, as floats (MXNet gives indices in the input's dtype)."""
        a = x._data
        data = pick(a, axis)
        if keepdims and axis is not None:
            data = np.expand_dims(data, axis)
        return NDArray(_reduced(data).astype(a.dtype), x._ctx)
    reduce.__name__ = name
    return reduce


argmax = _arg_extreme('argmax', lambda a, axis: a.argmax(axis=axis))
argmin = _arg_extreme('argmin', lambda a, axis: a.argmin(axis=axis))


# ----- products -----------------------------------------------------------------------------
def dot(lhs: NDArray, rhs: NDArray, transpose_a: bool = False, transpose_b: bool = False) -> NDArray:
    """Matrix product; for N-d arrays, contracts lhs's last axis with rhs's first (MXNet's rule)."""
    ctx = same_context('dot', lhs, rhs)
    _same_dtype('dot', lhs._data, rhs._data)
    a = lhs._data.T if transpose_a else lhs._data
    b = rhs._data.T if transpose_b else rhs._data
    if a.shape[-1:] != b.shape[:1]:
        raise MXNetError('dot shape error: %s X %s' % (_shape_str(lhs._data), _shape_str(rhs._data)))
    if a.ndim == 2 and b.ndim == 2:
        data = a @ b
    else:
        data = np.tensordot(a, b, axes=1)
        if data.ndim == 0:
            data = data.reshape(1)  # vector . vector is a shape-(1,) array in MXNet

    def backward(g):
        g = g.reshape(a.shape[:-1] + b.shape[1:])
        ga = np.tensordot(g, b, axes=(tuple(range(a.ndim - 1, g.ndim)), tuple(range(1, b.ndim))))
        gb = np.tensordot(a, g, axes=(tuple(range(a.ndim - 1)), tuple(range(a.ndim - 1))))
        return (ga.T if transpose_a else ga), (gb.T if transpose_b else gb)
    return _record(NDArray(data, ctx), backward, (lhs, rhs))


def batch_dot(lhs: NDArray, rhs: NDArray, transpose_a: bool = False,
              transpose_b: bool = False) -> NDArray:
    """Batched matrix product of (B, n, k) and (B, k, m) arrays (optionally transposed)."""
    ctx = same_context('batch_dot', lhs, rhs)
    _same_dtype('batch_dot', lhs._data, rhs._data)
    a = lhs._data.transpose(0, 2, 1) if transpose_a else lhs._data
    b = rhs._data.transpose(0, 2, 1) if transpose_b else rhs._data
    if a.ndim != 3 or b.ndim != 3 or a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise MXNetError('batch_dot shape error: %s X %s' % (_shape_str(lhs._data),
                                                             _shape_str(rhs._data)))

    def backward(g):
        ga, gb = g @ b.transpose(0, 2, 1), a.transpose(0, 2, 1) @ g
        return (ga.transpose(0, 2, 1) if transpose_a else ga,
                gb.transpose(0, 2, 1) if transpose_b else gb)
    return _record(NDArray(a @ b, ctx), backward, (lhs, rhs))


def FullyConnected(data: NDArray, weight: NDArray, bias: NDArray | None = None,
                   num_hidden: int | None = None, no_bias: bool = False,
                   flatten: bool = True) -> NDArray:
    """``data @ weight.T + bias`` in one tape node; ``weight`` is (units, in_units) as in MXNet."""
    ctx = data._ctx
    if weight._ctx is not ctx:
        ctx = same_context('FullyConnected', data, weight)
    x, w = data._data, weight._data
    if x.dtype != w.dtype or (bias is not None and bias._data.dtype != w.dtype):
        _same_dtype('FullyConnected', x, w, *([] if bias is None else [bias._data]))
    x2 = x if x.ndim == 2 else x.reshape(x.shape[0], -1) if flatten else x.reshape(-1, x.shape[-1])
    if x2.shape[1] != w.shape[1]:
        raise MXNetError('Shape inconsistent, Provided = %s, inferred shape=(%d,%d)'
                         % (_shape_str(w), w.shape[0], x2.shape[1]))
    out = x2 @ w.T
    if bias is not None and not no_bias:
        out += bias._data
    if not flatten:
        out = out.reshape(x.shape[:-1] + (w.shape[0],))

    def backward(g):
        g2 = g if g.ndim == 2 else g.reshape(-1, w.shape[0])
        gx = None
        if data._node is not None:  # the first layer's input rarely needs a gradient
            gx = g2 @ w
            gx = gx if x.ndim == 2 else gx.reshape(x.shape)
        grads = (gx, g2.T @ x2)
        return grads if bias is None or no_bias else grads + (g2.sum(axis=0),)
    inputs = (data, weight) if bias is None or no_bias else (data, weight, bias)
    return _record(NDArray(out, ctx), backward, inputs)


# ----- shapes -------------------------------------------------------------------------------
def reshape(x: NDArray, *shape, **kwargs) -> NDArray:
    """Reshape; ``0`` keeps the input's size on that axis and ``-1`` is inferred (MXNet codes)."""
    shape = kwargs.get('shape', shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape)
    a = x._data
    shape = tuple(a.shape[i] if d == 0 else d for i, d in enumerate(shape))
    try:
        data = a.reshape(shape)
    except ValueError:
        raise MXNetError('Cannot reshape array of shape %s into shape %s'
                         % (a.shape, shape)) from None
    return _record(NDArray(data, x._ctx), lambda g: (g.reshape(a.shape),), (x,))


def flatten(x: NDArray) -> NDArray:
    """Collapse all axes after the first: (N, a, b) -> (N, a*b)."""
    return reshape(x, (x.shape[0], -1) if x.ndim else (1, 1))


def transpose(x: NDArray, axes=None) -> NDArray:
    a = x._data
    axes = tuple(ax % a.ndim for ax in axes) if axes else tuple(reversed(range(a.ndim)))
    inverse = tuple(np.argsort(axes))
    return _record(NDArray(a.transpose(axes), x._ctx), lambda g: (g.transpose(inverse),), (x,))


def expand_dims(x: NDArray, axis: int) -> NDArray:
    a = x._data
    return _record(NDArray(np.expand_dims(a, axis), x._ctx),
                   lambda g: (g.reshape(a.shape),), (x,))


def broadcast_to(x: NDArray, shape) -> NDArray:
    a = x._data
    data = np.broadcast_to(a, tuple(d if d else a.shape[i] for i, d in enumerate(shape))).copy()
    return _record(NDArray(data, x._ctx), lambda g: (_sum_to(g, a),), (x,))


def concat(*arrays: NDArray, dim: int = 1) -> NDArray:
    """Join arrays along ``dim`` (MXNet's default is 1)."""
    ctx = arrays[0]._ctx
    for other in arrays[1:]:
        same_context('concat', arrays[0], other)
    _same_dtype('concat', *(x._data for x in arrays))
    data = arrays[0]._ctx.xp.concatenate([x._data for x in arrays], axis=dim)
    ends = np.cumsum([x.shape[dim] for x in arrays])[:-1]

    def backward(g):
        return arrays[0]._ctx.xp.split(g, ends, axis=dim)
    return _record(NDArray(data, ctx), backward, arrays)


def stack(*arrays: NDArray, axis: int = 0) -> NDArray:
    """Join same-shaped arrays along a new ``axis``."""
    for other in arrays[1:]:
        same_context('stack', arrays[0], other)
    xp = arrays[0]._ctx.xp
    data = xp.stack([x._data for x in arrays], axis=axis)

    def backward(g):
        return [xp.take(g, i, axis=axis) for i in range(len(arrays))]
    return _record(NDArray(data, arrays[0]._ctx), backward, arrays)


def pick(data: NDArray, index: NDArray, axis: int = -1, keepdims: bool = False) -> NDArray:
    """``data[i, index[i]]`` along ``axis``: each row's entry at its label."""
    xp = data._ctx.xp
    a = data._data
    idx = xp.clip(index._data.astype(np.int64), 0, a.shape[axis] - 1)  # MXNet's mode='clip'
    if idx.ndim < a.ndim:  # labels of shape (N,) or, as Gluon's losses pass them, (N, 1)
        idx = xp.expand_dims(idx, axis % a.ndim)
    out = xp.take_along_axis(a, idx, axis=axis)
    if not keepdims:
        out = out.squeeze(axis)

    def backward(g):
        grad = xp.zeros_like(a)
        xp.put_along_axis(grad, idx, g.reshape(idx.shape), axis=axis)
        return grad, None
    return _record(NDArray(out, data._ctx), backward, (data, index))


def one_hot(indices: NDArray, depth: int, on_value: float = 1.0, off_value: float = 0.0,
            dtype='float32') -> NDArray:
    xp = indices._ctx.xp
    eye = xp.arange(depth) == indices._data.astype(np.int64)[..., None]
    return NDArray(xp.where(eye, on_value, off_value).astype(dtype), indices._ctx)


def where(condition: NDArray, x: NDArray, y: NDArray) -> NDArray:
    c = condition._data != 0

    def backward(g):
        return None, g * c, g * ~c
    data = condition._ctx.xp.where(c, x._data, y._data)
    return _record(NDArray(data, x._ctx), backward, (condition, x, y))


def elemwise_add(lhs: NDArray, rhs: NDArray, out: NDArray | None = None) -> NDArray:
    """lhs + rhs for equal shapes; with ``out``, written into that array."""
    if lhs.shape != rhs.shape:
        raise MXNetError('elemwise_add needs equal shapes, got %s and %s' % (lhs.shape, rhs.shape))
    result = add(lhs, rhs)
    return result if out is None else out._inplace(result)


# ----- the same operations as NDArray methods and operators ---------------------------------
def _swap(op):
    return lambda self, other: op(other, self)


for _name, _op in dict(
        __add__=add, __sub__=subtract, __mul__=multiply, __truediv__=divide, __pow__=power,
        __radd__=_swap(add), __rsub__=_swap(subtract), __rmul__=_swap(multiply),
        __rtruediv__=_swap(divide), __rpow__=_swap(power), __neg__=negative,
        __eq__=equal, __ne__=not_equal, __gt__=greater, __ge__=greater_equal, __lt__=lesser,
        __le__=lesser_equal, __abs__=abs, __matmul__=dot,
        relu=relu, sigmoid=sigmoid, softrelu=softrelu, tanh=tanh, exp=exp, log=log, sqrt=sqrt, square=square,
        abs=abs, sign=sign, clip=clip, softmax=softmax, log_softmax=log_softmax, sum=sum,
        mean=mean, max=max, min=min, norm=norm, argmax=argmax, argmin=argmin, reshape=reshape,
        flatten=flatten, transpose=transpose, expand_dims=expand_dims,
        broadcast_to=broadcast_to, pick=pick, one_hot=one_hot).items():
    setattr(NDArray, _name, _op)
