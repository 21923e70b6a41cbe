"""Notebook helpers shared by the student edition and the grader.

The teacher edition (the committed chapters) marks exercises the nbgrader way:

* a solution cell is tagged ``solution``; its answer sits between ``### BEGIN SOLUTION``
  and ``### END SOLUTION`` (a tagged cell without markers is an answer as a whole);
* a check cell is tagged ``check`` and its metadata says which exercise it checks,
  ``"exercise": "NN.k"`` (the cell id stands in when that is missing).
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

BEGIN_SOLUTION = '### BEGIN SOLUTION'
END_SOLUTION = '### END SOLUTION'
SOLUTION_TAG = 'solution'
CHECK_TAG = 'check'

_BEGIN = re.compile(r'^([ \t]*)' + re.escape(BEGIN_SOLUTION) + r'\b')
_END = re.compile(r'^[ \t]*' + re.escape(END_SOLUTION) + r'\b')


def package_root() -> Path:
    """The folder that holds the ``minigluon_workbook`` package (the repository root)."""
    return Path(__file__).resolve().parent.parent


def chapters_dir() -> Path:
    """The teacher edition: the ``chapters/`` folder next to the workbook package."""
    return package_root() / 'chapters'


def chapter_paths(folder: Path | None = None) -> list[Path]:
    """Every chapter notebook (``NN_*.ipynb``) in ``folder``, in order."""
    folder = chapters_dir() if folder is None else Path(folder)
    return sorted(p for p in folder.glob('*.ipynb') if p.is_file())


def read(path) -> nbformat.NotebookNode:
    """Read a notebook as nbformat 4, giving cells ids where an old notebook has none."""
    nb = nbformat.read(str(path), as_version=4)
    try:  # nbformat < 4.5 has no cell ids: upgrade in memory so every cell has one
        from nbformat.validator import normalize
        _, nb = normalize(nb)
        nb = nbformat.from_dict(nb)
    except Exception:  # noqa: BLE001 - normalising is a convenience, never a reason to fail
        pass
    return nb


def tags(cell) -> list[str]:
    return list(cell.get('metadata', {}).get('tags', []) or [])


def is_solution(cell) -> bool:
    return SOLUTION_TAG in tags(cell)


def is_check(cell) -> bool:
    return cell.get('cell_type') == 'code' and CHECK_TAG in tags(cell)


def has_markers(source: str) -> bool:
    return any(_BEGIN.match(line) or _END.match(line) for line in source.splitlines())


def check_key(cell) -> str | None:
    """The exercise a check cell checks: its ``exercise`` metadata, else its cell id."""
    exercise = cell.get('metadata', {}).get('exercise')
    if exercise not in (None, ''):
        return str(exercise)
    return cell.get('id')


def replace_regions(source: str, replacement: list[str]) -> str:
    """Replace every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region of ``source``
    (markers included) by ``replacement`` lines, indented like the region's BEGIN line.

    Raises ValueError on a region that is never closed or an END without a BEGIN.
    """
    out: list[str] = []
    indent = None
    for number, line in enumerate(source.splitlines(), 1):
        begin = _BEGIN.match(line)
        if indent is None:
            if begin:
                indent = begin.group(1)
                out.extend(indent + r for r in replacement)
            elif _END.match(line):
                raise ValueError('line %d: %s without %s' % (number, END_SOLUTION, BEGIN_SOLUTION))
            else:
                out.append(line)
        elif begin:
            raise ValueError('line %d: %s inside a solution region' % (number, BEGIN_SOLUTION))
        elif _END.match(line):
            indent = None
    if indent is not None:
        raise ValueError('%s is never closed by %s' % (BEGIN_SOLUTION, END_SOLUTION))
    return '\n'.join(out)


def exercises(nb) -> list[tuple[str, int]]:
    """The teacher's check cells, in order: ``(exercise key, cell index)``."""
    found = []
    seen = set()
    for index, cell in enumerate(nb.cells):
        if is_check(cell):
            key = check_key(cell)
            if key is not None and key not in seen:
                seen.add(key)
                found.append((key, index))
    return found


def solution_before(nb, index: int) -> int | None:
    """The solution cell an exercise's check cell at ``index`` checks: the nearest cell
    tagged ``solution`` above it, not further up than the previous check cell."""
    for i in range(index - 1, -1, -1):
        cell = nb.cells[i]
        if is_check(cell):
            return None
        if is_solution(cell):
            return i
    return None
