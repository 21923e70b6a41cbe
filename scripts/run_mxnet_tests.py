"""Run Apache MXNet's own Python unit tests on minigluon, and sort every test into passed,
unsupported (it uses what minigluon deliberately leaves out) and failed (a real difference).

    git clone https://github.com/apache/mxnet && git -C mxnet checkout 1.9.1
    python scripts/run_mxnet_tests.py mxnet [--ref 1.9.1] [test_gluon.py ...]

``MXNET`` is an MXNet checkout (a work tree, or a bare git directory with ``--ref``). The test
files (by default DEFAULT_FILES, those of the API minigluon re-implements), their helper
``common.py`` and ``tests/python/common/`` are copied, unchanged, into a scratch directory and
run there by pytest in a subprocess that loads this file as a plugin: it calls
``minigluon.install_mxnet_alias()``, so ``import mxnet`` imports minigluon. Three things help
a test file import at all, and the report says which names needed them:

* a name a test file imports at its top that minigluon lacks (``mxnet.ndarray.sparse``,
  ``from mxnet.util import use_np``) is bound to a stand-in that raises NotImplementedError
  when a test uses it, so only the tests that use it fail;
* ``nose.tools`` (MXNet 1.9's tests import ``raises``, ``assert_raises``, ``make_decorator``),
  where nose is not installed (it does not import on current Python);
* the same stand-ins for SciPy, where it is not installed (the tests that use it are counted
  apart, as needing it).

A failure is *unsupported* when its error is minigluon's for a name, module or keyword in
UNSUPPORTED (the areas of the compatibility page's list of what minigluon leaves out), or a
NotImplementedError with a message from minigluon; every other failure is a real difference.
Each test has ``--timeout`` seconds. The exit status is 0 only if no test failed for a real
difference, timed out, or sat in a file that did not import.
"""
from __future__ import annotations

import argparse
import builtins
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import types

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UNITTEST = 'tests/python/unittest'
HELPERS = ('tests/python/unittest/common.py', 'tests/python/common')
DEFAULT_FILES = ('test_ndarray.py', 'test_autograd.py', 'test_init.py', 'test_random.py',
                 'test_gluon.py', 'test_loss.py', 'test_optimizer.py', 'test_gluon_trainer.py',
                 'test_gluon_data.py', 'test_gluon_utils.py')

# (area of MXNet minigluon leaves out on purpose, pattern of the names that belong to it);
# a name is mxnet.module.name, Class.attribute, or a keyword argument as keyword=
UNSUPPORTED = [
    ('symbol API', r'^mxnet\.(symbol|sym|executor|module|mod|model)\b|SymbolBlock|\.(var|attr|'
                   r'export|optimize_for|infer_shape|infer_type|_build_cache|tojson)$|get_symbol|'
                   r'check_symbolic|check_numeric_gradient|check_consistency|simple_forward'),
    ('sparse storage', r'sparse|stype|_STORAGE_TYPE|cast_storage|csr|row_sparse|tostype|'
                       r'lazy_update'),
    ('NumPy mode (mx.np, mx.npx)', r'^mxnet\.(numpy|np|npx|numpy_extension|util)\b|use_np|'
                                   r'is_np_array|set_np|np_shape|as_np_ndarray|as_nd_ndarray'),
    ('convolution, pooling, normalisation', r'Conv|Pool|Norm|Pad[123]D|Pooling|LRN|UpSampling|'
                                            r'PixelShuffle|Deconvolution'),
    ('recurrent layers', r'^mxnet\.gluon\.rnn\b|RNN|LSTM|GRU'),
    ("LeakyReLU's prelu, rrelu and gelu", r'PReLU|GELU|prelu|rrelu|gelu'),
    ('KVStore', r'^mxnet\.(kvstore|kv)\b|kvstore|KVStore'),
    ('io, image, model zoo, contrib', r'^mxnet\.(io|recordio|image|contrib|gluon\.model_zoo|'
                                      r'gluon\.contrib|ndarray\.contrib|ndarray\.image)\b'),
    ('learning-rate schedulers', r'lr_scheduler|LRScheduler|learning-rate scheduler'),
    ('runtime, profiler, engine, custom operators',
     r'^mxnet\.(runtime|profiler|engine|library|operator|rtc|amp|onnx|visualization|viz)\b'),
]
_UNSUPPORTED = [(area, re.compile(pattern)) for area, pattern in UNSUPPORTED]
MISSING_PACKAGES = ('scipy', 'nose')  # MXNet's test dependencies the runner can stand in for
# what MXNet 1.9's tests expect of their environment and this one may not give
ENVIRONMENT = [
    ('network', re.compile(r'Name or service not known|Temporary failure in name resolution|'
                           r'Network is unreachable|urlopen error')),
    ('NumPy < 2', re.compile(r'was removed in the NumPy 2\.0 release')),
    ('scipy', re.compile(r'scipy is not available')),
]

