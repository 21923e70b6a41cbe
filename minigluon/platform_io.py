"""Platform tricks that exist only for speed: the code the book's listings call in one line.

- ``replace``: put a finished temporary file in the place of another atomically, by swapping
  the two names with Linux's renameat2 where it can (``os.replace`` elsewhere), which spares
  ext4 writing the new file out first (see ``ndarray.utils.atomic_write``).
"""
from __future__ import annotations

import ctypes
import os
import stat


def _c_renameat2():
    """Linux's renameat2 (glibc 2.28+), or None on other systems."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError, TypeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return function


_renameat2 = _c_renameat2()
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def replace(tmp: str, fname: str, old: os.stat_result | None):
    """Make the finished file ``tmp`` the file ``fname`` (whose ``os.stat`` was ``old``, None if
    there was none), in one atomic step.

    Both ways below are atomic: any reader sees the old file or the new one, never a mix.
    Renaming over an existing file makes ext4 write the new file's data out first
    (auto_da_alloc): 4 ms of the bench's 7 MB save, more than the write itself. Swapping
    the two names (renameat2 RENAME_EXCHANGE) does not; the old file, then under the
    temporary name, is deleted. Without renameat2 (or a file system that refuses it), or
    with nothing regular to swap with, ``os.replace``.
    """
    if _renameat2 is not None and old is not None and stat.S_ISREG(old.st_mode):
        if _renameat2(_AT_FDCWD, os.fsencode(tmp), _AT_FDCWD, os.fsencode(fname),
                      _RENAME_EXCHANGE) == 0:
            os.unlink(tmp)  # the old file's data
            return
    os.replace(tmp, fname)
