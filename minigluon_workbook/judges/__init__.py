"""The judge half of the exercise checks: runs in the grader's process, never in the sandbox.

``judge_k(data, seed)`` in ``judges/chNN.py`` recomputes everything a pass claims from the
inputs ``seed`` draws (regenerated with the observe module's ``_draw`` functions, never read
back from the student's data), with NumPy or minigluon, and raises ExerciseFailed with a
message in the student's terms, or returns the one-line detail of the pass. The reference
solutions it uses live here, out of the sandbox's reach (``minigluon_workbook.sandbox``
binds ``checks/`` and never this package).
"""
from __future__ import annotations

import numpy as np

from ..checks import Check, ExerciseFailed

MAX_ITEMS = 100_000   # numbers one observed array may hold


class Malformed(ValueError):
    """Observed data that no honest observe function returns: the submission is not gradable."""


class Data:
    """Observed data, read with validation: every accessor raises Malformed on a wrong type."""

    def __init__(self, raw, where: str = 'the observation'):
        if not isinstance(raw, dict):
            raise Malformed('%s is a %s, not an object' % (where, type(raw).__name__))
        self.raw, self.where = raw, where

    def _get(self, key):
        if key not in self.raw:
            raise Malformed('%s has no %r' % (self.where, key))
        return self.raw[key]

    def has(self, key: str) -> bool:
        return key in self.raw

    def bool(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise Malformed('%s: %r is not a boolean' % (self.where, key))
        return value

    def int(self, key: str) -> int:
        value = self._get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise Malformed('%s: %r is not an integer' % (self.where, key))
        return value

    def str(self, key: str, limit: int = 1000) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            raise Malformed('%s: %r is not text' % (self.where, key))
        return value[:limit]

    def shape(self, key: str) -> tuple:
        value = self._get(key)
        if not (isinstance(value, list) and len(value) <= 32
                and all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in value)):
            raise Malformed('%s: %r is not a shape' % (self.where, key))
        return tuple(value)

    def strs(self, key: str) -> list:
        value = self._get(key)
        if not (isinstance(value, list) and len(value) <= 10_000
                and all(isinstance(s, str) for s in value)):
            raise Malformed('%s: %r is not a list of names' % (self.where, key))
        return [s[:1000] for s in value]

    def array(self, key: str, shape=None) -> np.ndarray:
        """A float array; with ``shape``, one of exactly that shape."""
        value = self._get(key)
        try:
            if _count(value) > MAX_ITEMS:
                raise Malformed('%s: %r is too large' % (self.where, key))
            out = np.array(value, dtype=np.float64)
        except (TypeError, ValueError, RecursionError) as err:
            raise Malformed('%s: %r is not an array of numbers (%s)' % (self.where, key, err)) from None
        if out.dtype != np.float64 or (shape is not None and out.shape != tuple(shape)):
            raise Malformed('%s: %r has shape %s, not %s' % (self.where, key, out.shape, shape))
        return out

    def arrays(self, key: str, shapes) -> list:
        """A list of float arrays with exactly these ``shapes``."""
        value = self._get(key)
        if not isinstance(value, list) or len(value) != len(shapes):
            raise Malformed('%s: %r is not a list of %d arrays' % (self.where, key, len(shapes)))
        return [Data({key: v}, self.where).array(key, shape) for v, shape in zip(value, shapes)]

    def list(self, key: str, limit: int = 1000) -> list:
        """A list of nested observations (each a Data)."""
        value = self._get(key)
        if not isinstance(value, list) or len(value) > limit:
            raise Malformed('%s: %r is not a list' % (self.where, key))
        return [Data(v, '%s[%r][%d]' % (self.where, key, i)) for i, v in enumerate(value)]

    def sub(self, key: str) -> 'Data':
        return Data(self._get(key), '%s[%r]' % (self.where, key))


def _count(value, depth=0) -> int:
    """How many numbers a nested list holds; anything but numbers and lists is Malformed
    (bounded recursion: hostile data may nest deeply)."""
    if depth > 32:
        raise Malformed('nested too deeply')
    if isinstance(value, list):
        total = 0
        for v in value:
            total += _count(v, depth + 1)
            if total > MAX_ITEMS:
                return total
        return total
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Malformed('%r is not a number' % (value,))
    return 1


def close(got: np.ndarray, want: np.ndarray, rtol=1e-5, atol=1e-6) -> bool:
    """Same shape and close values (NaN never matches)."""
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=rtol, atol=atol))


def verdict(check: Check, data, seed: int) -> str:
    """``check.judge`` on observed ``data``: the pass detail, or ExerciseFailed / Malformed."""
    if isinstance(data, dict) and 'failed' in data:
        raise ExerciseFailed(Data(data).str('failed'))
    detail = check.judge(Data(data), seed)
    if isinstance(data, dict) and data.get('review'):
        detail += '; for the teacher to review: the solution refers to %s' % ', '.join(
            Data(data).strs('review')[:5])
    return detail
