"""A look at the student's own cells before they run: code that reaches into the grader.

No exercise needs the checks' machinery, the kernel's internals or the interpreter's back
doors, but a forged observation does (replacing ``checks.report`` or a check's ``observe``,
hooking IPython's events, publishing raw display data, walking frames, globals or
``sys.modules``, computing attribute names). A submission whose own cells (those that differ
from every cell of its teacher edition) use any of them is not graded, and the row says which
cell and what. This is a second line, not the first: the first is that nothing in the sandbox
computes an expected value; code obfuscated past this scan still has to produce data that the
judges recompute from a seed it sees only as the check runs.
"""
from __future__ import annotations

import ast
import re

MODULES = {'minigluon_workbook', 'IPython', 'ipykernel', 'jupyter_client', 'zmq', 'comm',
           'importlib', 'ctypes', 'gc', 'inspect', 'builtins', 'traitlets', 'runpy', 'code',
           'codeop', 'marshal', 'pickle', 'types', 'pdb'}
NAMES = {'get_ipython', '__import__', 'exec', 'eval', 'compile', 'globals', 'locals', 'vars',
         'breakpoint', '__builtins__', 'publish_display_data', 'delattr'}
ATTRIBUTES = {'_getframe', 'f_globals', 'f_locals', 'f_back', 'f_builtins', 'tb_frame', 'gi_frame',
              'cr_frame', 'ag_frame', '__globals__', '__subclasses__', '__builtins__', '__code__',
              '__closure__', '__import__', '__dict__', '__loader__', '__spec__', 'set_custom_exc',
              'register_magics', 'display_pub', 'iopub_socket', 'ast_transformers',
              'input_transformers_post', 'input_transformers_cleanup'}
REPLACED = {'report', 'observe', 'judges', 'exercise', 'MIME'}   # flagged where assigned or deleted
RESERVED = {'__globals__', '__builtins__', '__import__', '__dict__', '__code__', '__closure__',
            '__subclasses__', '__base__', '__bases__', '__mro__', '__getattribute__', '__loader__',
            '__spec__', '__self__', '__func__', '__module__'}
TEXT = ('minigluon_workbook', 'vnd.minigluon-workbook', 'observation+json')
MAGICS = {'time', 'timeit', 'matplotlib', 'pinfo', 'pinfo2'}      # timing, plotting, help
MAX_LINES, MAX_CHARS, MAX_MAGICS = 2000, 200_000, 20            # per cell: larger is not read


def _python(source: str) -> str:
    """``source`` with IPython's syntax (magics, ``!shell``, ``x?``) turned into Python calls."""
    if not re.search(r'^\s*[%!]|\?\s*$', source, re.M):
        return source
    from IPython.core.inputtransformer2 import TransformerManager
    return TransformerManager().transform_cell(source)


def _ipython_call(node: ast.Call) -> str:
    """``get_ipython().NAME(...)``: NAME, else ''."""
    func = node.func
    if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call)
            and getattr(func.value.func, 'id', '') == 'get_ipython'):
        return func.attr
    return ''


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


def _constant_text(node) -> str | None:
    """The text a ``+`` of string constants spells, or None if any piece is not constant."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _constant_text(node.left), _constant_text(node.right)
        return None if left is None or right is None else left + right
    return None


def _reserved(text: str) -> bool:
    """Whether ``text`` names something this scan looks for."""
    words = set(re.findall(r'\w+', text))
    return bool(words & (NAMES | ATTRIBUTES | REPLACED | RESERVED | MODULES | {'modules'})
                or any(t in text for t in TEXT))


def findings(source: str) -> list[str]:
    """What in one cell's ``source`` reaches into the grader (empty when nothing does)."""
    if source.count('\n') > MAX_LINES or len(source) > MAX_CHARS:
        return ['a cell longer than %d lines or %d characters' % (MAX_LINES, MAX_CHARS)]
    if len(re.findall(r'^\s*[%!]', source, re.M)) > MAX_MAGICS:   # IPython re-reads a cell per magic
        return ['more than %d magic or shell lines in a cell' % MAX_MAGICS]
    try:
        tree = ast.parse(_python(source))
    except (SyntaxError, ValueError, RecursionError):
        return []   # it cannot run either
    allowed, found = set(), []
    sys_names = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.Import)
                 for a in n.names if a.name == 'sys'}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            kind = _ipython_call(node)
            arguments = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if kind in ('run_line_magic', 'run_cell_magic') and arguments and arguments[0] in MAGICS:
                allowed.add(id(node.func.value.func))
                found += [f for text in arguments[1:] for f in findings(text)]   # the timed code too
            elif kind in ('system', 'getoutput'):   # !shell: fine, unless it goes where the grader is
                allowed.add(id(node.func.value.func))
                found += ['a shell command on /box or /proc' for text in arguments
                          if re.search(r'(^|[\s=<>"\'])/(box|proc)\b', text)]
                found += ['%r' % t for text in arguments for t in TEXT if t in text]
            name = getattr(node.func, 'id', '')
            if name in ('getattr', 'setattr', 'hasattr') and len(node.args) >= 2:
                attribute = node.args[1]
                if isinstance(attribute, ast.Constant) and attribute.value in RESERVED | REPLACED:
                    found.append('%s of %s' % (name, attribute.value))
            if name == 'display' and (node.keywords or any(isinstance(a, ast.Dict) for a in node.args)):
                found.append('display of raw data')
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and not _book_import(node):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or '']
            found += ['import %s' % n for n in names if n.split('.')[0] in MODULES]
        elif isinstance(node, ast.Name) and node.id in NAMES and id(node) not in allowed:
            found.append(node.id)
        elif isinstance(node, ast.Attribute):
            if node.attr in ATTRIBUTES or (node.attr in REPLACED and not isinstance(node.ctx, ast.Load)):
                found.append('.' + node.attr)
            elif node.attr == 'modules' and getattr(node.value, 'id', '') in sys_names:
                found.append('sys.modules')
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            joined = _constant_text(node)   # 'obs' + 'erve'
            if joined is not None and _reserved(joined):
                found.append('%r spelt in pieces' % joined[:30])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += ['%r' % t for t in TEXT if t in node.value]
            dunders = re.findall(r'__\w*', node.value)
            if any(d in RESERVED or not re.fullmatch(r'__[a-z]+__', d) for d in dunders):
                found.append('a string holding %r' % dunders[0][:20])
            if re.match(r'\s*/(box|proc)\b', node.value):
                found.append('a path in /box or /proc')
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
