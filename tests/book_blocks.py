"""The book's sample blocks: one copy for the tests and for the scripts that run real MXNet.

``define(mx)`` builds them on a framework module, ``minigluon`` (tests/gluon_helpers.py,
tests/test_differential.py) or ``mxnet`` (scripts/record_mxnet.py, scripts/make_fixtures.py):
the notes' MLP, MySequential, FancyMLP, MyDense and MyInit, from their snippets in
tests/seed_notes.py, the book's NestMLP and CenteredLayer, and builders of its nested and
shared-parameter nets.
Every differential case may use these names (tests/differential/harness.py).
"""
import functools
from importlib import import_module

import seed_notes

NAMES = ('MLP', 'MySequential', 'FancyMLP', 'MyDense', 'MyInit', 'NestMLP', 'CenteredLayer',
         'nested_net', 'shared_net')


@functools.lru_cache(maxsize=None)
def define(mx) -> dict:
    """The book's blocks and nets built on ``mx``, by name (the same classes on every call)."""
    nd, nn = mx.nd, import_module(mx.__name__ + '.gluon.nn')
    book = {'__name__': __name__, 'nd': nd, 'nn': nn, 'init': mx.init}
    exec(seed_notes.MLP_CLASS + seed_notes.MY_SEQUENTIAL_CLASS + seed_notes.FANCY_MLP_SNIPPET
         + seed_notes.MY_DENSE_SNIPPET + seed_notes.MY_INIT_CLASS, book)

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
        """Sequential(NestMLP, Dense(20), FancyMLP)."""
        net = nn.Sequential()
        net.add(NestMLP(), nn.Dense(20), book['FancyMLP']())
        return net

    def shared_net():
        """The book's shared-parameter net: layers 1 and 2 use the same Parameters."""
        net = nn.Sequential()
        shared = nn.Dense(8, activation='relu')
        net.add(nn.Dense(8, activation='relu'), shared,
                nn.Dense(8, activation='relu', params=shared.params), nn.Dense(10))
        return net

    for local in (NestMLP, CenteredLayer, nested_net, shared_net):
        local.__qualname__ = local.__name__
        book[local.__name__] = local
    return {name: book[name] for name in NAMES}
