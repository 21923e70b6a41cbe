"""Run a d2l-zh v1 chapter's code blocks as written, on minigluon, and count the blocks that run.

    pip install d2lzh==1.0.0 --no-deps pandas
    git clone https://github.com/d2l-ai/d2l-zh && git -C d2l-zh checkout v1.0.0
    python scripts/run_d2l_chapter.py d2l-zh chapter_deep-learning-basics [--ref v1.0.0]

``D2L`` is a d2l-zh checkout (a work tree, or a bare git directory with ``--ref``). The
sections run in the order of the chapter's index.md, each in a fresh namespace in a scratch
directory beside a copy of the repository's ``data/`` (d2l's ``../data/...`` paths), after
``minigluon.install_mxnet_alias()``, so ``import mxnet`` and the real ``d2lzh`` package
import minigluon. Two things differ from a reader's machine, and the script says so:

* no network: ``gluon.data.vision.FashionMNIST`` gives synthetic images of Fashion-MNIST's
  shapes and dtypes (28x28x1 uint8, int32 labels; ``--examples`` of them, each class a
  blurred template plus noise, so that training learns something);
* the fixes listed in ENVIRONMENT_FIXES, for idioms of 2019 that current IPython, NumPy and
  pandas refuse (the book's compatibility page lists them); a block that needed one is marked.

Block-ending expressions are printed as Jupyter would; figures go to the Agg backend. A block
that fails is reported with its error; one that fails only because minigluon has no
``gluon.data`` yet (or follows such a block in its section) is counted apart. The exit status
is 0 only if every block ran.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback

import matplotlib

matplotlib.use('Agg')

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

_MAGIC = re.compile(r'^(\s*)(?:%[A-Za-z]|!).*$', re.M)  # IPython line magics, shell escapes
_BLOCK = re.compile(r'^```\{\.python \.input[^}]*\}\n(.*?)^```', re.M | re.S)
_TOC = re.compile(r'toctree::.*?\n\n(.*?)\n\n', re.S)

# (what fails on current IPython / NumPy, the source it appears in, its replacement)
ENVIRONMENT_FIXES = [
    ("NumPy 2: '%f' % array([x]) (a 1-element array is no longer a scalar)",
     re.compile(r'\.mean\(\)\.asnumpy\(\)'), '.mean().asscalar()'),
    ("pandas 3: text columns have dtype str, no longer object",
     re.compile(r"\.dtypes != 'object'"), '.dtypes.map(pd.api.types.is_numeric_dtype)'),
]


def git_or_file(d2l: str, ref: str | None, path: str) -> str:
    if ref is None:
        with open(os.path.join(d2l, path), encoding='utf-8') as f:
            return f.read()
    return subprocess.run(['git', '--git-dir', _git_dir(d2l), 'show', '%s:%s' % (ref, path)],
                          check=True, capture_output=True, text=True).stdout


def _git_dir(d2l: str) -> str:
    return os.path.join(d2l, '.git') if os.path.isdir(os.path.join(d2l, '.git')) else d2l


def copy_data(d2l: str, ref: str | None, target: str) -> None:
    """The repository's data/ folder (house prices, ...) as ``target``; from git, the files
    the clone has (a shallow or partial one may lack some large ones)."""
    if ref is None:
        shutil.copytree(os.path.join(d2l, 'data'), target)
        return
    git = ['git', '--git-dir', _git_dir(d2l)]
    names = subprocess.run(git + ['ls-tree', '-r', '--name-only', ref, 'data'], check=True,
                           capture_output=True, text=True).stdout.split()
    for name in names:
        blob = subprocess.run(git + ['cat-file', 'blob', '%s:%s' % (ref, name)], capture_output=True)
        if blob.returncode == 0:
            path = os.path.join(target, os.path.relpath(name, 'data'))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'wb') as f:
                f.write(blob.stdout)


def sections(d2l: str, ref: str | None, chapter: str) -> list[tuple[str, list[str]]]:
    """[(section, its code blocks)] in the order of the chapter's table of contents."""
    toc = _TOC.search(git_or_file(d2l, ref, chapter + '/index.md')).group(1).split()
    return [(name, _BLOCK.findall(git_or_file(d2l, ref, '%s/%s.md' % (chapter, name))))
            for name in toc]


def fix_environment() -> None:
    """IPython 8 removed display.set_matplotlib_formats (d2lzh.use_svg_display calls it)."""
    from IPython import display
    if not hasattr(display, 'set_matplotlib_formats'):
        from matplotlib_inline.backend_inline import set_matplotlib_formats
        display.set_matplotlib_formats = set_matplotlib_formats


