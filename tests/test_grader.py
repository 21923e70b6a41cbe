"""The grader, on the synthetic teacher notebook tests/fixtures/classroom/99_tiny.ipynb.

Kernels are slow to start, so one ``python -m workbook grade`` run grades every kind of
submission at once (module fixture) and the tests read its CSV and summary.
"""
import copy
import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from workbook import notebooks as nbs
from workbook.grade import Exercise, build_graded, judge, _passed_line
from workbook.student import student_notebook

ROOT = Path(__file__).resolve().parent.parent
TEACHER_DIR = ROOT / 'tests' / 'fixtures' / 'classroom'
TEACHER = TEACHER_DIR / '99_tiny.ipynb'
NAME = TEACHER.name
TIMEOUT = 6
MEMORY_MB = 1024


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


SUBMISSIONS = {  # folder -> notebook, graded in this order
    'teacher': None,                 # the fixture itself
    'student': 'student',
    'alice': tampered,
    'loop': lambda: with_solution_2('while True:\n    pass'),
    'after-loop': teacher,           # grading goes on after a timeout
    'memory': lambda: with_solution_2('hog = bytearray(2 * 1024 ** 3)  # 2 GB\ntotal = 385'),
    'exit': lambda: with_solution_2('import os\nos._exit(1)'),
    'broken': 'not json',
    'renamed': 'renamed',
    'nochapter': 'nochapter',
}


@pytest.fixture(scope='module')
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp('submissions')
    paths = []
    for folder, make in SUBMISSIONS.items():
        target = base / folder / NAME
        target.parent.mkdir()
        if make is None:
            paths.append(TEACHER)
            continue
        if make == 'student':
            nbformat.write(student_notebook(teacher(), NAME), str(target))
        elif make == 'renamed':  # Colab's download name: found through the metadata
            target = target.with_name('99_tiny (1).ipynb')
            nbformat.write(student_notebook(teacher(), NAME), str(target))
        elif make == 'nochapter':
            target = target.with_name('notes.ipynb')
            nbformat.write(nbformat.v4.new_notebook(), str(target))
        elif make == 'not json':
            target.write_text('{"cells": [')
        else:
            nbformat.write(make(), str(target))
        paths.append(target)
    out = base / 'grades.csv'
    command = [sys.executable, '-m', 'workbook', 'grade', *map(str, paths), '--csv', str(out),
               '--teacher', str(TEACHER_DIR), '--timeout', str(TIMEOUT), '--memory-mb', str(MEMORY_MB)]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(out, newline='', encoding='utf-8') as f:
        table = list(csv.reader(f))
    rows = {}
    for notebook, exercise, passed, message in table[1:]:
        rows.setdefault(Path(notebook).parent.name, []).append((exercise, passed, message))
    return {'header': table[0], 'rows': rows, 'stdout': proc.stdout, 'stderr': proc.stderr,
            'paths': paths}


def test_csv_columns_exact(graded):
    assert graded['header'] == ['notebook', 'exercise', 'passed', 'message']


def test_teacher_edition_gets_full_marks(graded):
    rows = graded['rows']['classroom']
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
        assert rows[0][2].startswith('your code raised NotImplementedError')
        assert rows[1][2].startswith('your solution cell raised NotImplementedError')


def test_edited_and_deleted_checks_are_graded_by_the_originals(graded):
    rows = graded['rows']['alice']
    assert [(e, p) for e, p, _ in rows] == [('99.1', 'false'), ('99.2', 'true'), ('99.3', 'false')]
    assert rows[0][2] == 'double(0) returned 1; expected 0'
    assert rows[2][2] == "words is []; expected ['mini', 'gluon']"


def test_infinite_loop_times_out_and_grading_goes_on(graded):
    rows = graded['rows']['loop']
    assert len(rows) == 3 and all(p == 'false' for _, p, _ in rows)
    for _, _, message in rows:
        assert message.startswith('timed out') and '--timeout' in message and 'while True' in message
    assert [p for _, p, _ in graded['rows']['after-loop']] == ['true'] * 3


def test_huge_allocation_fails_cleanly_under_memory_limit(graded):
    rows = graded['rows']['memory']
    assert [(e, p) for e, p, _ in rows] == [('99.1', 'true'), ('99.2', 'false'), ('99.3', 'true')]
    assert rows[1][2] == ('your solution cell raised MemoryError '
                          '(out of memory: the limit is %d MB, --memory-mb)' % MEMORY_MB)


def test_kernel_that_dies_gets_rows(graded):
    rows = graded['rows']['exit']
    assert len(rows) == 3 and all(p == 'false' and 'kernel died' in m for _, p, m in rows)


def test_unreadable_and_unknown_notebooks_get_rows(graded):
    broken = graded['rows']['broken']
    assert len(broken) == 3 and all(m.startswith('could not read the notebook') for _, _, m in broken)
    (row,) = graded['rows']['nochapter']
    assert row[0] == '' and row[1] == 'false' and 'no teacher edition named notes.ipynb' in row[2]


def test_summary_table_and_progress(graded):
    lines = graded['stdout'].splitlines()
    per_notebook = {line.split()[0]: line.split()[1:] for line in lines if line.endswith('3')}
    assert per_notebook[str(TEACHER)] == ['3', '3']
    assert per_notebook[str(graded['paths'][1])] == ['0', '3']
    total = next(line for line in lines if line.startswith('TOTAL')).split()
    assert total == ['TOTAL', '9', '28']  # 3+0+1+0+3+2+0+0+0 of 3 each, 0 of 1
    assert 'grading' in graded['stderr'] and '10/10' in graded['stderr']  # tqdm


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


def test_passed_line_must_name_the_exercise():
    assert _passed_line('PASSED exercise 99.1: fine\n', '99.1') == 'PASSED exercise 99.1: fine'
    assert _passed_line('PASSED exercise 99.1\n', '99.1') == 'PASSED exercise 99.1'
    assert _passed_line('PASSED exercise 99.10: other\n', '99.1') is None
    assert _passed_line('print PASSED exercise 99.1', '99.1') is None


def test_a_pass_followed_by_an_error_is_a_fail():
    nb = teacher()
    check = cell(nb, 'check-1')
    check.outputs = [nbformat.v4.new_output('stream', name='stdout', text='PASSED exercise 99.1\n'),
                     nbformat.v4.new_output('error', ename='ExerciseFailed', evalue='no', traceback=[])]
    ok, message = judge(nb, Exercise('99.1', nb.cells.index(check), None))
    assert not ok and message == 'no'


def test_check_messages_about_unfinished_stubs_get_the_hint():
    nb = teacher()
    check = cell(nb, 'check-1')
    check.outputs = [nbformat.v4.new_output(
        'error', ename='ExerciseFailed', evalue='calling your double(3) raised NotImplementedError:',
        traceback=[])]
    ok, message = judge(nb, Exercise('99.1', nb.cells.index(check), None))
    assert not ok and message == ('calling your double(3) raised NotImplementedError '
                                  '(the exercise is not done yet: replace '
                                  '`raise NotImplementedError()` with your code)')
