"""An opt-in ``mxnet`` import for code written for MXNet 1.x, such as d2l-zh v1's ``d2lzh``.

After ``minigluon.install_mxnet_alias()``, ``import mxnet`` gives a stand-in module that
forwards to minigluon, and ``mxnet.X.Y`` is the module ``minigluon.X.Y`` itself
(``mxnet.gluon.nn is minigluon.gluon.nn``). A name that is a module in MXNet but not in
minigluon stays a ``ModuleNotFoundError``, as it would be with a broken install.

The alias never hides a real MXNet: where one is importable, installing refuses.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types

MXNET_API = '1.9.1'  # the MXNet release whose API minigluon follows


class MXNetStandIn(types.ModuleType):
    """The ``mxnet`` module while the alias is installed: minigluon's names, under a name that
    says what it is."""

    def __getattr__(self, name: str):
        import minigluon
        return getattr(minigluon, name)

    def __dir__(self):
        import minigluon
        return sorted(set(super().__dir__()) | set(dir(minigluon)))

    def __repr__(self) -> str:
        return "<module 'mxnet' (minigluon %s standing in for MXNet %s's API)>" % (
            self.__minigluon_version__, MXNET_API)


class _Loader(importlib.abc.Loader):
    """Hands the import system an existing module: the stand-in, or a minigluon module."""

    def __init__(self, module: types.ModuleType, own_spec=None):
        self.module, self.own_spec = module, own_spec

    def create_module(self, spec):
        return self.module

    def exec_module(self, module) -> None:
        # the import system has just set __spec__ to the alias's; a minigluon module gets
        # its own back, so importlib.reload and importlib.util.find_spec still work on it
        if self.own_spec is not None:
            module.__spec__ = self.own_spec


class _Finder(importlib.abc.MetaPathFinder):
    """Finds ``mxnet`` and ``mxnet.*``. It comes first in ``sys.meta_path``: a module of
    minigluon not imported yet would otherwise be found, under its mxnet name, as a second
    copy by the path finder (``mxnet.gluon``'s ``__path__`` is minigluon.gluon's)."""

    def find_spec(self, fullname: str, path=None, target=None):
        if fullname == 'mxnet':
            if importlib.machinery.PathFinder.find_spec('mxnet') is not None:
                return None  # a real MXNet, installed after the alias: it is the one imported
            return importlib.machinery.ModuleSpec('mxnet', _Loader(_stand_in()), is_package=True)
        if not fullname.startswith('mxnet.') or not isinstance(sys.modules.get('mxnet'), MXNetStandIn):
            return None
        real_name = 'minigluon' + fullname[len('mxnet'):]
        try:
            module = importlib.import_module(real_name)
        except ModuleNotFoundError as error:
            if error.name == real_name:
                return None  # not a module of minigluon: the import fails as MXNet's would
            raise
        return importlib.machinery.ModuleSpec(fullname, _Loader(module, module.__spec__),
                                              is_package=hasattr(module, '__path__'))


def _stand_in() -> MXNetStandIn:
    import minigluon
    module = MXNetStandIn('mxnet', "minigluon standing in for MXNet %s's API" % MXNET_API)
    module.__minigluon_version__ = minigluon.__version__
    # a PEP 440 local version: compares as 1.9.1, and says it is minigluon
    module.__version__ = '%s+minigluon.%s' % (MXNET_API, minigluon.__version__)
    module.__path__ = []  # a package, so that ``import mxnet.gluon`` asks the finders
    return module


def _refuse_real_mxnet() -> None:
    spec = importlib.machinery.PathFinder.find_spec('mxnet')
    if spec is not None:
        raise ImportError('a real MXNet is installed (%s): minigluon will not stand in for it. '
                          'Use it as it is, or uninstall it to run MXNet code on minigluon'
                          % (spec.origin or spec.submodule_search_locations[0]), name='mxnet')


def install() -> None:
    """Make ``import mxnet`` (and ``mxnet.*``) import minigluon, unless a real MXNet is
    importable (ImportError then). Calling it again does nothing."""
    if any(isinstance(finder, _Finder) for finder in sys.meta_path):
        return
    loaded = sys.modules.get('mxnet')
    if loaded is not None and not isinstance(loaded, MXNetStandIn):
        raise ImportError('mxnet is already imported from %s: minigluon will not stand in for it'
                          % getattr(loaded, '__file__', loaded), name='mxnet')
    _refuse_real_mxnet()
    sys.meta_path.insert(0, _Finder())
