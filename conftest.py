"""pytest setup for every run in this repository: ``MINIGLUON_CUPY_DOUBLE=1`` makes ``import
cupy`` find the strict CuPy stand-in in tests/cupy_double (its docstring says what it proves),
here and in the Jupyter kernels nbval starts (they inherit PYTHONPATH)."""
import os
import sys

if os.environ.get('MINIGLUON_CUPY_DOUBLE') == '1':
    _DOUBLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'tests', 'cupy_double')
    if 'cupy' in sys.modules and not (getattr(sys.modules['cupy'], '__file__', None) or '').startswith(_DOUBLE):
        raise RuntimeError('MINIGLUON_CUPY_DOUBLE=1, but the real cupy was imported before conftest.py')
    sys.path.insert(0, _DOUBLE)
    os.environ['PYTHONPATH'] = os.pathsep.join(filter(None, [_DOUBLE, os.environ.get('PYTHONPATH')]))