def synthetic_fashion_mnist(examples: tuple[int, int]):
    """A FashionMNIST(root=..., train=True, transform=None) that needs no download."""
    import numpy as np
    from mxnet import nd
    from mxnet.gluon import data as gdata

    templates = np.random.RandomState(0).randint(0, 256, (10, 7, 7)).repeat(4, 1).repeat(4, 2)

    class FashionMNIST(gdata.ArrayDataset):
        """Synthetic stand-in: Fashion-MNIST's shapes and dtypes, no download."""

        def __init__(self, root=None, train=True, transform=None):
            rng = np.random.RandomState(1 if train else 2)
            n = examples[0 if train else 1]
            labels = rng.randint(0, 10, n).astype(np.int32)
            noise = rng.randint(-64, 64, (n, 28, 28))
            images = np.clip(templates[labels] + noise, 0, 255).astype(np.uint8)[..., None]
            super().__init__(nd.array(images, dtype='uint8'), labels)
            if transform is not None:
                raise NotImplementedError('transform=: use transform_first, as d2l does')

    return FashionMNIST


_NO_GLUON_DATA = re.compile(r"cannot import name '(data|utils)' from 'minigluon\.gluon'|"
                            r"No module named 'mxnet\.gluon\.(data|utils)")


def _is_missing_gluon_data(error: BaseException) -> bool:
    return isinstance(error, ImportError) and _NO_GLUON_DATA.search(str(error)) is not None


def run_block(code: str, namespace: dict) -> None:
    """exec ``code``; print the value of a final expression as Jupyter shows it."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, '<block>', 'exec'), namespace)
    if last is not None:
        value = eval(compile(ast.Expression(last.value), '<block>', 'eval'), namespace)
        if value is not None and not code.rstrip().endswith(';'):
            print(repr(value))


def run_section(section: str, blocks: list[str], quiet: bool) -> list[tuple[str, str]]:
    """Run one section's blocks in one namespace; [(where, 'ran'|'fixed'|'blocked'|'failed')]."""
    from matplotlib import pyplot as plt
    namespace = {'__name__': '__main__'}
    section_blocked = False
    outcomes = []
    for number, code in enumerate(blocks, 1):
        where = '%s block %d' % (section, number)
        code = _MAGIC.sub(r'\1pass', code)
        needed = [why for why, pattern, _ in ENVIRONMENT_FIXES if pattern.search(code)]
        for _, pattern, replacement in ENVIRONMENT_FIXES:
            code = pattern.sub(replacement, code)
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                run_block(code, namespace)
        except Exception as error:  # noqa: BLE001 - report every block's failure and go on
            message = traceback.format_exception_only(error)[-1].strip()
            section_blocked = section_blocked or _is_missing_gluon_data(error)
            outcome = 'blocked' if section_blocked else 'failed'
            status = ('NEEDS gluon.data: ' if section_blocked else 'FAILED: ') + message
        else:
            outcome = 'fixed' if needed else 'ran'
            status = 'ok' + (' (with the fix for %s)' % '; '.join(needed) if needed else '')
        finally:
            plt.close('all')
        outcomes.append((where, outcome))
        print('%s: %s' % (where, status))
        if not quiet and printed.getvalue():
            print('    ' + printed.getvalue().rstrip().replace('\n', '\n    '))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('d2l', help='a d2l-zh checkout (work tree, or git directory with --ref)')
    parser.add_argument('chapter', help='e.g. chapter_deep-learning-basics')
    parser.add_argument('--ref', help='read the files at this git ref (e.g. v1.0.0)')
    parser.add_argument('--examples', type=int, nargs=2, default=(6000, 1000), metavar=('TRAIN', 'TEST'),
                        help='synthetic Fashion-MNIST sizes (the real one: 60000 10000)')
    parser.add_argument('--quiet', action='store_true', help="don't print the blocks' output")
    args = parser.parse_args(argv)

    import minigluon
    minigluon.install_mxnet_alias()
    fix_environment()
    try:
        from mxnet.gluon.data import vision
    except ImportError:
        print('note: minigluon has no gluon.data.vision yet; blocks that need it are counted apart')
    else:
        vision.FashionMNIST = synthetic_fashion_mnist(tuple(args.examples))

    scratch = tempfile.mkdtemp(prefix='d2l-')
    copy_data(args.d2l, args.ref, os.path.join(scratch, 'data'))
    os.makedirs(os.path.join(scratch, args.chapter))
    os.chdir(os.path.join(scratch, args.chapter))
    total, ran, fixed, blocked, failed = 0, 0, [], [], []
    for section, blocks in sections(args.d2l, args.ref, args.chapter):
        # each section is a notebook of its own: a fresh namespace, seed and block names
        minigluon.random.seed(0)
        with minigluon.name.NameManager():
            outcomes = run_section(section, blocks, quiet=args.quiet)
        for where, outcome in outcomes:
            total += 1
            ran += outcome in ('ran', 'fixed')
            {'fixed': fixed, 'blocked': blocked, 'failed': failed}.get(outcome, []).append(where)
    print('\n%d of %d blocks ran (%d with an environment fix: %s)'
          % (ran, total, len(fixed), ', '.join(fixed) or 'none'))
    if blocked:
        print('%d failed only because minigluon has no gluon.data yet: %s'
              % (len(blocked), ', '.join(blocked)))
    if failed:
        print('%d failed otherwise: %s' % (len(failed), ', '.join(failed)))
    os.chdir(ROOT)
    shutil.rmtree(scratch)
    return 0 if ran == total else 1


if __name__ == '__main__':
    sys.exit(main())
