"""The package's layout: modules import one another in one direction only."""
import ast
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


def test_mxnets_arrangement_of_random():
    # as in MXNet: the samplers live in mx.nd.random, mx.random seeds them (and re-exports)
    assert minigluon.nd.random.uniform.__module__ == 'minigluon.ndarray.random'
    assert minigluon.random.seed.__module__ == 'minigluon.random'
    assert minigluon.random.uniform is minigluon.nd.random.uniform
