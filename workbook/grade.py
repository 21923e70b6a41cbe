"""The grader: run submitted notebooks and the teacher's checks, write a CSV of results.

``python -m workbook grade NOTEBOOK_OR_FOLDER... --csv FILE [--teacher DIR] [--timeout S]
[--memory-mb M]``

For each submission:

1. the teacher edition is found by file name in ``--teacher`` (default: the repository's
   ``chapters/``), or by the chapter name the student edition records in its metadata;
2. the graded notebook is the submission with the teacher's ORIGINAL check cells: a check
   cell the student edited is replaced, one the student deleted is put back after the
   submission's matching solution cell (or at the end);
3. it runs in a scratch copy of the submission's folder, in its own kernel, in a
   subprocess that limits its address space (``RLIMIT_AS``, inherited by the kernel) before
   starting the kernel; the notebook gets ``--timeout`` seconds in all, and the subprocess
   is killed if it outlives that by much;
4. each exercise's row says ``passed`` when its check cell printed
   ``PASSED exercise NN.k``, else why not, in the student's terms.

Submissions are untrusted code, but this is not a sandbox: the kernel runs as you, can read
and write your files and reach the network. Grade hostile code inside a container.
"""
from __future__ import annotations

import copy
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import notebooks as nbs

COLUMNS = ['notebook', 'exercise', 'passed', 'message']
DEFAULT_TIMEOUT = 600
DEFAULT_MEMORY_MB = 4096
KERNEL_NAME = 'workbook-grader'
STARTUP_GRACE = 90          # seconds for starting Python, the kernel and shutting down
OUTPUT_BUDGET = 2_000_000   # characters of output kept per cell (a print loop can't fill RAM)
MESSAGE_LIMIT = 1000
NOT_DONE = 'the exercise is not done yet: replace `raise NotImplementedError()` with your code'
COPY_IGNORE = shutil.ignore_patterns('.git', '.venv', '__pycache__', '.ipynb_checkpoints',
                                     '_build', '.hypothesis', '.pytest_cache')


@dataclass
class Row:
    notebook: str
    exercise: str
    passed: bool
    message: str

    def csv(self):
        return [self.notebook, self.exercise, 'true' if self.passed else 'false', self.message]


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


# --------------------------------------------------------------------------- reading results

def _errors(cell):
    return [o for o in cell.get('outputs', []) if o.get('output_type') == 'error']


def _stdout(cell):
    text = []
    for o in cell.get('outputs', []):
        if o.get('output_type') == 'stream':
            t = o.get('text', '')
            text.append(''.join(t) if isinstance(t, list) else str(t))
    return ''.join(text)


def _describe(error) -> str:
    name, value = str(error.get('ename', 'Error')), str(error.get('evalue', '')).strip()
    return '%s: %s' % (name, value) if value else name


def _shorten(message: str) -> str:
    message = message.strip()
    return message if len(message) <= MESSAGE_LIMIT else message[:MESSAGE_LIMIT - 3] + '...'


def _first_line(cell) -> str:
    lines = [l.strip() for l in cell.get('source', '').splitlines() if l.strip()]
    return lines[0][:60] if lines else ''


def _where(nb, index) -> str:
    if index is None or index >= len(nb.cells):
        return ''
    line = _first_line(nb.cells[index])
    return 'cell %d%s' % (index + 1, ' (`%s`)' % line if line else '')


def _passed_line(text: str, key: str) -> str | None:
    prefix = 'PASSED exercise %s' % key
    for line in text.splitlines():
        rest = line[len(prefix):]
        if line.startswith(prefix) and (not rest or rest[0] in ': \t'):
            return line.strip()
    return None


def _hint(error, memory_mb) -> str:
    name = error.get('ename')
    if name == 'NotImplementedError':
        return ' (%s)' % NOT_DONE
    if name == 'MemoryError':
        return ' (out of memory: the limit is %s, --memory-mb)' % (
            '%d MB' % memory_mb if memory_mb and memory_mb > 0 else "the machine's")
    return ''


