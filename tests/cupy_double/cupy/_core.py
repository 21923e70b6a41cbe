"""The stand-in's device array, its ufuncs and functions, and the memory pool that counts bytes.

Every array remembers its device. A computation (a "kernel") runs on the current device: its
array operands must all live there, or it raises ValueError, as CuPy does between devices
without peer access. Host data is never an operand: a NumPy array, a list or anything else
but a scalar raises TypeError, and NumPy reaching for a device array's values (``__array__``)
raises CuPy's TypeError.
"""
from __future__ import annotations

import weakref

import numpy

from . import _double
from .cuda import Device, get_device_id

IMPLICIT_CONVERSION = ('Implicit conversion to a NumPy array is not allowed. Please use `.get()` '
                       'to construct a NumPy array explicitly.')
_SCALARS = (bool, int, float, complex, numpy.generic)


def current_device() -> int:
    return get_device_id()


def check_devices(devices: set) -> None:
    """Refuse a kernel whose operands live on two devices, or on a device that is not current."""
    if len(devices) > 1:
        raise ValueError('Arrays on different devices (%s) cannot be mixed in one operation: '
                         'copy one to the other device first.' % ', '.join(map(str, sorted(devices))))
    current = get_device_id()
    for device in devices:
        if device != current:
            raise ValueError('The device where the array resides (%d) is different from the '
                             'current device (%d). Peer access is unavailable between these '
                             'devices.' % (device, current))


def _host_operand(value) -> TypeError:
    return TypeError('Unsupported type %s: a device operation takes device arrays and scalars; '
                     'copy host data to the device explicitly (cupy.asarray).' % type(value))


def _raw(value, devices: set):
    """The NumPy array behind a device array operand (its device noted), or a scalar."""
    if isinstance(value, ndarray):
        devices.add(value._device)
        return value._a
    if value is None or isinstance(value, _SCALARS):
        return value
    raise _host_operand(value)


def _raw_key(key, devices: set):
    """An index: slices, ints, Ellipsis, None and device arrays; host arrays are refused."""
    if isinstance(key, tuple):
        return tuple(_raw_key(k, devices) for k in key)
    if isinstance(key, ndarray):
        devices.add(key._device)
        return key._a
    if isinstance(key, (numpy.ndarray, list)):
        raise _host_operand(key)
    return key


# ----- memory: what the arrays on each device hold, and what the pool keeps -------------------
class _DevicePool:
    def __init__(self):
        self.used = 0
        self.total = 0


_pools = {}
_owners = {}  # id of a NumPy buffer that is device memory -> its finalizer


def _pool(device: int) -> _DevicePool:
    return _pools.setdefault(device, _DevicePool())


def _allocated(owner: numpy.ndarray, device: int) -> None:
    pool = _pool(device)
    pool.used += owner.nbytes
    pool.total = max(pool.total, pool.used)  # freed blocks are reused before the pool grows
    _owners[id(owner)] = weakref.finalize(owner, _freed, id(owner), device, owner.nbytes)


def _freed(key: int, device: int, nbytes: int) -> None:
    _owners.pop(key, None)
    _pool(device).used -= nbytes


class MemoryPool:
    """CuPy's memory pool: per device, bytes used by live arrays and bytes held in all."""

    def used_bytes(self) -> int:
        return _pool(get_device_id()).used

    def total_bytes(self) -> int:
        return _pool(get_device_id()).total

    def free_all_blocks(self) -> None:
        pool = _pool(get_device_id())
        pool.total = pool.used


_default_pool = MemoryPool()


def get_default_memory_pool() -> MemoryPool:
    return _default_pool


# ----- the array ---------------------------------------------------------------------------------
def wrap(a: numpy.ndarray, device: int) -> 'ndarray':
    """A device array over ``a`` (taken as device memory: never hand it a caller's host array)."""
    owner = a
    while isinstance(owner.base, numpy.ndarray):
        owner = owner.base
    if id(owner) not in _owners:
        _allocated(owner, device)
    out = ndarray.__new__(ndarray)
    out._a, out._device = a, device
    return out


