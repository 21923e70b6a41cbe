"""The observe half of the exercise checks: the code that runs in the student's kernel.

The protocol every exercise follows (``ch01.py`` is the worked example):

* ``observe_k(*answers, seed) -> dict`` (here, in ``checks/chNN.py``) runs where the student's
  code runs (in grading, a sandboxed kernel that the student controls completely). It
  exercises the student's objects on inputs drawn from ``seed`` (``rng(seed)``; the grader
  draws a fresh seed per exercise and submission, notebooks use 0) and returns plain JSON
  data only: numbers, ``floats(array)``, shapes, names, booleans, error texts. Never a
  verdict, and never an expected value: nothing in this package computes what an exercise
  asks. It may stop early by raising ExerciseFailed (``expect``, ``call``, ``block``,
  ``construct``): such a message can only cost the student the exercise.
* ``judge_k(data, seed) -> str`` (in ``minigluon_workbook/judges/chNN.py``) runs in the
  grader's own process. The grader's sandbox binds this package but never ``judges/``, so
  the student's code can neither import a judge nor read the reference solutions the
  judges use. ``data`` is hostile: judges read it only through ``judges.Data``.
* ``check_k = Check('NN.k', observe_k, JUDGES)``, ``JUDGES`` naming the judges' module.
  In the notebook the check cell calls ``chNN.check_k(answers)``: observe and judge run
  locally on seed 0 and print ``PASSED exercise NN.k: detail`` or the reason in one line.
  The grader runs ``check_k.observe`` in the sandbox on its own seed (``report``) and
  ``check_k.judge`` in its own process: text the student's code prints never decides anything.
* Tests (``tests/test_checks_chNN.py``): the reference solution passes, each typical mistake
  fails with its message, and forged data (``check_k.judge(data, seed)``) fails.
"""
from __future__ import annotations

import contextlib
import importlib
import json
import linecache
import os
import re
import sys
from typing import Any, Callable, TypeVar

import numpy as np

import minigluon
from minigluon import autograd

from .. import scan

T = TypeVar('T')
MINIGLUON_FOLDER = os.path.join(os.path.dirname(os.path.abspath(minigluon.__file__)), '')
MIME = 'application/vnd.minigluon-workbook.observation+json'


class ExerciseFailed(AssertionError):
    """A student's answer is wrong; the message says what is wrong and what was expected."""


def expect(condition: bool, message: str):
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        raise ExerciseFailed(message)


def defined(name: str, value):
    """Fail with "not done yet: define `name`" while ``value`` is the student edition's ``...``."""
    expect(value is not Ellipsis, 'not done yet: define `%s` (the student edition has `%s = ...`)'
           % (name, name))


def passed(exercise: str, detail: str = ''):
    """Print an exercise's pass line (for the student: the grader reads data, not this line)."""
    print('PASSED exercise %s%s' % (exercise, ': ' + detail if detail else ''))


def describe(err: BaseException) -> str:
    """An exception as readable text: ``TypeName: message``."""
    return '%s: %s' % (type(err).__name__, err)


def call(what: str, fn: Callable[..., T], *args: Any, hint: str = '',
         without: tuple = (), **kwargs: Any) -> T:
    """Run student code ``fn(*args, **kwargs)``; errors become "<what> raised <err><hint>".

    ``without``: (name, owner, attribute) entry points the exercise asks the student to build
    rather than call (``taken_away``)."""
    try:
        with taken_away(without):
            return fn(*args, **kwargs)
    except ExerciseFailed:
        raise
    except NotImplementedError:
        raise ExerciseFailed('not done yet: %s raised NotImplementedError; replace '
                             '`raise NotImplementedError()` with your code' % what) from None
    except Exception as err:  # noqa: BLE001 - any error in student code is reported
        raise ExerciseFailed('%s raised %s%s' % (what, describe(err), hint)) from None
    finally:
        autograd.set_recording(False)
        autograd.set_training(False)


@contextlib.contextmanager
def taken_away(entry_points: tuple):
    """While the student's code runs, each (name, owner, attribute) entry point fails the
    exercise when called from outside minigluon, naming itself, even if the student's code
    catches the error (minigluon's own calls, e.g. collect_params, go through).

    Best effort against delegation: a reference the student's code took earlier still works
    (``mentions`` flags those for the teacher)."""
    saved = [(owner, attribute, vars(owner)[attribute]) for _, owner, attribute in entry_points]
    called: list[str] = []

    def refusing(name, original):
        def refuse(*args, **kwargs):
            # the caller's file, not its module's __name__, which a notebook may set
            if sys._getframe(1).f_code.co_filename.startswith(MINIGLUON_FOLDER):
                return original(*args, **kwargs)
            called.append(name)
            raise ExerciseFailed('this exercise asks you to build it yourself: your code called '
                                 '%s' % name)
        return refuse

    for (name, owner, attribute), (_, _, original) in zip(entry_points, saved):
        setattr(owner, attribute, refusing(name, original))
    try:
        yield
    finally:
        for owner, attribute, value in saved:
            setattr(owner, attribute, value)
    if called:
        raise ExerciseFailed('this exercise asks you to build it yourself: your code called %s'
                             % called[0])


