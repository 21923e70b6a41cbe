"""The student edition: the chapters with their solutions taken out.

``python -m minigluon_workbook student --out DIR [NOTEBOOK...]`` writes, for every chapter (or each
notebook named), a copy in which

* each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region becomes
  ``# YOUR CODE HERE`` / ``raise NotImplementedError()``, indented like the region; a region
  that defines several names keeps each ``def``/``class`` line over such a body, and each
  constant as ``NAME = ...`` (``definition_stubs``); a region that is a class's body keeps
  each method's line over such a body, so the class defines and its check can say "not done
  yet" instead of a NameError; a region that assigns one top-level literal becomes ``NAME = ...``;
  a class-body region whose BEGIN line ends in ``(no stub)`` (a helper or an override the
  student must find, such as ``infer_shape``) is left out, so no signature gives it away;
* a cell tagged ``solution`` without markers is replaced as a whole (a markdown one by
  ``YOUR ANSWER HERE``);
* every output and execution count is cleared;
* each MyST dropdown (an ``{admonition} TITLE`` with ``:class: dropdown``: hints, deep dives'
  prose) becomes an HTML ``<details><summary>TITLE</summary>`` block, which Jupyter and Colab
  fold as the book does, where they would show the MyST fence as raw text (``details_from_dropdowns``);
* check cells stay as they are, so students get immediate feedback.

The file names stay the teacher's: the grader finds the teacher edition by file name.
"""
from __future__ import annotations

import ast
import copy
import html
import re
import textwrap
from pathlib import Path

import nbformat

from . import notebooks as nbs

CODE_STUB = ['# YOUR CODE HERE', 'raise NotImplementedError()']
TEXT_STUB = ['YOUR ANSWER HERE']
# Tags that only make sense in the teacher edition's rendered book.
_TEACHER_ONLY_TAGS = {'hide-input', 'hide-cell', 'remove-input', 'remove-cell'}
NO_STUB = '(no stub)'


def definition_stubs(region: str, single: bool = False) -> list[str] | None:
    """The stubs of a solution region made only of definitions (functions, classes, constants):
    every ``def``/``class`` line kept (decorators and signature included) over a
    ``raise NotImplementedError()`` body, a class's methods each stubbed so (the class itself
    defines without raising), every constant as ``NAME = ...``; None for a region that holds
    anything else, or a single definition unless ``single`` (a top-level region that defines
    one function or class keeps it undefined: the check says "not done yet: define NAME").
    A docstring leading the region (a class body's) is kept."""
    try:
        tree = ast.parse(textwrap.dedent(region))
    except SyntaxError:
        return None
    lines = textwrap.dedent(region).splitlines()
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    body_nodes = tree.body
    docstring = []
    if (body_nodes and isinstance(body_nodes[0], ast.Expr) and isinstance(body_nodes[0].value, ast.Constant)
            and isinstance(body_nodes[0].value.value, str)):
        docstring = lines[body_nodes[0].lineno - 1:body_nodes[0].end_lineno]
        body_nodes = body_nodes[1:]
    if not body_nodes or (len(body_nodes) < 2 and not single):
        return None
    out: list[str] = list(docstring)
    for node in body_nodes:
        if out:
            out.append('')
        if isinstance(node, kinds):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            body = node.body[0]
            if body.lineno <= node.lineno:          # a one-line definition: no header to keep
                return None
            header = lines[start - 1:body.lineno - 1]
            while header and (not header[-1].strip() or header[-1].strip().startswith('#')):
                header.pop()
            indent = ' ' * (body.col_offset if body.col_offset else 4)
            methods = None
            if isinstance(node, ast.ClassDef):      # methods stubbed, so the class defines
                inner = '\n'.join(lines[body.lineno - 1:node.end_lineno])
                methods = definition_stubs(inner, single=True)
            if isinstance(node, ast.ClassDef) and methods is not None:
                out += header + [indent + m if m else m for m in methods]
            else:
                out += header + [indent + line for line in CODE_STUB]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if not all(isinstance(t, ast.Name) for t in targets):
                return None
            out.append('%s = ...  # YOUR CODE HERE' % ' = '.join(t.id for t in targets))
        else:
            return None
    return out


def _in_class(out: list[str], indent: str) -> bool:
    """Whether a region indented by ``indent`` is a class body: the nearest line above it that
    is indented less opens a class."""
    for line in reversed(out):
        if line.strip() and len(line) - len(line.lstrip()) < len(indent):
            return line.lstrip().startswith('class ')
    return False


