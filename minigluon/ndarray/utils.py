"""``nd.save`` / ``nd.load``: MXNet's binary NDArray-list format, byte for byte.

Layout (little-endian, no padding)::

    u64 0x112 | u64 0 | u64 N
    N x { u32 0xF993FAC9 | i32 stype=0 | i32 ndim | i64 dim[ndim]
          | i32 dev_type | i32 dev_id | i32 type_flag | raw C-order data }
    u64 K (0, or N names) | K x { u64 length | name bytes }

Files are untrusted: every size is checked against the bytes that remain before anything
is allocated, and every defect is an MXNetError naming the file. Writes go to a temporary
file that then takes the target's place atomically, so a failed save leaves the old file
intact (see ``atomic_write`` for what is and is not promised).
"""
from __future__ import annotations

import os
import struct
import tempfile

import numpy as np

from .. import platform_io
from ..base import MXNetError
from ..context import Context, cpu, gpu, num_gpus
from .ndarray import NDArray

_LIST_MAGIC = 0x112
_ARRAY_MAGIC = 0xF993FAC9
_MAX_NDIM = 32
_FLAG_TO_DTYPE = {0: np.float32, 1: np.float64, 2: np.float16, 3: np.uint8, 4: np.int32,
                  5: np.int8, 6: np.int64, 7: np.bool_}
_DTYPE_TO_FLAG = {np.dtype(t): f for f, t in _FLAG_TO_DTYPE.items()}


# ----- writing ------------------------------------------------------------------------------
def _named_arrays(data):
    """(arrays, names) of what nd.save accepts, with MXNet's errors for anything else."""
    if isinstance(data, NDArray):
        return [data], []
    if isinstance(data, dict):
        if not all(isinstance(k, str) and isinstance(v, NDArray) for k, v in data.items()):
            raise TypeError('save only accept dict str->NDArray or list of NDArray')
        return list(data.values()), list(data.keys())
    if isinstance(data, list):  # as in MXNet, a tuple is not accepted
        if not all(isinstance(v, NDArray) for v in data):
            raise TypeError('save only accept dict str->NDArray or list of NDArray')
        return list(data), []
    raise ValueError('data needs to either be a NDArray, dict of str, NDArray pairs or a list '
                     'of NDarrays.')


def _encode(arrays, names, fname) -> list:
    """The file as a list of chunks; array data goes in as views of the arrays' own memory."""
    chunks = [struct.pack('<QQQ', _LIST_MAGIC, 0, len(arrays))]
    for k, array in enumerate(arrays):
        data = array._data
        host = data if isinstance(data, np.ndarray) else data.get()
        flag = _DTYPE_TO_FLAG.get(host.dtype)
        if flag is None:
            raise MXNetError('Cannot save "%s": array %d has dtype %s, which the NDArray file '
                             'format cannot store' % (fname, k, host.dtype))
        ctx = array.context
        chunks.append(struct.pack('<Iii', _ARRAY_MAGIC, 0, host.ndim))
        chunks.append(struct.pack('<%dq' % host.ndim, *host.shape))
        chunks.append(struct.pack('<iii', ctx.device_typeid, ctx.device_id, flag))
        little = host.astype(host.dtype.newbyteorder('<'), order='C', copy=False)
        chunks.append(memoryview(little.reshape(-1).view(np.uint8)))
    chunks.append(struct.pack('<Q', len(names)))
    for name in names:
        encoded = name.encode('utf-8')
        chunks.append(struct.pack('<Q', len(encoded)) + encoded)
    return chunks


_UMASK = os.umask(0o022)
os.umask(_UMASK)  # read once, at import: setting the umask to read it is not thread-safe


def _new_file_mode(old: os.stat_result | None) -> int:
    """The mode of the file being replaced, else what ``open(fname, 'wb')`` would give."""
    return old.st_mode & 0o7777 if old is not None else 0o666 & ~_UMASK


