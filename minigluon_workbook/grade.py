"""The grader: run each submission in a sandbox, judge what it shows as data, write a CSV.

``python -m minigluon_workbook grade NOTEBOOK_OR_FOLDER... --csv FILE [--teacher DIR] [--timeout S]
[--exercise-timeout S] [--memory-mb M] [--jobs N]``

For each submission:

1. the teacher edition is found by file name in ``--teacher`` (default: the repository's
   ``chapters/``), or by the chapter name the student edition records in its metadata;
2. the graded notebook is the submission with the teacher's check cells put back (a check
   the student edited is replaced, one they deleted goes back after their solution), each
   turned into an *observe cell*: ``chNN.check_k(answer)`` becomes
   ``minigluon_workbook.checks.report(chNN.check_k, SEED, lambda: (answer,))``, which shows the data
   ``check_k.observe`` collects on inputs drawn from SEED, a number drawn here per submission;
3. it runs in a sandbox (``minigluon_workbook.sandbox``: bubblewrap; no teacher edition, no other
   submission, no network, no writes outside its box), exercise by exercise, each with its
   own time limit, so a loop in one exercise keeps the exercises before it;
4. each exercise is judged HERE, by ``check_k.judge`` on the data (validated as hostile):
   text the submission prints never passes anything.
"""
from __future__ import annotations

import ast
import copy
import csv
import functools
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import nbformat

from . import notebooks as nbs
from . import sandbox
from .checks import MIME, Check, ExerciseFailed, Malformed, verdict

COLUMNS = ['notebook', 'exercise', 'passed', 'message']
DEFAULT_TIMEOUT = 600
DEFAULT_MEMORY_MB = 4096
STARTUP_GRACE = 90          # seconds for starting Python, the kernel and shutting down
MESSAGE_LIMIT = 1000
RESULTS_LIMIT = sandbox.FILE_LIMIT  # characters of the runner's results read back
# Judges run minigluon, whose autograd state is global: one at a time across --jobs threads.
_JUDGING = threading.RLock()
NOT_DONE = 'the exercise is not done yet: replace `raise NotImplementedError()` with your code'
NO_SANDBOX = """
************************************************************************************
WARNING: %s, so submissions run WITHOUT a sandbox:
as you, with your files and your network. Grades still come from data judged by the
grader, but a hostile notebook can read and change your files. Install bubblewrap
(Debian/Ubuntu: apt-get install bubblewrap; on macOS there is none) or grade inside a
throwaway Linux VM or container that allows user namespaces.
************************************************************************************
"""


@dataclass
class Row:
    notebook: str
    exercise: str
    passed: bool
    message: str

    def csv(self):
        return [_cell(self.notebook), _cell(self.exercise), 'true' if self.passed else 'false',
                _cell(self.message)]


def _cell(text: str) -> str:
    """CSV text a spreadsheet shows as text: a leading = + - @ would make a message the
    student's code wrote a formula."""
    return "'" + text if text[:1] in ('=', '+', '-', '@', '\t', '\r') else text


# --------------------------------------------------------------------------- graded notebook

@dataclass
class Exercise:
    key: str
    check: int             # index of the (teacher's) check cell in the graded notebook
    solution: int | None   # index of the submission's solution cell, if found


def _fresh_id(used: set[str]) -> str:
    while True:
        cell_id = nbformat.v4.new_code_cell().id
        if cell_id not in used:
            return cell_id


def _head(cell) -> str:
    """A solution cell's first line, which the student edition keeps unless it is a marker."""
    for line in cell.get('source', '').splitlines():
        if line.strip():
            return line.rstrip()
    return ''


