"""The book's example blocks and reference data shared by the gluon tests.

The blocks are the book's (tests/book_blocks.py), those scripts/mxnet_oracle.py ran under
MXNet 1.9.1; REF_* values are what MXNet printed there (tests/fixtures/oracle_output.txt).
"""
from pathlib import Path

import numpy as np

import minigluon
from minigluon import init

import book_blocks

FIXTURES = Path(__file__).parent / 'fixtures' / 'mxnet'

# oracle section 3: mx.random.seed(0); X = nd.random.uniform(shape=(2, 20)); net = MLP();
# net.initialize(); net(X)
REF_MLP_OUT = np.array([
    [0.09543005, 0.04614332, -0.00286653, -0.07790346, -0.05130242, 0.02942038,
     0.08696645, -0.0190793, -0.04122178, 0.05088577],
    [0.0769287, 0.03099705, 0.00856576, -0.04467198, -0.06926839, 0.09132432,
     0.06786592, -0.06187844, -0.03436675, 0.04234695]], dtype=np.float32)

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
