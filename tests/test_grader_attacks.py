"""Attacks on the grader by a student who has read this whole repository (issue #18), each
class of them shown to fail, with honest notebooks graded in the same runs.

- the sandbox holds nothing that computes an expected value (no judge, no reference, no
  teacher edition), and the seeds are nowhere the kernel can read before the check runs;
- the kernel cannot reach the runner that records results (/proc fds, pidfd_getfd, ptrace,
  environ) and the grader accepts exactly one runner record per exercise;
- links are refused and never read; file names and messages cannot corrupt the outputs;
- a fork bomb stops at the process limit, also when the grader runs as root;
- without a working sandbox nothing is graded (fail closed);
- build-it exercises refuse the entry points they ask the student to rebuild.
"""
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import nbformat
import pytest

from minigluon import gluon, nd
from minigluon.gluon import nn
from minigluon_workbook import grade, sandbox
from minigluon_workbook import notebooks as nbs
from minigluon_workbook.checks import MIME, ExerciseFailed, ch00, ch01, ch02, ch03, ch05, rng
from minigluon_workbook.grade import RunFailed, Settings, parse_results
from minigluon_workbook.judging import judge, teacher_checks
from minigluon_workbook.report import feedback_names
from minigluon_workbook.runner import SEED_TOKEN, Record
from minigluon_workbook.student import student_notebook

ROOT = Path(__file__).resolve().parent.parent
TEACHER_DIR = ROOT / 'tests' / 'fixtures' / 'classroom'
TEACHER = TEACHER_DIR / '99_tiny.ipynb'
SECRET = 'TOP-SECRET-7f3a9c'
needs_sandbox = pytest.mark.skipif(bool(sandbox.problem()), reason='no sandbox: %s' % sandbox.problem())


def in_sandbox(code: str, checks: Path | None = None) -> dict:
    """Run ``code`` (Python printing one JSON object) in the grader's sandbox; its output."""
    with tempfile.TemporaryDirectory() as folder:
        box = Path(folder, 'box')
        sandbox.prepare_box(box, sys.executable)
        if checks is None:
            checks = Path(folder, 'checks')
            checks.mkdir()
        with sandbox.limits() as procs:
            proc = subprocess.run(sandbox.command(box, checks, [sys.executable, '-c', code], procs),
                                  capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- nothing in the sandbox computes an answer

SCAN = r'''
import json, os, importlib
hits, imports = [], {}
for top in ('/opt', '/box', '/tmp') + tuple(p for p in __import__('sys').path if p.startswith('/') and os.path.isdir(p)):
    for folder, dirs, files in os.walk(top):
        for name in files:
            path = os.path.join(folder, name)
            if not name.endswith(('.py', '.ipynb', '.json')) or os.path.getsize(path) > 5_000_000:
                continue
            try:
                text = open(path, encoding='utf-8', errors='replace').read()
            except OSError:
                continue
            if ('def judge_' in text or 'BEGIN SOLUTION' in text or '_fancy_reference' in text
                    or '_mul_reference' in text or 'def _run(net, trainer' in text):
                hits.append(path)
for module in ('minigluon_workbook.judges', 'minigluon_workbook.judges.ch01', 'minigluon_workbook.grade',
               'minigluon_workbook.judging', 'minigluon_workbook.student', 'tinychecks_judges'):
    try:
        importlib.import_module(module)
        imports[module] = 'imported'
    except ImportError as err:
        imports[module] = type(err).__name__
print(json.dumps({'hits': sorted(set(hits)), 'imports': imports,
                  'checks': sorted(os.listdir('/opt/checks'))}))
'''


@needs_sandbox
def test_the_sandbox_holds_no_judge_reference_or_teacher_edition(tmp_path):
    checks = tmp_path / 'checks'
    checks.mkdir()
    for module in TEACHER_DIR.glob('*.py'):  # as the grader copies a teacher folder
        if not module.name.endswith(sandbox.HIDDEN_SUFFIX):
            (checks / module.name).write_bytes(module.read_bytes())
    found = in_sandbox(SCAN, checks)
    assert found['hits'] == []
    assert set(found['imports'].values()) == {'ModuleNotFoundError'}, found['imports']
    assert 'tinychecks.py' in found['checks'] and 'tinychecks_judges.py' not in found['checks']


def test_judges_are_not_among_the_files_the_sandbox_binds():
    bound = [Path(here) for here, _ in sandbox.visible_sources()]
    judges = (ROOT / 'minigluon_workbook' / 'judges').resolve()
    assert judges.is_dir()
    for path in bound:
        assert judges != path and judges not in path.parents and path not in judges.parents
        files = [path] if path.is_file() else list(path.rglob('*.py'))
        for file in files:
            assert 'def judge_' not in file.read_text(encoding='utf-8'), file


def test_a_teacher_module_holding_judges_is_not_gradable(tmp_path):
    (tmp_path / 'mixed.py').write_text(
        "from minigluon_workbook.checks import Check\n"
        "def observe_1(x, seed):\n    return {'x': x}\n"
        "def judge_1(data, seed):\n    return 'ok'\n"
        "check_1 = Check('98.1', observe_1, 'mixed')\n")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('x = 1', metadata={'tags': ['solution']}),
                nbformat.v4.new_code_cell('import mixed\nmixed.check_1(x)',
                                          metadata={'tags': ['check'], 'exercise': '98.1'})]
    nbformat.write(nb, str(tmp_path / '98_mixed.ipynb'))
    (found,) = teacher_checks(tmp_path / '98_mixed.ipynb').values()
    assert isinstance(found, str) and 'defines judge functions' in found and 'mixed_judges.py' in found