def build_graded(submission, teacher):
    """The notebook to execute: ``submission`` with the teacher's original check cells.

    A submission cell stands for a teacher check when its metadata names the exercise, or
    (without that metadata) when it is tagged check and has the check cell's id, or has the
    id of a teacher check keyed by id. Cell ids alone are weak evidence: chapters may number
    their cells, and the numbers shift when the teacher edition gains a cell.

    Returns ``(graded notebook, [Exercise, ...])`` in the teacher's exercise order.
    """
    graded = copy.deepcopy(submission)
    teacher_checks = nbs.exercises(teacher)
    originals = {key: teacher.cells[i] for key, i in teacher_checks}
    by_id = {teacher.cells[i].get('id'): key for key, i in teacher_checks if teacher.cells[i].get('id')}
    keyed_by_id = {key for key, i in teacher_checks if key == teacher.cells[i].get('id')}
    teacher_solution = {}
    for key, i in teacher_checks:
        j = nbs.solution_before(teacher, i)
        teacher_solution[key] = teacher.cells[j] if j is not None else None

    def original(key):
        cell = copy.deepcopy(originals[key])
        cell['outputs'] = []
        cell['execution_count'] = None
        return cell

    def own_key(cell):
        """Which teacher check a submission cell claims to be, if any."""
        if cell.get('cell_type') != 'code' or nbs.is_solution(cell):
            return None
        exercise = cell.get('metadata', {}).get('exercise')
        if exercise not in (None, ''):
            return str(exercise) if str(exercise) in originals else None
        key = by_id.get(cell.get('id'))
        if key is not None and (nbs.is_check(cell) or key in keyed_by_id):
            return key
        return None

    # Each exercise's check goes where the submission has it; among several claimants
    # (a student's copy of a check) the one with the teacher's cell id, else the first.
    chosen = {}
    for index, cell in enumerate(graded.cells):
        key = own_key(cell)
        if key is not None and (key not in chosen or (
                cell.get('id') == originals[key].get('id')
                and graded.cells[chosen[key]].get('id') != originals[key].get('id'))):
            chosen[key] = index
    cells, placed = [], {}
    for index, cell in enumerate(graded.cells):
        if cell.get('cell_type') == 'code':
            cell['outputs'] = []
            cell['execution_count'] = None
        key = own_key(cell)
        if key is not None and chosen.get(key) == index:
            placed[key] = original(key)
            cells.append(placed[key])
            continue
        if nbs.is_check(cell) or key is not None or 'exercise' in cell.get('metadata', {}):
            # A copy of a check, or a check the teacher edition doesn't have: the student's
            # own code now, never a source of results.
            if nbs.CHECK_TAG in nbs.tags(cell):
                cell['metadata']['tags'] = [t for t in nbs.tags(cell) if t != nbs.CHECK_TAG]
            cell['metadata'].pop('exercise', None)
        cells.append(cell)

    def their_solution(key):
        """The submission's solution cell for a teacher exercise: the one with the same first
        line, else the one at the same place among the solution cells, else the same id."""
        mine = teacher_solution[key]
        if mine is None:
            return None
        candidates = [c for c in cells if nbs.is_solution(c)]
        head = _head(mine)
        same = [c for c in candidates if head and not nbs.has_markers(head) and _head(c) == head]
        if len(same) == 1:
            return same[0]
        theirs = [c for c in teacher.cells if nbs.is_solution(c)]
        if len(candidates) == len(theirs):  # same number of solution cells: the same place
            return candidates[next(i for i, c in enumerate(theirs) if c is mine)]
        return next((c for c in candidates if mine.get('id') and c.get('id') == mine.get('id')), None)

    for key, _ in teacher_checks:  # put back the checks the student deleted
        if key in placed:
            continue
        placed[key] = original(key)
        solution = their_solution(key)
        at = next((i for i, c in enumerate(cells) if c is solution), None)
        if at is None:
            cells.append(placed[key])
        else:
            while at + 1 < len(cells) and any(cells[at + 1] is c for c in placed.values()):
                at += 1  # after checks already put back there, keeping the teacher's order
            cells.insert(at + 1, placed[key])

    used: set[str] = set()
    for cell in cells:  # cell ids must stay unique; the teacher's checks keep theirs
        if any(cell is c for c in placed.values()):
            used.add(cell.get('id'))
    for cell in cells:
        if any(cell is c for c in placed.values()):
            continue
        if cell.get('id') in used or not cell.get('id'):
            cell['id'] = _fresh_id(used)
        used.add(cell['id'])
    graded.cells = cells

    plan = []
    for key, _ in teacher_checks:
        check = next(i for i, c in enumerate(cells) if c is placed[key])
        solution = nbs.solution_before(graded, check)
        if solution is None:
            found = their_solution(key)
            solution = next((i for i, c in enumerate(cells) if c is found), None)
        plan.append(Exercise(key, check, solution))
    return graded, plan


# --------------------------------------------------------------------------- observe cells

