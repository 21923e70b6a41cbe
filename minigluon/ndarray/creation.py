"""Making NDArrays: from data, filled with a value, or counting."""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import context
from ..base import MXNetError, normalize_shape, unknown_argument
from ..context import Context, current_context
from . import casting
from .ndarray import NDArray

_DEFAULT_DTYPE = np.float32  # mx_real_t


def _shape(shape) -> tuple:
    shape = normalize_shape(shape)
    if any(d < 0 for d in shape):
        raise ValueError('negative dimensions are not allowed: %s' % (shape,))
    return shape


def _operator_shape(shape, op: str, dtype, ctx: Context | None) -> tuple:
    """``shape`` as MXNet's operators (``_zeros``, ``_ones``) parse it: whole numbers only."""
    dims = (shape,) if isinstance(shape, (int, np.integer)) else shape
    if isinstance(dims, (tuple, list)) and all(
            isinstance(d, (int, np.integer)) and not isinstance(d, bool) for d in dims):
        return _shape(dims)
    raise MXNetError('MXNetError: Invalid Parameter format for shape expect Shape(tuple) but '
                     "value='%s', in operator %s(name=\"\", dtype=\"%s\", ctx=\"%s\", shape=\"%s\")"
                     % (shape, op, np.dtype(dtype or _DEFAULT_DTYPE).name,
                        context.operator_context(ctx), shape))


def _made(make, ctx: Context | None) -> NDArray:
    if isinstance(ctx, str):  # MXNet's operators parse 'cpu(1)'; array, empty and full do not
        raise AttributeError("'str' object has no attribute 'device_typeid'")
    ctx = current_context() if ctx is None else ctx
    with ctx.device():
        return NDArray(make(ctx.xp), ctx)


def array(source_array, ctx: Context | None = None, dtype=None) -> NDArray:
    """An NDArray with a copy of ``source_array``; float32 unless ``dtype`` (or an NDArray's)."""
    if isinstance(source_array, NDArray):
        dtype = source_array.dtype if dtype is None else dtype
        source_array = source_array.asnumpy()
    dtype = _DEFAULT_DTYPE if dtype is None else dtype
    if hasattr(source_array, '__cuda_array_interface__') and not isinstance(source_array, np.ndarray):
        source_array = source_array.get()  # a CuPy array goes through the host, like MXNet's
    host = casting.host_array(source_array, dtype)
    return _made(lambda xp: xp.asarray(host), ctx)


def _dense(stype, unknown: Exception) -> None:
    """Check a storage type: dense ('default', or None) is the only one minigluon has."""
    if stype in (None, 'default'):
        return
    if stype in ('csr', 'row_sparse'):
        raise NotImplementedError("sparse storage (stype=%r) is not part of minigluon: its arrays "
                                  "are dense" % stype)
    raise unknown


def empty(shape, ctx: Context | None = None, dtype=_DEFAULT_DTYPE, stype: str | None = None) -> NDArray:
    """An uninitialized array (zeros here: uninitialized memory would make notebooks flaky)."""
    _dense(stype, Exception('unknown stype : %s' % stype))  # MXNet raises a bare Exception
    shape = _shape(shape)
    return _made(lambda xp: xp.zeros(shape, dtype or _DEFAULT_DTYPE), ctx)


def zeros(shape, ctx: Context | None = None, dtype=_DEFAULT_DTYPE, **kwargs) -> NDArray:
    """An array of zeros; ``stype='default'`` is accepted (dense is the only storage here)."""
    if kwargs.keys() - {'stype'}:
        raise unknown_argument('_zeros', kwargs, ('shape', 'ctx', 'dtype'))
    _dense(kwargs.get('stype'), ValueError('unknown storage type' + str(kwargs.get('stype'))))
    shape = _operator_shape(shape, '_zeros', dtype, ctx)
    return _made(lambda xp: xp.zeros(shape, dtype or _DEFAULT_DTYPE), context.operator_context(ctx))


def ones(shape, ctx: Context | None = None, dtype=_DEFAULT_DTYPE, **kwargs) -> NDArray:
    """An array of ones; ``stype='default'`` is accepted (dense is the only storage here)."""
    if kwargs.keys() - {'stype'}:
        raise unknown_argument('_ones', kwargs, ('shape', 'ctx', 'dtype'))
    _dense(kwargs.get('stype'), ValueError('unknown storage type' + str(kwargs.get('stype'))))
    shape = _operator_shape(shape, '_ones', dtype, ctx)
    return _made(lambda xp: xp.ones(shape, dtype or _DEFAULT_DTYPE), context.operator_context(ctx))


