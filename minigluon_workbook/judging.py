"""Step 4 of grading: judge each exercise from the runner's record, in the grader's process.

The teacher edition's checks are imported here (never in the sandbox), with their judges;
``judge`` turns one ``runner.Record`` into a pass or a message in the student's terms.
"""
from __future__ import annotations

import ast
import functools
import sys
import threading
from pathlib import Path

from . import notebooks as nbs
from . import sandbox
from .checks import Check, ExerciseFailed
from .graded import check_call
from .judges import Malformed, verdict
from .runner import Record

MESSAGE_LIMIT = 1000
# Importing a teacher's modules puts their folder on sys.path: one teacher edition at a time.
_IMPORTING = threading.RLock()
NOT_DONE = 'the exercise is not done yet: replace `raise NotImplementedError()` with your code'


@functools.lru_cache(maxsize=None)
def _teacher_checks(path: str, mtime: float, teacher_dir: str) -> dict:
    """Exercise key -> its Check, resolved in the grader's own process from the imports of
    the teacher's check cells (or the reason it has none)."""
    teacher = nbs.read(path)
    imports = []
    for _, index in nbs.exercises(teacher):
        try:
            imports += [n for n in ast.parse(teacher.cells[index].source).body
                        if isinstance(n, (ast.Import, ast.ImportFrom))]
        except SyntaxError:
            pass
    namespace: dict = {}
    sys.path.insert(0, teacher_dir)
    writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ there
    try:
        for node in imports:
            exec(compile(ast.Module(body=[node], type_ignores=[]), path, 'exec'), namespace)
    finally:
        sys.path.remove(teacher_dir)
        sys.dont_write_bytecode = writes_bytecode
    found = {}
    for key, index in nbs.exercises(teacher):
        call = check_call(teacher.cells[index].source)
        check = None
        if call is not None:
            try:
                check = eval(compile(ast.Expression(call.func), path, 'eval'), namespace)
            except Exception as err:  # noqa: BLE001 - reported as not gradable
                check = 'its check %s cannot be found (%s)' % (ast.unparse(call.func), _describe_exc(err))
        if isinstance(check, Check):
            check = _judges_out_of_reach(check, teacher_dir) or check
        found[key] = check if isinstance(check, (Check, str)) else (
            "its check cell has no observe/judge check (minigluon_workbook.checks.Check) to grade with")
    return found


def _judges_out_of_reach(check: Check, teacher_dir: str) -> str:
    """Why ``check`` can't be graded safely ('' when it can): its judge must live where the
    sandbox never looks (``minigluon_workbook.judges``, or a teacher's ``*_judges.py``), and
    its observe module must hold no judge. Imports the judge now, with the teacher's folder
    on the path, so that judging finds it later."""
    observe_module = sys.modules.get(check.observe.__module__)
    if any(name.startswith('judge_') for name in vars(observe_module or object)):
        return ('its check module %s defines judge functions, which the sandbox would show to '
                "the student's code: move them to %s_judges.py"
                % (check.observe.__module__, check.observe.__module__))
    sys.path.insert(0, teacher_dir)
    try:
        check.judge
        origin = Path(getattr(sys.modules[check.judges], '__file__', '') or '').resolve()
    except Exception as err:  # noqa: BLE001 - reported as not gradable
        return 'its judge cannot be imported from %s (%s)' % (check.judges, _describe_exc(err))
    finally:
        sys.path.remove(teacher_dir)
    judges_package = Path(__file__).resolve().parent / 'judges'
    if judges_package in origin.parents or (origin.parent == Path(teacher_dir).resolve()
                                            and origin.name.endswith(sandbox.HIDDEN_SUFFIX)):
        return ''
    return ('its judges (%s) would be visible to the student\'s code in the sandbox: put them in '
            'a file named *%s in the teacher folder' % (origin, sandbox.HIDDEN_SUFFIX))


def teacher_checks(path: Path) -> dict:
    """Exercise key -> its Check (or why it can't be graded) for the teacher edition ``path``."""
    with _IMPORTING:
        return _teacher_checks(str(path), path.stat().st_mtime, str(path.parent.resolve()))


def _describe_exc(err: BaseException) -> str:
    return '%s: %s' % (type(err).__name__, str(err).strip()[:300])


def _describe(error) -> str:
    name, value = str(error.get('ename', 'Error')), str(error.get('evalue', '')).strip()
    return '%s: %s' % (name, value) if value else name