def check_call(source: str | ast.AST) -> ast.Call | None:
    """The ``....check_k(answers)`` call of a teacher's check cell (the last one)."""
    try:
        tree = ast.parse(source) if isinstance(source, str) else source
    except SyntaxError:
        return None
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
             and re.fullmatch(r'check_\w+', getattr(node.func, 'attr', getattr(node.func, 'id', '')) or '')]
    return calls[-1] if calls and not calls[-1].keywords else None


def observe_source(source: str, seed: int) -> str | None:
    """The teacher's check cell with ``M.check_k(a, b)`` turned into
    ``minigluon_workbook.checks.report(M.check_k, seed, lambda: (a, b))``: the student's kernel shows
    data for the grader to judge, and an undefined answer is a NameError caught by report."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    target = check_call(tree)
    if target is None:
        return None

    class Observe(ast.NodeTransformer):
        def visit_Call(self, node):
            if node is not target:
                return self.generic_visit(node)
            report = ast.parse("__import__('minigluon_workbook.checks', fromlist=['report']).report",
                               mode='eval').body
            answers = ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[],
                                                    kw_defaults=[], defaults=[]),
                                 body=ast.Tuple(elts=node.args, ctx=ast.Load()))
            return ast.Call(func=report, args=[node.func, ast.Constant(seed), answers], keywords=[])

    tree = ast.fix_missing_locations(Observe().visit(tree))
    return ast.unparse(tree)


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
        found[key] = check if isinstance(check, (Check, str)) else (
            "its check cell has no observe/judge check (minigluon_workbook.checks.Check) to grade with")
    return found


def teacher_checks(path: Path) -> dict:
    with _JUDGING:
        return _teacher_checks(str(path), path.stat().st_mtime, str(path.parent.resolve()))


def _describe_exc(err: BaseException) -> str:
    return '%s: %s' % (type(err).__name__, str(err).strip()[:300])


# --------------------------------------------------------------------------- judging

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


def _error(record: dict, key: str) -> dict | None:
    error = record.get(key)
    return error if isinstance(error, dict) else None


def _solution_raised(error: dict, settings: 'Settings') -> str:
    return _shorten('your solution cell raised %s%s' % (_describe(error), _hint(error, settings.memory_mb)))


def judge(record, check, seed: int, graded, settings: 'Settings') -> tuple[bool, str]:
    """Did the exercise pass, and why (not), from the runner's ``record`` for it.

    The pass comes only from ``check.judge`` on the observed data, here in the grader's
    process; everything else the sandbox sent (error texts) can only explain a failure."""
    if isinstance(check, str):
        return False, _shorten('not gradable: %s' % check)
    if not isinstance(record, dict):
        return False, 'the check cell did not run'
    status = record.get('status')
    where = _where(graded, record.get('cell'))
    if status == 'timeout':
        if record.get('out_of') == 'notebook':
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
        after = str(record.get('after', ''))[:20]
        why = 'timed out and the kernel did not stop' if record.get('why') == 'timeout' else 'ended the kernel'
        if record.get('why') == 'timeout' and settings.timeout <= settings.exercise_timeout:
            why = 'used up the time of the whole notebook (--timeout)'
        return False, _shorten('not run: exercise %s %s' % (after, why))
    if status != 'ok':
        return False, 'the check cell did not run'
    solution_error = _error(record, 'solution_error')
    shown = record.get('observation')
    data = shown.get('data') if isinstance(shown, dict) and shown.get('exercise') == check.exercise else None
    try:
        with _JUDGING:
            detail = verdict(check, data, seed)
    except ExerciseFailed as err:
        if solution_error:
            return False, _solution_raised(solution_error, settings)
        message = str(err).strip() or 'ExerciseFailed'
        if 'NotImplementedError' in message:  # the check called an unfinished stub
            message = '%s (%s)' % (message.rstrip(':').rstrip(), NOT_DONE)
        return False, _shorten(message)
    except Malformed as err:
        check_error = _error(record, 'check_error')
        if data is None:
            if solution_error:
                return False, _solution_raised(solution_error, settings)
            reason = ('the check cell raised %s' % _describe(check_error) if check_error else
                      "the check cell showed none (did the notebook replace workbook's functions?)")
            return False, _shorten('not gradable: no observation came back; %s' % reason)
        return False, _shorten('not gradable: the data observed for exercise %s is malformed: %s'
                               % (check.exercise, err))
    except Exception as err:  # noqa: BLE001 - hostile data must never crash the grader
        return False, _shorten('not gradable: judging the data observed for exercise %s raised %s'
                               % (check.exercise, _describe_exc(err)))
    return True, _shorten('PASSED exercise %s%s' % (check.exercise, ': ' + detail if detail else ''))


# --------------------------------------------------------------------------- running one notebook

@dataclass
class Settings:
    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int = DEFAULT_MEMORY_MB
    exercise_timeout: float | None = None   # None: an equal share of timeout per exercise
    sandboxed: bool = field(default_factory=lambda: not sandbox.problem())


def _kill_group(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def _read_results(path: Path) -> tuple[dict, str]:
    """The runner's records by exercise (the first for each), and a run-level error."""
    records, problem = {}, ''
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            text = f.read(RESULTS_LIMIT)
    except OSError:
        return records, 'no results came back'
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if not isinstance(record, dict):
            continue
        key = record.get('exercise')
        if isinstance(key, str) and key not in records:
            records[key] = record
        elif key is None and record.get('status') == 'error' and not problem:
            problem = str(record.get('detail', ''))[:300]
    return records, problem


