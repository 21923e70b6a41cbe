"""An operand whose shape its operator decides: a parameter of unknown shape in a block's
shape pass (``HybridBlock.infer_shape``), as MXNet's graph infers FullyConnected's weight."""
from __future__ import annotations

from ..base import MXNetError
from .ndarray import NDArray


class ShapeUnknown(Exception):
    """An operator that cannot infer its operands' shapes was given a DeferredArray."""


class DeferredArray(NDArray):
    """Zeros of a shape with unknown (0) sizes, until an operator calls ``resolved(shape)``;
    any other use of its values raises ShapeUnknown."""
    __slots__ = ('_known', '_dtype', '_on_resolved')

    def __init__(self, shape: tuple, ctx, dtype, on_resolved):
        self._ctx, self._grad, self._grad_req, self._node = ctx, None, 'null', None
        self._known, self._dtype, self._on_resolved = tuple(shape), dtype, on_resolved

    @property
    def _data(self):
        raise ShapeUnknown()

    @property
    def shape(self) -> tuple:
        return self._known

    def resolved(self, shape: tuple) -> NDArray:
        """Zeros of ``shape``, which the operator inferred; the parameter learns it."""
        if len(shape) != len(self._known) or any(k and k != s for k, s in zip(self._known, shape)):
            raise MXNetError('Shape inconsistent, Provided = [%s], inferred shape=(%s)' % (
                ','.join(str(k or -1) for k in self._known), ','.join(map(str, shape))))
        self._on_resolved(shape)
        return NDArray(self._ctx.xp.zeros(shape, self._dtype), self._ctx)

    # x + w, x * w, ...: MXNet's graph gives an elementwise operator's operands one shape
    # (F.broadcast_add and the scalar operators infer nothing, as in MXNet)
    def _elementwise(self, other, name: str):
        if not isinstance(other, NDArray) or isinstance(other, DeferredArray):
            raise ShapeUnknown()
        return getattr(self.resolved(other.shape), name)(other)

    def __add__(self, other):
        return self._elementwise(other, '__add__')

    def __radd__(self, other):
        return self._elementwise(other, '__radd__')

    def __sub__(self, other):
        return self._elementwise(other, '__sub__')

    def __rsub__(self, other):
        return self._elementwise(other, '__rsub__')

    def __mul__(self, other):
        return self._elementwise(other, '__mul__')

    def __rmul__(self, other):
        return self._elementwise(other, '__rmul__')

    def __truediv__(self, other):
        return self._elementwise(other, '__truediv__')

    def __rtruediv__(self, other):
        return self._elementwise(other, '__rtruediv__')
