"""The book's example blocks and reference data shared by the gluon tests.

The blocks are the book's (tests/book_blocks.py); the messages are MXNet 1.9.1's, recorded by
scripts/record_mxnet.py: case uninitialized_errors of tests/differential/cases_oracle.py
(tests/test_reference_sources.py checks that they are there).
"""
from pathlib import Path

import minigluon
from minigluon import init

import book_blocks

FIXTURES = Path(__file__).parent / 'fixtures' / 'mxnet'

INIT_MESSAGE = ("Parameter '{}' has not been initialized. Note that you should initialize "
                "parameters and create Trainer with Block.collect_params() instead of "
                "Block.params because the later does not include Parameters of nested child "
                "Blocks")
DEFERRED_MESSAGE = ("Parameter '{}' has not been initialized yet because initialization was "
                    "deferred. Actual initialization happens during the first forward pass. "
                    "Please pass one batch of data through the network before accessing "
                    "Parameters. You can also avoid deferred initialization by specifying "
                    "in_units, num_features, etc., for network layers.")


# The book's blocks (tests/book_blocks.py, from the notes' snippets in tests/seed_notes.py)
_BOOK = book_blocks.define(minigluon)
MLP, MySequential, FancyMLP, MyDense, MyInit, NestMLP, CenteredLayer, nested_net, shared_net = (
    _BOOK[name] for name in book_blocks.NAMES)


class RecordingInit(init.Initializer):
    """Fills with ``value`` and records (name, type of name, shape) of every call."""

    def __init__(self, value=7.0):
        super().__init__()
        self.value = value
        self.calls = []

    def _init_weight(self, name, data):
        self.calls.append((str(name), type(name), data.shape))
        data[:] = self.value