def full(shape, val, ctx: Context | None = None, dtype=_DEFAULT_DTYPE, out=None) -> NDArray:
    """An array filled with ``val``; with ``out``, that array is filled and returned."""
    if out is not None:
        out[:] = val
        return out
    shape = _shape(shape)
    dtype = np.dtype(dtype or _DEFAULT_DTYPE)
    return _made(lambda xp: xp.full(shape, casting.scalar_as(val, dtype), dtype), ctx)


def eye(N: int, M: int = 0, k: int = 0, ctx: Context | None = None, dtype=None) -> NDArray:
    """An N x M (N x N if M is 0) array of zeros with ones on diagonal ``k``."""
    host = np.eye(N, M or N, k, dtype=dtype or _DEFAULT_DTYPE)
    return _made(lambda xp: xp.asarray(host), context.operator_context(ctx))


def linspace(start: float, stop: float, num: int, endpoint: bool = True,
             ctx: Context | None = None, dtype=_DEFAULT_DTYPE) -> NDArray:
    """``num`` evenly spaced values from ``start`` (to ``stop`` with ``endpoint``): computed in
    float64, then converted to ``dtype``, as MXNet's kernel does."""
    step = (stop - start) / max(num - 1 if endpoint else num, 1)
    values = start + np.arange(num, dtype=np.float64) * step
    host = casting.c_cast(values, dtype or _DEFAULT_DTYPE)
    return _made(lambda xp: xp.asarray(host), context.operator_context(ctx))


def arange(start, stop=None, step=1.0, repeat: int = 1, infer_range=None, ctx: Context | None = None,
           dtype=_DEFAULT_DTYPE) -> NDArray:
    """Evenly spaced values in [start, stop), each repeated ``repeat`` times (``infer_range``:
    deprecated in MXNet 1.9, warned about and ignored)."""
    if infer_range is not None:
        warnings.warn('`infer_range` argument has been deprecated', DeprecationWarning)
    if stop is None:
        start, stop = 0, start
    # MXNet computes start + i * step in the output's dtype: in float32, arange(-8, 8, 0.1)[80]
    # is exactly 0, where a float64 computation would give 1.8e-15 before rounding
    dtype = np.dtype(dtype or _DEFAULT_DTYPE)
    count = max(math.ceil((stop - start) / step), 0)
    with np.errstate(over='ignore'):
        values = dtype.type(start) + np.arange(count).astype(dtype) * dtype.type(step)
    if repeat > 1:
        values = np.repeat(values, repeat)
    return _made(lambda xp: xp.asarray(values), context.operator_context(ctx))


def zeros_like(data: NDArray, out: NDArray | None = None, name: str | None = None) -> NDArray:
    """Zeros of data's shape, dtype and context (written into ``out`` if given)."""
    return data.zeros_like() if out is None else data.zeros_like().copyto(out)


def ones_like(data: NDArray, out: NDArray | None = None, name: str | None = None) -> NDArray:
    """Ones of data's shape, dtype and context (written into ``out`` if given)."""
    return data.ones_like() if out is None else data.ones_like().copyto(out)


_DLPACK_CUDA = 2  # DLPack's own device code for a CUDA GPU (kDLCUDA), not one of MXNet's


def from_dlpack(tensor) -> NDArray:
    """An NDArray sharing the memory of a DLPack-exporting array (PyTorch, JAX, NumPy, CuPy)."""
    device_type, device_id = tensor.__dlpack_device__()
    ctx = Context('gpu', device_id) if device_type == _DLPACK_CUDA else Context('cpu', 0)
    return NDArray(ctx.xp.from_dlpack(tensor), ctx)


def waitall():
    """Wait until every GPU has finished the work queued on it, as MXNet waits for its engine.

    NumPy computes synchronously (nothing to wait for on the CPU), but CuPy launches GPU
    kernels asynchronously: timing GPU code needs this, or a copy to the host (asnumpy()).
    """
    probe = context._cupy_probe  # None until something asked for a GPU: then none was used
    if probe and probe[0] is not None:
        cupy, count, _ = probe
        for device_id in range(count):
            cupy.cuda.Device(device_id).synchronize()
