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
           'codeop', 'marshal', 'pickle', 'types', 'pdb', 'pkgutil', 'zipimport', 'site', 'timeit',
           'shelve', 'copyreg', 'dill', 'joblib', 'cloudpickle', 'operator'}
NAMES = {'get_ipython', '__import__', 'exec', 'eval', 'compile', 'globals', 'locals', 'vars',
         'breakpoint', '__builtins__', 'publish_display_data', 'delattr'}
ATTRIBUTES = {'_getframe', 'f_globals', 'f_locals', 'f_back', 'f_builtins', 'tb_frame', 'gi_frame',
              'cr_frame', 'ag_frame', '__globals__', '__subclasses__', '__builtins__', '__code__',
              '__closure__', '__import__', '__dict__', '__loader__', '__spec__', 'set_custom_exc',
              'register_magics', 'display_pub', 'iopub_socket', 'ast_transformers',
              'input_transformers_post', 'input_transformers_cleanup', 'read_pickle'}
# The dunder attributes a student's cell may use (a Block's __init__ and __setattr__, names,
# operators); any other (__self__, __func__, __wrapped__, ...) leads to the interpreter's insides.
OPERATORS = ('add', 'sub', 'mul', 'truediv', 'floordiv', 'mod', 'pow', 'matmul', 'neg', 'pos',
             'abs', 'eq', 'ne', 'lt', 'le', 'gt', 'ge')
DUNDERS = ({'__init__', '__setattr__', '__getattr__', '__new__', '__call__', '__name__',
            '__qualname__', '__module__', '__class__', '__doc__', '__version__', '__repr__',
            '__str__', '__len__', '__getitem__', '__setitem__', '__delitem__', '__iter__',
            '__next__', '__contains__', '__enter__', '__exit__', '__hash__', '__bool__',
            '__float__', '__int__', '__array__'}
           | {'__%s%s__' % (prefix, op) for op in OPERATORS for prefix in ('', 'r', 'i')})
ACCESSORS = ('getattr', 'setattr', 'delattr', 'hasattr')
SYS_NAMES = {'modules', '_getframe', 'settrace', 'setprofile', 'addaudithook', 'meta_path',
             'path_hooks', '_current_frames', 'exc_info', 'exception', 'path'}   # sys.NAME
REPLACED = {'report', 'observe', 'judges', 'exercise', 'MIME'}   # flagged where assigned or deleted
RESERVED = {'__globals__', '__builtins__', '__import__', '__dict__', '__code__', '__closure__',
            '__subclasses__', '__base__', '__bases__', '__mro__', '__getattribute__', '__loader__',
            '__spec__', '__self__', '__func__', '__module__'}
TEXT = ('minigluon_workbook', 'vnd.minigluon-workbook', 'observation+json')
# magics a student may use, each with what its line may say: timing, plotting, help, capture
# (the timed or captured code is scanned too), installing, reloading, figure formats
MAGICS = {'time': '.*', 'timeit': '.*', 'matplotlib': '.*', 'pinfo': '.*', 'pinfo2': '.*',
          'capture': r'[\w -]*', 'who': r'[\w ]*', 'whos': r'[\w ]*', 'pip': '.*',
          'autoreload': r'[\w -]*', 'load_ext': 'autoreload',
          'config': r'InlineBackend\.\w+ *= *[\w\'". ]*'}
MAX_LINES, MAX_CHARS, MAX_MAGICS = 2000, 200_000, 20            # per cell: larger is not read
MAX_CODE = 2_000_000     # characters of a notebook's own code cells together: more is not read
MAGIC_LINE = re.compile(r'^[ \t]*[%!]', re.M)   # [ \t], not \s: \s spans lines (quadratic)
CHECK_MODULE = re.compile(r'ch\d\d|check_\w+')   # what a check cell binds


def _python(source: str) -> str:
    """``source`` as IPython runs it: magics, ``!shell``, ``x?``, prompts and a common
    indentation turned into Python, on every line (an assignment ``x = %time 0`` too)."""
    from IPython.core.inputtransformer2 import TransformerManager
    return TransformerManager().transform_cell(source)