# ---------------------------------------------------------------- the kernel cannot reach the runner

ESCAPES = r'''
import ctypes, json, os, re
from IPython.display import display
libc = ctypes.CDLL(None, use_errno=True)
found = {'fd_writes': [], 'read_runner': [], 'seed_seen': []}
parent = os.getppid()
fake = json.dumps({'exercise': 'x', 'status': 'ok', 'cell': None, 'out_of': 'exercise', 'after': '',
                   'why': '', 'detail': '', 'solution_error': None, 'check_error': None,
                   'observation': {'exercise': 'x', 'data': {'forged': True}}}) + '\n'
for pid in [p for p in os.listdir('/proc') if p.isdigit() and int(p) != os.getpid()]:
    try:
        fds = os.listdir('/proc/%s/fd' % pid)
    except OSError:
        continue
    for fd in fds:
        try:
            with open('/proc/%s/fd/%s' % (pid, fd), 'a') as f:
                f.write(fake)
            found['fd_writes'].append('%s/%s' % (pid, fd))
        except OSError:
            pass
for what in ('environ', 'mem', 'cmdline'):
    try:
        with open('/proc/%d/%s' % (parent, what), 'rb') as f:
            if f.read(1 << 20) and what != 'cmdline':
                found['read_runner'].append(what)
    except OSError:
        pass
pidfd = libc.syscall(434, parent, 0)                    # pidfd_open
found['pidfd_getfd'] = [libc.syscall(438, pidfd, fd, 0) for fd in range(3, 12)] if pidfd >= 0 else 'no pidfd'
found['ptrace'] = libc.ptrace(16, parent, 0, 0)         # PTRACE_ATTACH
for top in ('/box', '/tmp', '/proc/%d' % parent):
    for folder, dirs, files in os.walk(top):
        if top.startswith('/proc'):
            dirs[:] = []
        for name in files:
            try:
                with open(os.path.join(folder, name), 'rb') as f:
                    found['seed_seen'] += re.findall(rb'(?<![0-9])[0-9]{9}(?![0-9])', f.read(1 << 22))
            except OSError:
                pass
print(fake, end='')                                      # fds 1 and 2 are a log, not the results
os.write(2, fake.encode())
found['seed_seen'] = sorted({n.decode() for n in found['seed_seen']})[:10000]
display({MIME: {'exercise': 'x', 'data': found}}, raw=True)
'''


@needs_sandbox
def test_the_kernel_cannot_reach_the_runner_or_find_the_seed():
    seed = 918273645
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('MIME = %r\n' % MIME + ESCAPES),
                nbformat.v4.new_code_cell('seed_now = %s' % SEED_TOKEN)]
    segments = [{'exercise': 'x', 'cells': [0, 1], 'observe': 0, 'solution': None}]
    records = grade.run_notebook(nb, segments, {'x': seed}, TEACHER_DIR,
                                 Settings(timeout=60, memory_mb=1024, exercise_timeout=60))
    assert list(records) == ['x']
    found = records['x'].observation['data']
    assert found['fd_writes'] == [] and found['read_runner'] == []
    assert found['pidfd_getfd'] == 'no pidfd' or all(r == -1 for r in found['pidfd_getfd'])
    assert found['ptrace'] == -1
    assert str(seed) not in found['seed_seen']   # not on disk, not in the runner's environment
    assert records['x'].status == 'ok'


SHOW = "from IPython.display import display, clear_output\nMIME = %r\n" % MIME
OWN = "display({MIME: {'exercise': 'x', 'data': {'own': %d}}}, raw=True)\n"


@needs_sandbox
@pytest.mark.parametrize('observe_cell, tampered', [
    (SHOW + OWN % 1, ''),                                    # report's one display: trusted
    (SHOW + OWN % 1 + OWN % 2, 'the check cell showed 2 observations'),  # a forgery beside it
    (SHOW + OWN % 1 + 'clear_output()\n' + OWN % 2, 'the check cell cleared its output'),
    (SHOW + OWN % 1 + 'clear_output(wait=True)\n' + OWN % 2, 'the check cell cleared its output'),
])
def test_a_second_observation_or_a_cleared_check_cell_is_not_trusted(observe_cell, tampered):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(observe_cell)]
    segments = [{'exercise': 'x', 'cells': [0], 'observe': 0, 'solution': None}]
    record = grade.run_notebook(nb, segments, {'x': 1}, TEACHER_DIR,
                                Settings(timeout=60, memory_mb=1024, exercise_timeout=60))['x']
    assert record.status == 'ok' and record.tampered == tampered
    assert record.observation == (None if tampered else {'exercise': 'x', 'data': {'own': 1}})