def _stub_regions(source: str) -> str:
    """``source`` with each solution region replaced by its definition stubs or the plain stub:
    at the top level and in a class body, definitions keep their lines (a single top-level
    literal becomes ``NAME = ...``, for the check to say "not done yet"); in a function's body,
    the plain stub; a ``(no stub)`` region in a class body, nothing."""
    out, region, indent, hidden = [], None, '', False
    for line in source.splitlines():
        if region is None:
            begin = nbs._BEGIN.match(line)
            if begin:
                region, indent, hidden = [], begin.group(1), line.rstrip().endswith(NO_STUB)
            else:
                out.append(line)
        elif nbs._END.match(line):
            text = '\n'.join(region)
            if hidden:
                if not (indent and _in_class(out, indent)):
                    raise ValueError('a %s region must be in a class body' % NO_STUB)
                while out and not out[-1].strip():
                    out.pop()
                stubs = []
            elif not indent:
                stubs = definition_stubs(text) or _constant_stub(text)
            elif _in_class(out, indent):
                stubs = definition_stubs(text, single=True)
            else:
                stubs = None
            out += [indent + s if s else s for s in (CODE_STUB if stubs is None else stubs)]
            region = None
        else:
            region.append(line)
    return '\n'.join(out)


def _constant_stub(region: str) -> list[str] | None:
    """``NAME = ...`` for a region that only assigns one literal (a string, a number, a
    container of them: an answer to write down, not a computation), else None."""
    try:
        tree = ast.parse(textwrap.dedent(region))
        node = tree.body[0] if len(tree.body) == 1 else None
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            return None
        ast.literal_eval(node.value)
    except (SyntaxError, ValueError, TypeError):
        return None
    return definition_stubs(region, single=True)


def strip_source(source: str, cell_type: str = 'code', whole: bool = False) -> str:
    """The student's version of a solution cell's source."""
    stub = CODE_STUB if cell_type == 'code' else TEXT_STUB
    if nbs.has_markers(source):
        replaced = nbs.replace_regions(source, stub)   # validates the markers
        return _stub_regions(source) if cell_type == 'code' else replaced
    if whole:
        return '\n'.join(stub)
    return source


_DIRECTIVE = re.compile(r'^(`{3,}|:{3,})\{admonition\}[ \t]*(.*?)[ \t]*$')
_OPTION = re.compile(r'^:([\w-]+):[ \t]*(.*?)[ \t]*$')


def details_from_dropdowns(source: str) -> str:
    """``source`` (markdown) with each MyST dropdown admonition, a fence of three or more
    backticks (or colons) opening ``{admonition} TITLE`` with ``:class: dropdown`` among its
    options, written as ``<details><summary>TITLE</summary>``, a blank line, its body, a blank
    line and ``</details>``: Jupyter and Colab render the body's Markdown between the blank
    lines and fold it. Dropdowns nested in a dropdown's body are converted too; an admonition
    that is not a dropdown, or a fence left open, stays as it is. Raises ValueError on a
    dropdown with an empty title."""
    lines = source.split('\n')
    out: list[str] = []
    i = 0
    while i < len(lines):
        opening = _DIRECTIVE.match(lines[i])
        if not opening:
            out.append(lines[i])
            i += 1
            continue
        fence, title = opening.groups()
        closing = re.compile(r'^%s{%d,}[ \t]*$' % (re.escape(fence[0]), len(fence)))
        j, options = i + 1, {}
        while j < len(lines) and _OPTION.match(lines[j]):
            name, value = _OPTION.match(lines[j]).groups()
            options[name] = value
            j += 1
        end = next((k for k in range(j, len(lines)) if closing.match(lines[k])), None)
        if end is None or 'dropdown' not in options.get('class', '').split():
            out.append(lines[i])
            i += 1
            continue
        if not title:
            raise ValueError('a dropdown without a title: %r' % lines[i])
        body = details_from_dropdowns('\n'.join(lines[j:end])).strip('\n')
        out += ['<details><summary>%s</summary>' % html.escape(title, quote=False), '']
        out += ([body, ''] if body else []) + ['</details>']
        i = end + 1
    return '\n'.join(out)


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
        if cell.get('cell_type') == 'markdown':
            try:
                cell['source'] = details_from_dropdowns(cell['source'])
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