def atomic_write(fname, chunks):
    """Write ``chunks`` (bytes-like objects) to ``fname`` through a temporary file that then
    takes the place of ``fname`` atomically.

    What is kept: whatever goes wrong (an error, a full disk, the process killed), ``fname``
    is the old file or the complete new one, never a partial file, and the temporary file
    is removed on errors. What is not promised: surviving a power cut right after the save.
    As with MXNet's own save (which truncates and overwrites the file in place) and any
    ``open(fname, 'wb')``, the data reaches the disk when the kernel writes it back (within
    seconds); an fsync here cost half the save (3.5-4 ms of 7 MB, see the performance
    appendix). Call ``os.sync()`` after saving if you need the file to survive a power cut.

    The new file gets the mode an ordinary ``open(fname, 'wb')`` would give it (mkstemp's
    private 0600 is not kept): the old file's, else the umask's. An OSError becomes MXNet's
    ``Open "fname": ...`` MXNetError.
    """
    fname = os.fspath(fname)
    try:
        folder = os.path.dirname(os.path.abspath(fname))
        fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(fname) + '.', suffix='.tmp',
                                   dir=folder)
    except OSError as err:
        raise MXNetError('Open "%s": %s' % (fname, err.strerror or err)) from None
    try:
        with os.fdopen(fd, 'wb') as f:
            for chunk in chunks:
                f.write(chunk)
        try:
            old = os.stat(fname)
        except OSError:
            old = None
        os.chmod(tmp, _new_file_mode(old))
        platform_io.replace(tmp, fname, old)
    except BaseException as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise MXNetError('Open "%s": %s' % (fname, err.strerror or err)) from err
        raise


def save(fname, data):
    """Save an NDArray, a list of NDArrays or a dict str -> NDArray in MXNet's format."""
    atomic_write(fname, _encode(*_named_arrays(data), os.fspath(fname)))


# ----- reading ------------------------------------------------------------------------------
class _Reader:
    """Bounds-checked reads from bytes; every failure is an MXNetError naming the source."""

    def __init__(self, buf: bytes, source: str):
        self.buf, self.source, self.pos = buf, source, 0

    def fail(self, problem: str):
        raise MXNetError('Invalid NDArray file format in %s: %s' % (self.source, problem))

    def take(self, fmt: str, what: str):
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.buf):
            self.fail('file ends at byte %d while reading %s' % (len(self.buf), what))
        values = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += size
        return values if len(values) > 1 else values[0]

    def raw(self, nbytes: int, what: str) -> memoryview:
        if nbytes > len(self.buf) - self.pos:
            self.fail('%s needs %d bytes but only %d remain' % (what, nbytes, len(self.buf) - self.pos))
        view = memoryview(self.buf)[self.pos:self.pos + nbytes]
        self.pos += nbytes
        return view


def _read_array(r: _Reader, k: int) -> NDArray:
    what = 'array %d' % k
    magic = r.take('<I', what + ' header')
    if magic != _ARRAY_MAGIC:
        r.fail('%s starts with 0x%08x, not the NDArray magic 0x%08x (other versions of the '
               'format, such as np-shape files, are not supported)' % (what, magic, _ARRAY_MAGIC))
    stype, ndim = r.take('<ii', what + ' header')
    if stype != 0:
        r.fail('%s has storage type %d; only dense arrays (0) are supported' % (what, stype))
    if not 0 <= ndim <= _MAX_NDIM:
        r.fail('%s claims %d dimensions' % (what, ndim))
    shape = r.take('<%dq' % ndim, what + ' shape') if ndim else ()
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if any(d < 0 for d in shape):
        r.fail('%s has a negative dimension in shape %s' % (what, shape))
    dev_type, dev_id, flag = r.take('<iii', what + ' context and dtype')
    device = Context.devtype2str.get(dev_type)
    if device is None or dev_id < 0:
        r.fail('%s has an unknown device (type %d, id %d)' % (what, dev_type, dev_id))
    dtype = _FLAG_TO_DTYPE.get(flag)
    if dtype is None:
        r.fail('%s has unknown dtype flag %d' % (what, flag))
    count = 1
    for d in shape:
        count *= d  # Python ints: an absurd shape cannot overflow into a small number
    raw = r.raw(count * np.dtype(dtype).itemsize, what + ' data')
    if dtype is np.bool_:  # any nonzero byte is True; keep numpy's bools canonical (0 or 1)
        host = np.frombuffer(raw, dtype=np.uint8) != 0
    else:
        host = np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder('<')).astype(dtype, copy=False)
    try:  # a zero-size shape can still be one NumPy refuses, e.g. (0, 2**62, 2**62)
        host = host.reshape(shape)
    except ValueError:
        r.fail('%s has shape %s, too large for an array' % (what, shape))
    ctx = gpu(dev_id) if device == 'gpu' and dev_id < num_gpus() else cpu(0)
    if ctx.device_type == 'gpu':
        with ctx.device():
            return NDArray(ctx.xp.asarray(host), ctx)
    return NDArray(host, ctx)