def _parse(source: str) -> ast.Module | None:
    """The cell's syntax tree as IPython compiles it (top-level ``await`` allowed); None where
    IPython could not compile it either, so that nothing of it runs."""
    try:
        return compile(_python(source), '<cell>', 'exec',
                       ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    except SyntaxError:
        return None


def _root(node) -> str:
    """The name an attribute chain starts from: ``ch01`` for ``ch01.check_1.observe``."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return getattr(node, 'id', '')


def _module_level_stores(tree):
    """The ids of the names a cell assigns in the notebook's globals (not in a def or class)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            yield id(node)
        todo += list(ast.iter_child_nodes(node))


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
    if any(alias.asname for alias in node.names):   # under another name the scan would lose it
        return False
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


def _tree(source: str) -> ast.Module | None:
    """The cell's syntax tree, or None where it is too long or cannot be read (findings
    refuses such a cell on its own)."""
    if len(source) > MAX_CHARS:
        return None
    try:
        return _parse(source)
    except Exception:  # noqa: BLE001 - see findings
        return None


def _imports(tree: ast.Module) -> set:
    """The names that the imports in ``tree`` bind (modules, and classes such as Parameter)."""
    return {(a.asname or a.name).split('.')[0] for n in ast.walk(tree)
            if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}


def findings(source: str, imported: frozenset = frozenset()) -> list[str]:
    """What in one cell's ``source`` reaches into the grader (empty when nothing does);
    ``imported``: names the notebook's imports bind, whose attributes a cell may not change."""
    if source.count('\n') > MAX_LINES or len(source) > MAX_CHARS:
        return ['a cell longer than %d lines or %d characters' % (MAX_LINES, MAX_CHARS)]
    if len(MAGIC_LINE.findall(source)) > MAX_MAGICS:   # IPython re-reads a cell per magic
        return ['more than %d magic or shell lines in a cell' % MAX_MAGICS]
    try:
        tree = _parse(source)
    except Exception as err:  # noqa: BLE001 - a cell the scan cannot read is not trusted
        return ['a cell the scan cannot read (%s)' % type(err).__name__]
    if tree is None:
        return []   # IPython cannot compile it either: it raises SyntaxError and runs nothing
    allowed, found, called = set(), [], set()
    patched = imported | _imports(tree) | {'type'}   # what may not be monkeypatched
    module_level, monkeypatched = set(_module_level_stores(tree)), []
    sys_names = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.Import)
                 for a in n.names if a.name == 'sys'}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            kind = _ipython_call(node)
            arguments = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if (kind in ('run_line_magic', 'run_cell_magic') and len(arguments) >= 2
                    and arguments[0] in MAGICS and re.fullmatch(MAGICS[arguments[0]], arguments[1])):
                allowed.add(id(node.func.value.func))
                if arguments[0] == 'pip':
                    found += ['%pip on /box or /proc' for text in arguments if re.search(r'/(box|proc)\b', text)]
                else:
                    found += [f for text in arguments[1:] for f in findings(text)]   # the timed code too
            elif kind in ('system', 'getoutput'):   # !shell: fine, unless it goes where the grader is
                allowed.add(id(node.func.value.func))
                found += ['a shell command on /box or /proc' for text in arguments
                          if re.search(r'(^|[\s=<>"\'])/(box|proc)\b', text)]
                found += ['%r' % t for text in arguments for t in TEXT if t in text]
            name = getattr(node.func, 'id', '')
            target = _root(node.args[0]) if node.args else ''
            # a check module's names are no student's business, computed or not
            if ((name in ACCESSORS and CHECK_MODULE.fullmatch(target))
                    or (name in ('setattr', 'delattr') and target in patched)):
                found.append('%s on %s' % (name, target))
            if name in ACCESSORS:
                called.add(id(node.func))
            if name in ACCESSORS and len(node.args) >= 2:
                attribute = node.args[1]
                if isinstance(attribute, ast.Constant) and attribute.value in RESERVED | REPLACED | SYS_NAMES:
                    found.append('%s of %s' % (name, attribute.value))
                elif not (isinstance(attribute, ast.Constant) and isinstance(attribute.value, str)) \
                        and getattr(node.args[0], 'id', '') not in ('self', 'cls'):
                    # a name made at run time reaches any attribute (print's __self__ is builtins)
                    found.append('%s with a name computed at run time (only on self)' % name)
            if any(k.arg == 'allow_pickle' for k in node.keywords):   # unpickling runs code
                found.append('allow_pickle')
            if name == 'display' and (node.keywords or any(isinstance(a, ast.Dict) for a in node.args)):
                found.append('display of raw data')
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and not _book_import(node):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or '']
            found += ['import %s' % n for n in names if n.split('.')[0] in MODULES]
            if isinstance(node, ast.ImportFrom) and node.module == 'sys':
                found += ['sys.%s' % a.name for a in node.names if a.name in SYS_NAMES]
        elif isinstance(node, ast.Name) and (node.id in NAMES or 'minigluon_workbook' in node.id) \
                and id(node) not in allowed:
            found.append(node.id)
        elif isinstance(node, ast.Name) and node.id in ACCESSORS and id(node) not in called:
            found.append('%s passed as a value' % node.id)   # map(getattr, ...) hides the name
        elif isinstance(node, ast.Name) and id(node) in module_level and re.fullmatch(r'__\w+__', node.id):
            found.append('%s assigned' % node.id)   # __name__ = 'minigluon...' spoofs a caller
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.arg,
                               ast.Global, ast.Nonlocal, ast.alias)):
            defined = (node.names if isinstance(node, (ast.Global, ast.Nonlocal)) else
                       [node.asname if isinstance(node, ast.alias) else
                        node.arg if isinstance(node, ast.arg) else node.name])
            found += ['%s defined' % n for n in defined
                      if isinstance(n, str) and (n in NAMES or 'minigluon_workbook' in n or (
                          isinstance(node, (ast.Global, ast.alias)) and re.fullmatch(r'__\w+__', n)))]
        elif isinstance(node, ast.Attribute):
            if node.attr in ATTRIBUTES or (node.attr in REPLACED and not isinstance(node.ctx, ast.Load)):
                found.append('.' + node.attr)
            elif CHECK_MODULE.fullmatch(_root(node)) and (
                    not isinstance(node.ctx, ast.Load) or node.attr.startswith('_')):
                found.append('%s of %s' % ('the private .' + node.attr if isinstance(node.ctx, ast.Load)
                                           else 'a change to .' + node.attr, _root(node)))
            elif not isinstance(node.ctx, ast.Load) and _root(node) in patched:
                monkeypatched.append(ast.unparse(node)[:40])
            elif node.attr in SYS_NAMES and getattr(node.value, 'id', '') in sys_names:
                found.append('sys.' + node.attr)
            elif re.fullmatch(r'__\w+__', node.attr) and node.attr not in DUNDERS:
                found.append('.' + node.attr)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            joined = _constant_text(node)   # 'obs' + 'erve'
            if joined is not None and _reserved(joined):
                found.append('%r spelt in pieces' % joined[:30])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += ['%r' % t for t in TEXT if t in node.value]
            dunders = re.findall(r'__[A-Za-z]\w*', node.value)
            if any(d in RESERVED or not re.fullmatch(r'__[a-z]+__', d) for d in dunders):
                found.append('a string holding %r' % dunders[0][:20])
            if re.match(r'\s*/(box|proc)\b', node.value):
                found.append('a path in /box or /proc')
    if monkeypatched:
        found.append('monkeypatching (%s)' % ', '.join(sorted(set(monkeypatched))[:3]))
    return sorted(set(found))