_MODULE_ATTRIBUTE = re.compile(r"module '(?:minigluon|mxnet)([\w.]*)' has no attribute '(\w+)'")
_OBJECT_ATTRIBUTE = re.compile(r"^'(\w+)' object has no attribute '(\w+)'|"
                               r"^type object '(\w+)' has no attribute '(\w+)'")
_CANNOT_IMPORT = re.compile(r"cannot import name '(\w+)' from '(?:minigluon|mxnet)([\w.]*)'")
_NAME = re.compile(r"^name '(\w+)' is not defined")  # a name a star import was to bring
_KEYWORD = re.compile(r"unexpected keyword argument '(\w+)'|Cannot find argument '(\w+)'")


# ---------------------------------------------------------------- in the pytest subprocess

class NotInMinigluon(NotImplementedError):
    """A test used a name that its file imported at its top and minigluon lacks."""

    def __init__(self, name: str):
        super().__init__('%s is not in minigluon (a stand-in bound when the test file was '
                         'imported)' % name)
        self.mxnet_name = name


class TestTimedOut(Exception):
    """A test ran past the runner's --timeout."""


class Missing:
    """What a test file's top-level import of a missing name binds: any use raises."""

    def __init__(self, name: str):
        object.__setattr__(self, '_name', name)

    def __call__(self, *args, **kwargs):
        if _PLUGIN['collecting'] and len(args) == 1 and callable(args[0]) and not kwargs:
            return _refusing(args[0], self._name)  # used as a decorator at the file's top
        raise NotInMinigluon(self._name)

    def __getattr__(self, attribute: str):
        if attribute.startswith('__'):
            raise AttributeError(attribute)
        raise NotInMinigluon(self._name)

    def __getitem__(self, key):
        raise NotInMinigluon(self._name)

    def __iter__(self):
        raise NotInMinigluon(self._name)

    def __instancecheck__(self, instance):
        raise NotInMinigluon(self._name)

    def __subclasscheck__(self, subclass):
        raise NotInMinigluon(self._name)

    def __repr__(self) -> str:
        return '<missing %s>' % self._name


def _refusing(function, name: str):
    def refuse(*args, **kwargs):
        raise NotInMinigluon(name)
    refuse.__name__, refuse.__qualname__ = function.__name__, function.__qualname__
    refuse.__module__ = function.__module__
    return refuse


class MissingModule(types.ModuleType):
    """A module that MXNet (or a missing test dependency) has and this environment lacks."""

    def __getattr__(self, attribute: str):
        if attribute.startswith('__'):
            raise AttributeError(attribute)
        return Missing('%s.%s' % (self.__name__, attribute))


