"""The grader: run each submission in a sandbox, judge what it observed as data, write a CSV.

``python -m minigluon_workbook grade NOTEBOOK_OR_FOLDER... --csv FILE [--teacher DIR]
[--timeout S] [--exercise-timeout S] [--memory-mb M] [--jobs N] [--unsandboxed]``

One submission, step by step, each step a module:

1. ``submissions``: found without following links and read as data (a link is refused);
   ``scan``: the student's own cells may not reach into the grader's machinery;
2. ``graded``: the submission with the teacher's check cells put back as observe cells;
3. ``sandbox`` + ``runner``: the notebook runs in bubblewrap, exercise by exercise, notebook and
   seeds handed to the runner on a pipe; the runner sends back one ``runner.Record`` per exercise;
4. ``judging``: each record judged here, by the teacher's ``judge_k`` on the observed data;
5. ``report``: the CSV, the summary table and one feedback file per submission.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from . import notebooks as nbs
from . import report, runner, sandbox, submissions
from .checks import MIME
from .graded import build_graded, plan_segments
from .judging import _describe_exc, _shorten, judge, teacher_checks
from .report import Row
from .runner import BadRecord, Record
from .scan import scan

DEFAULT_TIMEOUT = 600
DEFAULT_MEMORY_MB = 4096
STARTUP_GRACE = 90          # seconds for starting Python, the kernel and shutting down
RESULTS_LIMIT = 64 * 2 ** 20  # bytes of the runner's results read back
NO_SANDBOX = """
************************************************************************************
WARNING: --unsandboxed: submissions run WITHOUT a sandbox (%s):
as you, with your files and your network, and they can import the judges. A hostile
notebook can read and change your files and forge its grades. Grade inside a throwaway
Linux VM or container with bubblewrap instead (Debian/Ubuntu: apt-get install bubblewrap).
************************************************************************************
"""


@dataclass
class Settings:
    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int = DEFAULT_MEMORY_MB
    exercise_timeout: float | None = None   # None: an equal share of timeout per exercise
    sandboxed: bool = True


class RunFailed(Exception):
    """The runner's results could not be had; the message says why."""


def _kill_group(pgid: int):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


def parse_results(raw: bytes, exercises: list[str]) -> dict[str, Record]:
    """The runner's records by exercise: exactly one for each, nothing else (RunFailed)."""
    records: dict[str, Record] = {}
    for line in raw.decode('utf-8', errors='replace').splitlines():
        try:
            record = Record.parse(line)
        except BadRecord as err:
            raise RunFailed('its results are not the runner\'s (%s)' % err) from None
        if record.exercise not in exercises or record.exercise in records:
            raise RunFailed('its results are not the runner\'s (a record for exercise %r %s)'
                            % (record.exercise[:20], 'twice' if record.exercise in records
                               else 'that it does not have'))
        records[record.exercise] = record
    return records


def _write_all(stream, data: bytes):
    try:
        stream.write(data)
        stream.close()
    except OSError:   # the runner is gone: its missing records say so
        pass


def _read_all(stream, limit: int, out: list):
    out.append(stream.read(limit))
    while stream.read(65536):  # drain the rest so the runner never blocks on a full pipe
        pass


