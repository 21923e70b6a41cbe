"""Shared test setup: skip gpu-marked tests without a GPU (and the CuPy stand-in's tests without
MINIGLUON_CUPY_DOUBLE=1), no Hypothesis deadline, reset state."""
import os

import pytest
from hypothesis import settings

import minigluon as mx
from minigluon import autograd

# Hypothesis's default deadline (200 ms an example) is a wall-clock assertion: timing is bench/'s.
settings.register_profile('no-deadline', deadline=None)
settings.load_profile('no-deadline')


CUPY_DOUBLE = os.environ.get('MINIGLUON_CUPY_DOUBLE') == '1'  # see tests/cupy_double/cupy


def pytest_collection_modifyitems(config, items):
    if CUPY_DOUBLE and mx.context.num_gpus() == 0:
        raise pytest.UsageError('MINIGLUON_CUPY_DOUBLE=1, but minigluon sees no GPU: the CuPy '
                                'stand-in was not imported (is conftest.py at the root loaded?)')
    if not CUPY_DOUBLE:
        skip = pytest.mark.skip(reason='tests the CuPy stand-in: run with MINIGLUON_CUPY_DOUBLE=1')
        for item in items:
            if item.get_closest_marker('cupy_double'):
                item.add_marker(skip)
    if mx.context.num_gpus() > 0:
        return
    skip = pytest.mark.skip(reason='needs a CUDA GPU with CuPy (mx.context.num_gpus() == 0)')
    for item in items:
        if item.get_closest_marker('gpu'):  # not keywords: they hold folder names
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _clean_autograd_state():
    """A test that fails inside ``autograd.record()`` must not leave recording on."""
    yield
    autograd.set_recording(False)
    autograd.set_training(False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under the CuPy stand-in every GPU test runs: a skipped one fails."""
    report = (yield).get_result()
    if CUPY_DOUBLE and report.skipped and not hasattr(report, 'wasxfail') \
            and item.get_closest_marker('gpu'):
        report.outcome = 'failed'
        report.longrepr = ('%s skipped under the CuPy stand-in (MINIGLUON_CUPY_DOUBLE=1), where '
                           'every GPU test must run: %s' % (item.nodeid, report.longrepr))
