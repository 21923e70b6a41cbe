"""The book's example blocks and reference data shared by the gluon tests.

The blocks are those of scripts/mxnet_oracle.py (the book's "model construction" chapter);
REF_* values are what MXNet 1.9.1 printed there (tests/fixtures/oracle_output.txt).
"""
from pathlib import Path

import numpy as np

from minigluon import init, nd
from minigluon.gluon import nn

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


class MLP(nn.Block):
    def __init__(self, **kwargs):
        super(MLP, self).__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu')
        self.output = nn.Dense(10)

    def forward(self, x):
        return self.output(self.hidden(x))


class MySequential(nn.Block):
    """Children only in ``_children`` (not attributes): its repr is empty."""

    def __init__(self, **kwargs):
        super(MySequential, self).__init__(**kwargs)

    def add(self, block):
        self._children[block.name] = block

    def forward(self, x):
        for block in self._children.values():
            x = block(x)
        return x


class FancyMLP(nn.Block):
    def __init__(self, **kwargs):
        super(FancyMLP, self).__init__(**kwargs)
        self.rand_weight = self.params.get_constant('rand_weight',
                                                    nd.random.uniform(shape=(20, 20)))
        self.dense = nn.Dense(20, activation='relu')

    def forward(self, x):
        x = self.dense(x)
        x = nd.relu(nd.dot(x, self.rand_weight.data()) + 1)
        x = self.dense(x)
        while x.norm().asscalar() > 1:
            x /= 2
        if x.norm().asscalar() < 0.8:
            x *= 10
        return x.sum()


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


class MyDense(nn.Block):
    def __init__(self, units, in_units, **kwargs):
        super(MyDense, self).__init__(**kwargs)
        self.weight = self.params.get('weight', shape=(in_units, units))
        self.bias = self.params.get('bias', shape=(units,))

    def forward(self, x):
        return nd.relu(nd.dot(x, self.weight.data()) + self.bias.data())


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
