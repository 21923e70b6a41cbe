"""NDArray's arithmetic operators and op methods: each one is the op of ``mx.nd`` itself
(``x + y`` is ``nd.add(x, y)``, ``x.sum()`` is ``nd.sum(x)``).

They are bound here rather than in NDArray's class body because the ops build NDArrays:
ops.py imports ndarray.py, and this module imports both, so every import points one way.
"""
from ..base import alias
from . import ops
from .ndarray import NDArray

_OPERATORS = {
    '__add__': ops.add,
    '__sub__': ops.subtract,
    '__mul__': ops.multiply,
    '__truediv__': ops.divide,
    '__mod__': ops.modulo,
    '__pow__': ops.power,
    '__matmul__': ops.dot,
    '__neg__': ops.negative,
    '__abs__': ops.abs,
    '__eq__': ops.equal,
    '__ne__': ops.not_equal,
    '__gt__': ops.greater,
    '__ge__': ops.greater_equal,
    '__lt__': ops.lesser,
    '__le__': ops.lesser_equal,
}
_REFLECTED = {  # other <op> array, as when the left operand is a Python number: 2 * x
    '__radd__': ops.add,
    '__rsub__': ops.subtract,
    '__rmul__': ops.multiply,
    '__rtruediv__': ops.divide,
    '__rmod__': ops.modulo,
    '__rpow__': ops.power,
}
_METHODS = (
    'relu', 'sigmoid', 'softrelu', 'tanh', 'exp', 'log', 'sqrt', 'square', 'abs', 'sign',
    'clip', 'softmax', 'log_softmax', 'floor', 'ceil', 'round', 'rint', 'fix', 'trunc', 'sin',
    'cos', 'tan', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'arcsinh', 'arccosh', 'arctanh',
    'log1p', 'expm1', 'log2', 'log10', 'reciprocal', 'rsqrt', 'sum', 'mean', 'max', 'min',
    'prod', 'nansum', 'norm', 'argmax', 'argmin', 'sort', 'argsort', 'topk', 'reshape', 'reshape_like',
    'transpose', 'swapaxes', 'flip', 'tile', 'repeat',
    'split', 'slice_axis', 'take', 'pick', 'one_hot', 'broadcast_to', 'broadcast_like',
    'broadcast_axes', 'cbrt', 'rcbrt', 'degrees', 'radians', 'nanprod', 'softmin', 'diag',
    'slice_like', 'shape_array', 'size_array',
)


def _reflected(name: str, op):
    """The method ``name``, for ``other <op> self``: ``op`` with its operands swapped."""
    def method(self, other):
        return op(other, self)
    method.__name__, method.__qualname__ = name, 'NDArray.' + name
    return method


for _name, _op in _OPERATORS.items():
    setattr(NDArray, _name, _op)
for _name, _op in _REFLECTED.items():
    setattr(NDArray, _name, _reflected(_name, _op))
for _name in _METHODS:
    setattr(NDArray, _name, getattr(ops, _name))
NDArray.slice = alias(ops.slice_data, 'slice')
NDArray.slice.__qualname__ = 'NDArray.slice'


def flatten(self, inplace: bool = False) -> NDArray:
    """nd.flatten of this array; ``inplace=True``: a view of it, sharing its memory."""
    return self.reshape((0, -1)) if inplace else ops.flatten(self)


def expand_dims(self, axis: int, inplace: bool = False) -> NDArray:
    """nd.expand_dims of this array; ``inplace=True``: a view of it, sharing its memory."""
    if not inplace:
        return ops.expand_dims(self, axis=axis)
    shape = list(self.shape)
    if not -len(shape) - 1 <= axis <= len(shape):
        raise AssertionError('axis {} is out of range for {}d array'.format(axis, len(shape)))
    shape.insert(axis % (len(shape) + 1), 1)
    return self.reshape(shape)


def squeeze(self, axis=None, inplace: bool = False) -> NDArray:
    """nd.squeeze of this array; ``inplace=True``: a view of it, sharing its memory."""
    if not inplace:
        return ops.squeeze(self, axis=axis)
    shape = list(self.shape)
    axes = [axis] if isinstance(axis, int) else axis
    if axes:
        if len(axes) != len(set(axes)):
            raise AssertionError('axis {} contains duplicate which is not allowed.'.format(axes))
        for a in axes:
            if not -len(shape) <= a < len(shape):
                raise AssertionError('axis {} is out of range for {}d array'.format(a, len(shape)))
            if shape[a] != 1:
                raise AssertionError('Squeeze target axis {} must be size 1, got {}.'.format(a, shape[a]))
        drop = {a % len(shape) for a in axes}
    else:
        drop = {i for i, n in enumerate(shape) if n == 1}
    return self.reshape([n for i, n in enumerate(shape) if i not in drop] or [1])


for _method in (flatten, expand_dims, squeeze):  # MXNet's methods add inplace= to the ops
    _method.__qualname__ = 'NDArray.' + _method.__name__
    setattr(NDArray, _method.__name__, _method)
