"""MXNet's trainer-states file (``Trainer.save_states``), read and written without pickle.

MXNet writes ``pickle.dumps((states, optimizer))``: a dict {parameter index: None, an
NDArray, or a tuple of NDArrays}, and the optimizer object (its class and attribute dict);
an NDArray pickles as MXNet's one-array binary format inside a ``bytearray``. Unpickling an
untrusted file can run any code, so this module never unpickles. The reader walks the
file's opcodes (``pickletools.genops`` only decodes them) on a small stack machine that
knows containers, numbers, strings and three callables (NDArray, bytearray, an MXNet
optimizer class): anything else is refused. The writer emits the same structure with the
same opcodes, so MXNet can load what minigluon saves.
"""
from __future__ import annotations

import pickletools
import struct

from ..base import MXNetError
from ..ndarray import utils as nd_utils
from ..ndarray.ndarray import NDArray

_NDARRAY = ('mxnet.ndarray.ndarray', 'NDArray')
_BYTEARRAY = ('builtins', 'bytearray')
_OPTIMIZER_MODULE = 'mxnet.optimizer.optimizer'


class _Call:
    """``func(*args)`` as the file describes it (REDUCE or NEWOBJ), with BUILD's state."""

    def __init__(self, func: tuple, args: tuple):
        self.func, self.args, self.state = func, args, None


_MARK = object()


def _pop_mark(stack: list) -> list:
    """The items pushed since the last MARK, which is removed with them."""
    for i in range(len(stack) - 1, -1, -1):
        if stack[i] is _MARK:
            items = stack[i + 1:]
            del stack[i:]
            return items
    raise ValueError('no MARK')


def _run(data: bytes):
    """The object a pickle of plain data and ``_Call``s describes, without executing it."""
    stack, memo = [], {}
    for op, arg, _ in pickletools.genops(data):
        name = op.name
        if name in ('PROTO', 'FRAME'):
            continue
        if name == 'STOP':
            break
        if name in ('MEMOIZE', 'BINPUT', 'LONG_BINPUT', 'PUT'):
            memo[len(memo) if name == 'MEMOIZE' else arg] = stack[-1]
        elif name in ('BINGET', 'LONG_BINGET', 'GET'):
            stack.append(memo[arg])
        elif name in ('BININT', 'BININT1', 'BININT2', 'LONG1', 'LONG4', 'BINFLOAT',
                      'SHORT_BINUNICODE', 'BINUNICODE', 'BINUNICODE8',
                      'SHORT_BINBYTES', 'BINBYTES', 'BINBYTES8'):
            stack.append(arg)
        elif name in ('NONE', 'NEWTRUE', 'NEWFALSE'):
            stack.append({'NONE': None, 'NEWTRUE': True, 'NEWFALSE': False}[name])
        elif name == 'MARK':
            stack.append(_MARK)
        elif name in ('EMPTY_DICT', 'EMPTY_LIST', 'EMPTY_TUPLE'):
            stack.append({'EMPTY_DICT': {}, 'EMPTY_LIST': [], 'EMPTY_TUPLE': ()}[name])
        elif name in ('TUPLE1', 'TUPLE2', 'TUPLE3'):
            n = int(name[-1])
            items = tuple(stack[-n:])
            del stack[-n:]
            stack.append(items)
        elif name == 'TUPLE':
            stack.append(tuple(_pop_mark(stack)))
        elif name == 'SETITEM':
            key, value = stack[-2:]
            del stack[-2:]
            stack[-1][key] = value
        elif name == 'SETITEMS':
            items = _pop_mark(stack)
            stack[-1].update(zip(items[0::2], items[1::2]))
        elif name == 'APPENDS':
            items = _pop_mark(stack)
            stack[-1].extend(items)
        elif name == 'APPEND':
            stack[-2].append(stack.pop())
        elif name == 'STACK_GLOBAL':
            module, qualname = stack[-2:]
            del stack[-2:]
            stack.append(_allowed_global(module, qualname))
        elif name == 'GLOBAL':
            stack.append(_allowed_global(*arg.split(' ', 1)))
        elif name in ('REDUCE', 'NEWOBJ'):
            args = stack.pop()
            stack.append(_Call(stack.pop(), args))
        elif name == 'BUILD':
            state = stack.pop()
            stack[-1].state = state
        else:
            raise ValueError('unexpected pickle opcode %s' % name)
    if len(stack) != 1:
        raise ValueError('malformed pickle')
    return stack[0]


def _allowed_global(module: str, qualname: str) -> tuple:
    if (module, qualname) in (_NDARRAY, _BYTEARRAY) or module == _OPTIMIZER_MODULE:
        return module, qualname
    raise ValueError('it refers to %s.%s' % (module, qualname))


