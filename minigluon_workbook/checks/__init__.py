"""Automatic checks for the chapters' exercises: observed in the student's kernel, judged from data.

The protocol every exercise follows (``ch01.py`` is the worked example):

* ``observe_k(*answers, seed) -> dict`` runs where the student's code runs (in grading, a
  sandboxed kernel that the student controls completely). It exercises the student's objects
  on inputs drawn from ``seed`` (``rng(seed)``; the grader draws a fresh seed per submission,
  notebooks use 0) and returns plain JSON data only: numbers, ``floats(array)``, shapes,
  names, booleans, identities as equality classes, error texts. Never a verdict. It may stop
  early by raising ExerciseFailed (``expect``, ``call``, ``block``, ``construct``): such a
  message can only cost the student the exercise, so a check that can only fail may stay here.
* ``judge_k(data, seed) -> str`` runs in the grader's own process, never in the student's.
  ``data`` is hostile: read it only through ``Data`` (``data.bool('key')``,
  ``data.array('key', shape)``, ...), which refuses wrong types, shapes and sizes. Recompute
  everything a pass claims from the inputs ``seed`` draws (regenerate them, don't read them
  back), with NumPy or minigluon, and raise ExerciseFailed with a message in the student's
  terms, or return the one-line detail of the pass. Nothing in a judge may solve the
  exercise for a student (the sandbox can import this package).
* ``check_k = Check('NN.k', observe_k, judge_k)``. In the notebook the check cell calls
  ``chNN.check_k(answers)``: ``judge_k(observe_k(answers, seed=0), 0)`` run locally, which
  prints ``PASSED exercise NN.k: detail`` or shows the reason in one line. The grader runs
  ``check_k.observe`` in the sandbox on the grader's seed (``report``) and ``check_k.judge``
  in its own process: text the student's code prints never decides anything.
* Tests (``tests/test_checks_chNN.py``): the reference solution passes, each typical mistake
  fails with its message, and forged data (``check_k.judge(data, seed)``) fails.
"""
from __future__ import annotations

import json
import re
import sys
from typing import Any, Callable, TypeVar

import numpy as np

from minigluon import autograd

T = TypeVar('T')
MIME = 'application/vnd.workbook.observation+json'
MAX_ITEMS = 100_000   # numbers one observed array may hold


class ExerciseFailed(AssertionError):
    """A student's answer is wrong; the message says what is wrong and what was expected."""


class Malformed(ValueError):
    """Observed data that no honest observe function returns: the submission is not gradable."""


def expect(condition: bool, message: str):
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        raise ExerciseFailed(message)


def passed(exercise: str, detail: str = ''):
    """Print an exercise's pass line (for the student: the grader reads data, not this line)."""
    print('PASSED exercise %s%s' % (exercise, ': ' + detail if detail else ''))


def describe(err: BaseException) -> str:
    """An exception as readable text: ``TypeName: message``."""
    return '%s: %s' % (type(err).__name__, err)


def call(what: str, fn: Callable[..., T], *args: Any, hint: str = '', **kwargs: Any) -> T:
    """Run student code ``fn(*args, **kwargs)``; errors become "<what> raised <err><hint>"."""
    try:
        return fn(*args, **kwargs)
    except ExerciseFailed:
        raise
    except Exception as err:  # noqa: BLE001 - any error in student code is reported
        raise ExerciseFailed('%s raised %s%s' % (what, describe(err), hint)) from None
    finally:
        autograd.set_recording(False)
        autograd.set_training(False)


def construct(cls, what: str, *args, **kwargs):
    """``cls(*args, **kwargs)`` for the student's Block subclass ``cls``; the two classic
    mistakes (no ``super().__init__``, no ``__init__`` at all) get their hints instead of
    minigluon's internals (``'int' object has no attribute 'endswith'``)."""
    init_owner = next(k for k in cls.__mro__ if '__init__' in vars(k))
    if (args or kwargs) and init_owner.__module__.startswith('minigluon.'):
        raise ExerciseFailed('your %s has no __init__ of its own, so %s went to nn.Block.__init__, '
                             'which takes no units: define __init__(self, ..., **kwargs) and call '
                             'super().__init__(**kwargs) first in it' % (cls.__name__, what))
    try:
        return cls(*args, **kwargs)
    except Exception as err:  # noqa: BLE001 - any error in student code is reported
        if isinstance(err, AttributeError) and re.search(r"'_\w+'", str(err)):
            raise ExerciseFailed('creating %s raised AttributeError: %s: did you call '
                                 'super().__init__(**kwargs) first in your __init__?'
                                 % (what, err)) from None
        raise ExerciseFailed('creating %s raised %s' % (what, describe(err))) from None
    finally:
        autograd.set_recording(False)
        autograd.set_training(False)