def _wrap_result(result, device: int):
    if isinstance(result, numpy.ndarray):
        return wrap(result, device)
    if isinstance(result, numpy.generic):  # CuPy gives 0-d arrays where NumPy gives scalars
        return wrap(numpy.asarray(result), device)
    if isinstance(result, (tuple, list)):
        return type(result)(_wrap_result(r, device) for r in result)
    return result


def _to_host(values):
    _double.counts['to_host'] += 1
    return values


class _Capsule:
    """The stand-in's DLPack capsule: only the stand-in's own ``from_dlpack`` reads it."""

    def __init__(self, array: 'ndarray'):
        self.array = array


class ndarray:
    """An array in (simulated) device memory: NumPy underneath, never handed to NumPy."""
    __slots__ = ('_a', '_device', '__weakref__')

    def __init__(self, shape, dtype=float):
        a = numpy.empty(shape, dtype)
        self._a, self._device = a, get_device_id()
        _allocated(a, self._device)

    # ----- what it is (metadata lives on the host: no transfer) --------------------------------
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    nbytes = property(lambda self: self._a.nbytes)
    itemsize = property(lambda self: self._a.itemsize)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: self._a.flags)
    device = property(lambda self: Device(self._device))

    @property
    def T(self) -> 'ndarray':
        return wrap(self._a.T, self._device)

    @property
    def __cuda_array_interface__(self) -> dict:
        return {'shape': self.shape, 'typestr': self.dtype.str, 'version': 3,
                'data': (self._a.__array_interface__['data'][0], False), 'strides': None}

    def __len__(self) -> int:
        return len(self._a)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    # ----- leaving the device: explicit, and counted ---------------------------------------------
    def get(self, stream=None, order='C', out=None) -> numpy.ndarray:
        """A NumPy copy of the values (device to host)."""
        values = _to_host(numpy.array(self._a, order=order, copy=True))
        if out is None:
            return values
        out[...] = values
        return out

    def item(self):
        return _to_host(self._a.item())

    def tolist(self) -> list:
        return _to_host(self._a.tolist())

    def __bool__(self) -> bool:
        return bool(_to_host(self._a))

    def __float__(self) -> float:
        return float(_to_host(self._a))

    def __int__(self) -> int:
        return int(_to_host(self._a))

    def __repr__(self) -> str:
        return repr(_to_host(self._a))

    def __str__(self) -> str:
        return str(_to_host(self._a))

    def __array__(self, dtype=None, copy=None):
        raise TypeError(IMPLICIT_CONVERSION)

    def __dlpack__(self, stream=None, **kwargs) -> _Capsule:
        return _Capsule(self)

    def __dlpack_device__(self) -> tuple:
        return (2, self._device)  # kDLCUDA

    # ----- NumPy's protocols: dispatch to the stand-in's own ufuncs and functions ---------------
    def __array_ufunc__(self, np_ufunc, method, *inputs, **kwargs):
        mine = _UFUNCS.get(np_ufunc.__name__)
        if mine is None or method not in ('__call__', 'at'):
            return NotImplemented
        out = kwargs.get('out')
        if isinstance(out, tuple):
            kwargs['out'] = out[0]
        return mine(*inputs, **kwargs) if method == '__call__' else mine.at(*inputs)

    def __array_function__(self, func, types, args, kwargs):
        mine = _FUNCTIONS.get(func.__name__)
        if mine is None or not func.__module__.startswith('numpy'):
            return NotImplemented  # NumPy then raises TypeError: no implementation found
        return mine(*args, **kwargs)

    # ----- copies and types --------------------------------------------------------------------
    def copy(self, order='C') -> 'ndarray':
        """A copy on the current device (from any device, as CuPy's copy does)."""
        return wrap(self._a.copy(order), get_device_id())

    def astype(self, dtype, order='K', casting=None, subok=None, copy=True) -> 'ndarray':
        if not copy and numpy.dtype(dtype) == self.dtype:
            return self
        check_devices({self._device})
        return wrap(self._a.astype(dtype, order=order), self._device)

    # ----- indexing ----------------------------------------------------------------------------
    def __getitem__(self, key) -> 'ndarray':
        devices = set()
        raw = _raw_key(key, devices)
        if devices:  # advanced indexing is a kernel; a basic slice is a view
            check_devices(devices | {self._device})
        return _wrap_result(self._a[raw], self._device)

    def __setitem__(self, key, value) -> None:
        devices = {self._device}
        raw, value = _raw_key(key, devices), _raw(value, devices)
        check_devices(devices)
        self._a[raw] = value

    # ----- shapes (views: no kernel) -----------------------------------------------------------
    def reshape(self, *shape, order='C') -> 'ndarray':
        return wrap(self._a.reshape(*shape, order=order), self._device)

    def transpose(self, *axes) -> 'ndarray':
        return wrap(self._a.transpose(*axes), self._device)

    def swapaxes(self, axis1: int, axis2: int) -> 'ndarray':
        return wrap(self._a.swapaxes(axis1, axis2), self._device)

    def squeeze(self, axis=None) -> 'ndarray':
        return wrap(self._a.squeeze(axis), self._device)

    def ravel(self, order='C') -> 'ndarray':
        return _FUNCTIONS['ravel'](self, order)

    def flatten(self, order='C') -> 'ndarray':
        return self.ravel(order).copy()

    # ----- reductions and friends (kernels) ----------------------------------------------------
    def sum(self, axis=None, dtype=None, out=None, keepdims=False):
        return _FUNCTIONS['sum'](self, axis=axis, dtype=dtype, out=out, keepdims=keepdims)

    def mean(self, axis=None, dtype=None, out=None, keepdims=False):
        return _FUNCTIONS['mean'](self, axis=axis, dtype=dtype, out=out, keepdims=keepdims)

    def prod(self, axis=None, dtype=None, out=None, keepdims=False):
        return _FUNCTIONS['prod'](self, axis=axis, dtype=dtype, out=out, keepdims=keepdims)

    def max(self, axis=None, out=None, keepdims=False):
        return _FUNCTIONS['max'](self, axis=axis, out=out, keepdims=keepdims)

    def min(self, axis=None, out=None, keepdims=False):
        return _FUNCTIONS['min'](self, axis=axis, out=out, keepdims=keepdims)

    def argmax(self, axis=None, out=None, keepdims=False):
        return _FUNCTIONS['argmax'](self, axis=axis, out=out, keepdims=keepdims)

    def argmin(self, axis=None, out=None, keepdims=False):
        return _FUNCTIONS['argmin'](self, axis=axis, out=out, keepdims=keepdims)

    def any(self, axis=None, out=None, keepdims=False):
        return _FUNCTIONS['any'](self, axis=axis, out=out, keepdims=keepdims)

    def all(self, axis=None, out=None, keepdims=False):
        return _FUNCTIONS['all'](self, axis=axis, out=out, keepdims=keepdims)

    def dot(self, b, out=None):
        return _FUNCTIONS['dot'](self, b, out=out)

    def take(self, indices, axis=None, out=None):
        return _FUNCTIONS['take'](self, indices, axis=axis, out=out)

    def repeat(self, repeats, axis=None):
        return _FUNCTIONS['repeat'](self, repeats, axis=axis)

    def clip(self, min=None, max=None, out=None):  # noqa: A002 - NumPy's names
        return _FUNCTIONS['clip'](self, min, max, out=out)