class _Namespace:
    """``from module import a, b`` during collection: the module's names, stand-ins for the rest."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, attribute: str):
        try:
            return getattr(self._module, attribute)
        except (AttributeError, NotImplementedError):
            return Missing('%s.%s' % (_mxnet_name(self._module.__name__), attribute))


_PLUGIN = {'collecting': False, 'import': None, 'stand_ins': set(), 'records': None}


def _mxnet_name(module_name: str) -> str:
    return re.sub(r'^minigluon\b', 'mxnet', module_name)


def _standing_in(name: str) -> bool:
    top = name.split('.')[0]
    return top == 'mxnet' or top in MISSING_PACKAGES


def _collecting_import(name, globals=None, locals=None, fromlist=(), level=0):
    """builtins.__import__ while pytest imports the test files."""
    real = _PLUGIN['import']
    try:
        module = real(name, globals, locals, fromlist, level)
    except ImportError as error:
        missing = getattr(error, 'name', None) or name
        if level or not _standing_in(name) or not _standing_in(missing):
            raise
        for depth in range(1, name.count('.') + 2):
            prefix = '.'.join(name.split('.')[:depth])
            if prefix not in sys.modules:
                # under minigluon's name too: ``import mxnet.a.b as c`` looks b up by a's __name__
                stand_in = MissingModule(prefix)
                for alias in {prefix, re.sub(r'^mxnet\b', 'minigluon', prefix)}:
                    sys.modules[alias] = stand_in
                    _PLUGIN['stand_ins'].add(alias)
        module = sys.modules[name if fromlist else name.split('.')[0]]
    if fromlist and '*' not in fromlist and not all(_has(module, n) for n in fromlist) \
            and _standing_in(_mxnet_name(module.__name__)):
        return _Namespace(module)
    return module


def _has(module, name: str) -> bool:
    try:
        getattr(module, name)
    except (AttributeError, NotImplementedError):  # minigluon's modules known by name only
        return False
    return True


def _nose_tools() -> types.ModuleType:
    """The three names of nose.tools MXNet's tests import, for where nose is not installed."""
    import functools
    import unittest
    tools = types.ModuleType('nose.tools')

    def make_decorator(function):
        return functools.wraps(function)

    def raises(*exceptions):
        def decorate(test):
            @functools.wraps(test)
            def run(*args, **kwargs):
                try:
                    test(*args, **kwargs)
                except exceptions:
                    return
                raise AssertionError('%s() did not raise %s' % (
                    test.__name__, ' or '.join(e.__name__ for e in exceptions)))
            return run
        return decorate
    tools.make_decorator, tools.raises = make_decorator, raises
    tools.assert_raises = unittest.TestCase('__init__').assertRaises
    return tools


def pytest_configure(config) -> None:
    """Install the mxnet alias (and nose.tools where nose is missing) before collection."""
    sys.path.insert(0, ROOT)
    import minigluon
    minigluon.install_mxnet_alias()
    try:
        import nose.tools  # noqa: F401
    except Exception:  # noqa: BLE001 - nose 1.3 fails to import on Python 3.10+
        sys.modules['nose'] = types.ModuleType('nose')
        sys.modules['nose.tools'] = sys.modules['nose'].tools = _nose_tools()
    _PLUGIN['records'] = open(os.environ['MXNET_TESTS_REPORT'], 'a', encoding='utf-8')


def pytest_collectstart(collector) -> None:
    """Stand-ins for missing imported names while the test files are imported."""
    if not _PLUGIN['collecting']:
        _PLUGIN['collecting'], _PLUGIN['import'] = True, builtins.__import__
        builtins.__import__ = _collecting_import


def pytest_collection_finish(session) -> None:
    """Back to the real import: inside a test, a missing module is a ModuleNotFoundError."""
    builtins.__import__ = _PLUGIN['import']
    _PLUGIN['collecting'] = False
    for name in _PLUGIN['stand_ins']:
        sys.modules.pop(name, None)
    _write({'stand_ins': sorted(_PLUGIN['stand_ins'])})