def run_notebook(graded, segments: list[dict], seeds: dict[str, int], teacher_dir: Path,
                 settings: Settings) -> dict[str, Record]:
    """Execute ``graded`` exercise by exercise in a fresh box; the runner's records."""
    scratch = Path(tempfile.mkdtemp(prefix='minigluon-workbook-grade-'))
    try:
        box, checks = scratch / 'box', scratch / 'checks'
        checks.mkdir()
        for module in Path(teacher_dir).glob('*.py'):  # the teacher's observe modules
            if not module.name.endswith(sandbox.HIDDEN_SUFFIX) and module.is_file():
                shutil.copyfile(module, checks / module.name)
        sandbox.prepare_box(box, sys.executable)
        plan = {'segments': segments, 'mime': MIME, 'timeout': settings.timeout,
                'exercise_timeout': settings.exercise_timeout, 'memory_mb': settings.memory_mb,
                # as root a pids cgroup limits processes; RLIMIT_NPROC would count the uid's
                # processes machine-wide (every sandbox runs as uid 65534 there)
                'processes': sandbox.PROCESSES if settings.sandboxed and os.geteuid() != 0 else 0}
        (box / runner.PLAN).write_text(json.dumps(plan))
        memory = (settings.memory_mb * 2 ** 20 + sandbox.MEMORY_SLACK) if settings.memory_mb > 0 else 0
        limit = sandbox.limits(memory) if settings.sandboxed else contextlib.nullcontext([])
        with limit as procs:
            if settings.sandboxed:
                argv = [sys.executable, '-I', sandbox.RUNNER, sandbox.BOX]
                command, env = sandbox.command(box, checks, argv, procs), {}
            else:
                command = [sys.executable, '-I', runner.__file__, str(box)]
                env = sandbox.environment(str(box))
                env['PYTHONPATH'] = os.pathsep.join([str(nbs.package_root()), str(checks)])
            return _start(command, env, scratch, {'notebook': graded, 'seeds': seeds}, settings)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _start(command, env, cwd, given: dict, settings) -> dict[str, Record]:
    """Run the runner, hand it the notebook and seeds (``given``) through a pipe, never a file
    in the sandbox, and read its records (RunFailed if it failed)."""
    # stderr: bwrap's and the runner's own errors; the runner points the kernel's elsewhere
    errors = tempfile.TemporaryFile()
    try:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=errors, start_new_session=True)
    except OSError as err:
        raise RunFailed('the sandbox could not start (%s)' % err) from None
    out: list = []
    reader = threading.Thread(target=_read_all, args=(proc.stdout, RESULTS_LIMIT, out), daemon=True)
    reader.start()
    writer = threading.Thread(target=_write_all, args=(proc.stdin, json.dumps(given).encode()), daemon=True)
    writer.start()
    try:
        proc.wait(timeout=settings.timeout + STARTUP_GRACE)
    except subprocess.TimeoutExpired:
        pass
    finally:
        _kill_group(proc.pid)
        proc.wait()
    reader.join(timeout=10)
    records = parse_results(out[0] if out else b'', list(given['seeds']))
    if not records:
        errors.seek(0)
        lines = errors.read(RESULTS_LIMIT).decode('utf-8', errors='replace').strip().splitlines()
        raise RunFailed('the sandbox or its runner stopped before reporting (%s)'
                        % (lines[-1][:300] if lines else 'exit status %s' % proc.returncode))
    return records


def grade_notebook(path, teacher_dir=None, settings: Settings | None = None, label=None,
                   seeds: dict[str, int] | None = None) -> list[Row]:
    """Grade one submitted notebook: one Row per exercise of its teacher edition."""
    path = Path(path)
    settings = settings or Settings()
    label = str(path) if label is None else label
    teacher_dir = Path(teacher_dir) if teacher_dir else nbs.chapters_dir()
    submission, problem = None, ''
    try:
        submission = submissions.read(path)
    except submissions.Refused as err:
        problem = str(err)
    teacher_path = submissions.find_teacher(path, submission, teacher_dir)
    if teacher_path is None:
        return [Row(label, '', False, problem or 'no teacher edition named %s in %s'
                    % (path.name, teacher_dir))]
    teacher = nbs.read(teacher_path)
    keys = [key for key, _ in nbs.exercises(teacher)]
    if problem:
        return [Row(label, key, False, problem) for key in keys]
    if not keys:
        return []
    reaching = scan(submission, teacher)
    if reaching:
        return [Row(label, key, False, _shorten('not gradable: %s' % reaching)) for key in keys]
    checks = teacher_checks(teacher_path)
    seeds = seeds or {key: secrets.randbelow(2 ** 31) for key in keys}
    graded, plan = build_graded(submission, teacher)
    segments = plan_segments(graded, plan, checks)
    if settings.exercise_timeout is None:
        settings = replace(settings, exercise_timeout=settings.timeout / len(segments))
    try:
        records = run_notebook(graded, segments, seeds, teacher_path.parent, settings)
    except RunFailed as err:
        return [Row(label, key, False, _shorten('the notebook could not be run: %s' % err))
                for key in keys]
    return [Row(label, exercise.key,
                *judge(records.get(exercise.key), checks[exercise.key], seeds[exercise.key],
                       graded, settings))
            for exercise in plan]