def judge(executed, exercise: Exercise, memory_mb: int = 0) -> tuple[bool, str]:
    """Did the executed graded notebook pass ``exercise``, and the reason in words."""
    check = executed.cells[exercise.check]
    errors = _errors(check)
    line = _passed_line(_stdout(check), exercise.key)
    if line and not errors:
        return True, line
    if exercise.solution is not None:
        solution_errors = _errors(executed.cells[exercise.solution])
        if solution_errors:
            error = solution_errors[0]
            message = 'your solution cell raised %s' % _describe(error)
            return False, _shorten(message + _hint(error, memory_mb))
    if errors:
        error = errors[0]
        if error.get('ename') == 'ExerciseFailed':
            message = str(error.get('evalue', '')).strip() or 'ExerciseFailed'
            if 'NotImplementedError' in message:  # the check called an unfinished stub
                message = '%s (%s)' % (message.rstrip(':').rstrip(), NOT_DONE)
            return False, _shorten(message)
        if error.get('ename') in ('NotImplementedError', 'MemoryError'):
            return False, _shorten('your code raised %s%s' % (_describe(error), _hint(error, memory_mb)))
        message = 'the check raised %s' % _describe(error)
        for i in range(exercise.check):  # an earlier failure often explains this one
            cell = executed.cells[i]
            if _errors(cell) and 'raises-exception' not in nbs.tags(cell):
                message += '; %s raised %s first' % (_where(executed, i), _describe(_errors(cell)[0]))
                break
        return False, _shorten(message)
    if check.get('execution_count') is None and not check.get('outputs'):
        return False, 'the check cell did not run'
    return False, "the check printed no 'PASSED exercise %s' line" % exercise.key


# --------------------------------------------------------------------------- running one notebook

