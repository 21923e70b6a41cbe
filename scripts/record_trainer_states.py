"""Record Trainer.save_states files with real MXNet 1.9.1 (the tests never need MXNet).

Run from the repository root with the MXNet venv (see make_fixtures.py)::

    .mxvenv/bin/python scripts/record_trainer_states.py

For SGD with momentum and for Adam, a Dense(2, in_units=3) takes two steps on fixed data;
MXNet saves its trainer states (``<opt>.states``) and takes a third step. minigluon (imported
from this checkout) trains the same way and saves its own file (``<opt>.minigluon.states``),
which MXNet then loads into a fresh trainer to take the third step. ``expected.json`` holds
the weights after two steps and each third step: the tests check that minigluon continues
MXNet's training from MXNet's file exactly as MXNet did, and still writes the bytes MXNet read.
"""
import json
import os
import sys

import numpy as np
import mxnet

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import minigluon  # noqa: E402

OUT = os.path.join(ROOT, 'tests', 'fixtures', 'mxnet', 'trainer_states')
OPTIMIZERS = {'sgd': {'learning_rate': 0.01, 'momentum': 0.9, 'wd': 0.01},
              'adam': {'learning_rate': 0.01, 'wd': 0.01, 'clip_gradient': 5.0}}
X = [[1, 2, 3], [4, 5, 6]]


def trained(mx, name, steps, states=None):
    """(net, trainer) after ``steps`` steps, starting from ``states`` if given."""
    with mx.name.NameManager():
        net = mx.gluon.nn.Dense(2, in_units=3)
    net.initialize(mx.init.Constant(0.5))
    trainer = mx.gluon.Trainer(net.collect_params(), name, OPTIMIZERS[name])
    if states:
        trainer.load_states(states)
    for _ in range(steps):
        step(mx, net, trainer)
    return net, trainer


def step(mx, net, trainer):
    with mx.autograd.record():
        loss = ((net(mx.nd.array(X)) - 1) ** 2).sum()
    loss.backward()
    trainer.step(2)


def weights(net) -> list:
    return [net.weight.data().asnumpy().tolist(), net.bias.data().asnumpy().tolist()]


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {'mxnet': mxnet.__version__}
    for name in OPTIMIZERS:
        net, trainer = trained(mxnet, name, 2)
        mx_file = os.path.join(OUT, name + '.states')
        trainer.save_states(mx_file)
        two_steps = weights(net)
        step(mxnet, net, trainer)
        mg_net, mg_trainer = trained(minigluon, name, 2)
        mg_file = os.path.join(OUT, name + '.minigluon.states')
        mg_trainer.save_states(mg_file)
        # MXNet reads minigluon's file: set MXNet's two-step weights, load, take the third step
        reader, reader_trainer = trained(mxnet, name, 0, states=mg_file)
        reader.weight.set_data(mxnet.nd.array(two_steps[0]))
        reader.bias.set_data(mxnet.nd.array(two_steps[1]))
        step(mxnet, reader, reader_trainer)
        opt = reader_trainer.optimizer
        expected[name] = {'two_steps': two_steps, 'third_step': weights(net),
                          'third_step_from_minigluon_file': weights(reader),
                          'optimizer_read_by_mxnet': {'type': type(opt).__name__, 'lr': opt.lr,
                                                      'wd': opt.wd, 'num_update': opt.num_update}}
        for mine, theirs in zip(expected[name]['third_step'],
                                expected[name]['third_step_from_minigluon_file']):
            assert np.allclose(mine, theirs, rtol=1e-5), (name, mine, theirs)
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write('\n')
    print('wrote', OUT)


if __name__ == '__main__':
    main()