def run_notebook(graded, segments, teacher_dir: Path, settings: Settings) -> tuple[dict, str]:
    """Execute ``graded`` exercise by exercise in a fresh box (sandboxed where bwrap exists);
    return the runner's records by exercise and a run-level problem, if any."""
    scratch = Path(tempfile.mkdtemp(prefix='workbook-grade-'))
    try:
        box, checks = scratch / 'box', scratch / 'checks'
        checks.mkdir()
        for module in Path(teacher_dir).glob('*.py'):  # the teacher's own check modules
            shutil.copyfile(module, checks / module.name)
        python = sys.executable
        sandboxed = settings.sandboxed
        sandbox.prepare_box(box, python)
        inside = sandbox.BOX if sandboxed else str(box)
        nbformat.write(graded, str(box / sandbox.NOTEBOOK))
        plan = {'segments': segments, 'mime': MIME,
                'timeout': settings.timeout, 'exercise_timeout': settings.exercise_timeout,
                'memory_mb': settings.memory_mb}
        (box / sandbox.PLAN).write_text(json.dumps(plan))
        runner = [python, '-m', 'minigluon_workbook.sandbox', inside]
        if sandboxed:
            command, env, cwd = sandbox.sandbox_command(box, checks, runner), {}, str(scratch)
        else:
            env = sandbox.environment(str(box))
            env['PYTHONPATH'] = os.pathsep.join([str(nbs.package_root()), str(checks)])
            command, cwd = runner, str(box / 'work')
        with open(scratch / 'results.jsonl', 'wb') as results:
            proc = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                    stdout=results, stderr=subprocess.DEVNULL,
                                    start_new_session=True)
        try:
            proc.wait(timeout=settings.timeout + STARTUP_GRACE)
        except subprocess.TimeoutExpired:
            pass
        finally:
            _kill_group(proc.pid)
            try:  # unsandboxed, the kernel runs in its own session: end it and what it started
                _kill_group(int((box / 'kernel.pid').read_text()[:20]))
            except (OSError, ValueError):
                pass
            proc.wait()
        return _read_results(scratch / 'results.jsonl')
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# --------------------------------------------------------------------------- grading

def find_teacher(path: Path, submission, teacher_dir: Path) -> Path | None:
    candidate = teacher_dir / path.name
    if candidate.is_file():
        return candidate
    chapter = ''
    if submission is not None:
        chapter = str(submission.metadata.get('workbook', {}).get('chapter', '') or '')
    if chapter and '/' not in chapter and '\\' not in chapter:
        candidate = teacher_dir / (chapter + '.ipynb')
        if candidate.is_file():
            return candidate
    return None


def plan_segments(graded, plan: list[Exercise], seed: int) -> list[dict]:
    """Turn each teacher check cell into an observe cell; each exercise's cells to run."""
    segments, start = [], 0
    for exercise in plan:
        cell = graded.cells[exercise.check]
        source = observe_source(cell.source, seed)
        cell.source = source if source is not None else 'pass'
        cells = [i for i in range(start, exercise.check + 1) if graded.cells[i].cell_type == 'code']
        segments.append({'exercise': exercise.key, 'cells': cells, 'observe': exercise.check,
                         'solution': exercise.solution})
        start = exercise.check + 1
    # cells after the last check decide nothing: they are not run
    return segments