def pytest_collectreport(report) -> None:
    """A test file that does not import."""
    if report.failed:
        _write({'file': os.path.basename(str(report.fspath)), 'error': str(report.longrepr)[-2000:]})


def _alarm(signum, frame):
    raise TestTimedOut('the test ran past %s s' % os.environ['MXNET_TESTS_TIMEOUT'])


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item) -> None:
    """Start the test's clock (its hook wrapper stops it)."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(int(os.environ['MXNET_TESTS_TIMEOUT']))


def pytest_runtest_teardown(item) -> None:
    """Stop the test's clock."""
    signal.alarm(0)


def pytest_runtest_logreport(report) -> None:
    """One record per test: its outcome, and the chain of exceptions it failed with."""
    if report.when == 'call' or (report.when == 'setup' and not report.passed):
        record = {'test': report.nodeid.split('/')[-1], 'outcome': report.outcome}
        if report.skipped:
            record['reason'] = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ''
        elif report.failed:
            record['errors'] = getattr(report, 'mxnet_errors', [])
        _write(record)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep what classifying a failure needs: each exception's type, message and origin."""
    report = yield
    if call.excinfo is not None:
        report.mxnet_errors = describe(call.excinfo.value)
    return report


def describe(error: BaseException) -> list[dict]:
    """The exception and those it was raised from or while handling, innermost first."""
    chain, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        frames = [f.tb_frame.f_code.co_filename for f in _tracebacks(error.__traceback__)]
        chain.append({'types': [t.__name__ for t in type(error).__mro__],
                      'message': str(error)[:1000], 'name': getattr(error, 'name', None),
                      'mxnet_name': getattr(error, 'mxnet_name', None),
                      'from_minigluon': bool(frames) and os.sep + 'minigluon' + os.sep in frames[-1]})
        error = error.__cause__ or error.__context__
    return chain