def _as_array(value) -> NDArray:
    if not (isinstance(value, _Call) and value.func == _NDARRAY and isinstance(value.state, dict)):
        raise ValueError('a state is not None, an NDArray or a tuple of them')
    handle = value.state.get('handle')
    if not (isinstance(handle, _Call) and handle.func == _BYTEARRAY and len(handle.args) == 1
            and isinstance(handle.args[0], bytes)):
        raise ValueError('an NDArray has no byte handle')
    return nd_utils.array_from_bytes(handle.args[0])


def _as_state(value):
    if value is None:
        return None
    if isinstance(value, tuple):
        return tuple(_as_state(item) for item in value)
    return _as_array(value)


def read(data: bytes, source: str):
    """({index: state of NDArrays}, optimizer class name, optimizer attributes) of a file."""
    try:
        top = _run(data)
        if not (isinstance(top, tuple) and len(top) == 2):
            raise ValueError('it does not hold (states, optimizer)')
        states, optimizer = top
        if not isinstance(states, dict) or not all(isinstance(k, int) for k in states):
            raise ValueError('its states are not a dict by parameter index')
        if not (isinstance(optimizer, _Call) and optimizer.func[0] == _OPTIMIZER_MODULE
                and isinstance(optimizer.state, dict)):
            raise ValueError('it holds no MXNet optimizer')
        return ({k: _as_state(v) for k, v in states.items()}, optimizer.func[1],
                optimizer.state)
    except (ValueError, KeyError, IndexError, AttributeError, TypeError, MXNetError) as err:
        raise MXNetError('%s is not a trainer states file MXNet or minigluon wrote: %s'
                         % (source, err)) from None


# ----- writing --------------------------------------------------------------------------------
def _emit(value, out: list):
    """Append the opcodes that rebuild ``value`` (plain data, NDArray, or _Call)."""
    if value is None:
        out.append(b'N')
    elif value is True or value is False:
        out.append(b'\x88' if value else b'\x89')
    elif isinstance(value, int):
        if 0 <= value < 256:
            out.append(b'K' + bytes([value]))
        elif -2 ** 31 <= value < 2 ** 31:
            out.append(b'J' + struct.pack('<i', value))
        else:
            raw = value.to_bytes((value.bit_length() + 8) // 8, 'little', signed=True)
            out.append(b'\x8a' + bytes([len(raw)]) + raw)
    elif isinstance(value, float):
        out.append(b'G' + struct.pack('>d', value))
    elif isinstance(value, str):
        raw = value.encode('utf-8')
        out.append((b'\x8c' + bytes([len(raw)]) if len(raw) < 256
                    else b'X' + struct.pack('<I', len(raw))) + raw)
    elif isinstance(value, bytes):
        out.append((b'C' + bytes([len(value)]) if len(value) < 256
                    else b'\x8e' + struct.pack('<Q', len(value))) + value)
    elif isinstance(value, tuple):
        if len(value) <= 3:
            for item in value:
                _emit(item, out)
            out.append([b')', b'\x85', b'\x86', b'\x87'][len(value)])
        else:
            out.append(b'(')
            for item in value:
                _emit(item, out)
            out.append(b't')
    elif isinstance(value, dict):
        out.append(b'}')
        if value:
            out.append(b'(')
            for key, item in value.items():
                _emit(key, out)
                _emit(item, out)
            out.append(b'u')
    elif isinstance(value, NDArray):  # as MXNet pickles it: NDArray(None), then its bytes
        array = _Call(_NDARRAY, (None,))
        array.state = {'handle': _Call(_BYTEARRAY, (nd_utils.array_to_bytes(value),))}
        _emit(array, out)
    elif isinstance(value, _Call):
        _emit_global(value.func, out)
        if value.func[0] == _OPTIMIZER_MODULE:  # copyreg.__newobj__: cls.__new__(cls)
            out.append(b')\x81')
        else:
            _emit(value.args, out)
            out.append(b'R')
        if value.state is not None:
            _emit(value.state, out)
            out.append(b'b')
    else:
        raise TypeError('cannot write %r to a trainer states file' % type(value).__name__)


def _emit_global(func: tuple, out: list):
    _emit(func[0], out)
    _emit(func[1], out)
    out.append(b'\x93')


def write_bytes(states: dict, optimizer_class: str, optimizer_attrs: dict) -> bytes:
    """The file's bytes: a protocol-4 pickle of (states, optimizer) as MXNet writes it."""
    out = [b'\x80\x04']
    optimizer = _Call((_OPTIMIZER_MODULE, optimizer_class), ())
    optimizer.state = optimizer_attrs
    _emit((states, optimizer), out)
    out.append(b'.')
    return b''.join(out)
