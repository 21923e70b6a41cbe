"""Run a differential case (a snippet of MXNet user code) and capture what a student sees.

A case is a string of Python that uses the names MXNet users import (``mx``, ``nd``,
``autograd``, ``gluon``, ``nn``, ``init``, ``np``) and the book's blocks (tests/book_blocks.py),
and prints what it wants compared.
``run_case`` executes it with those names bound to a framework (real MXNet 1.9.1 in
``scripts/record_mxnet.py``, minigluon in ``tests/test_differential.py``) and returns its
stdout, the warnings it raised, and, if it raised, the exception's type name.
"""
import contextlib
import io
import warnings

import numpy as np

import book_blocks


def framework_names(mx) -> dict:
    """The names a case may use, taken from the framework module ``mx``."""
    from importlib import import_module
    name = mx.__name__
    return {'mx': mx, 'nd': mx.nd, 'autograd': mx.autograd, 'gluon': mx.gluon,
            'nn': import_module(name + '.gluon.nn'), 'init': mx.init, 'np': np,
            **book_blocks.define(mx)}


def run_case(code: str, names: dict) -> dict:
    """Execute ``code`` with ``names``; return its stdout, warnings and exception type."""
    out = io.StringIO()
    raised = None
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter('always')
        try:
            exec(compile(code, '<case>', 'exec'), dict(names))
        except Exception as exc:  # the exception's type is part of the observed behaviour
            raised = type(exc).__name__
    return {'stdout': out.getvalue(), 'raises': raised,
            'warnings': [f'{w.category.__name__}: {w.message}' for w in caught]}