def _shorten(message: str) -> str:
    message = ' '.join(str(message).split())
    return message if len(message) <= MESSAGE_LIMIT else message[:MESSAGE_LIMIT - 3] + '...'


def _first_line(cell) -> str:
    lines = [l.strip() for l in cell.get('source', '').splitlines() if l.strip()]
    return lines[0][:60] if lines else ''


def _where(nb, index) -> str:
    if not isinstance(index, int) or not 0 <= index < len(nb.cells):
        return ''
    line = _first_line(nb.cells[index])
    return 'cell %d%s' % (index + 1, ' (`%s`)' % line if line else '')


def _hint(error, memory_mb) -> str:
    name = error.get('ename')
    if name == 'NotImplementedError':
        return ' (%s)' % NOT_DONE
    if name == 'MemoryError':
        return ' (out of memory: the limit is %s, --memory-mb)' % (
            '%d MB' % memory_mb if memory_mb and memory_mb > 0 else "the machine's")
    return ''


def _solution_raised(error: dict, settings) -> str:
    return _shorten('your solution cell raised %s%s' % (_describe(error), _hint(error, settings.memory_mb)))


def judge(record: Record | None, check: Check | str, seed: int, graded, settings) -> tuple[bool, str]:
    """Did the exercise pass, and why (not), from the runner's ``record`` for it.

    The pass comes only from ``check.judge`` on the observed data, here in the grader's
    process; everything else the sandbox sent (error texts) can only explain a failure.
    ``settings``: the grade's Settings (time and memory limits, for the messages)."""
    if isinstance(check, str):
        return False, _shorten('not gradable: %s' % check)
    if record is None:
        return False, 'the check cell did not run'
    status = record.status
    where = _where(graded, record.cell)
    if status == 'timeout':
        if record.out_of == 'notebook':
            return False, _shorten('timed out: the notebook ran longer than %g s (--timeout)%s'
                                   % (settings.timeout, '; it was stopped in ' + where if where else ''))
        return False, _shorten('timed out: exercise %s ran longer than %g s (--exercise-timeout; '
                               'the notebook has --timeout %g s)%s' % (
                                   check.exercise, round(settings.exercise_timeout, 1), settings.timeout,
                                   '; it was stopped in ' + where if where else ''))
    if status == 'dead':
        return False, _shorten('the kernel died%s: out of memory (the limit is %s, --memory-mb), '
                               'or the code ended the Python process' % (
                                   ' while running ' + where if where else '',
                                   '%d MB' % settings.memory_mb if settings.memory_mb > 0 else 'none'))
    if status == 'stopped':
        if record.why == 'error':
            return False, _shorten('the notebook could not be run: %s' % record.detail)
        why = 'timed out and the kernel did not stop' if record.why == 'timeout' else 'ended the kernel'
        if record.why == 'timeout' and settings.timeout <= settings.exercise_timeout:
            why = 'used up the time of the whole notebook (--timeout)'
        return False, _shorten('not run: exercise %s %s' % (record.after[:20], why))
    if record.tampered:
        return False, _shorten('not gradable: %s, which the check never does (code of the '
                               'notebook displayed or cleared output while the check ran)' % record.tampered)
    solution_error = record.solution_error
    shown = record.observation
    data = shown.get('data') if isinstance(shown, dict) and shown.get('exercise') == check.exercise else None
    try:
        detail = verdict(check, data, seed)  # minigluon's autograd and names are per thread
    except ExerciseFailed as err:
        if solution_error:
            return False, _solution_raised(solution_error, settings)
        message = str(err).strip() or 'ExerciseFailed'
        if 'NotImplementedError' in message and 'not done yet' not in message:  # a stub
            message = '%s (%s)' % (message.rstrip(':').rstrip(), NOT_DONE)
        return False, _shorten(message)
    except Malformed as err:
        check_error = record.check_error
        if data is None:
            if solution_error:
                return False, _solution_raised(solution_error, settings)
            reason = ('the check cell raised %s' % _describe(check_error) if check_error else
                      "the check cell showed none (did the notebook replace minigluon_workbook's functions?)")
            return False, _shorten('not gradable: no observation came back; %s' % reason)
        return False, _shorten('not gradable: the data observed for exercise %s is malformed: %s'
                               % (check.exercise, err))
    except Exception as err:  # noqa: BLE001 - hostile data must never crash the grader
        return False, _shorten('not gradable: judging the data observed for exercise %s raised %s'
                               % (check.exercise, _describe_exc(err)))
    return True, _shorten('PASSED exercise %s%s' % (check.exercise, ': ' + detail if detail else ''))