def grade(paths, csv_path, teacher_dir=None, settings: Settings | None = None, jobs: int = 1,
          progress=True) -> tuple[list[Row], list[str]]:
    """Grade every notebook in ``paths`` (``jobs`` at a time); write the CSV and one feedback
    file per notebook beside it.

    Returns the rows and the notebooks graded (as labelled in the CSV)."""
    from tqdm.auto import tqdm
    settings = settings or Settings()
    found = submissions.collect(paths)

    def one(item) -> list[Row]:
        path, refused = item
        if refused:
            return [Row(str(path), '', False, refused)]
        try:
            return grade_notebook(path, teacher_dir, settings)
        except Exception as e:  # noqa: BLE001 - one bad notebook never stops the others
            return [Row(str(path), '', False,
                        _shorten('the grader failed on this notebook: %s' % _describe_exc(e)))]

    bar = tqdm(total=len(found), desc='grading', unit='notebook', disable=not progress,
               file=sys.stderr)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(one, item) for item in found]
        for future in futures:
            future.add_done_callback(lambda _: bar.update())
        results = [future.result() for future in futures]
    bar.close()
    rows = [row for result in results for row in result]
    report.write_csv(Path(csv_path), rows)
    folder = report.feedback_dir(csv_path)
    names = [str(path) for path, _ in found]
    for name, file_name, result in zip(report.relative_names(names), report.feedback_names(names), results):
        report.write_atomically(folder / file_name, report.feedback(name, result, settings.sandboxed))
    return rows, names


def main(args) -> int:
    if args.timeout <= 0 or (args.exercise_timeout is not None and args.exercise_timeout <= 0):
        print('error: --timeout and --exercise-timeout must be positive')
        return 2
    if args.jobs < 1:
        print('error: --jobs must be at least 1')
        return 2
    missing = [p for p in args.notebooks if not os.path.lexists(p)]
    if missing:
        print('error: no such notebook or folder: %s' % ', '.join(map(report.printable, missing)))
        return 2
    teacher = Path(args.teacher) if args.teacher else nbs.chapters_dir()
    if not teacher.is_dir():
        print('error: the teacher edition folder %s does not exist' % teacher)
        return 2
    why = sandbox.problem()
    if why and not args.unsandboxed:
        print('error: submissions can only be graded in a sandbox, and %s. Install bubblewrap '
              '(Debian/Ubuntu: apt-get install bubblewrap), or grade inside a throwaway Linux VM '
              'or container with --unsandboxed.' % why)
        return 2
    if args.unsandboxed:
        print(NO_SANDBOX % (why or 'as asked'), file=sys.stderr)
    settings = Settings(args.timeout, args.memory_mb, args.exercise_timeout, not args.unsandboxed)
    rows, notebooks = grade(args.notebooks, args.csv, teacher, settings, args.jobs,
                            progress=not args.quiet)
    print(report.summary(rows, notebooks))
    print('wrote %s (%d rows) and feedback files in %s/'
          % (args.csv, len(rows), report.feedback_dir(args.csv)))
    if args.unsandboxed:
        print('UNSANDBOXED: see the warning above')
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
    parser.add_argument('--unsandboxed', action='store_true',
                        help='grade even where no sandbox can be built (bubblewrap missing): '
                             'hostile notebooks can then read your files and forge grades; '
                             'only inside a throwaway VM or container')
    parser.add_argument('-q', '--quiet', action='store_true', help='no progress bar')
    parser.set_defaults(func=main)


if __name__ == '__main__':
    sys.exit('usage: python -m minigluon_workbook grade --help')