def array_to_bytes(array: NDArray) -> bytes:
    """One array in MXNet's one-array format (what MXNet's ``NDArray`` pickles as)."""
    chunks = _encode([array], [], 'an array')
    return b''.join(chunks[1:-1])  # without the list's header and its count of names


def array_from_bytes(buf: bytes, source: str = 'buffer') -> NDArray:
    """The array ``array_to_bytes`` (or MXNet) wrote; the bytes must hold exactly one."""
    r = _Reader(bytearray(buf), source)
    array = _read_array(r, 0)
    if r.pos != len(r.buf):
        r.fail('%d unexpected bytes after the end of the data' % (len(r.buf) - r.pos))
    return array


def load_frombuffer(buf: bytes, source: str = 'buffer'):
    """Arrays from bytes in MXNet's format: a list, or a dict (in file order) if named."""
    writable = isinstance(buf, (bytearray, np.ndarray))  # loaded arrays are views of it
    r = _Reader(buf if writable else bytearray(buf), source)
    magic, _reserved, count = r.take('<QQQ', 'the file header')
    if magic != _LIST_MAGIC:
        r.fail('the header is 0x%x, not 0x%x (not a file written by nd.save)' % (magic, _LIST_MAGIC))
    min_array_bytes = 24  # magic, stype, ndim, dev_type, dev_id, type_flag
    if count * min_array_bytes > len(r.buf) - r.pos:
        r.fail('it claims %d arrays, more than its %d bytes can hold' % (count, len(r.buf)))
    arrays = [_read_array(r, k) for k in range(count)]
    num_names = r.take('<Q', 'the number of names')
    if num_names not in (0, count):
        r.fail('it has %d names for %d arrays' % (num_names, count))
    names = []
    for k in range(num_names):
        length = r.take('<Q', 'the length of name %d' % k)
        try:
            names.append(bytes(r.raw(length, 'name %d' % k)).decode('utf-8'))
        except UnicodeDecodeError:
            r.fail('name %d is not valid UTF-8' % k)
    if r.pos != len(r.buf):
        r.fail('%d unexpected bytes after the end of the data' % (len(r.buf) - r.pos))
    return dict(zip(names, arrays)) if names else arrays


def load(fname):
    """Load what ``save`` wrote (or MXNet wrote): a list of NDArrays, or a dict if named."""
    path = os.fspath(fname)
    try:
        with open(path, 'rb') as f:
            # One writable buffer of the file's size (not zeroed first): the arrays become
            # views of it, no copies.
            buf = np.empty(os.fstat(f.fileno()).st_size, np.uint8)
            buf = buf[:f.readinto(buf)]
    except FileNotFoundError:
        raise MXNetError('LocalFileSystem: Check failed: allow_null: :Open "%s": No such file or '
                         'directory' % path) from None
    except OSError as err:
        raise MXNetError('Open "%s": %s' % (path, err.strerror or err)) from None
    return load_frombuffer(buf, '"%s"' % path)