def scan(submission, teacher) -> str:
    """Why the submission's own cells can't be trusted ('' when they can): the first cell, by
    number, that reaches into the grader, and what it uses."""
    theirs = {cell.get('source', '') for cell in teacher.cells if cell.get('cell_type') == 'code'}
    trees = {source: _tree(source) for source in theirs}
    # a teacher's cell, or one that does the same with other comments or spacing (its tree's dump)
    same = set(trees) | {ast.dump(tree) for tree in trees.values() if tree is not None}
    own = [(number, cell.get('source', '')) for number, cell in enumerate(submission.cells, 1)
           if cell.get('cell_type') == 'code' and cell.get('source', '') not in same]
    if sum(len(source) for _, source in own) > MAX_CODE:
        return ('its own code cells hold more than %d characters, more than the scan reads '
                '(ask your teacher if this is a mistake)' % MAX_CODE)
    trees.update((source, _tree(source)) for _, source in own)
    imported = frozenset().union(*(_imports(tree) for tree in trees.values() if tree is not None))
    for number, source in own:
        if trees[source] is not None and ast.dump(trees[source]) in same:
            continue
        found = findings(source, imported)
        if found:
            first = next((line.strip() for line in source.splitlines() if line.strip()), '')
            instead = ('; to set an attribute past your own __setattr__, call '
                       'object.__setattr__(self, name, value)' if '.__dict__' in found else '')
            return ('cell %d uses %s, which no exercise needs and the grader reserves for itself%s '
                    '(counting every cell from 1, it is the one that begins %r; ask your teacher if '
                    'this is a mistake)' % (number, ', '.join(found[:5]), instead, first[:60]))
    return ''