def block(cls, what: str, *args, base=None):
    """The student's Block subclass ``cls`` created as ``cls(*args)`` (see ``construct``)."""
    from minigluon.gluon import nn
    base = base or nn.Block
    expect(isinstance(cls, type) and issubclass(cls, base),
           'pass your class itself (a subclass of nn.%s); you gave %r' % (base.__name__, cls))
    obj = construct(cls, what, *args)
    expect(hasattr(obj, '_children'),
           '%s has no _children: did you call super().__init__(**kwargs) first in __init__?' % what)
    return obj


def rng(seed: int) -> np.random.RandomState:
    """The random stream an exercise's inputs are drawn from."""
    return np.random.RandomState(seed % 2 ** 32)


def floats(value) -> list:
    """An array (NDArray or NumPy) as nested lists of floats, for observed data."""
    if hasattr(value, 'asnumpy'):
        value = value.asnumpy()
    return np.asarray(value, dtype=np.float64).tolist()


# --------------------------------------------------------------------------- hostile data

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


# --------------------------------------------------------------------------- one exercise

class Check:
    """One exercise: ``observe`` in the student's kernel, ``judge`` in the grader's process."""

    def __init__(self, exercise: str, observe: Callable[..., dict], judge: Callable[..., str]):
        self.exercise, self.observe, self.judge = exercise, observe, judge
        self.__doc__ = observe.__doc__

    def __call__(self, *answers, seed: int = 0):
        """Check ``answers`` here and now: print the pass line or raise ExerciseFailed."""
        data = json.loads(json.dumps(self.observe(*answers, seed=seed), allow_nan=True))
        passed(self.exercise, verdict(self, data, seed))

    def __repr__(self):
        return '<check of exercise %s>' % self.exercise


def verdict(check: Check, data, seed: int) -> str:
    """``check.judge`` on observed ``data``: the pass detail, or ExerciseFailed / Malformed."""
    if isinstance(data, dict) and 'failed' in data:
        raise ExerciseFailed(Data(data).str('failed'))
    return check.judge(Data(data), seed)


def not_done(err: NameError) -> str:
    """The one-line message for a check whose answer was never defined."""
    name = getattr(err, 'name', None) or re.sub(r"^name '(\w+)'.*", r'\1', str(err))
    return 'not done yet: define `%s`' % name


def report(check: Check, seed: int, answers: Callable[[], tuple]):
    """Grading: observe ``answers()`` and display the data for the grader to judge."""
    try:
        args = answers()
        data = check.observe(*args, seed=seed)
    except NameError as err:
        data = {'failed': not_done(err)}
    except ExerciseFailed as err:
        data = {'failed': str(err)}
    except Exception as err:  # noqa: BLE001 - whatever happened is the student's answer
        data = {'failed': 'the check raised %s' % describe(err)}
    from IPython.display import display
    display({MIME: {'exercise': check.exercise, 'data': data}}, raw=True)


# --------------------------------------------------------------------------- notebook feedback

def _short_error(shell, etype, value, tb, tb_offset=None):
    """IPython handler: a check cell's failure in one line, not a chained traceback."""
    cell = shell.user_ns.get('_ih', [''])[-1] if hasattr(shell, 'user_ns') else ''
    if issubclass(etype, ExerciseFailed):
        line = '\x1b[0;31mExerciseFailed\x1b[0m: %s' % value
    elif issubclass(etype, NameError) and re.search(r'\.check_\w+\s*\(', cell or ''):
        line = '\x1b[0;31mNameError\x1b[0m: %s' % not_done(value)
    else:
        return shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    shell._showtraceback(etype, value, [line])
    return [line]


def _install_notebook_feedback():
    ipython = sys.modules.get('IPython')
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None and hasattr(shell, 'set_custom_exc'):
        shell.set_custom_exc((ExerciseFailed, NameError), _short_error)


_install_notebook_feedback()
