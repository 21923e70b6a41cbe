"""The package's layout: modules import one another in one direction only."""
import ast
import importlib
import types
from pathlib import Path

import minigluon

PACKAGE = Path(minigluon.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix('').parts
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def _imports() -> dict:
    """{module: the minigluon modules it imports}, read from the source (relative imports)."""
    paths = {_module_name(p): p for p in PACKAGE.rglob('*.py')}
    graph = {}
    for name, path in paths.items():
        package = name if path.name == '__init__.py' else name.rsplit('.', 1)[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split('.')[:len(package.split('.')) - node.level + 1]
                target = '.'.join(base + ([node.module] if node.module else []))
                submodules = {target + '.' + a.name for a in node.names} & paths.keys()
                found |= submodules or ({target} & paths.keys())
        graph[name] = found - {name}
    return graph


def test_no_import_cycles():
    # a package's __init__ importing its own submodules is not a cycle of the code's layers
    graph = {m: {d for d in deps if not (PACKAGE / Path(*d.split('.')[1:]) / '__init__.py').exists()}
             for m, deps in _imports().items()}
    done, on_path = set(), []

    def visit(module):
        if module in on_path:
            raise AssertionError('import cycle: ' + ' -> '.join(on_path[on_path.index(module):] + [module]))
        if module in done or module not in graph:
            return
        on_path.append(module)
        for dep in sorted(graph[module]):
            visit(dep)
        on_path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def _module_globals_set_from_outside(module_name: str, tree: ast.AST) -> list:
    """``other_module.name = ...`` (or ``setattr(other_module, ...)``) in ``tree``: one module
    filling in another's global, an import cycle in disguise."""
    module = importlib.import_module(module_name)
    modules = {name for name, value in vars(module).items() if isinstance(value, types.ModuleType)}
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            targets = [t.value for t in targets if isinstance(t, ast.Attribute)]
        elif isinstance(node, ast.Call) and getattr(node.func, 'id', None) == 'setattr':
            targets = node.args[:1]
        found += ['%s:%d' % (module_name, node.lineno) for t in targets
                  if isinstance(t, ast.Name) and t.id in modules]
    return found


def test_no_module_fills_in_another_modules_globals():
    found = []
    for path in PACKAGE.rglob('*.py'):
        found += _module_globals_set_from_outside(_module_name(path),
                                                  ast.parse(path.read_text(encoding='utf-8')))
    assert found == []


def test_the_check_catches_a_global_filled_in_from_another_module():
    tree = ast.parse('from . import ops\nops.NDArray = object\nsetattr(ops, "x", 1)\n')
    assert _module_globals_set_from_outside('minigluon.ndarray', tree) == [
        'minigluon.ndarray:2', 'minigluon.ndarray:3']


def test_ops_import_the_array_class_not_the_other_way_round():
    imports = _imports()
    assert 'minigluon.ndarray.ndarray' in imports['minigluon.ndarray.ops']
    assert 'minigluon.ndarray.ops' not in imports['minigluon.ndarray.ndarray']
    assert minigluon.nd.NDArray.__add__ is minigluon.nd.add
    assert minigluon.nd.NDArray.sum is minigluon.nd.sum


def test_mxnets_arrangement_of_random():
    # as in MXNet: the samplers live in mx.nd.random, mx.random seeds them (and re-exports)
    assert minigluon.nd.random.uniform.__module__ == 'minigluon.ndarray.random'
    assert minigluon.random.seed.__module__ == 'minigluon.random'
    assert minigluon.random.uniform is minigluon.nd.random.uniform
