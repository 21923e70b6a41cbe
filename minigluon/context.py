"""Devices. A Context names where an NDArray lives and which array module computes on it."""
from __future__ import annotations

import re
import threading
import warnings

import numpy

from .base import MXNetError

_NO_GPU_HELP = ("no GPU is available to minigluon: {why}. On Google Colab choose "
                "Runtime > Change runtime type > GPU; locally install a CUDA GPU driver and "
                "`pip install cupy-cuda12x` (or `pip install minigluon[gpu]`).")


def _load_cupy():
    """Return (cupy, number of GPUs), or (None, 0) with the reason; never raises."""
    try:
        import cupy
    except Exception as err:  # ImportError, or a broken CUDA install failing at import
        return None, 0, "CuPy is not installed (%s)" % type(err).__name__
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as err:  # CUDARuntimeError without a driver or a device
        return None, 0, "CuPy finds no usable CUDA device (%s)" % err
    if count == 0:
        return None, 0, "CuPy finds no CUDA device"
    return cupy, count, ""


_cupy_probe = None


def _cupy():
    global _cupy_probe
    if _cupy_probe is None:
        _cupy_probe = _load_cupy()
    return _cupy_probe


def num_gpus() -> int:
    """Number of CUDA GPUs CuPy can use; 0 (never an error) without CuPy, driver or device."""
    return _cupy()[1]


_DEFAULT_CTX_DEPRECATED = ("Context.default_ctx has been deprecated. Please use "
                           "Context.current_context() instead. Please use "
                           "test_utils.set_default_context to set a default context")


class _DefaultCtx:
    """MXNet's deprecated class property ``Context.default_ctx`` (read on the class or on a
    context, set on the class): the current context, warning that it is deprecated."""

    def __get__(self, obj, cls) -> 'Context':
        warnings.warn(_DEFAULT_CTX_DEPRECATED, DeprecationWarning, stacklevel=2)
        return current_context()

    def __set__(self, obj, ctx: 'Context') -> None:
        warnings.warn(_DEFAULT_CTX_DEPRECATED, DeprecationWarning, stacklevel=3)
        Context._default.base = ctx


class _ContextType(type):
    """Routes ``Context.default_ctx = ctx`` to the class property instead of replacing it."""

    def __setattr__(cls, name: str, value) -> None:
        descriptor = cls.__dict__.get(name)
        if isinstance(descriptor, _DefaultCtx):
            descriptor.__set__(None, value)
        else:
            super().__setattr__(name, value)


class Context(metaclass=_ContextType):
    """A device: ``cpu(i)`` computes with NumPy, ``gpu(i)`` with CuPy on GPU i.

    Contexts are interned, so ``cpu(0) is cpu()``; ``with ctx:`` makes ``ctx`` the default.
    """
    devtype2str = {1: 'cpu', 2: 'gpu', 3: 'cpu_pinned', 5: 'cpu_shared'}
    devstr2type = {v: k for k, v in devtype2str.items()}
    _interned: dict = {}
    _default = threading.local()
    default_ctx = _DefaultCtx()

    def __new__(cls, device_type, device_id: int = 0):
        if isinstance(device_type, Context):
            return device_type
        key = (device_type, int(device_id))
        ctx = cls._interned.get(key)
        if ctx is None:
            typeid = cls.devstr2type[device_type]  # MXNet's KeyError for an unknown type
            ctx = super().__new__(cls)
            ctx.device_type, ctx.device_id = key
            ctx.device_typeid = typeid
            ctx._xp = numpy if device_type != 'gpu' else None
            cls._interned[key] = ctx
        return ctx

    def __init__(self, device_type, device_id: int = 0):
        pass  # __new__ did the work; interning makes contexts cheap to compare

    @property
    def device_type(self) -> str:
        """'cpu', 'gpu', 'cpu_pinned' or 'cpu_shared': set once by ``__new__``, then read-only
        (MXNet's property has no setter; an interned context must not change type)."""
        return self._device_type

    @device_type.setter
    def device_type(self, device_type: str) -> None:
        if '_device_type' in self.__dict__:
            raise AttributeError("property 'device_type' of 'Context' object has no setter")
        self._device_type = device_type

    @property
    def xp(self):
        """The array module computing on this device (numpy, or cupy for a GPU)."""
        if self._xp is None:
            cupy, count, why = _cupy()
            if cupy is None:
                raise MXNetError(_NO_GPU_HELP.format(why=why))
            if self.device_id >= count:
                raise MXNetError("%s is not available: this machine has %d GPU(s), gpu(0) to "
                                 "gpu(%d)." % (self, count, count - 1))
            self._xp = cupy
        return self._xp

    def device(self):
        """A ``with`` block that makes this GPU current for CuPy (a no-op for CPUs)."""
        if self.device_type == 'gpu':
            return self.xp.cuda.Device(self.device_id)
        return _NULL_DEVICE

    def __repr__(self):
        return '%s(%d)' % (self.device_type, self.device_id)

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, Context) and self is other

    def __hash__(self):
        return hash((self.device_type, self.device_id))

    def __enter__(self):
        stack = getattr(Context._default, 'stack', None)
        if stack is None:
            stack = Context._default.stack = []
        stack.append(self)
        return self

    def __exit__(self, *exc):
        Context._default.stack.pop()

    def empty_cache(self):
        """Give the GPU memory CuPy keeps pooled back to the driver."""
        if self.device_type == 'gpu':
            with self.device():
                self.xp.get_default_memory_pool().free_all_blocks()


class _NullDevice:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


_NULL_DEVICE = _NullDevice()


def cpu(device_id: int = 0) -> Context:
    """The CPU context; ids only label arrays (all CPUs share host memory), as in MXNet."""
    return Context('cpu', device_id)


def gpu(device_id: int = 0) -> Context:
    """The context of GPU ``device_id``; using it without a GPU raises MXNetError."""
    return Context('gpu', device_id)


def cpu_pinned(device_id: int = 0) -> Context:
    """MXNet's page-locked host memory; here plain host memory under its own name."""
    return Context('cpu_pinned', device_id)


def current_context() -> Context:
    """The innermost ``with ctx:`` context, else the one set as ``Context.default_ctx``, or cpu(0)."""
    stack = getattr(Context._default, 'stack', None)
    return stack[-1] if stack else getattr(Context._default, 'base', None) or cpu(0)


_CONTEXT_STRING = re.compile(r'(cpu|gpu|cpu_pinned|cpu_shared)\((\d+)\)\Z')


def operator_context(ctx) -> Context:
    """The ``ctx=`` of an MXNet operator (zeros, ones, arange, the samplers): a Context, None
    (the current one), or a string such as 'cpu(1)', which MXNet's operators parse."""
    if ctx is None:
        return current_context()
    if isinstance(ctx, str):
        match = _CONTEXT_STRING.match(ctx)
        if match is None:
            raise MXNetError('Invalid context string %s' % ctx)
        return Context(match.group(1), int(match.group(2)))
    return ctx