HIJACK = """
import os
class _Forged:
    exercise = '99.1'
    def observe(self, *answers, seed):
        return {'results': [1.0, 2.0, 3.0]}
class _Chapter:
    check_1 = _Forged()
def __import__(*args, **kwargs):
    raise ImportError('a student __import__')
tinychecks = _Chapter()
_minigluon_workbook_report = _minigluon_workbook_check = None
"""
LOOK_FOR_THE_NOTEBOOK = """
import os
found = []
for top in ('/box', '/tmp'):
    for folder, _, files in os.walk(top):
        for name in files:
            try:
                with open(os.path.join(folder, name), 'rb') as f:
                    found += [name] if %r[::-1].encode() in f.read() else []   # not the text itself
            except OSError:
                pass
with open('own_module.py', 'w') as f:   # the working folder is writable but not on sys.path
    f.write('X = 1')
try:
    import own_module
    imported = 'imported'
except ImportError:
    imported = 'not importable'
words = ['found %%d' %% len(found), imported]
""" % SECRET[::-1]


@needs_sandbox
def test_an_observe_cell_uses_no_name_of_the_students_and_the_notebook_is_no_file():
    """The check's module, report and the seed slot come from imports in the observe cell
    itself; a student's own ``__import__``, a fake module under the check cell's name and the
    aliases' names change nothing. The kernel finds the submission (even a markdown cell of
    it) nowhere on disk, and cannot import a module it writes (the fourth red team loaded the
    forging cell that way)."""
    teacher = nbformat.read(str(TEACHER), as_version=4)
    submission = nbformat.read(str(TEACHER), as_version=4)
    solutions = [c for c in submission.cells if nbs.is_solution(c)]
    solutions[0].source = 'def double(x):\n    return 3 * x\n' + HIJACK
    solutions[2].source = LOOK_FOR_THE_NOTEBOOK
    submission.cells.insert(0, nbformat.v4.new_markdown_cell('a payload only the notebook holds: ' + SECRET))
    graded, plan = grade.build_graded(submission, teacher)
    segments = grade.plan_segments(graded, plan, teacher_checks(TEACHER))
    seeds = {'99.1': 7, '99.2': 8, '99.3': 9}
    records = grade.run_notebook(graded, segments, seeds, TEACHER_DIR,
                                 Settings(timeout=120, memory_mb=1024, exercise_timeout=60))
    xs = [round(float(v), 3) for v in rng(7).uniform(-9, 9, 3)]   # tinychecks._xs(7)
    assert records['99.1'].observation == {'exercise': '99.1', 'data': {'results': [3 * x for x in xs]}}
    tag = int(rng(9).randint(0, 10 ** 6))
    assert records['99.3'].observation == {'exercise': '99.3', 'data': {'words': ['found 0%d' % tag,
                                                                                  'not importable%d' % tag]}}


def test_a_tampered_check_cell_is_not_gradable_whatever_it_showed():
    check = teacher_checks(TEACHER)['99.2']
    right = {'exercise': '99.2', 'data': {'total': 385.0 * float(rng(1).randint(2, 1000))}}
    nb = nbformat.read(str(TEACHER), as_version=4)
    for tampered, expected in (('', True), ('the check cell showed 2 observations', False)):
        ok, message = judge(Record('99.2', 'ok', observation=right, tampered=tampered), check, 1, nb,
                            Settings())
        assert ok is expected, message
    assert message.startswith('not gradable: the check cell showed 2 observations')


def test_report_displays_its_one_observation_even_when_the_student_code_exits(capsys):
    from minigluon_workbook.checks import Check, report

    def observe_exiting(answer, seed):
        raise SystemExit(answer)
    shown = []
    import IPython.display
    original, IPython.display.display = IPython.display.display, lambda data, raw: shown.append(data)
    try:
        report(Check('99.9', observe_exiting, 'nowhere'), 0, lambda: (3,))
    finally:
        IPython.display.display = original
    assert shown == [{MIME: {'exercise': '99.9', 'data': {'failed': 'the check raised SystemExit: 3'}}}]


def test_the_grader_accepts_one_runner_record_per_exercise_and_nothing_else():
    line = Record('99.1', 'ok', observation={'exercise': '99.1', 'data': {}}).line()
    assert list(parse_results(line.encode(), ['99.1', '99.2'])) == ['99.1']
    for bad in (line + line, line.replace('99.1', '99.9', 1), 'PASSED exercise 99.1\n',
                json.dumps({'exercise': '99.1', 'status': 'ok'}) + '\n',
                line.replace('"ok"', '"passed"'), '[' * 100000 + '\n'):
        with pytest.raises(RunFailed):
            parse_results(bad.encode(), ['99.1', '99.2'])


def test_a_sandbox_that_cannot_start_fails_that_submission(tmp_path, monkeypatch):
    broken = tmp_path / 'bwrap'
    broken.write_text('#!/bin/sh\nexit 1\n')
    broken.chmod(0o755)
    monkeypatch.setenv('MINIGLUON_WORKBOOK_BWRAP', str(broken))
    monkeypatch.setattr(sandbox, 'limits', lambda *a: __import__('contextlib').nullcontext([]))
    nbformat.write(nbformat.read(str(TEACHER), as_version=4), str(tmp_path / TEACHER.name))
    rows = grade.grade_notebook(tmp_path / TEACHER.name, TEACHER_DIR, Settings(timeout=30))
    assert [r.passed for r in rows] == [False] * 3
    assert all(r.message.startswith('the notebook could not be run') for r in rows)