# ----- ufuncs --------------------------------------------------------------------------------------
class ufunc:
    """A NumPy ufunc run on device arrays; ``at`` scatters in place (``cupy.add.at``)."""

    def __init__(self, np_ufunc):
        self._np = np_ufunc
        self.__name__ = np_ufunc.__name__
        self.nin, self.nout = np_ufunc.nin, np_ufunc.nout

    def __call__(self, *args, out=None, **kwargs):
        devices = set()
        raw = [_raw(a, devices) for a in args]
        if out is not None:
            if not isinstance(out, ndarray):
                raise _host_operand(out)
            kwargs['out'] = _raw(out, devices)
        check_devices(devices)
        result = self._np(*raw, **kwargs)
        return out if out is not None else _wrap_result(result, get_device_id())

    def at(self, a, indices, b=None) -> None:
        if not isinstance(a, ndarray):
            raise _host_operand(a)
        devices = {a._device}
        raw_indices = _raw_key(indices, devices)
        args = () if b is None else (_raw(b, devices),)
        check_devices(devices)
        self._np.at(a._a, raw_indices, *args)

    def __repr__(self) -> str:
        return "<ufunc '%s'>" % self.__name__


_UFUNC_NAMES = (
    'add subtract multiply divide true_divide floor_divide power remainder fmod negative '
    'positive absolute sign sqrt square reciprocal exp expm1 log log2 log10 log1p sin cos tan '
    'arcsin arccos arctan arctan2 sinh cosh tanh arcsinh arccosh arctanh floor ceil trunc rint '
    'maximum minimum equal not_equal greater greater_equal less less_equal logical_and '
    'logical_or logical_xor logical_not bitwise_and bitwise_or bitwise_xor invert isnan isinf '
    'isfinite logaddexp hypot matmul cbrt').split()
