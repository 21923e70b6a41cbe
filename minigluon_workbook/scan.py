"""A look at the student's own cells before they run: code that reaches into the grader.

No exercise needs the checks' machinery, the kernel's internals or the interpreter's back
doors, but a forged observation does (replacing ``checks.report``, hooking IPython's events,
publishing raw display data, walking frames or ``sys.modules``). A submission whose own cells
(those that differ from every cell of its teacher edition) use any of them is not graded, and
the row says which cell and what. This is a second line, not the first: the first is that
nothing in the sandbox computes an expected value, and code obfuscated past this scan still
has to produce data the judges recompute from a seed it sees only as the check runs.
"""
from __future__ import annotations

import ast
import re

MODULES = {'minigluon_workbook', 'IPython', 'ipykernel', 'jupyter_client', 'zmq', 'comm',
           'importlib', 'ctypes', 'gc', 'inspect', 'builtins', 'traitlets', 'runpy', 'code'}
NAMES = {'get_ipython', '__import__', 'exec', 'eval', 'compile', 'globals', 'breakpoint',
         '__builtins__', 'display', 'publish_display_data'}
ATTRIBUTES = {'modules', '_getframe', 'f_globals', 'f_locals', 'f_back', 'f_builtins', 'tb_frame',
              'gi_frame', 'cr_frame', '__globals__', '__subclasses__', '__builtins__', '__code__',
              '__closure__', '__import__', 'report', 'observe', 'MIME', 'events', 'set_custom_exc',
              'register_magics', 'display_pub', 'iopub_socket', 'kernel', 'ast_transformers',
              'input_transformers_post', 'input_transformers_cleanup', 'user_ns', 'run_cell'}
TEXT = ('minigluon_workbook', 'minigluon-workbook', '/box', '/proc', 'observation+json')
MAGICS = {'time', 'timeit'}   # what a chapter teaches: timing a cell


def _python(source: str) -> str:
    """``source`` with IPython's syntax (magics, ``!shell``) turned into Python calls."""
    from IPython.core.inputtransformer2 import TransformerManager
    return TransformerManager().transform_cell(source)


def _magic(node: ast.Call) -> bool:
    """``get_ipython().run_line_magic('timeit', ...)``: a magic a chapter allows."""
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr in ('run_line_magic', 'run_cell_magic')
            and isinstance(func.value, ast.Call) and getattr(func.value.func, 'id', '') == 'get_ipython'
            and bool(node.args) and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in MAGICS)


def _book_import(node) -> bool:
    """An import the chapters' own cells make: a chapter's checks, show_source, draw_tape."""
    checks = r'minigluon_workbook\.checks(\.ch\d\d)?'
    if isinstance(node, ast.Import):
        return all(re.fullmatch(r'minigluon_workbook\.checks\.ch\d\d', alias.name) and not alias.asname
                   for alias in node.names)
    names = [alias.name for alias in node.names]
    return not node.level and (
        (re.fullmatch(checks, node.module or '') and all(re.fullmatch(r'ch\d\d|check_\w+', n) for n in names))
        or (node.module == 'minigluon_workbook' and names == ['show_source'])
        or (node.module == 'minigluon_workbook.graph' and names == ['draw_tape']))


def findings(source: str) -> list[str]:
    """What in one cell's ``source`` reaches into the grader (empty when nothing does)."""
    try:
        tree = ast.parse(_python(source))
    except (SyntaxError, ValueError):
        return []   # it cannot run either
    allowed = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _magic(node):
            allowed.add(id(node.func.value.func))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and not _book_import(node):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or '']
            found += ['import %s' % n for n in names if n.split('.')[0] in MODULES]
        elif isinstance(node, ast.Name) and node.id in NAMES and id(node) not in allowed:
            found.append(node.id)
        elif isinstance(node, ast.Attribute) and node.attr in ATTRIBUTES:
            found.append('.' + node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += ['%r' % t for t in TEXT if t in node.value]
    return sorted(set(found))


def scan(submission, teacher) -> str:
    """Why the submission's own cells can't be trusted ('' when they can): the first cell, by
    number, that reaches into the grader, and what it uses."""
    theirs = {cell.get('source', '') for cell in teacher.cells if cell.get('cell_type') == 'code'}
    for number, cell in enumerate(submission.cells, 1):
        if cell.get('cell_type') != 'code' or cell.get('source', '') in theirs:
            continue
        found = findings(cell.get('source', ''))
        if found:
            return ('cell %d uses %s, which no exercise needs and the grader reserves for itself '
                    '(ask your teacher if this is a mistake)' % (number, ', '.join(found[:5])))
    return ''