# ---------------------------------------------------------------- limits

FORKS = r'''
import json, os, time
started = 0
try:
    for _ in range(150):
        if os.fork() == 0:
            time.sleep(5)
            os._exit(0)
        started += 1
except OSError as err:
    pass
print(json.dumps({'started': started}))
'''


@needs_sandbox
def test_a_fork_bomb_stops_at_the_process_limit():
    started = in_sandbox(FORKS)['started']
    assert 10 < started < sandbox.PROCESSES


HOST_ROOT = r'''
import json, os
found = {'uid': os.getuid()}
inside, outside, _ = next(l.split() for l in open('/proc/self/uid_map')
                          if int(l.split()[0]) <= os.getuid() < int(l.split()[0]) + int(l.split()[2]))
found['host_uid'] = int(outside) + os.getuid() - int(inside)
for path in ('/proc/sys/kernel/core_pattern', '/proc/sys/vm/panic_on_oom', '/proc/sysrq-trigger',
             '/opt/pkgs/minigluon_workbook/judges.py', '/usr/x', '/x', '/box/jupyter/x'):
    try:
        with open(path, 'a'):
            pass
        found[path] = 'writable'
    except OSError as err:
        found[path] = err.errno
print(json.dumps(found))
'''


@needs_sandbox
def test_the_sandbox_user_is_not_host_root_and_cannot_write_the_machine():
    found = in_sandbox(HOST_ROOT)
    assert found.pop('uid') != 0 and found.pop('host_uid') != 0, found
    assert 'writable' not in found.values(), found


@pytest.mark.skipif(os.geteuid() != 0 or 'memory' not in sandbox._cgroup_groups(),
                    reason='memory cgroups are used where the grader runs as root')
def test_a_sandbox_gets_one_memory_limit_for_all_its_processes_and_files():
    with sandbox.limits(3 * 2 ** 30) as procs:
        memory = next(Path(p).parent for p in procs if '/memory' in p or Path(p).parent.joinpath('memory.max').exists())
        limit = memory / ('memory.limit_in_bytes' if (memory / 'memory.limit_in_bytes').exists() else 'memory.max')
        assert int(limit.read_text()) == 3 * 2 ** 30
        pids = next(Path(p).parent for p in procs if (Path(p).parent / 'pids.max').exists())
        assert (pids / 'pids.max').read_text().strip() == str(sandbox.PROCESSES)
    assert not memory.exists() and not pids.exists()


@pytest.mark.skipif(os.geteuid() != 0 or 'cpu' not in sandbox._cgroup_groups(),
                    reason='cpu cgroups are used where the grader runs as root')
def test_a_sandbox_gets_at_most_two_cores_worth_of_cpu_time():
    with sandbox.limits() as procs:
        (cpu,) = [Path(p).parent for p in procs if (Path(p).parent / 'cpu.cfs_quota_us').exists()
                  or (Path(p).parent / 'cpu.max').exists()]
        if (cpu / 'cpu.max').exists():
            quota, period = map(int, (cpu / 'cpu.max').read_text().split())
        else:
            quota, period = (int((cpu / name).read_text()) for name in ('cpu.cfs_quota_us', 'cpu.cfs_period_us'))
        assert quota == sandbox.CPUS * period
    assert not cpu.exists()


# ---------------------------------------------------------------- submissions are data; outputs stay intact