_UFUNCS = {name: ufunc(getattr(numpy, name)) for name in _UFUNC_NAMES}
_UFUNCS['divide'] = _UFUNCS['true_divide']


def _binary(name: str, reflected: bool = False):
    def operator(self, other):
        if other is not None and not isinstance(other, (ndarray, numpy.ndarray, list) + _SCALARS):
            return NotImplemented  # e.g. an object that knows how to handle device arrays
        return _UFUNCS[name](other, self) if reflected else _UFUNCS[name](self, other)
    return operator


def _inplace(name: str):
    def operator(self, other):
        _UFUNCS[name](self, other, out=self)
        return self
    return operator


for _name, _ufunc_name in (('add', 'add'), ('sub', 'subtract'), ('mul', 'multiply'),
                           ('truediv', 'true_divide'), ('floordiv', 'floor_divide'),
                           ('mod', 'remainder'), ('pow', 'power'), ('matmul', 'matmul'),
                           ('and', 'bitwise_and'), ('or', 'bitwise_or'), ('xor', 'bitwise_xor')):
    setattr(ndarray, '__%s__' % _name, _binary(_ufunc_name))
    setattr(ndarray, '__r%s__' % _name, _binary(_ufunc_name, reflected=True))
    setattr(ndarray, '__i%s__' % _name, _inplace(_ufunc_name))
for _name, _ufunc_name in (('eq', 'equal'), ('ne', 'not_equal'), ('lt', 'less'),
                           ('le', 'less_equal'), ('gt', 'greater'), ('ge', 'greater_equal')):
    setattr(ndarray, '__%s__' % _name, _binary(_ufunc_name))
ndarray.__hash__ = None  # comparisons are elementwise
ndarray.__neg__ = lambda self: _UFUNCS['negative'](self)
ndarray.__pos__ = lambda self: _UFUNCS['positive'](self)
ndarray.__abs__ = lambda self: _UFUNCS['absolute'](self)
ndarray.__invert__ = lambda self: _UFUNCS['invert'](self)


# ----- functions -----------------------------------------------------------------------------------
def _function(np_func, operands=(0,), kernel: bool = True):
    """``np_func`` on device arrays. ``operands``: the positions (or keyword names) of its array
    operands ('seq': a sequence of arrays first); other arguments (axes, shapes, split points)
    are host values. ``kernel=False``: a view, which runs nothing and keeps its input's device."""
    def run(*args, **kwargs):
        args, devices = list(args), set()
        for at in operands:
            if at == 'seq':
                args[0] = [_raw(a, devices) for a in args[0]]
            elif isinstance(at, int) and at < len(args):
                args[at] = _raw(args[at], devices)
            elif at in kwargs:
                kwargs[at] = _raw(kwargs[at], devices)
        out = kwargs.get('out')
        if out is not None:
            kwargs['out'] = _raw(out, devices)
        if kernel:
            check_devices(devices)
        device = get_device_id() if kernel or not devices else devices.pop()
        result = np_func(*args, **kwargs)
        return out if out is not None else _wrap_result(result, device)
    run.__name__ = np_func.__name__
    run.__doc__ = 'numpy.%s on device arrays.' % np_func.__name__
    return run