def _tracebacks(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


def _write(record: dict) -> None:
    _PLUGIN['records'].write(json.dumps(record) + '\n')
    _PLUGIN['records'].flush()


# ---------------------------------------------------------------- classification, report

def missing_name(error: dict) -> str | None:
    """The MXNet name (module, Class.attribute or keyword=) whose absence ``error`` reports."""
    message, types_ = error['message'], error['types']
    if error.get('mxnet_name'):
        return error['mxnet_name']
    if 'ModuleNotFoundError' in types_ and error.get('name'):
        return _mxnet_name(error['name'])
    for pattern in (_CANNOT_IMPORT, _MODULE_ATTRIBUTE):
        match = pattern.search(message)
        if match and {'ImportError', 'AttributeError'} & set(types_):
            name, module = (match.group(1), match.group(2)) if pattern is _CANNOT_IMPORT else \
                (match.group(2), match.group(1))
            return 'mxnet%s.%s' % (module, name)
    match = _OBJECT_ATTRIBUTE.search(message)
    if match and 'AttributeError' in types_:
        return '%s.%s' % (match.group(1) or match.group(3), match.group(2) or match.group(4))
    match = _KEYWORD.search(message)
    if match:
        return '%s=' % (match.group(1) or match.group(2))
    match = _NAME.search(message)
    if match and 'NameError' in types_:
        return match.group(1)
    return None


def unsupported_area(name: str) -> str | None:
    """The area of UNSUPPORTED that ``name`` belongs to."""
    return next((area for area, pattern in _UNSUPPORTED if pattern.search(name)), None)


def classify(record: dict) -> tuple[str, str]:
    """('passed'|'skipped'|'unsupported'|'environment'|'timeout'|'missing'|'failed', detail):
    'missing' and 'failed' are real failures, the first for a name minigluon lacks."""
    if record['outcome'] != 'failed':
        return record['outcome'], record.get('reason', '')
    chain = record['errors']
    if not chain:
        return 'failed', 'no exception recorded'
    for error in chain:
        if 'TestTimedOut' in error['types']:
            return 'timeout', error['message']
        name = missing_name(error)
        if name and name.split('.')[0] in MISSING_PACKAGES:
            return 'environment', 'needs %s (%s)' % (name.split('.')[0], name)
        need = next((need for need, pattern in ENVIRONMENT if pattern.search(error['message'])), None)
        if need is not None:
            return 'environment', 'needs %s: %s' % (need, error['message'].split('\n')[0][:160])
        area = unsupported_area(name) if name else None
        if area is None and 'NotImplementedError' in error['types'] and error['from_minigluon'] \
                and error['message']:
            area = unsupported_area(error['message']) or 'minigluon says so'
            name = error['message'].split('\n')[0]
            name = name.split(' is not part of minigluon')[0][:160]  # base.not_implemented's name
        if area is not None:
            return 'unsupported', '%s: %s' % (area, name)
    first = chain[0]
    name = missing_name(first)
    if name is not None and {'ImportError', 'AttributeError', 'TypeError', 'MXNetError',
                             'NameError', 'NotInMinigluon'} & set(first['types']):
        return 'missing', name
    return 'failed', '%s: %s' % (first['types'][0], first['message'].split('\n')[0][:300])


def git_or_file(mxnet: str, ref: str | None, path: str) -> bytes:
    """A file of the MXNet checkout, at ``ref`` if given."""
    if ref is None:
        with open(os.path.join(mxnet, path), 'rb') as f:
            return f.read()
    return subprocess.run(['git', '--git-dir', _git_dir(mxnet), 'show', '%s:%s' % (ref, path)],
                          check=True, capture_output=True).stdout


def _git_dir(mxnet: str) -> str:
    return os.path.join(mxnet, '.git') if os.path.isdir(os.path.join(mxnet, '.git')) else mxnet


def _files_under(mxnet: str, ref: str | None, folder: str) -> list[str]:
    if ref is None:
        return [os.path.relpath(os.path.join(d, n), mxnet)
                for d, _, names in os.walk(os.path.join(mxnet, folder)) for n in names]
    return subprocess.run(['git', '--git-dir', _git_dir(mxnet), 'ls-tree', '-r', '--name-only', ref,
                           folder], check=True, capture_output=True, text=True).stdout.split()


def copy_tests(mxnet: str, ref: str | None, files: list[str], scratch: str) -> None:
    """The test files and their helpers, as the repository has them, under ``scratch``."""
    paths = ['%s/%s' % (UNITTEST, name) for name in files] + [HELPERS[0]]
    paths += [p for p in _files_under(mxnet, ref, HELPERS[1]) if p.endswith('.py')]
    # the data files some tests read beside them (legacy_ndarray.v0, save_000800.json)
    paths += [p for p in _files_under(mxnet, ref, UNITTEST)
              if not p.endswith('.py') and os.path.dirname(p) == UNITTEST]
    for path in paths:
        target = os.path.join(scratch, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, 'wb') as f:
            f.write(git_or_file(mxnet, ref, path))


def run_pytest(scratch: str, files: list[str], timeout: int, seed: int | None,
               keyword: str | None = None) -> list[dict]:
    """Run the copied files under pytest with this file as a plugin; its records."""
    report = os.path.join(scratch, 'records.jsonl')
    open(report, 'w').close()
    with open(os.path.join(scratch, 'pytest.ini'), 'w') as f:
        f.write('[pytest]\nfilterwarnings = ignore\n')
    env = dict(os.environ, MXNET_TESTS_REPORT=report, MXNET_TESTS_TIMEOUT=str(timeout),
               PYTHONPATH=os.pathsep.join([os.path.dirname(os.path.abspath(__file__)), ROOT]))
    env.pop('MXNET_TEST_SEED', None)
    if seed is not None:
        env['MXNET_TEST_SEED'] = env['MXNET_MODULE_SEED'] = str(seed)
    command = [sys.executable, '-m', 'pytest', '-p', 'run_mxnet_tests', '-p', 'no:cacheprovider',
               '-c', os.path.join(scratch, 'pytest.ini'), '--rootdir', scratch, '-q', '-o',
               'console_output_style=classic', '--tb=no', '-rN',
               '--continue-on-collection-errors'] + (['-k', keyword] if keyword else []) + files
    run = subprocess.run(command, cwd=os.path.join(scratch, UNITTEST), env=env,
                         capture_output=True, text=True)
    if run.returncode not in (0, 1, 2):
        print(run.stdout[-3000:] + run.stderr[-3000:])
    with open(report, encoding='utf-8') as f:
        return [json.loads(line) for line in f]


OUTCOMES = ('passed', 'unsupported', 'missing', 'failed', 'timeout', 'environment', 'skipped')
REAL = ('missing', 'failed', 'timeout')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('mxnet', help='an MXNet checkout (work tree, or git directory with --ref)')
    parser.add_argument('files', nargs='*', help='test files of %s (default: %s)'
                        % (UNITTEST, ' '.join(DEFAULT_FILES)))
    parser.add_argument('--ref', help='read the files at this git ref (e.g. 1.9.1)')
    parser.add_argument('--timeout', type=int, default=120, help='seconds per test (default 120)')
    parser.add_argument('--seed', type=int, help='MXNET_TEST_SEED for every test (default: '
                        "MXNet's own, a random seed per test)")
    parser.add_argument('-k', dest='keyword', help="only the tests that match (pytest's -k)")
    parser.add_argument('--quiet', action='store_true', help='only the counts and real failures')
    args = parser.parse_intermixed_args(argv)
    files = [os.path.basename(f) for f in args.files] or list(DEFAULT_FILES)

    scratch = tempfile.mkdtemp(prefix='mxnet-tests-')
    try:
        copy_tests(args.mxnet, args.ref, files, scratch)
        records = run_pytest(scratch, files, args.timeout, args.seed, args.keyword)
    finally:
        shutil.rmtree(scratch)

    counts = {name: dict.fromkeys(OUTCOMES, 0) for name in files}
    real, broken = [], []
    for record in records:
        if 'stand_ins' in record:
            if record['stand_ins']:
                print('stand-ins for modules missing here: %s' % ', '.join(record['stand_ins']))
            continue
        if 'error' in record:
            broken.append(record['file'])
            print('%s: DID NOT IMPORT: %s' % (record['file'], record['error'].strip().split('\n')[-1]))
            continue
        outcome, detail = classify(record)
        counts[record['test'].split('::')[0]][outcome] += 1
        if outcome in REAL:
            real.append('%s: %s%s' % (record['test'], 'minigluon has no ' if outcome == 'missing'
                                      else '', detail))
        if not args.quiet or outcome in REAL:
            print('%s: %s%s' % (record['test'], outcome.upper() if outcome in REAL else outcome,
                                ' (%s)' % detail if detail else ''))
    row = '%-24s' + ' %11s' * len(OUTCOMES)
    print('\n' + row % (('file',) + OUTCOMES))
    totals = dict.fromkeys(OUTCOMES, 0)
    for name in files:
        print(row % ((name,) + tuple(counts[name][o] for o in OUTCOMES)))
        for outcome in OUTCOMES:
            totals[outcome] += counts[name][outcome]
    print(row % (('all',) + tuple(totals[o] for o in OUTCOMES)))
    print('unsupported: uses what minigluon leaves out on purpose; missing: a name minigluon lacks; '
          'failed: behaves differently;\nenvironment: needs a package, a NumPy or a network this '
          'machine lacks; skipped: by MXNet itself')
    if real:
        print('\n%d real failures (missing, failed, timeout):\n  %s' % (len(real), '\n  '.join(real)))
    return 0 if not real and not broken else 1


if __name__ == '__main__':
    sys.exit(main())
