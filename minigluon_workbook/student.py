"""The student edition: the chapters with their solutions taken out.

``python -m minigluon_workbook student --out DIR [NOTEBOOK...]`` writes, for every chapter (or each
notebook named), a copy in which

* each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region becomes
  ``# YOUR CODE HERE`` / ``raise NotImplementedError()``, indented like the region;
* a cell tagged ``solution`` without markers is replaced as a whole (a markdown one by
  ``YOUR ANSWER HERE``);
* every output and execution count is cleared;
* check cells stay as they are, so students get immediate feedback.

The file names stay the teacher's: the grader finds the teacher edition by file name.
"""
from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from . import notebooks as nbs

CODE_STUB = ['# YOUR CODE HERE', 'raise NotImplementedError()']
TEXT_STUB = ['YOUR ANSWER HERE']
# Tags that only make sense in the teacher edition's rendered book.
_TEACHER_ONLY_TAGS = {'hide-input', 'hide-cell', 'remove-input', 'remove-cell'}


def strip_source(source: str, cell_type: str = 'code', whole: bool = False) -> str:
    """The student's version of a solution cell's source."""
    stub = CODE_STUB if cell_type == 'code' else TEXT_STUB
    if nbs.has_markers(source):
        return nbs.replace_regions(source, stub)
    if whole:
        return '\n'.join(stub)
    return source


def student_notebook(nb, name: str = '') -> nbformat.NotebookNode:
    """A student edition of the teacher notebook ``nb`` (which is left unchanged)."""
    nb = copy.deepcopy(nb)
    for index, cell in enumerate(nb.cells):
        solution = nbs.is_solution(cell)
        source = cell.get('source', '')
        try:
            # Markers outside a tagged cell are stripped too: a solution must never leak.
            cell['source'] = strip_source(source, cell.get('cell_type', 'code'), whole=solution)
        except ValueError as e:
            raise ValueError('%scell %d (id %s): %s'
                             % (name + ': ' if name else '', index, cell.get('id'), e)) from None
        if solution:
            kept = [t for t in nbs.tags(cell) if t not in _TEACHER_ONLY_TAGS]
            cell['metadata']['tags'] = kept
            if not kept:
                del cell['metadata']['tags']
        if cell.get('cell_type') == 'code':
            cell['outputs'] = []
            cell['execution_count'] = None
        cell.get('metadata', {}).pop('execution', None)  # nbclient's timings
    nb.metadata.pop('widgets', None)
    nb.metadata['workbook'] = {'edition': 'student', 'chapter': Path(name).stem if name else ''}
    return nb


def write_student_edition(paths, out_dir) -> list[Path]:
    """Write the student edition of each notebook in ``paths`` into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        path = Path(path)
        target = out_dir / path.name
        if target.resolve() == path.resolve():
            raise ValueError('refusing to overwrite the teacher edition %s' % path)
        nb = student_notebook(nbs.read(path), path.name)
        nbformat.validate(nb)
        nbformat.write(nb, str(target))
        written.append(target)
    return written


def main(args) -> int:
    paths = [Path(p) for p in args.notebooks] or nbs.chapter_paths()
    if not paths:
        print('no notebooks: %s has no chapters yet' % nbs.chapters_dir())
        return 1
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print('no such notebook: %s' % ', '.join(missing))
        return 2
    try:
        written = write_student_edition(paths, args.out)
    except ValueError as e:
        print('error: %s' % e)
        return 1
    for path in written:
        print('wrote %s' % path)
    return 0


def add_arguments(parser):
    parser.add_argument('notebooks', nargs='*', metavar='NOTEBOOK',
                        help='teacher notebooks (default: every chapter in %s)' % nbs.chapters_dir())
    parser.add_argument('--out', required=True, metavar='DIR',
                        help='folder for the student edition (created if needed)')
    parser.set_defaults(func=main)
