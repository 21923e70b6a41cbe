"""The opt-in ``mxnet`` alias (minigluon/mxnet_alias.py) and the modules minigluon has only by name.

Each alias test runs in a fresh interpreter: installing the alias changes ``sys.meta_path``."""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import minigluon

ROOT = Path(__file__).resolve().parents[1]


def _python(code: str, cwd: Path = ROOT, pythonpath: str = str(ROOT)) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, '-c', textwrap.dedent(code)], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={'PYTHONPATH': pythonpath, 'PATH': ''})


def test_import_mxnet_gives_minigluons_modules():
    run = _python('''
        import minigluon
        minigluon.install_mxnet_alias()
        minigluon.install_mxnet_alias()  # a second call changes nothing
        import mxnet as mx
        import mxnet.gluon.nn
        from mxnet import autograd, gluon, image, init, nd
        from mxnet.contrib import text
        from mxnet.gluon import loss as gloss, nn
        assert nn is minigluon.gluon.nn and gloss is minigluon.gluon.loss and gluon is minigluon.gluon
        assert nd is minigluon.nd and init is minigluon.init and autograd is minigluon.autograd
        assert image is minigluon.image and text is minigluon.contrib.text
        assert mx.gluon.nn is minigluon.gluon.nn and mx.base.MXNetError is minigluon.MXNetError
        assert mx.cpu() == minigluon.cpu() and isinstance(nd.ones(2), minigluon.nd.NDArray)
        assert minigluon.gluon.__spec__.name == 'minigluon.gluon'  # its own spec is kept
        assert 'gluon' in dir(mx)
        print(repr(mx))
        print(mx.__version__)
    ''')
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "<module 'mxnet' (minigluon %s standing in for MXNet 1.9.1's API)>" % minigluon.__version__,
        '1.9.1+minigluon.%s' % minigluon.__version__]


def test_a_module_minigluon_has_not_imported_yet_is_still_minigluons():
    # as a subpackage that minigluon imports lazily: the path finder would find it under
    # mxnet.gluon's __path__ and load a second copy, with classes of its own
    run = _python('''
        import sys
        import minigluon
        del sys.modules['minigluon.gluon.loss'], minigluon.gluon.loss
        minigluon.install_mxnet_alias()
        from mxnet.gluon.loss import L2Loss
        loss = sys.modules['mxnet.gluon.loss']
        print(loss.__name__, loss is sys.modules['minigluon.gluon.loss'], L2Loss.__module__)
        print(sorted(name for name, m in sys.modules.items() if getattr(m, '__name__', '').startswith('mxnet')))
    ''')
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ['minigluon.gluon.loss True minigluon.gluon.loss', "['mxnet']"]


def test_a_module_minigluon_lacks_is_not_found_as_in_a_broken_install():
    run = _python('''
        import minigluon
        minigluon.install_mxnet_alias()
        try:
            import mxnet.symbol
        except ModuleNotFoundError as e:
            print(e.name)
        try:
            import mxnet.nd  # not a module in MXNet either: mx.nd is an attribute
        except ModuleNotFoundError as e:
            print(e.name)
    ''')
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ['mxnet.symbol', 'mxnet.nd']


def test_without_the_call_there_is_no_mxnet():
    run = _python('import minigluon\nimport mxnet')
    assert "No module named 'mxnet'" in run.stderr


@pytest.fixture
def fake_mxnet(tmp_path):
    (tmp_path / 'mxnet').mkdir()
    (tmp_path / 'mxnet' / '__init__.py').write_text("REAL = True\n")
    return tmp_path


def test_refuses_to_shadow_an_installed_mxnet(fake_mxnet):
    run = _python('''
        import minigluon
        try:
            minigluon.install_mxnet_alias()
        except ImportError as e:
            print(e)
        import mxnet
        print(getattr(mxnet, 'REAL', False))
    ''', pythonpath='%s:%s' % (ROOT, fake_mxnet))
    assert run.returncode == 0, run.stderr
    refusal, real = run.stdout.splitlines()
    assert refusal.startswith('a real MXNet is installed (%s' % (fake_mxnet / 'mxnet'))
    assert 'will not stand in for it' in refusal
    assert real == 'True'


def test_refuses_when_a_real_mxnet_appears_later(fake_mxnet):
    run = _python('''
        import sys
        import minigluon
        minigluon.install_mxnet_alias()
        sys.path.insert(0, %r)
        import mxnet
        print(getattr(mxnet, 'REAL', False))
    ''' % str(fake_mxnet))
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ['True']  # the real one wins: the alias's finder comes last


def test_refuses_when_mxnet_is_already_imported(fake_mxnet):
    run = _python('''
        import mxnet, sys
        sys.path.remove(%r)
        import minigluon
        minigluon.install_mxnet_alias()
    ''' % str(fake_mxnet), pythonpath='%s:%s' % (ROOT, fake_mxnet))
    assert 'ImportError: mxnet is already imported from %s' % (fake_mxnet / 'mxnet') in run.stderr


@pytest.mark.parametrize('module, name', [(minigluon.image, 'imread'),
                                          (minigluon.image, 'ImageDetIter'),
                                          (minigluon.contrib.text, 'vocab')])
def test_modules_minigluon_has_by_name_only_raise_on_use(module, name):
    mxnet_name = 'mxnet' + module.__name__[len('minigluon'):]
    with pytest.raises(NotImplementedError, match=r'^%s\.%s is not part of minigluon, .* '
                       r'compatibility page \(appendix/compatibility\)' % (mxnet_name, name)):
        getattr(module, name)
    assert not hasattr(module, '__wrapped__')  # tools' probes get a plain AttributeError
