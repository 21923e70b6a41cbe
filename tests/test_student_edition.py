"""The student edition: solutions out, outputs cleared, checks kept (no kernel needed)."""
import copy
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from minigluon_workbook import notebooks as nbs
from minigluon_workbook.__main__ import main
from minigluon_workbook.student import details_from_dropdowns, student_notebook, strip_source

ROOT = Path(__file__).resolve().parent.parent
TEACHER = ROOT / 'tests' / 'fixtures' / 'classroom' / '99_tiny.ipynb'


@pytest.fixture
def teacher():
    return nbformat.read(str(TEACHER), as_version=4)


def by_id(nb):
    return {cell.id: cell for cell in nb.cells}


def test_regions_become_stubs_with_their_indentation(teacher):
    student = by_id(student_notebook(teacher, TEACHER.name))
    assert student['solution-1'].source == (
        'def double(x):\n    """Twice x."""\n    # YOUR CODE HERE\n    raise NotImplementedError()')
    # Code after the region stays; the region's markers go with it.
    assert student['solution-2'].source == '# YOUR CODE HERE\nraise NotImplementedError()\nprint(total)'


def test_solution_cell_without_markers_is_replaced_whole(teacher):
    student = by_id(student_notebook(teacher, TEACHER.name))
    assert student['solution-3'].source == '# YOUR CODE HERE\nraise NotImplementedError()'


def test_no_solution_survives(teacher):
    text = nbformat.writes(student_notebook(teacher, TEACHER.name))
    for secret in ('BEGIN SOLUTION', 'END SOLUTION', 'return 2 * x', 'k * k', "words = ['mini'"):
        assert secret in nbformat.writes(teacher)
        assert secret not in text


def test_outputs_and_execution_counts_cleared(teacher):
    assert any(c.get('outputs') for c in teacher.cells)  # the fixture is executed
    student = student_notebook(teacher, TEACHER.name)
    for cell in student.cells:
        if cell.cell_type == 'code':
            assert cell.outputs == [] and cell.execution_count is None


def test_checks_and_other_cells_kept(teacher):
    student = by_id(student_notebook(teacher, TEACHER.name))
    for cell in teacher.cells:
        if nbs.is_check(cell) or not nbs.is_solution(cell):
            assert student[cell.id].source == cell.source
            assert student[cell.id].metadata == cell.metadata
    checks = [(c.metadata['exercise'], c.source) for c in student.values() if nbs.is_check(c)]
    assert checks == [('99.1', 'import tinychecks\ntinychecks.check_1(double)'),
                      ('99.2', 'import tinychecks\ntinychecks.check_2(total)'),
                      ('99.3', 'import tinychecks\ntinychecks.check_3(words)')]
    # The solution cells stay tagged (the grader finds them) but are no longer folded.
    assert student['solution-1'].metadata['tags'] == ['solution']


def test_teacher_notebook_left_alone(teacher):
    before = copy.deepcopy(teacher)
    student_notebook(teacher, TEACHER.name)
    assert teacher == before


def test_markdown_answer_and_untagged_markers():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell('Because ...', metadata={'tags': ['solution']}),
        nbformat.v4.new_code_cell('a = 1\n### BEGIN SOLUTION\nb = 2\n### END SOLUTION'),
    ])
    student = student_notebook(nb, 'x.ipynb')
    assert student.cells[0].source == 'YOUR ANSWER HERE'
    assert student.cells[1].source == 'a = 1\nb = ...  # YOUR CODE HERE'   # a literal: its name kept


@pytest.mark.parametrize('source, expected', [
    ('\tif x:\n\t\t### BEGIN SOLUTION\n\t\ty = 1\n\t\t### END SOLUTION\n\treturn y',
     '\tif x:\n\t\t# YOUR CODE HERE\n\t\traise NotImplementedError()\n\treturn y'),
    ('### BEGIN SOLUTION\na\n### END SOLUTION\nmid\n  ### BEGIN SOLUTION\n  b\n  ### END SOLUTION',
     '# YOUR CODE HERE\nraise NotImplementedError()\nmid\n  # YOUR CODE HERE\n  raise NotImplementedError()'),
    ('no markers', 'no markers'),
])
def test_strip_source(source, expected):
    assert strip_source(source) == expected


