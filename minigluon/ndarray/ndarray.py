"""NDArray: an n-dimensional array on a device, recorded by autograd when asked.

An NDArray wraps one NumPy array (on a CPU context) or one CuPy array (on a GPU context).
Every differentiable operation is written micrograd-style: the forward computes the
result, and, only while ``autograd.record()`` is on and an input needs a gradient, a
``backward`` closure written right next to it tells the tape how gradients flow back.
"""
from __future__ import annotations

import numpy as np

from .. import autograd
from ..base import MXNetError, MXNetValueError, refuse_sparse
from ..context import Context, current_context
from . import casting

py_slice = slice  # MXNet's name for the builtin in this module, where nd.slice would hide it

_INPLACE_IN_GRAPH = (
    "Assigning to NDArrays that are already in a computational graph will cause undefined "
    "behavior when evaluating gradients. Please call backward first to clear the graph or do "
    "this out side of a record section. Also note that you cannot use inplace operations like "
    "+=, *=, relu(x, out=x), y[idx]=x, etc inside a record section.")
# writing a value that needs a gradient into part of a plain array, while recording
_INPLACE_RECORDING = "Inplace operations (+=, -=, x[:]=, etc) are not supported when recording with autograd."


class NDArray:
    """An array on a device (``context``), MXNet 1.x's ``mx.nd.NDArray``."""
    # _fresh_grad (set by backward, cleared by Trainer.step) is left unset until first used
    __slots__ = ('_data', '_ctx', '_grad', '_grad_req', '_node', '_fresh_grad', '__weakref__')
    __array_priority__ = 1000.0  # numpy scalars defer to NDArray's operators

    def __init__(self, data, ctx: Context | None = None):
        self._data = data
        self._ctx = ctx if ctx is not None else current_context()
        self._grad = None
        self._grad_req = 'null'
        self._node = None  # autograd's: None (a constant), autograd.VARIABLE, or a Node

    # ----- what it is -------------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return self._data.shape

    @property
    def size(self) -> int:
        return self._data.size

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self):
        """The element type as a NumPy type class (``numpy.float32``), as MXNet reports it."""
        return self._data.dtype.type

    @property
    def context(self) -> Context:
        return self._ctx

    ctx = context

    @property
    def grad(self):
        """The gradient buffer made by ``attach_grad``, or None."""
        return self._grad

    @property
    def T(self) -> 'NDArray':
        return self.transpose()

    @property
    def stype(self) -> str:
        return 'default'

    def __repr__(self):
        shape = 'x'.join(str(d) for d in self.shape)
        return '\n%s\n<NDArray %s @%s>' % (str(self.asnumpy()), shape, self._ctx)

    __str__ = __repr__

    def __len__(self):
        return self.shape[0]

    def __iter__(self):
        return (self[i] for i in range(self.shape[0]))

    def __bool__(self):
        if self.size == 1:
            return bool(self._data.reshape(-1)[0])
        if self.size == 0:
            return False
        raise ValueError('The truth value of an NDArray with multiple elements is ambiguous.')

    # ----- leaving minigluon ------------------------------------------------------------
    def asnumpy(self) -> np.ndarray:
        """A NumPy copy of the values (from the GPU if the array lives there)."""
        data = self._data
        return data.copy() if isinstance(data, np.ndarray) else data.get()

    def asscalar(self):
        """The one value of a size-1 array, as a NumPy scalar."""
        if self.size != 1:
            raise ValueError('The current array is not a scalar')
        # MXNet returns asnumpy()[()] for more axes: on a (1, 1) array, a (1, 1) NumPy array
        return self.asnumpy()[0] if self.ndim == 1 else self.asnumpy()[()]

    def __array__(self, dtype=None, copy=None):
        array = self.asnumpy()
        return array if dtype is None else array.astype(dtype, copy=False)

    def __dlpack__(self, *args, **kwargs):
        return self._data.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    def to_dlpack_for_read(self):
        """A DLPack capsule sharing this array's memory (MXNet's name for it)."""
        return self._data.__dlpack__()

    to_dlpack_for_write = to_dlpack_for_read

    def wait_to_read(self):
        """Wait until this array's values are computed: a no-op on the CPU (NumPy is
        synchronous); on a GPU, CuPy queues kernels asynchronously, so wait for the device."""
        if self._ctx.device_type == 'gpu':
            with self._ctx.device() as device:
                device.synchronize()

    wait_to_write = wait_to_read

    # ----- copies, types and devices ----------------------------------------------------
    def astype(self, dtype, copy: bool = True) -> 'NDArray':
        """This array converted to ``dtype``; the gradient flows back cast to the old dtype."""
        dtype = np.dtype(dtype)
        if not copy and dtype == self._data.dtype:
            return self
        out = NDArray(casting.c_cast(self._data, dtype), self._ctx)  # -1.5 -> uint8: 255
        if autograd.is_recorded(self):
            source = self._data.dtype
            autograd.record_node(out, 'astype', lambda g: (g.astype(source),), (self,))
        return out

    def copy(self) -> 'NDArray':
        return self.copyto(self._ctx)

    def copyto(self, other) -> 'NDArray':
        """A copy on context ``other``, or copied into the NDArray ``other``; always copies."""
        if isinstance(other, NDArray):
            if other is self:
                return self
            if other.shape != self.shape:
                raise MXNetError('Incompatible attr in node  at 0-th output: expected [%s], got [%s]'
                                 % (','.join(map(str, self.shape)), ','.join(map(str, other.shape))))
            other[:] = self.as_in_context(other._ctx) if other._ctx is not self._ctx else self
            return other
        if not isinstance(other, Context):
            raise TypeError('copyto does not support type ' + str(type(other)))
        return _to_context(self, other, copy=True)

    def as_in_context(self, context: Context) -> 'NDArray':
        """This array on ``context``: the same object if it is there already, else a copy."""
        if context is self._ctx:
            return self
        return _to_context(self, context, copy=False)

    as_in_ctx = as_in_context

    def zeros_like(self) -> 'NDArray':
        return NDArray(self._ctx.xp.zeros_like(self._data), self._ctx)

    def ones_like(self) -> 'NDArray':
        return NDArray(self._ctx.xp.ones_like(self._data), self._ctx)

    # ----- autograd ---------------------------------------------------------------------
    def attach_grad(self, grad_req: str = 'write', stype=None):
        """Make this array a variable: ``backward`` writes (or adds) its gradient to ``.grad``."""
        if grad_req not in ('write', 'add', 'null'):
            raise MXNetValueError("grad_req must be 'write', 'add' or 'null', not %r" % (grad_req,))
        refuse_sparse(stype, 'attach_grad stype')
        # MXNet keeps a zero gradient buffer even for 'null' (backward never writes it)
        autograd.mark_variables(self, NDArray(self._ctx.xp.zeros_like(self._data), self._ctx),
                                grad_req)

    def detach(self) -> 'NDArray':
        """The same values, cut from the graph (shares memory)."""
        return NDArray(self._data, self._ctx)

    def backward(self, out_grad=None, retain_graph: bool = False, train_mode: bool = True):
        """Compute the gradients of this array with respect to every attached variable."""
        autograd.backward(self, out_grad, retain_graph, train_mode)

    # ----- indexing ---------------------------------------------------------------------
    def __getitem__(self, key):
        """``x[key]``: shares memory when the result is one contiguous run of ``x``'s memory
        (a slice of the first axis, an integer index), else a copy, as in MXNet 1.x."""
        key = _index(key)
        data = self._data[key]
        if data.ndim == 0:  # MXNet: one element is a shape-(1,) array (a view of it)
            data = self._data[(key if isinstance(key, tuple) else (key,)) + (None,)]
        elif type(key) is not int and not data.flags.c_contiguous:
            data = data.copy()
        out = NDArray(data, self._ctx)
        if autograd.is_recorded(self):
            shape = self.shape

            def backward(g):
                grad = self._ctx.xp.zeros(shape, g.dtype)
                self._ctx.xp.add.at(grad, key, g.reshape(grad[key].shape))
                return (grad,)
            autograd.record_node(out, '__getitem__', backward, (self,))
        return out

    def __setitem__(self, key, value):
        """``x[key] = value``. While recording, ``x[:] = y`` (also ``x[...]``, ``x[None]``)
        records a copy of ``y``, as MXNet's copyto; writing a ``y`` in the graph into part of
        ``x`` raises, as MXNet's in-place slice assignment does."""
        if autograd.is_recorded(self):
            raise MXNetError(_INPLACE_IN_GRAPH)
        copied = value if isinstance(value, NDArray) and autograd.is_recorded(value) else None
        if copied is not None and not (key is None or key is Ellipsis or
                                       isinstance(key, slice) and key == slice(None)):
            raise MXNetError(_INPLACE_RECORDING)
        with self._ctx.device():  # on a GPU, the copy in and the write run on this array's GPU
            key, value = _index(key), _data_on(value, self)
            if getattr(value, 'ndim', 0) and value.size == 1 and self._data[key].ndim == 0:
                value = value.reshape(())  # b[0] = np.array([47.8]): b[0] is one element
            try:
                self._data[key] = value
            except ValueError:  # MXNet broadcasts the value with NumPy 1.x's broadcast_to
                raise ValueError('operands could not be broadcast together with remapped shapes'
                                 '[original->remapped]: %s and requested shape %s'
                                 % (np.shape(value), self._data[key].shape)) from None
        if copied is not None:
            written = self._data[key].shape  # x[None] is x with a leading axis of 1
            autograd.record_node(self, '_copyto', lambda g: (_sum_to(g.reshape(written), copied._data),),
                                 (copied,))

    # ----- in-place arithmetic: same object, same buffer --------------------------------
    def _inplace(self, result: 'NDArray') -> 'NDArray':
        if autograd.is_recorded(self):
            raise MXNetError(_INPLACE_IN_GRAPH)
        self._data[...] = result._data
        return self

    def _op_assign(self, result: 'NDArray') -> 'NDArray':
        """``x += y``: x is the op's input as well as its output, so a y in the graph raises."""
        if autograd.is_recorded(result) and not autograd.is_recorded(self):
            raise MXNetError(_INPLACE_RECORDING)
        return self._inplace(result)

    def __iadd__(self, other):
        return self._op_assign(self + other)

    def __isub__(self, other):
        return self._op_assign(self - other)

    def __imul__(self, other):
        return self._op_assign(self * other)

    def __itruediv__(self, other):
        return self._op_assign(self / other)

    def __imod__(self, other):
        return self._op_assign(self % other)

    # Its arithmetic operators and op methods (x + y, x.sum()) are the ops of mx.nd
    # themselves, bound in methods.py: ops.py builds NDArrays, so it imports this module.
    __hash__ = object.__hash__  # __eq__ is elementwise, as in MXNet