def mentions(fn, entry_points: tuple) -> list[str]:
    """The names of the ``entry_points`` that ``fn`` refers to: by attribute name in its own
    code, or by holding one (a global, default or closure of it, or of a function or class of
    the student's that it uses, or a dict, list or tuple any of them holds), for the teacher to
    review, since a reference taken before the check ran escapes ``taken_away``."""
    first = entry_points[::-1]   # where two entry points are one object, the first name wins
    by_attribute = {attribute: name for name, _, attribute in first}
    by_object = {id(vars(owner)[attribute]): name for name, owner, attribute in first}
    found, seen, held = set(), set(), [fn]
    own = getattr(fn, '__globals__', None)
    while held and len(seen) < 10_000:   # a bound: the student's data may be huge or cyclic
        value = held.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if id(value) in by_object:
            found.add(by_object[id(value)])
        elif isinstance(value, dict):
            held += list(value.values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            held += list(value)
        elif isinstance(value, (staticmethod, classmethod)):
            held.append(value.__func__)
        elif isinstance(value, type) and value.__module__ == fn.__module__:
            held += list(vars(value).values())   # a class of the student's: what it holds
        elif value is fn or (own is not None and getattr(value, '__globals__', None) is own):
            held += list(getattr(value, '__defaults__', None) or ()) + [
                c.cell_contents for c in getattr(value, '__closure__', None) or () if c.cell_contents is not None]
            codes = [getattr(value, '__code__', None)]
            while codes:
                code = codes.pop()
                if code is None:
                    continue
                codes += [k for k in code.co_consts if hasattr(k, 'co_names')]
                if value is fn:
                    found.update(by_attribute[n] for n in code.co_names if n in by_attribute)
                held += [own[n] for n in code.co_names if own is not None and n in own]
    return sorted(found)


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
    except NotImplementedError:   # the student edition keeps a class's methods over this
        raise ExerciseFailed('not done yet: creating %s raised NotImplementedError; replace '
                             '`raise NotImplementedError()` with your code' % what) from None
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


# --------------------------------------------------------------------------- one exercise

class Check:
    """One exercise: ``observe`` in the student's kernel, its judge in the grader's process."""

    def __init__(self, exercise: str, observe: Callable[..., dict], judges: str):
        """``judges``: the module holding ``judge_k`` for ``observe_k`` (imported only to judge)."""
        self.exercise, self.observe, self.judges = exercise, observe, judges
        self.__doc__ = observe.__doc__

    @property
    def judge(self) -> Callable[..., str]:
        """``judge_k`` of the judges' module (ModuleNotFoundError inside the sandbox)."""
        name = 'judge' + self.observe.__name__[len('observe'):]
        return getattr(importlib.import_module(self.judges), name)

    def __call__(self, *answers, seed: int = 0):
        """Check ``answers`` here and now: print the pass line or raise ExerciseFailed; then
        warn if a cell that defines an answer uses what the grader refuses (``scan``)."""
        from ..judges import verdict
        data = json.loads(json.dumps(self.observe(*answers, seed=seed), allow_nan=True))
        passed(self.exercise, verdict(self, data, seed))
        for source in _defining_cells(answers):
            found = scan.findings(source)
            if found:
                first = next((line.strip() for line in source.splitlines() if line.strip()), '')
                print('but the grader will not grade this notebook: the cell that begins %r uses '
                      '%s (see the grader message for what to use instead)' % (first[:60], ', '.join(found[:3])))

    def __repr__(self):
        return '<check of exercise %s>' % self.exercise


def _defining_cells(answers: tuple) -> list:
    """The source of each notebook cell that defines one of ``answers`` (a function, or a
    class's methods), as IPython keeps it for tracebacks; cells of files are left out."""
    codes = []
    for answer in answers:
        members = vars(answer).values() if isinstance(answer, type) else (answer,)
        codes += [getattr(m, '__code__', None) for m in members]
    files = {c.co_filename for c in codes if c is not None and not os.path.isfile(c.co_filename)}
    return [''.join(linecache.getlines(f)) for f in sorted(files) if linecache.getlines(f)]


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
    except BaseException as err:  # noqa: BLE001 - whatever happened is the student's answer;
        # SystemExit or KeyboardInterrupt from their code must not skip the one display either
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