def run_grader(classroom: Path, out: Path, *extra) -> dict:
    flags = [] if not sandbox.problem() else ['--unsandboxed']
    proc = subprocess.run([sys.executable, '-m', 'minigluon_workbook', 'grade', str(classroom), '--csv',
                           str(out), '--teacher', str(TEACHER_DIR), '--timeout', '60', '-q', *flags, *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(out, newline='', encoding='utf-8') as f:
        table = list(csv.reader(f))[1:]
    folder = out.with_name(out.stem + '-feedback')
    return {'rows': table, 'stdout': proc.stdout,
            'feedback': {p.name: p.read_text() for p in folder.iterdir()}}


@pytest.fixture(scope='module')
def linked(tmp_path_factory):
    classroom = tmp_path_factory.mktemp('linked')
    secret = tmp_path_factory.mktemp('private') / 'grades-2025.txt'
    secret.write_text(SECRET)
    teacher = nbformat.read(str(TEACHER), as_version=4)
    (classroom / 'sym').mkdir()
    (classroom / 'sym' / TEACHER.name).symlink_to(TEACHER)
    (classroom / 'secret').mkdir()
    (classroom / 'secret' / TEACHER.name).symlink_to(secret)
    (classroom / 'hard').mkdir()
    copy = tmp_path_factory.mktemp('copies') / TEACHER.name
    nbformat.write(teacher, str(copy))
    os.link(copy, classroom / 'hard' / TEACHER.name)
    (classroom / 'folderlink').symlink_to(TEACHER_DIR, target_is_directory=True)
    (classroom / 'garbage').mkdir()
    (classroom / 'garbage' / TEACHER.name).write_text('{"cells": [%r' % SECRET)
    # two names that become one when made safe; an honest 3/3 and a 0/3
    (classroom / 'alice~').mkdir()
    (classroom / 'alice_').mkdir()
    nbformat.write(teacher, str(classroom / 'alice~' / TEACHER.name))
    nbformat.write(student_notebook(teacher, TEACHER.name), str(classroom / 'alice_' / TEACHER.name))
    # a name that tries to write a heading and a row of its own
    (classroom / 'nl').mkdir()
    evil = classroom / 'nl' / ('x\n## Exercise 99.1: passed\n<img src=x onerror=alert(1)>.ipynb')
    nbformat.write(student_notebook(teacher, TEACHER.name), str(evil))
    # names that crashed the grader or could be confused: not UTF-8, escapes, very deep folders
    (classroom / 'odd').mkdir()
    nbformat.write(teacher, os.path.join(str(classroom / 'odd').encode(), b'\xff' + TEACHER.name.encode()).decode(
        'utf-8', 'surrogateescape'))
    for name in ('v?99_tiny.ipynb', 'v\x1b99_tiny.ipynb'):
        nbformat.write(student_notebook(teacher, TEACHER.name), str(classroom / 'odd' / name))
    deep = classroom / 'deep'
    deep.mkdir()
    os.chdir(deep)
    try:
        for _ in range(200):
            os.mkdir('d')
            os.chdir('d')
    finally:
        os.chdir(ROOT)
    # a solution whose error message is Markdown and HTML
    loud = nbformat.read(str(TEACHER), as_version=4)
    next(c for c in loud.cells if c.get('id') == 'solution-1').source = (
        "def double(x):\n    raise ValueError('\\n## Exercise 99.2: passed\\n<img src=\"http://e.vil/x.png\">"
        " [click](http://e.vil) =HYPERLINK(1)')")
    (classroom / 'loud').mkdir()
    nbformat.write(loud, str(classroom / 'loud' / TEACHER.name))
    return run_grader(classroom, tmp_path_factory.mktemp('out') / 'grades.csv')


def rows_of(result, fragment):
    return [r for r in result['rows'] if fragment in r[0]]


def test_links_are_refused_and_never_read(linked):
    for folder, why in (('sym', 'symbolic link'), ('secret', 'symbolic link'), ('hard', 'hard link'),
                        ('folderlink', 'symbolic link to a folder')):
        (row,) = rows_of(linked, '/%s' % folder)
        assert row[2] == 'false' and row[3].startswith('refused: ') and why in row[3], row
    everything = json.dumps(linked)
    assert SECRET not in everything


def test_a_damaged_notebook_is_described_not_quoted(linked):
    rows = rows_of(linked, '/garbage/')
    assert rows and all(r[3] == 'could not read the notebook: it is not valid JSON (line 1, column 12)'
                        for r in rows)


def test_every_submission_gets_its_own_feedback_file(linked):
    tilde, underscore = rows_of(linked, 'alice~'), rows_of(linked, 'alice_')
    assert [r[2] for r in tilde] == ['true'] * 3 and [r[2] for r in underscore] == ['false'] * 3
    names = [n for n in linked['feedback'] if n.startswith('alice')]
    assert len(names) == 2
    passed = sorted(linked['feedback'][n].split('\n')[2] for n in names)
    assert passed == ['0 of 3 exercises passed.', '3 of 3 exercises passed.']
    hijack = feedback_names(['c/mallory/zed/99.ipynb', 'c/zed/99.ipynb'])   # a nested folder
    assert hijack == ['mallory__zed__99.md', 'zed__99.md']
    names = feedback_names(['a/b~c.ipynb', 'a/b_c.ipynb', 'a/B_c.ipynb', 'bob 9.ipynb', 'bob_9.ipynb'])
    assert names[1] == 'a__b_c.md' and names[4] == 'bob_9.md'   # a safe name keeps its file
    assert names[0].startswith('a__b_c-') and names[3].startswith('bob_9-') and names[2] == 'a__B_c~2.md'
    assert len({n.lower() for n in names}) == 5


def test_student_text_cannot_forge_headings_rows_or_markup(linked):
    for text in linked['feedback'].values():
        for line in text.splitlines():  # every line is ours, or student text in a code block
            assert (re.fullmatch(r'# Feedback on [^<>]*|## Exercise (99\\\.\d|\\-): (not )?passed|'
                                 r'\d+ of \d+ exercises passed\.|', line)
                    or line.startswith('    ')), line
    (nl,) = [t for n, t in linked['feedback'].items() if n.startswith('nl__')]
    assert '0 of 3 exercises passed.' in nl
    assert not [line for line in nl.splitlines() if line.startswith('## ') and line.endswith(': passed')]
    assert '&lt;img' in nl.splitlines()[0] and '<img' not in nl.splitlines()[0]
    nl_rows = rows_of(linked, '/nl/')
    assert [r[2] for r in nl_rows] == ['false'] * 3
    assert all('\n' not in r[0] and 'x\\x0a## Exercise 99.1: passed\\x0a<img' in r[0] for r in nl_rows)
    (loud,) = [t for n, t in linked['feedback'].items() if n.startswith('loud__')]
    assert '## Exercise 99\\.1: not passed\n\n    your solution' in loud or \
        '## Exercise 99\\.1: not passed\n\n    double(' in loud, loud
    assert [r[2] for r in rows_of(linked, '/loud/')] == ['false', 'true', 'true']
    assert all('\n' not in r[3] for r in linked['rows'])
    assert 'x\\x0a## Exercise 99.1: passed\\x0a<img' in linked['stdout']


# ---------------------------------------------------------------- delegation

def test_build_it_exercises_refuse_what_they_ask_to_rebuild():
    def sgd_by_trainer(net, lr, batch_size):
        gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': lr}).step(batch_size)

    def shape_by_dense(units, input_shape, flatten=True):
        layer = nn.Dense(units, flatten=flatten)
        layer.initialize()
        layer(nd.zeros(input_shape))
        return layer.weight.shape

    def encode_by_save(value):
        path = tempfile.mktemp()
        nd.save(path, value)
        return open(path, 'rb').read()

    from minigluon_workbook.judges.ch00 import _mul_reference as mul_by_autograd
    for check, answer, name in ((ch00.check_3, mul_by_autograd, 'NDArray.attach_grad'),
                                (ch02.check_5, sgd_by_trainer, 'gluon.Trainer.step'),
                                (ch03.check_3, shape_by_dense, 'nn.Dense'),
                                (ch05.check_1, encode_by_save, 'nd.save'),
                                (ch01.check_5, lambda net: list(net._collect_params_with_prefix()),
                                 'Block._collect_params_with_prefix')):
        with pytest.raises(ExerciseFailed, match='build it yourself: your code called %s' % name):
            check(answer)


def test_a_reference_taken_early_is_flagged_for_review(capsys):
    import test_checks_ch05 as t05
    save = nd.save   # taken before the check runs: taken_away cannot stop it

    def encode(value):
        assert save is not None
        return t05.my_encode(value)

    ch05.check_1(encode)
    assert 'for the teacher to review: the solution refers to nd.save' in capsys.readouterr().out


STASHED = """
from minigluon import autograd, nd
_NDArray = type(nd.zeros(1))
_kept = {'attach': _NDArray.attach_grad, 'record': autograd.record, 'backward': _NDArray.backward}

def _by_autograd(g, a, b):
    A, B = nd.array(a), nd.array(b)
    _kept['attach'](A)
    _kept['attach'](B)
    with _kept['record']():
        out = A * B
    _kept['backward'](out, nd.array(g))
    return A.grad.asnumpy(), B.grad.asnumpy()

def mul_backward(g, a, b):
    return _by_autograd(g, a, b)
"""


def test_references_stashed_in_a_helper_or_a_dict_are_flagged_for_review(capsys):
    """The third red team's delegation: autograd's entry points kept in a dict that a helper of
    the solution uses (taken before the check, so taken_away cannot stop them)."""
    namespace = {}
    exec(compile(STASHED, '<cell>', 'exec'), namespace)
    ch00.check_3(namespace['mul_backward'])
    out = capsys.readouterr().out
    assert 'for the teacher to review: the solution refers to' in out
    assert all(name in out for name in ('NDArray.attach_grad', 'NDArray.backward', 'autograd.record'))


CLASS_STASH = """
from minigluon import autograd, nd

class _K:
    attach = type(nd.zeros(1)).attach_grad
    back = type(nd.zeros(1)).backward
    rec = staticmethod(autograd.record)

    @staticmethod
    def run(g, a, b):
        A, B = nd.array(a), nd.array(b)
        _K.attach(A)
        _K.attach(B)
        with _K.rec():
            out = A * B
        _K.back(out, nd.array(g))
        return A.grad.asnumpy(), B.grad.asnumpy()

def mul_backward(g, a, b):
    return _K.run(g, a, b)
"""


def test_references_kept_in_a_class_are_flagged_and_a_spoofed_module_name_is_not_minigluon(capsys):
    """The fourth red team: autograd kept as class attributes (flagged for review), and a
    notebook whose ``__name__`` says minigluon (still refused: the caller's file decides)."""
    namespace = {'__name__': '__main__'}
    exec(compile(CLASS_STASH, '<cell>', 'exec'), namespace)
    ch00.check_3(namespace['mul_backward'])
    out = capsys.readouterr().out
    assert 'for the teacher to review' in out and 'autograd.record' in out
    spoofed = {'__name__': 'minigluon.homework'}
    exec(compile(STASHED.replace("_kept['attach'](A)", 'A.attach_grad()'), '<cell>', 'exec'), spoofed)
    with pytest.raises(ExerciseFailed, match='build it yourself: your code called NDArray.attach_grad'):
        ch00.check_3(spoofed['mul_backward'])


def test_every_taken_away_entry_point_exists():
    from minigluon_workbook.checks import ch00, ch01, ch02, ch03, ch05, ch07
    for table in (ch00._AUTOGRAD_3, ch01._BUILT_IN_5, ch02._TRAINER_5, ch03._DENSE_3, ch05._WRITER_1,
                  ch05._READER_3, ch05._FORMAT_5, ch07._MINIGLUON_6):
        for name, owner, attribute in table:
            assert callable(vars(owner)[attribute]), name


def test_odd_names_and_deep_folders_neither_crash_nor_blur_the_run(linked):
    odd = rows_of(linked, '/odd/')
    (undecodable,) = [r for r in odd if '\\xff99_tiny' in r[0]]   # no teacher edition by that name
    assert undecodable[3].startswith('no teacher edition named')
    # the look-alikes are student editions (found by their metadata): 3 rows each, apart
    assert len([r for r in odd if 'v?99_tiny' in r[0]]) == 3
    assert len([r for r in odd if 'v\\x1b99_tiny' in r[0]]) == 3
    (deep,) = rows_of(linked, '/deep/')
    assert deep[3] == 'refused: a folder nested more than 32 deep (not searched)'
    lines = [l for l in linked['stdout'].splitlines() if '/odd/' in l]
    assert len(lines) == 3                          # the two look-alikes are two lines


# The third red team's scan-clean primitives (each a step of a forgery), now all found ...
THIRD_RED_TEAM_PRIMITIVES = [
    "from sys import modules\nwc = modules['.'.join(['_'.join(['minigluon', 'workbook']), 'checks'])]",
    "import sys\nmods = getattr(sys, 'modules')",
    "name = '%sserve' % 'ob'\nsetattr(ch01.check_1, name, fake)",
    "ch01.check_1.__init__('01.1', fake, '')",
    "from sys import _getframe\nf = getattr(_getframe(0), ''.join(['f_', 'back']))",
    "ch00._AUTOGRAD_3 = ()\nch01._BUILT_IN_5 = ()",
    "ch00.call = lambda what, fn, *a, without=(), hint='', **k: fn(*a, **k)",
    "ch00.mentions = lambda fn, entry_points: []",
    "def __import__(*a, **k):\n    return Fake",
    "from minigluon_workbook.checks import ch00 as _real\nx = _real._draw_2(1)",
    "    import ctypes, importlib\n    get_ipython().events.register('pre_run_cell', f)",
    ">>> eval('1')",
    "_ = %time 0\nexec('import ctypes')",
    "x = await f()\nimport minigluon_workbook.checks",
    # ... and the fourth's: a module of one's own on the path, unpickling, patching minigluon
    "import sys\nsys.path.insert(0, '.')", "from sys import path\npath.append('/tmp')",
    "w = np.load('w.npy', allow_pickle=True)", "import timeit\ntimeit.timeit(code)",
    "type(p).data = lambda self, ctx=None: 0", "from minigluon import nd\nsetattr(nd, 'save', f)",
    "from minigluon.gluon import Parameter\nParameter.list_ctx = f",
    "f = print.__self__", "g = f.__func__", "draw = getattr(ch04, '_dr' + 'aw_1')",
    "b = getattr(print, '_' * 2 + 'self' + '_' * 2)", "g = getattr\nb = g(print, name)",
    "list(map(getattr, objects, names))", "import operator\nf = operator.attrgetter(name)", "def f():\n    global __name__\n    __name__ = 'minigluon.x'",
]
# ... and the honest cells it found refused, now passing (vars(), inspect, pickle, %env stay refused)
THIRD_RED_TEAM_HONEST = [
    "%load_ext autoreload\n%autoreload 2", "%pip install -q minigluon",
    "%config InlineBackend.figure_format = 'retina'", "%%capture\nnet.initialize()", "%whos",
    "print('____________________')", "name = f'{prefix}__{i}'", "%time x = nd.ones((2, 2))",
    "%timeit -n 3 net(X)", "%%time\nnet(X)",
    # honest cells the fourth red team's rules must let through
    "class A(nn.Block):\n    __slots__ = ()\n    def __setattr__(self, name, value):\n"
    "        super().__setattr__(name, value)\n        print(type(self).__name__, self.__class__.__qualname__)",
    "import matplotlib.pyplot as plt\nplt.rcParams['figure.figsize'] = (3, 2)",
    "net.weight = p\nself.layers = []\nx = nd.ones(2)\nx.grad[:] = 0",
    "w = getattr(net, 'weight')\nprint(hasattr(w, 'grad'), getattr(self, name))",
]


def test_cells_that_reach_into_the_grader_are_found_and_honest_cells_are_not():
    from minigluon_workbook.scan import findings, scan
    forge = (ROOT / 'tests' / 'fixtures' / 'redteam' / 'forge_cell.py').read_text()
    assert {'.report', 'import minigluon_workbook.checks'} <= set(findings(forge))
    for source in ("get_ipython().events.register('pre_run_cell', f)", '!cat /proc/1/environ',
                   'x = ().__class__.__base__.__subclasses__()', "eval('1')",
                   'import sys\nsys.modules["minigluon_workbook.checks"].report = f',
                   'import inspect\ninspect.currentframe().f_back.f_globals["seed"]'):
        assert findings(source), source
    honest = ('%timeit net(X)\nimport numpy as np, os\nclass A(nn.Block):\n    def __init__(self, **kw):\n'
              '        super().__init__(**kw)\n        self.w = getattr(self, "params").get("w", shape=(2,))\n'
              'print(type(net).__name__, os.path.join("a", "b"))\n'
              'from minigluon_workbook.checks import ch01\nch01.check_1(A)')
    assert findings(honest) == []
    for source in ('%matplotlib inline', '!pip install numpy', 'x?', 'display(x)', 'self.modules = {}',
                   'self.events = []', 'model.observe(x)', 'x.report()', 'setattr(self, str(i), layer)',
                   "show_source(nn.Block, '__init__')", "print(('%-16s' % 'step') + 'x')", '%%timeit\nnet(X)'):
        assert findings(source) == [], source   # the second red team's list of honest cells
    for cell in sorted((ROOT / 'tests' / 'fixtures' / 'redteam').glob('cell_*.py')):
        assert findings(cell.read_text()), cell.name   # the second and third red teams' bypasses
    # the third red team's two ways to hide the forging cell: one IPython assignment line the
    # scan did not transform (15 forged passes), a whole cell indented (IPython dedents it: 6)
    for hidden in ('_t = %time 0\n' + forge, textwrap.indent(forge, '    ')):
        assert {'.report', 'import minigluon_workbook.checks'} <= set(findings(hidden))
    for source in THIRD_RED_TEAM_PRIMITIVES:
        assert findings(source), source
    for source in THIRD_RED_TEAM_HONEST:
        assert findings(source) == [], source
    assert findings('%time x = 1\n' * 499 + 'x = 1\n' * 10000)   # refused unread, not slow
    teacher = nbformat.read(str(ROOT / 'chapters' / '07_capstone.ipynb'), as_version=4)
    student = student_notebook(teacher, '07_capstone.ipynb')
    assert scan(teacher, teacher) == '' and scan(student, teacher) == ''
    student.cells.insert(3, nbformat.v4.new_code_cell(forge))
    assert scan(student, teacher).startswith('cell 4 uses ')
    install = next(c for c in teacher.cells if c.cell_type == 'code' and 'importlib' in c.source)
    edited = student_notebook(teacher, '07_capstone.ipynb')
    (mine,) = [cell for cell in edited.cells if cell.source == install.source]
    mine.source = '# my notes\n' + install.source.replace('  # ', '  # (Colab) ')
    assert mine.source != install.source and 'import importlib' in ''.join(findings(mine.source))
    assert scan(edited, teacher) == ''   # the install cell with other comments is still the teacher's
    edited.cells.append(nbformat.v4.new_code_cell('x = 1\n' * 1900))
    edited.cells += [nbformat.v4.new_code_cell('y = %d\n' % i + 'x = 1\n' * 1900) for i in range(200)]
    assert 'more than the scan reads' in scan(edited, teacher)   # a notebook too big to scan


@needs_sandbox
def test_the_red_team_forging_cell_earns_nothing(tmp_path):
    forge = (ROOT / 'tests' / 'fixtures' / 'redteam' / 'forge_cell.py').read_text()
    for name in ('06_gpu.ipynb', '07_capstone.ipynb'):
        student = student_notebook(nbformat.read(str(ROOT / 'chapters' / name), as_version=4), name)
        student.cells.insert(3, nbformat.v4.new_code_cell(forge))
        (tmp_path / 'mallory').mkdir(exist_ok=True)
        nbformat.write(student, str(tmp_path / 'mallory' / name))
    out = tmp_path / 'grades.csv'
    proc = subprocess.run([sys.executable, '-m', 'minigluon_workbook', 'grade', str(tmp_path / 'mallory'),
                           '--csv', str(out), '-q', '--timeout', '300'], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = list(csv.reader(open(out, newline='', encoding='utf-8')))[1:]
    exercises = sum(len(nbs.exercises(nbformat.read(str(ROOT / 'chapters' / n), as_version=4)))
                    for n in ('06_gpu.ipynb', '07_capstone.ipynb'))
    assert len(rows) == exercises and all(r[2] == 'false' for r in rows)
    assert all(r[3].startswith('not gradable: cell 4 uses ') for r in rows)


def test_an_installed_copy_of_the_package_is_masked_in_the_sandbox(tmp_path):
    copy = tmp_path / 'lib' / 'python3.11' / 'site-packages' / 'minigluon_workbook'
    (copy / 'judges').mkdir(parents=True)
    assert sandbox._masked_copies([str(tmp_path)]) == ['--tmpfs', str(copy)]


def test_a_refused_cell_is_named_by_its_first_line_and_dict_gets_the_allowed_way():
    # a student's honest __setattr__ workaround is refused (it reads an object's namespace), and
    # the row says which cell (Jupyter shows no numbers) and what the grader accepts instead
    from minigluon_workbook.scan import scan
    teacher = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('x = 1')])
    student = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('x = 1'), nbformat.v4.new_code_cell(
        "class M:\n    def __init__(self):\n        self.__dict__['_c'] = {}")])
    message = scan(student, teacher)
    assert message.startswith('cell 2 uses .__dict__'), message
    assert "begins 'class M:'" in message and 'object.__setattr__(self, name, value)' in message