def _sum_to(g, x):
    """Sum a broadcast gradient back to the shape of operand ``x`` (None for a scalar)."""
    shape = getattr(x, 'shape', None)
    if shape is None or g.shape == shape:
        return None if shape is None else g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, d in enumerate(shape) if d == 1 and g.shape[i + lead] != 1)
    return g.sum(axis=axes, keepdims=True).reshape(shape)


def _index(key):
    """Let NDArrays index like integer NumPy arrays; a float or str key is MXNet's ValueError."""
    for part in key if isinstance(key, tuple) else (key,):
        if isinstance(part, (float, str)):
            raise ValueError('NDArray does not support slicing with key %s of type %s.'
                             % (part, type(part)))
    if isinstance(key, NDArray):
        return key._data.astype(np.int64)
    if isinstance(key, tuple):
        return tuple(k._data.astype(np.int64) if isinstance(k, NDArray) else k for k in key)
    return key


def _data_on(value, like: NDArray):
    """The raw array (or Python scalar) for ``value`` on ``like``'s device: assigning copies
    across devices, as MXNet's ``x[:] = y`` does (host data is copied to the current device:
    call it with ``like``'s device current)."""
    dtype = like._data.dtype
    if isinstance(value, (int, float, bool, np.generic)):
        return casting.scalar_as(value, dtype) if dtype.kind in 'iu' else value
    if isinstance(value, NDArray):
        data = value._data if value._ctx is like._ctx else _to_context(value, like._ctx, False)._data
    elif isinstance(value, (list, tuple)):
        data = like._ctx.xp.asarray(casting.host_array(value, dtype))
    else:
        data = like._ctx.xp.asarray(value)
    return casting.c_cast(data, dtype) if dtype.kind in 'iu' and data.dtype.kind == 'f' else data


def _to_context(x: NDArray, ctx: Context, copy: bool) -> NDArray:
    """Move (or copy) the values of ``x`` to ``ctx``; differentiable, like MXNet's copyto."""
    src, xp = x._data, ctx.xp
    if ctx.device_type == 'gpu':
        with ctx.device():
            data = xp.array(src, copy=True)  # host -> device or device -> device
    elif isinstance(src, np.ndarray):
        data = src.copy() if copy or ctx is not x._ctx else src
    else:
        data = src.get()  # device -> host
    out = NDArray(data, ctx)
    if autograd.is_recorded(x):
        def backward(g):
            return (_to_context(NDArray(g, ctx), x._ctx, copy=False)._data,)
        autograd.record_node(out, 'copyto', backward, (x,))
    return out