def grade_notebook(path, teacher_dir=None, settings: Settings | None = None, label=None,
                   seed: int | None = None) -> list[Row]:
    """Grade one submitted notebook: one Row per exercise of its teacher edition."""
    path = Path(path)
    settings = settings or Settings()
    label = str(path) if label is None else label
    teacher_dir = Path(teacher_dir) if teacher_dir else nbs.chapters_dir()
    submission, problem = None, None
    try:
        submission = nbs.read(path)
    except Exception as e:  # noqa: BLE001 - any unreadable file is the student's problem
        problem = 'could not read the notebook: %s' % str(e).strip().splitlines()[0][:200] \
            if str(e).strip() else 'could not read the notebook (%s)' % type(e).__name__
    teacher_path = find_teacher(path, submission, teacher_dir)
    if teacher_path is None:
        return [Row(label, '', False, 'no teacher edition named %s in %s' % (path.name, teacher_dir))]
    teacher = nbs.read(teacher_path)
    keys = [key for key, _ in nbs.exercises(teacher)]
    if problem:
        return [Row(label, key, False, problem) for key in keys]
    if not keys:
        return []
    checks = teacher_checks(teacher_path)
    seed = secrets.randbelow(2 ** 31) if seed is None else seed
    graded, plan = build_graded(submission, teacher)
    segments = plan_segments(graded, plan, seed)
    if settings.exercise_timeout is None:
        settings = replace(settings, exercise_timeout=settings.timeout / len(segments))
    records, trouble = run_notebook(graded, segments, teacher_path.parent, settings)
    rows = []
    for exercise in plan:
        record = records.get(exercise.key)
        if record is None and trouble:
            ok, message = False, _shorten('the notebook could not be run: %s' % trouble)
        else:
            ok, message = judge(record, checks[exercise.key], seed, graded, settings)
        rows.append(Row(label, exercise.key, ok, message))
    return rows


def collect(paths) -> list[Path]:
    """Notebooks named, folders searched for ``*.ipynb`` (checkpoints skipped)."""
    found = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(q for q in p.rglob('*.ipynb')
                                if '.ipynb_checkpoints' not in q.parts and q.is_file()))
        else:
            found.append(p)
    return found


def summary(rows: list[Row], notebooks: list[str]) -> str:
    totals = {name: [0, 0] for name in notebooks}
    for row in rows:
        t = totals.setdefault(row.notebook, [0, 0])
        t[0] += row.passed
        t[1] += 1
    width = max([len('notebook')] + [len(n) for n in totals])
    lines = ['%-*s  %6s  %5s' % (width, 'notebook', 'passed', 'total')]
    lines.append('-' * len(lines[0]))
    for name, (ok, total) in totals.items():
        lines.append('%-*s  %6d  %5d' % (width, name, ok, total))
    lines.append('-' * len(lines[0]))
    ok = sum(t[0] for t in totals.values())
    total = sum(t[1] for t in totals.values())
    lines.append('%-*s  %6d  %5d' % (width, 'TOTAL', ok, total))
    return '\n'.join(lines)