_FUNCTIONS = {}
for _names, _operands, _kernel in (
        ('sum mean prod max min amax amin argmax argmin any all nansum cumsum argsort flip tile '
         'repeat ravel diag', (0,), True),
        ('shape reshape transpose swapaxes expand_dims squeeze broadcast_to split diagonal moveaxis',
         (0,), False),
        ('take take_along_axis dot tensordot', (0, 1), True),
        ('where clip put_along_axis', (0, 1, 2), True),
        ('concatenate stack', ('seq',), True)):
    for _name in _names.split():
        _FUNCTIONS[_name] = _function(getattr(numpy, _name), _operands, _kernel)


def _like(np_func):
    def run(a, *args, **kwargs):
        if not isinstance(a, ndarray):
            raise _host_operand(a)
        return wrap(np_func(a._a, *args, **kwargs), get_device_id())  # no kernel reads ``a``
    run.__name__ = np_func.__name__
    run.__doc__ = 'numpy.%s on the current device.' % np_func.__name__
    return run


for _name in ('zeros_like', 'ones_like', 'empty_like'):
    _FUNCTIONS[_name] = _like(getattr(numpy, _name))


def _creation(np_func):
    def run(*args, **kwargs):
        return wrap(numpy.asarray(np_func(*args, **kwargs)), get_device_id())
    run.__name__ = np_func.__name__
    run.__doc__ = 'numpy.%s on the current device.' % np_func.__name__
    return run


for _name in ('zeros', 'ones', 'empty', 'full', 'arange'):
    _FUNCTIONS[_name] = _creation(getattr(numpy, _name))


# ----- crossing between host and device ------------------------------------------------------------
def array(obj, dtype=None, copy: bool = True, order='K', ndmin: int = 0) -> ndarray:
    """A device array of ``obj``: host data is copied to the current device (counted); a device
    array is copied to the current device when ``copy`` (CuPy copies between devices)."""
    if isinstance(obj, ndarray):
        if not copy and (dtype is None or numpy.dtype(dtype) == obj.dtype):
            return obj
        a = obj._a if dtype is None else obj._a.astype(dtype)
        return wrap(numpy.array(a, order='C' if order == 'K' else order, copy=True, ndmin=ndmin),
                    get_device_id())
    if _holds_device_arrays(obj):
        raise TypeError('a sequence of device arrays: use cupy.stack or cupy.concatenate')
    _double.counts['to_device'] += 1
    return wrap(numpy.array(obj, dtype=dtype, copy=True, ndmin=ndmin), get_device_id())


def _holds_device_arrays(obj) -> bool:
    return isinstance(obj, (list, tuple)) and any(
        isinstance(x, ndarray) or _holds_device_arrays(x) for x in obj)


def asarray(a, dtype=None, order=None) -> ndarray:
    """``a`` on the device: a device array as it is (cast if ``dtype``), host data copied."""
    return array(a, dtype=dtype, copy=False)


def asnumpy(a, stream=None, order='C', out=None) -> numpy.ndarray:
    """A NumPy array of ``a``: a device array is copied to the host; host data passes through."""
    if isinstance(a, ndarray):
        return a.get(stream=stream, order=order, out=out)
    return numpy.asarray(a, order=order)


def from_dlpack(obj) -> ndarray:
    """The device array behind ``obj``'s DLPack capsule, sharing its memory."""
    capsule = obj.__dlpack__()
    if not isinstance(capsule, _Capsule):
        raise TypeError('the CuPy stand-in imports only its own arrays through DLPack')
    return wrap(capsule.array._a, capsule.array._device)

