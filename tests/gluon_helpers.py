"""The book's example blocks and reference data shared by the gluon tests.

The blocks are the notes' (tests/seed_notes.py) and those scripts/mxnet_oracle.py ran under
MXNet 1.9.1; REF_* values are what MXNet printed there (tests/fixtures/oracle_output.txt).
"""
from pathlib import Path

import numpy as np

from minigluon import init
from minigluon.gluon import nn

import seed_notes

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


# The notes' own example blocks (tests/seed_notes.py), defined once for every test
_NOTES: dict = {'__name__': 'seed_notes'}
exec(seed_notes.MLP_SNIPPET + seed_notes.MY_SEQUENTIAL_CLASS + seed_notes.FANCY_MLP_SNIPPET
     + seed_notes.MY_DENSE_SNIPPET, _NOTES)
MLP, MySequential, FancyMLP, MyDense = (_NOTES[name] for name in
                                        ('MLP', 'MySequential', 'FancyMLP', 'MyDense'))


class NestMLP(nn.Block):
    def __init__(self, **kwargs):
        super(NestMLP, self).__init__(**kwargs)
        self.net = nn.Sequential()
        self.net.add(nn.Dense(64, activation='relu'), nn.Dense(32, activation='relu'))
        self.dense = nn.Dense(16, activation='relu')

    def forward(self, x):
        return self.dense(self.net(x))


class CenteredLayer(nn.Block):
    def forward(self, x):
        return x - x.mean()


def nested_net():
    """oracle's ``nest``: Sequential(NestMLP, Dense(20), FancyMLP)."""
    net = nn.Sequential()
    net.add(NestMLP(), nn.Dense(20), FancyMLP())
    return net


def shared_net():
    """The book's shared-parameter net: layers 1 and 2 use the same Parameters."""
    net = nn.Sequential()
    shared = nn.Dense(8, activation='relu')
    net.add(nn.Dense(8, activation='relu'), shared,
            nn.Dense(8, activation='relu', params=shared.params), nn.Dense(10))
    return net


class RecordingInit(init.Initializer):
    """Fills with ``value`` and records (name, type of name, shape) of every call."""

    def __init__(self, value=7.0):
        super().__init__()
        self.value = value
        self.calls = []

    def _init_weight(self, name, data):
        self.calls.append((str(name), type(name), data.shape))
        data[:] = self.value
