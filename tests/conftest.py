"""Shared test setup: skip gpu-marked tests without a GPU, no Hypothesis deadline, reset state."""
import pytest
from hypothesis import settings

import minigluon as mx
from minigluon import autograd

# Hypothesis's default deadline (200 ms an example) is a wall-clock assertion: timing is bench/'s.
settings.register_profile('no-deadline', deadline=None)
settings.load_profile('no-deadline')


def pytest_collection_modifyitems(config, items):
    if mx.context.num_gpus() > 0:
        return
    skip = pytest.mark.skip(reason='needs a CUDA GPU with CuPy (mx.context.num_gpus() == 0)')
    for item in items:
        if 'gpu' in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _clean_autograd_state():
    """A test that fails inside ``autograd.record()`` must not leave recording on."""
    yield
    autograd.set_recording(False)
    autograd.set_training(False)