@pytest.mark.parametrize('source', ['### BEGIN SOLUTION\nx = 1',
                                    'x = 1\n### END SOLUTION',
                                    '### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION'])
def test_unbalanced_markers_are_errors(source):
    with pytest.raises(ValueError):
        strip_source(source)


def test_cli_writes_student_edition(tmp_path, capsys):
    assert main(['student', '--out', str(tmp_path / 'out'), str(TEACHER)]) == 0
    written = tmp_path / 'out' / TEACHER.name
    assert 'wrote %s' % written in capsys.readouterr().out
    nb = nbformat.read(str(written), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata['workbook'] == {'edition': 'student', 'chapter': '99_tiny'}
    assert 'raise NotImplementedError()' in nb.cells[3].source


def test_cli_refuses_to_overwrite_teacher(tmp_path, capsys):
    teacher = tmp_path / '99_tiny.ipynb'
    teacher.write_bytes(TEACHER.read_bytes())
    assert main(['student', '--out', str(tmp_path), str(teacher)]) == 1
    assert teacher.read_bytes() == TEACHER.read_bytes()


def test_help_runs_as_module():
    out = subprocess.run([sys.executable, '-m', 'minigluon_workbook', '--help'], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert 'student' in out and 'grade' in out


def test_default_teacher_edition_is_the_repository_chapters():
    assert nbs.chapters_dir() == ROOT / 'chapters'


def test_dropdowns_become_details_blocks():
    """Jupyter and Colab show a MyST fence as raw text: the student edition folds a dropdown
    as HTML <details>, its body's Markdown between blank lines; nested ones too."""
    source = ('Intro.\n\n```{admonition} Hint 1\n:class: dropdown\n\nUse `x < y`.\n```\n\n'
              '````{admonition} Deep dive (optional): show the text\n:class: dropdown\n\nProse.\n\n'
              '```python\nprint(1)\n```\n\n```{admonition} In short\n:class: dropdown\n\nShort.\n```\n````\nAfter.')
    assert details_from_dropdowns(source) == (
        'Intro.\n\n<details><summary>Hint 1</summary>\n\nUse `x < y`.\n\n</details>\n\n'
        '<details><summary>Deep dive (optional): show the text</summary>\n\nProse.\n\n'
        '```python\nprint(1)\n```\n\n<details><summary>In short</summary>\n\nShort.\n\n</details>\n\n'
        '</details>\nAfter.')
    assert details_from_dropdowns(':::{admonition} A & B\n:class: dropdown\nText.\n:::') == \
        '<details><summary>A &amp; B</summary>\n\nText.\n\n</details>'
    # not a dropdown, or never closed: left as written
    for kept in ('```{admonition} Note\nText.\n```', '```{admonition} Hint 1\n:class: dropdown\nText.',
                 '```python\n{admonition}\n```'):
        assert details_from_dropdowns(kept) == kept


# ---------------------------------------------------------------- the committed student edition
STUDENT_DIR = ROOT / 'student' / 'chapters'


@pytest.mark.parametrize('chapter', nbs.chapter_paths(), ids=lambda p: p.stem)
def test_committed_student_edition_is_in_sync_with_the_chapters(chapter):
    """student/chapters/ is what Colab opens: regenerate it after editing a chapter with
    `python -m minigluon_workbook student --out student/chapters`."""
    committed = STUDENT_DIR / chapter.name
    assert committed.is_file(), 'no student edition of %s: run python -m minigluon_workbook student ' \
                                '--out student/chapters' % chapter.name
    want = nbformat.writes(student_notebook(nbs.read(chapter), chapter.name))
    assert committed.read_text(encoding='utf-8').rstrip('\n') == want.rstrip('\n'), (
        '%s is out of date: run python -m minigluon_workbook student --out student/chapters' % committed)


def test_committed_student_edition_has_no_solutions_and_keeps_colab_settings():
    assert sorted(p.name for p in STUDENT_DIR.glob('*.ipynb')) == [p.name for p in nbs.chapter_paths()]
    for path in STUDENT_DIR.glob('*.ipynb'):
        nb = nbs.read(path)
        text = nbformat.writes(nb)
        assert 'BEGIN SOLUTION' not in text and 'END SOLUTION' not in text
        solutions = [c for c in nb.cells if nbs.is_solution(c)]
        assert solutions and all('raise NotImplementedError()' in c.source
                                 or re.fullmatch(r'\w+ = \.\.\.  # YOUR CODE HERE', c.source)
                                 for c in solutions if c.cell_type == 'code')
        # a discussion's model answer (a markdown solution) is not given away either
        assert all(c.source == 'YOUR ANSWER HERE' for c in solutions if c.cell_type == 'markdown')
        assert all(c.get('outputs', []) == [] for c in nb.cells)
    gpu = nbs.read(STUDENT_DIR / '06_gpu.ipynb')
    assert gpu.metadata['accelerator'] == 'GPU' and gpu.metadata['colab']['gpuType'] == 'T4'


def test_check_cells_explain_in_one_line_in_jupyter(teacher):
    """An undefined answer says "not done yet: define `words`", a wrong one its message: one
    line each, not a chained traceback."""
    from nbclient import NotebookClient
    nb = student_notebook(teacher, TEACHER.name)
    by_id(nb)['solution-1'].source = 'def double(x):\n    return x + 1'
    by_id(nb)['solution-3'].source = 'pass  # words never defined'
    NotebookClient(nb, allow_errors=True, timeout=60,
                   resources={'metadata': {'path': str(TEACHER.parent)}}).execute()
    errors = {c.metadata['exercise']: [o for o in c.outputs if o.output_type == 'error']
              for c in nb.cells if nbs.is_check(c)}
    (wrong,) = errors['99.1']
    assert wrong.ename == 'ExerciseFailed' and len(wrong.traceback) == 1
    assert 'ExerciseFailed' in wrong.traceback[0] and 'double(0.0) returned 1.0; expected 0.0' in wrong.traceback[0]
    (undefined,) = errors['99.3']
    assert undefined.ename == 'NameError' and len(undefined.traceback) == 1
    assert undefined.traceback[0].endswith('not done yet: define `words`')


def test_a_region_of_several_definitions_keeps_their_lines():
    """A top-level region that defines several names keeps each def/class line (decorators and
    signatures too) over a stub body, and each constant's name; one top-level literal keeps its
    name (``NAME = ...``); any other single statement, or a region in a function's body, gets
    the plain stub."""
    source = ('import numpy as np\n### BEGIN SOLUTION\nSIZES = {0: 4}\n\n@staticmethod\ndef f(a,\n      b=1):\n'
              '    """Doc."""\n    return a\n\nclass K(object):\n    x = 1\n### END SOLUTION\nprint(1)')
    assert strip_source(source) == (
        'import numpy as np\nSIZES = ...  # YOUR CODE HERE\n\n@staticmethod\ndef f(a,\n      b=1):\n'
        '    # YOUR CODE HERE\n    raise NotImplementedError()\n\nclass K(object):\n'
        '    x = ...  # YOUR CODE HERE\nprint(1)')
    assert strip_source('### BEGIN SOLUTION\npattern = 1\n### END SOLUTION') == 'pattern = ...  # YOUR CODE HERE'
    assert strip_source('### BEGIN SOLUTION\ntotal = sum([1])\n### END SOLUTION') == \
        '# YOUR CODE HERE\nraise NotImplementedError()'
    inside_def = 'def f():\n    ### BEGIN SOLUTION\n    def g():\n        pass\n    ### END SOLUTION'
    assert strip_source(inside_def) == 'def f():\n    # YOUR CODE HERE\n    raise NotImplementedError()'
    compiled = strip_source(source)
    compile(compiled, '<stub>', 'exec')


def test_a_class_body_region_keeps_the_class_and_its_methods():
    """A region that is a class's body keeps each method's line over a stub body (its docstring
    too), so that the class defines without raising and its check can say "not done yet"."""
    inner = ('class A(Base):\n    ### BEGIN SOLUTION\n    """What A is."""\n    def f(self, x,\n          y=2):\n'
             '        return x\n\n    @property\n    def g(self):\n        pass\n    ### END SOLUTION\n\n\n'
             'def h():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION')
    stubbed = strip_source(inner)
    assert stubbed == (
        'class A(Base):\n    """What A is."""\n\n    def f(self, x,\n          y=2):\n        # YOUR CODE HERE\n'
        '        raise NotImplementedError()\n\n    @property\n    def g(self):\n        # YOUR CODE HERE\n'
        '        raise NotImplementedError()\n\n\ndef h():\n    # YOUR CODE HERE\n    raise NotImplementedError()')
    namespace = {'Base': object}
    exec(compile(stubbed, '<stub>', 'exec'), namespace)   # defines without raising
    with pytest.raises(NotImplementedError):
        namespace['A']().f(1)


def test_a_no_stub_region_in_a_class_body_is_left_out():
    """A class-body region marked ``(no stub)`` (a helper or an override the student must find)
    leaves no signature behind; the other methods keep theirs. Outside a class body the marker
    is refused, since leaving the region out would leave a body empty."""
    source = ('class A(Base):\n    ### BEGIN SOLUTION\n    def f(self, x):\n        return self._g(x)\n'
              '    ### END SOLUTION\n\n    ### BEGIN SOLUTION (no stub)\n    def _g(self, x):\n'
              '        return x\n    ### END SOLUTION\nprint(1)')
    stubbed = strip_source(source)
    assert stubbed == ('class A(Base):\n    def f(self, x):\n        # YOUR CODE HERE\n'
                       '        raise NotImplementedError()\nprint(1)')
    assert '_g' in strip_source(source.replace(' (no stub)', ''))
    with pytest.raises(ValueError, match='class body'):
        strip_source('def f():\n    ### BEGIN SOLUTION (no stub)\n    return 1\n    ### END SOLUTION')


_TEACHER_DROPDOWN = re.compile(r'^(`{3,}|:{3,})\{admonition\} (.+)\n:class: dropdown$', re.M)
_SUMMARY = re.compile(r'^<details><summary>(.*)</summary>$', re.M)


@pytest.mark.parametrize('chapter', nbs.chapter_paths(), ids=lambda p: p.stem)
def test_committed_student_edition_folds_dropdowns_as_details(chapter):
    """Colab and Jupyter show MyST's dropdowns as raw text, so hint tiers and deep dives would
    all be open at once: in the student edition no markdown cell holds a MyST dropdown, and
    each of the teacher's (outside the model answers, which the student edition replaces)
    became one <details> with the same title."""
    import html
    teacher = {c.id: c for c in nbs.read(chapter).cells}
    student = nbs.read(STUDENT_DIR / chapter.name)
    converted = 0
    for cell in student.cells:
        if cell.cell_type != 'markdown':
            continue
        assert ':class: dropdown' not in cell.source and '{admonition}' not in cell.source, (
            '%s cell %s still holds a MyST dropdown' % (chapter.name, cell.id))
        assert cell.source.count('<details>') == cell.source.count('</details>')
        if nbs.is_solution(cell):
            continue
        want = [title for _, title in _TEACHER_DROPDOWN.findall(teacher[cell.id].source)]
        assert [html.unescape(t) for t in _SUMMARY.findall(cell.source)] == want, cell.id
        assert cell.source.count('<details>') == len(want)
        converted += len(want)
    assert converted == len(_TEACHER_DROPDOWN.findall('\n'.join(
        c.source for c in teacher.values() if c.cell_type == 'markdown' and not nbs.is_solution(c))))


@pytest.mark.parametrize('chapter', nbs.chapter_paths(), ids=lambda p: p.stem)
def test_student_edition_runs_before_the_exercises_are_done(chapter, tmp_path):
    """Run top to bottom as handed out, a chapter fails only where it means to: its check cells
    (each saying "not done yet") and its `raises-exception` cells. A demo cell that uses an
    answer prints one line, "not done yet: write ... (Exercise NN.k), then run ...", instead
    of a NotImplementedError or NameError traceback."""
    from nbclient import NotebookClient
    nb = student_notebook(nbs.read(chapter), chapter.name)
    NotebookClient(nb, allow_errors=True, timeout=600,
                   resources={'metadata': {'path': str(tmp_path)}}).execute()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != 'code':
            continue
        errors = [o for o in cell.outputs if o.output_type == 'error']
        if nbs.is_check(cell):
            assert [e.evalue.startswith('not done yet') for e in errors] == [True], (index, errors)
        elif 'raises-exception' not in nbs.tags(cell):
            assert not errors, '%s cell %d: %s: %s' % (chapter.name, index, errors[0].ename, errors[0].evalue)
        text = ''.join(o.get('text', '') for o in cell.outputs if o.output_type == 'stream')
        if 'not done yet' in text:
            assert re.fullmatch(r'not done yet: write .+ \(Exercises? \d\d\.\d.*\), then run .+\n', text), text
