"""Regenerate tests/fixtures/mxnet/ with real MXNet 1.9.1 (the tests never need MXNet).

Build the venv once, outside the package (``.mxvenv/`` is in .gitignore), then run this
from the repository root::

    python3 -m venv .mxvenv && .mxvenv/bin/pip install mxnet==1.9.1 numpy==1.23.5
    .mxvenv/bin/python scripts/make_fixtures.py

It writes the nd.save files of case nd_save_load of tests/differential/cases_oracle.py (the
same calls, so the same bytes: tests/test_save_load.py compares them with the case's
recording), save_parameters / ParameterDict.save files of the book's nets (tests/book_blocks.py)
as case save_load_parameters saves them (same keys and shapes; seq, shared*, nest and
f64.params hold other random values than the case's), two
extras (mbool, municode), and ``expected.json``: what ``mx.nd.load`` returns for each file
(list or dict, keys in order, shapes, dtypes, contexts, values), or the error it raises.
Deterministic: a rerun rewrites the same bytes.
"""
import json
import os
import sys

import numpy as np
import mxnet as mx
from mxnet import nd
from mxnet.gluon import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests'))
import book_blocks  # noqa: E402

OUT = os.path.join(ROOT, 'tests', 'fixtures', 'mxnet')
os.makedirs(OUT, exist_ok=True)
os.chdir(OUT)
mx.random.seed(0)

# ----- nd.save (the calls of case nd_save_load) ------------------------------------------------
x, y = nd.arange(4), nd.zeros(4)
nd.save('x-file', x)
nd.save('x-files', [x, y])
nd.save('mydict', {'x': x, 'y': y})
nd.save('m2d', nd.arange(6).reshape((2, 3)))
nd.save('mf64i32', [nd.array([1.5], dtype='float64'), nd.array([7, 8], dtype='int32'),
                    nd.array([1], dtype='uint8'), nd.array([1], dtype='int64'),
                    nd.array([1], dtype='int8'), nd.array([1], dtype='float16')])
nd.save('mcpu1', nd.ones((2,), ctx=mx.cpu(1)))
nd.save('mempty_list', [])
nd.save('mempty_dict', {})
nd.save('mscalar', nd.array(5))
nd.save('mdict_order', {'b': nd.ones(1), 'a': nd.zeros(1), 'c': nd.ones(1) * 2})
with open('garbage', 'wb') as fh:
    fh.write(b'hello world garbage data 1234567890')
# extras: bool (type_flag 7), a non-ASCII name, 4-d and negative values
nd.save('mbool', nd.array(np.array([True, False, True]), dtype='bool'))
nd.save('municode', {'w\u00e9ight\u2603': nd.arange(-4, 4).reshape((1, 2, 2, 2)),
                     'b': nd.array([[-1.25, 3e38]], dtype='float64')})


# ----- the book's nets (tests/book_blocks.py), saved as case save_load_parameters saves them ---
book = book_blocks.define(mx)
MLP, MySequential, nested_net = book['MLP'], book['MySequential'], book['nested_net']


def built(net, X):
    net.initialize()
    net(X)
    return net


X = nd.random.uniform(shape=(2, 20))
with mx.name.NameManager():
    for _ in range(52):
        nn.Dense(1)  # the legacy files' keys are dense52_*, dense53_*, as they have always been
    net = built(MLP(), X)
net.save_parameters('mlp.params')
net.collect_params().save('legacy.params')
net.collect_params().save('legacy_strip.params', strip_prefix='dense')
myseq = MySequential()
for _ in range(2):
    nn.Dense(1)  # advance the name counter: the MySequential children are dense2, dense3
myseq.add(nn.Dense(256, activation='relu'))
myseq.add(nn.Dense(10))
built(myseq, X).save_parameters('myseq.params')
seq = nn.Sequential()
seq.add(nn.Dense(256, activation='relu'), nn.Dense(10))
built(seq, X).save_parameters('seq.params')
shared = nn.Sequential()
sh = nn.Dense(8, in_units=8)
shared.add(nn.Dense(8, in_units=4), sh, nn.Dense(8, params=sh.params))
shared.initialize()
shared.save_parameters('shared.params')
shared.save_parameters('shared_dedup.params', deduplicate=True)
built(nested_net(), X).save_parameters('nest.params')
f64 = nn.Dense(3, in_units=2, dtype='float64')
f64.initialize()
f64.save_parameters('f64.params')


# ----- what MXNet's nd.load makes of every file ------------------------------------------------
def describe(fname):
    try:
        loaded = nd.load(fname)
    except mx.base.MXNetError as err:
        return {'error': str(err).strip().splitlines()[-1]}
    items = list(loaded.items()) if isinstance(loaded, dict) else [(None, a) for a in loaded]
    return {'type': type(loaded).__name__, 'keys': [k for k, _ in items],
            'arrays': [{'shape': list(a.shape), 'dtype': np.dtype(a.dtype).name,
                        'context': str(a.context), 'values': values(a.asnumpy())}
                       for _, a in items]}


def values(host):
    """Flat values; floats as their shortest repr in their own dtype (exact once cast back)."""
    if host.dtype.kind == 'f':
        return [float(str(v)) for v in host.ravel()]
    return host.ravel().tolist()


names = sorted(f for f in os.listdir('.') if f != 'expected.json')
with open('expected.json', 'w') as fh:
    json.dump({f: describe(f) for f in names}, fh, sort_keys=True, separators=(',', ':'))
    fh.write('\n')
print('wrote %d fixtures and expected.json to %s' % (len(names), os.path.normpath(OUT)))
