"""Automatic checks for the chapters' exercises.

Each chapter's module (``ch01``, ``ch02``, ...) has one ``check_<exercise>`` function per
coding exercise. A check prints one "passed" line, or raises ExerciseFailed with a message
in the student's own terms ("your layer returned shape (2, 8); expected (2, 4)").
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from minigluon import autograd

T = TypeVar('T')


class ExerciseFailed(AssertionError):
    """A student's answer is wrong; the message says what is wrong and what was expected."""


def expect(condition: bool, message: str):
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        raise ExerciseFailed(message)


def passed(exercise: str, detail: str = ''):
    """Report a passed exercise (the grader looks for this line)."""
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
        raise ExerciseFailed('%s raised %s%s' % (what, describe(err), hint)) from err
    finally:
        autograd.set_recording(False)
        autograd.set_training(False)