def _kill_group(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def _environment(scratch: Path, teacher_dir: Path) -> dict:
    env = dict(os.environ)
    path = [str(Path(teacher_dir).resolve()), str(nbs.package_root())]
    if env.get('PYTHONPATH'):
        path.append(env['PYTHONPATH'])
    import site
    for name in ('home', 'tmp', 'ipython', 'matplotlib', 'runtime', 'jupyter/kernels/' + KERNEL_NAME):
        (scratch / name).mkdir(parents=True, exist_ok=True)
    spec = {'argv': [sys.executable, '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
            'display_name': 'workbook grader', 'language': 'python'}
    (scratch / 'jupyter/kernels' / KERNEL_NAME / 'kernel.json').write_text(json.dumps(spec))
    env.update({
        'PYTHONPATH': os.pathsep.join(path),
        'PYTHONUSERBASE': site.getuserbase(),   # user-installed packages stay importable
        'HOME': str(scratch / 'home'),
        'TMPDIR': str(scratch / 'tmp'),
        'IPYTHONDIR': str(scratch / 'ipython'),  # no IPython startup files of the teacher's
        'MPLCONFIGDIR': str(scratch / 'matplotlib'),
        'MPLBACKEND': 'Agg',
        'JUPYTER_PATH': str(scratch / 'jupyter'),
        'JUPYTER_RUNTIME_DIR': str(scratch / 'runtime'),
        'JUPYTER_PLATFORM_DIRS': '1',
        'PYDEVD_DISABLE_FILE_VALIDATION': '1',
        'PYTHONDONTWRITEBYTECODE': '1',
        # Thread pools reserve address space per core: keep RLIMIT_AS about the notebook.
        'OMP_NUM_THREADS': '1', 'OPENBLAS_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1',
        'MALLOC_ARENA_MAX': '2',
    })
    return env


def run_notebook(graded, name: str, folder: Path, teacher_dir: Path, timeout: float,
                 memory_mb: int) -> dict:
    """Execute ``graded`` in a scratch copy of ``folder``; return the child's report:
    ``{'status': 'ok'|'timeout'|'dead'|'error', 'cell': index, 'detail': str, 'nb': {...}}``.
    """
    scratch = Path(tempfile.mkdtemp(prefix='workbook-grade-'))
    try:
        work = scratch / 'work'
        shutil.copytree(folder, work, ignore=COPY_IGNORE, symlinks=True)
        notebook = work / name
        nbformat.write(graded, str(notebook))
        env = _environment(scratch, teacher_dir)
        pid_file = scratch / 'kernel.pid'
        command = [sys.executable, '-m', 'workbook.grade', '--child', str(notebook),
                   str(timeout), str(memory_mb), str(pid_file), str(scratch / 'child.log')]
        # Not cwd=work: `-m` puts the cwd first on sys.path, and the student's files are there.
        proc = subprocess.Popen(command, cwd=str(scratch), env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=timeout + STARTUP_GRACE)
        except subprocess.TimeoutExpired:
            _kill_group(proc.pid)
            proc.communicate()
            return {'status': 'timeout', 'cell': None,
                    'detail': 'the grader stopped it after %d s' % (timeout + STARTUP_GRACE)}
        finally:
            _kill_group(proc.pid)
            try:  # the kernel runs in its own session: end it and anything it started
                _kill_group(int(pid_file.read_text()))
            except (OSError, ValueError):
                pass
        try:
            return json.loads(out.decode('utf-8', 'replace'))
        except ValueError:
            log = ''
            try:
                log = (scratch / 'child.log').read_text(errors='replace')[-300:].strip()
            except OSError:
                pass
            why = 'exit status %s' % proc.returncode
            if proc.returncode and proc.returncode < 0:
                why = 'killed by signal %d' % -proc.returncode
            return {'status': 'error', 'cell': None,
                    'detail': 'the grading process ended without a result (%s)%s'
                              % (why, ': ' + log.splitlines()[-1] if log else '')}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _child_main(argv) -> int:
    """In the subprocess: limit memory, then execute the notebook in a fresh kernel."""
    notebook, timeout, memory_mb, pid_file, log_file = argv
    timeout, memory_mb = float(timeout), int(memory_mb)
    import resource
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # Our stdout carries the result; the kernel inherits fds 1 and 2, so point those at a log.
    result = os.fdopen(os.dup(1), 'w', encoding='utf-8')
    log = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    sys.stdout = open(1, 'w', closefd=False)
    sys.stderr = open(2, 'w', closefd=False)

    report = {'status': 'ok', 'cell': None, 'detail': ''}
    nb = None
    try:
        from nbclient import NotebookClient
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        class Client(NotebookClient):
            """Keeps at most OUTPUT_BUDGET characters of output per cell."""
            spent: dict = {}

            def output(self, outs, msg, display_id, cell_index):
                if msg.get('msg_type') != 'error':
                    size = len(json.dumps(msg.get('content', {})))
                    self.spent[cell_index] = self.spent.get(cell_index, 0) + size
                    if self.spent[cell_index] > OUTPUT_BUDGET:
                        return None
                return super().output(outs, msg, display_id, cell_index)

        nb = nbformat.read(notebook, as_version=4)
        client = Client(nb, kernel_name=KERNEL_NAME, allow_errors=True,
                        shutdown_kernel='immediate', startup_timeout=60,
                        resources={'metadata': {'path': str(Path(notebook).parent)}})
        index = None
        try:
            with client.setup_kernel():
                try:
                    Path(pid_file).write_text(str(client.km.provisioner.process.pid))
                except Exception:  # noqa: BLE001 - only used to clean up
                    pass
                deadline = time.monotonic() + timeout
                client.timeout_func = lambda cell: max(0.1, deadline - time.monotonic())
                for index, cell in enumerate(nb.cells):
                    if cell.get('cell_type') != 'code':
                        continue
                    if time.monotonic() >= deadline:
                        raise CellTimeoutError('out of time')
                    client.execute_cell(cell, index)
        except CellTimeoutError:
            report.update(status='timeout', cell=index)
        except DeadKernelError as e:
            report.update(status='dead', cell=index, detail=str(e)[:300])
    except MemoryError:
        report.update(status='error', detail='the grading process ran out of memory '
                                             '(raise --memory-mb)')
    except BaseException as e:  # noqa: BLE001 - report, never crash silently
        detail = '%s: %s' % (type(e).__name__, str(e).strip().splitlines()[0] if str(e).strip() else '')
        report.update(status='error', detail=detail[:300])
    if nb is not None:
        report['nb'] = nb
    try:
        json.dump(report, result)
    except MemoryError:
        report.pop('nb', None)
        report.update(status='error', detail='the grading process ran out of memory')
        json.dump(report, result)
    result.close()
    return 0


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


def grade_notebook(path, teacher_dir=None, timeout=DEFAULT_TIMEOUT,
                   memory_mb=DEFAULT_MEMORY_MB, label=None) -> list[Row]:
    """Grade one submitted notebook: one Row per exercise of its teacher edition."""
    path = Path(path)
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
    graded, plan = build_graded(submission, teacher)
    report = run_notebook(graded, path.name, path.parent, teacher_path.parent, timeout, memory_mb)
    status = report.get('status')
    if status != 'ok' or 'nb' not in report:
        where = _where(graded, report.get('cell'))
        if status == 'timeout':
            reason = 'timed out: the notebook ran longer than %g s (--timeout)%s' % (
                timeout, '; it was stopped in ' + where if where else '')
            if report.get('detail'):
                reason += ' (%s)' % report['detail']
        elif status == 'dead':
            reason = ('the kernel died%s: out of memory (the limit is %s, --memory-mb), '
                      'or the code ended the Python process' % (
                          ' while running ' + where if where else '',
                          '%d MB' % memory_mb if memory_mb > 0 else 'none'))
        else:
            reason = 'the notebook could not be run: %s' % (report.get('detail') or 'unknown error')
        return [Row(label, key, False, _shorten(reason)) for key in keys]
    executed = nbformat.from_dict(report['nb'])
    if len(executed.cells) != len(graded.cells):
        return [Row(label, key, False, 'the grader got a damaged result back') for key in keys]
    rows = []
    for exercise in plan:
        ok, message = judge(executed, exercise, memory_mb)
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


def grade(paths, csv_path, teacher_dir=None, timeout=DEFAULT_TIMEOUT,
          memory_mb=DEFAULT_MEMORY_MB, progress=True) -> tuple[list[Row], list[str]]:
    """Grade every notebook in ``paths``, writing the CSV as it goes.

    Returns the rows and the notebooks graded (as labelled in the CSV)."""
    from tqdm.auto import tqdm
    notebooks = collect(paths)
    rows: list[Row] = []
    csv_path = Path(csv_path)
    if csv_path.parent:
        csv_path.parent.mkdir(parents=True, exist_ok=True)
    with open(csv_path, 'w', newline='', encoding='utf-8') as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        bar = tqdm(notebooks, desc='grading', unit='notebook', disable=not progress, file=sys.stderr)
        for path in bar:
            bar.set_postfix_str(path.name)
            try:
                result = grade_notebook(path, teacher_dir, timeout, memory_mb)
            except Exception as e:  # noqa: BLE001 - one bad notebook never stops the others
                result = [Row(str(path), '', False,
                              _shorten('the grader failed on this notebook: %s: %s'
                                       % (type(e).__name__, e)))]
            for row in result:
                writer.writerow(row.csv())
            f.flush()
            rows.extend(result)
    return rows, [str(p) for p in notebooks]


def main(args) -> int:
    if args.timeout <= 0:
        print('error: --timeout must be positive')
        return 2
    missing = [p for p in args.notebooks if not Path(p).exists()]
    if missing:
        print('error: no such notebook or folder: %s' % ', '.join(missing))
        return 2
    teacher = Path(args.teacher) if args.teacher else nbs.chapters_dir()
    if not teacher.is_dir():
        print('error: the teacher edition folder %s does not exist' % teacher)
        return 2
    rows, notebooks = grade(args.notebooks, args.csv, teacher, args.timeout, args.memory_mb,
                            progress=not args.quiet)
    print(summary(rows, notebooks))
    print('wrote %s (%d rows)' % (args.csv, len(rows)))
    return 0


def add_arguments(parser):
    parser.add_argument('notebooks', nargs='+', metavar='NOTEBOOK',
                        help='submitted notebooks, or folders to search for them')
    parser.add_argument('--csv', required=True, metavar='FILE',
                        help='where to write one row per notebook and exercise')
    parser.add_argument('--teacher', metavar='DIR',
                        help='the teacher edition, found by file name (default: %s)'
                             % nbs.chapters_dir())
    parser.add_argument('--timeout', type=float, default=DEFAULT_TIMEOUT, metavar='S',
                        help='seconds each notebook may run in all (default: %(default)s)')
    parser.add_argument('--memory-mb', type=int, default=DEFAULT_MEMORY_MB, metavar='M',
                        help='address-space limit of each notebook\'s kernel in MB; '
                             '0 for none (default: %(default)s)')
    parser.add_argument('-q', '--quiet', action='store_true', help='no progress bar')
    parser.set_defaults(func=main)


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == '--child':
        sys.exit(_child_main(sys.argv[2:]))
    sys.exit('usage: python -m workbook grade --help')
