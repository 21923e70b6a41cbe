"""Step 1 of grading: the notebook to run, built from a submission and its teacher edition.

The teacher's check cells go back into the submission (a check the student edited is
replaced, one they deleted goes back after their solution), each turned into an *observe
cell* that shows the data ``check_k.observe`` collects; the cells of each exercise (since the
previous check) form a segment that the runner times on its own.
"""
from __future__ import annotations

import ast
import copy
import re
import sys
from dataclasses import dataclass

import nbformat

from . import notebooks as nbs
from .checks import Check, report
from .runner import SEED_TOKEN


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


# What the observe cell binds its report and check to: a fresh import, never a name of the
# student's namespace (a student's own ``ch01`` or ``__import__`` there cannot stand in).
REPORT_ALIAS, CHECK_ALIAS = '_minigluon_workbook_report', '_minigluon_workbook_check'


def observe_source(source: str, check: Check) -> str | None:
    """The teacher's check cell with ``M.check_k(a, b)`` turned into
    ``report(check, SEED_TOKEN, lambda: (a, b))``, where ``report`` and ``check`` are imported
    in the cell itself from the modules that define them: the student's kernel shows data for
    the grader to judge, and an undefined answer is a NameError caught by report. The runner
    writes the exercise's seed over ``SEED_TOKEN`` just before the cell runs."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    target = check_call(tree)
    module = sys.modules.get(check.observe.__module__)
    attribute = next((name for name, value in vars(module or object).items() if value is check), None)
    if target is None or attribute is None:
        return None

    class Observe(ast.NodeTransformer):
        def visit_Call(self, node):
            if node is not target:
                return self.generic_visit(node)
            answers = ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[],
                                                    kw_defaults=[], defaults=[]),
                                 body=ast.Tuple(elts=node.args, ctx=ast.Load()))
            return ast.Call(func=ast.Name(REPORT_ALIAS, ast.Load()),
                            args=[ast.parse('%s.%s' % (CHECK_ALIAS, attribute), mode='eval').body,
                                  ast.Name(SEED_TOKEN, ast.Load()), answers], keywords=[])

    at = next(i for i, statement in enumerate(tree.body) if target in ast.walk(statement))
    tree = Observe().visit(tree)
    # imported right before the statement that reports: no cell code runs in between
    tree.body[at:at] = ast.parse('from %s import report as %s\nimport %s as %s'
                                 % (report.__module__, REPORT_ALIAS, module.__name__, CHECK_ALIAS)).body
    return ast.unparse(ast.fix_missing_locations(tree))


def plan_segments(graded, plan: list[Exercise], checks: dict) -> list[dict]:
    """Turn each teacher check cell into an observe cell (``checks``: exercise key -> its
    Check, or why it has none); each exercise's cells to run."""
    segments, start = [], 0
    for exercise in plan:
        cell = graded.cells[exercise.check]
        check = checks.get(exercise.key)
        source = observe_source(cell.source, check) if isinstance(check, Check) else None
        cell.source = source if source is not None else 'pass'
        cells = [i for i in range(start, exercise.check + 1) if graded.cells[i].cell_type == 'code']
        segments.append({'exercise': exercise.key, 'cells': cells, 'observe': exercise.check,
                         'solution': exercise.solution})
        start = exercise.check + 1
    # cells after the last check decide nothing: they are not run
    return segments
