"""What every module of minigluon shares: MXNet's error types and shape arguments."""
from __future__ import annotations

import operator
import types

import numpy as np

# MXNet's type tuples (code written for MXNet, its tests too, checks arguments with them)
integer_types = (int, np.int32, np.int64)
numeric_types = (float, int, np.generic)
string_types = (str,)


def py_str(data: bytes) -> str:
    """Bytes from MXNet's C API as text (UTF-8)."""
    return data.decode('utf-8')


class MXNetError(RuntimeError):
    """Error raised by minigluon where MXNet raises ``mxnet.base.MXNetError``."""


class MXNetValueError(MXNetError, ValueError):
    """An MXNetError for a bad argument, where MXNet raises ValueError."""


class MXNetAssertionError(MXNetError, AssertionError):
    """An MXNetError for a failed check, where MXNet raises AssertionError."""


# A student sees these as MXNet shows them: tracebacks and reprs print the builtin's name
# ("AssertionError: ..."), while ``except mx.base.MXNetError`` still catches them.
for _error, _builtin in ((MXNetValueError, ValueError), (MXNetAssertionError, AssertionError)):
    _error.__name__ = _error.__qualname__ = _builtin.__name__
    _error.__module__ = 'builtins'
del _error, _builtin


def normalize_shape(shape) -> tuple:
    """A shape argument as a tuple of Python ints; an int (a NumPy integer too) is 1-d."""
    if isinstance(shape, tuple) and all(type(d) is int for d in shape):
        return shape  # the common case, without a copy
    try:
        return (operator.index(shape),)
    except TypeError:
        return tuple(operator.index(d) for d in shape)


def alias(function, name: str):
    """``function`` under a second name, as MXNet's aliases report their own ``__name__``
    (nd.broadcast_plus is 'broadcast_plus'); a copy of the function object, no extra call."""
    copy = types.FunctionType(function.__code__, function.__globals__, name, function.__defaults__,
                              function.__closure__)
    copy.__kwdefaults__, copy.__doc__ = function.__kwdefaults__, function.__doc__
    copy.__qualname__ = name
    return copy


def unknown_argument(op: str, kwargs: dict, accepted: tuple) -> MXNetError:
    """MXNet's error for a keyword argument its operator ``op`` does not have (a typo)."""
    return MXNetError("Cannot find argument '%s', Possible Arguments:\n----------------\n%s\n"
                      ", in operator %s(%s)" % (next(iter(kwargs)), '\n'.join(accepted), op,
                                                ', '.join('%s=%r' % kv for kv in kwargs.items())))


def not_implemented(name: str, missing: str) -> NotImplementedError:
    """The error for an MXNet name (``name``) that needs a part of MXNet (``missing``) which
    minigluon does not re-implement; it points to the book's compatibility page."""
    return NotImplementedError(
        "%s is not part of minigluon, which re-implements MXNet 1.9.1's nd, autograd and "
        "gluon but not %s: the workbook's compatibility page (appendix/compatibility) says "
        "what runs" % (name, missing))


def refuse_sparse(stype, what: str) -> None:
    """NotImplementedError for MXNet's sparse storage types ('row_sparse', 'csr'): minigluon's
    arrays are dense, and accepting the argument would silently give a dense one."""
    if stype in ('row_sparse', 'csr'):
        raise not_implemented("%s='%s'" % (what, stype), 'sparse storage (its arrays are all '
                              'dense)')


def not_in_minigluon(module_name: str):
    """A module ``__getattr__`` for an MXNet module that minigluon has only by name: importing
    it works (so code that imports it at the top still loads), using any name from it raises."""
    mxnet_name = 'mxnet' + module_name[len('minigluon'):]

    def __getattr__(name: str):
        if name.startswith('__'):  # Python's and tools' probes (__path__, __wrapped__, ...)
            raise AttributeError("module %r has no attribute %r" % (module_name, name))
        raise not_implemented('%s.%s' % (mxnet_name, name), mxnet_name)
    return __getattr__