def _write_atomically(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name('.%s.tmp' % path.name)
    tmp.write_text(text, encoding='utf-8')
    os.replace(tmp, path)


def feedback_dir(csv_path) -> Path:
    """Where the per-notebook feedback files go: ``grades-feedback/`` beside ``grades.csv``."""
    csv_path = Path(csv_path)
    return csv_path.with_name(csv_path.stem + '-feedback')


def feedback_name(notebook: str) -> str:
    """A feedback file's name: the notebook's folder (the student) and name, made safe."""
    path = Path(notebook)
    name = '%s__%s' % (path.parent.name, path.stem) if path.parent.name else path.stem
    return re.sub(r'[^\w.-]+', '_', name).strip('._')[:150] + '.md'


def feedback(notebook: str, rows: list[Row], sandboxed: bool) -> str:
    """A student's feedback, in Markdown: each exercise's result and message."""
    ok = sum(row.passed for row in rows)
    lines = ['# Feedback on `%s`' % Path(notebook).name, '',
             '%d of %d exercises passed.' % (ok, len(rows)), '']
    for row in rows:
        lines += ['## Exercise %s: %s' % (row.exercise or '-', 'passed' if row.passed else 'not passed'),
                  '', row.message.replace('\n', ' '), '']
    if not sandboxed:
        lines += ['_Graded without a sandbox (bubblewrap could not be used)._', '']
    return '\n'.join(lines)


def grade(paths, csv_path, teacher_dir=None, settings: Settings | None = None, jobs: int = 1,
          progress=True) -> tuple[list[Row], list[str]]:
    """Grade every notebook in ``paths`` (``jobs`` at a time); write the CSV and one feedback
    file per notebook beside it.

    Returns the rows and the notebooks graded (as labelled in the CSV)."""
    from tqdm.auto import tqdm
    settings = settings or Settings()
    notebooks = collect(paths)

    def one(path):
        try:
            return grade_notebook(path, teacher_dir, settings)
        except Exception as e:  # noqa: BLE001 - one bad notebook never stops the others
            return [Row(str(path), '', False,
                        _shorten('the grader failed on this notebook: %s' % _describe_exc(e)))]

    bar = tqdm(total=len(notebooks), desc='grading', unit='notebook', disable=not progress,
               file=sys.stderr)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(one, path) for path in notebooks]
        for future in futures:
            future.add_done_callback(lambda _: bar.update())
        results = [future.result() for future in futures]
    bar.close()
    rows = [row for result in results for row in result]
    lines = [COLUMNS] + [row.csv() for row in rows]
    with tempfile.TemporaryFile('w+', newline='', encoding='utf-8') as f:
        csv.writer(f).writerows(lines)
        f.seek(0)
        _write_atomically(Path(csv_path), f.read())
    folder = feedback_dir(csv_path)
    for path, result in zip(notebooks, results):
        _write_atomically(folder / feedback_name(str(path)),
                          feedback(str(path), result, settings.sandboxed))
    return rows, [str(p) for p in notebooks]


def main(args) -> int:
    if args.timeout <= 0 or (args.exercise_timeout is not None and args.exercise_timeout <= 0):
        print('error: --timeout and --exercise-timeout must be positive')
        return 2
    if args.jobs < 1:
        print('error: --jobs must be at least 1')
        return 2
    missing = [p for p in args.notebooks if not Path(p).exists()]
    if missing:
        print('error: no such notebook or folder: %s' % ', '.join(missing))
        return 2
    teacher = Path(args.teacher) if args.teacher else nbs.chapters_dir()
    if not teacher.is_dir():
        print('error: the teacher edition folder %s does not exist' % teacher)
        return 2
    why = sandbox.problem()
    sandboxed = not why
    if not sandboxed:
        print(NO_SANDBOX % why, file=sys.stderr)
    settings = Settings(args.timeout, args.memory_mb,
                        args.exercise_timeout, sandboxed)
    rows, notebooks = grade(args.notebooks, args.csv, teacher, settings, args.jobs,
                            progress=not args.quiet)
    print(summary(rows, notebooks))
    print('wrote %s (%d rows) and feedback files in %s/' % (args.csv, len(rows), feedback_dir(args.csv)))
    if not sandboxed:
        print('UNSANDBOXED: %s (see the warning above)' % why)
    return 0


def add_arguments(parser):
    parser.add_argument('notebooks', nargs='+', metavar='NOTEBOOK',
                        help='submitted notebooks, or folders to search for them')
    parser.add_argument('--csv', required=True, metavar='FILE',
                        help='where to write one row per notebook and exercise (one feedback '
                             'file per notebook goes beside it: grades.csv -> grades-feedback/)')
    parser.add_argument('--teacher', metavar='DIR',
                        help='the teacher edition, found by file name (default: %s)'
                             % nbs.chapters_dir())
    parser.add_argument('--timeout', type=float, default=DEFAULT_TIMEOUT, metavar='S',
                        help='seconds each notebook may run in all (default: %(default)s)')
    parser.add_argument('--exercise-timeout', type=float, default=None, metavar='S',
                        help='seconds each exercise (its cells since the previous check) may '
                             'run; a timeout fails that exercise only (default: an equal share '
                             'of --timeout)')
    parser.add_argument('--memory-mb', type=int, default=DEFAULT_MEMORY_MB, metavar='M',
                        help='address-space limit of each notebook\'s kernel in MB; '
                             '0 for none (default: %(default)s)')
    parser.add_argument('--jobs', '-j', type=int, default=1, metavar='N',
                        help='notebooks graded at once (default: %(default)s)')
    parser.add_argument('-q', '--quiet', action='store_true', help='no progress bar')
    parser.set_defaults(func=main)


if __name__ == '__main__':
    sys.exit('usage: python -m minigluon_workbook grade --help')
