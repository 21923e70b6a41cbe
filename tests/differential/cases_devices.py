"""Differential cases: optimizers count updates per device id (see harness.py).

A Trainer over parameters on two contexts makes one update of each weight on each device per
step, so Adam's bias correction and an lr_scheduler see one step, not two; the states file keeps
each device id's counts, so states resumed on a device of the same id continue the run and on
a device of another id restart Adam's step count. Weights are printed with ``tolist()``.
"""

_TWO = '''
X = nd.array([[1., 2., 3.], [0.5, -1., 2.], [2., 0., -1.], [1., 1., 1.]])
Y = nd.array([[1.], [0.], [2.], [-1.]])
def build(ctx):
    net = nn.Dense(1, in_units=3)
    net.initialize(init.Constant(0.25), ctx=ctx)
    return net
def step(net, trainer, ctxs):
    xs = gluon.utils.split_and_load(X, ctxs)
    ys = gluon.utils.split_and_load(Y, ctxs)
    with autograd.record():
        losses = [((net(x) - y) ** 2).sum() for x, y in zip(xs, ys)]
    for l in losses:
        l.backward()
    trainer.step(X.shape[0])
def show(net, trainer):
    print([w.asnumpy().tolist() for w in net.weight.list_data()], trainer.optimizer.num_update)
'''

_RESUME = '''
import os, tempfile
X = nd.array([[1., 2., 3.], [0.5, -1., 2.]]); Y = nd.array([[1.], [0.]])
def build(ctx):
    net = nn.Dense(1, in_units=3)
    net.initialize(init.Constant(0.25), ctx=ctx)
    return net
def step(net, trainer, ctx):
    with autograd.record():
        l = ((net(X.as_in_context(ctx)) - Y.as_in_context(ctx)) ** 2).sum()
    l.backward()
    trainer.step(2)
a = build(mx.cpu(0)); ta = gluon.Trainer(a.collect_params(), 'adam', {'learning_rate': 0.1})
for _ in range(4):
    step(a, ta, mx.cpu(0))
print('uninterrupted', a.weight.data().asnumpy().tolist())
tmp = tempfile.TemporaryDirectory()
params, states = os.path.join(tmp.name, 'b.params'), os.path.join(tmp.name, 'b.states')
'''

CASES = {
    'adam_two_contexts': _TWO + (
        "net = build([mx.cpu(0), mx.cpu(1)])\n"
        "t = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.1})\n"
        "for _ in range(3):\n    step(net, t, [mx.cpu(0), mx.cpu(1)])\n    show(net, t)\n"
        "one = build(mx.cpu(0)); t1 = gluon.Trainer(one.collect_params(), 'adam', {'learning_rate': 0.1})\n"
        "for _ in range(3):\n    step(one, t1, [mx.cpu(0)])\nshow(one, t1)"),
    'adam_two_contexts_no_kvstore': _TWO + (
        "net = build([mx.cpu(0), mx.cpu(1)])\n"
        "t = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.1}, kvstore=None)\n"
        "for _ in range(3):\n    step(net, t, [mx.cpu(0), mx.cpu(1)])\n    show(net, t)"),
    'scheduler_two_contexts': _TWO + (
        "sch = mx.lr_scheduler.FactorScheduler(step=1, factor=0.5, base_lr=0.1)\n"
        "net = build([mx.cpu(0), mx.cpu(1)])\n"
        "t = gluon.Trainer(net.collect_params(), 'sgd', {'lr_scheduler': sch})\n"
        "for _ in range(3):\n    step(net, t, [mx.cpu(0), mx.cpu(1)])\n    show(net, t); print(t.learning_rate)"),
    'resume_same_and_other_device_id': _RESUME + (
        "b = build(mx.cpu(0)); tb = gluon.Trainer(b.collect_params(), 'adam', {'learning_rate': 0.1})\n"
        "for _ in range(2):\n    step(b, tb, mx.cpu(0))\n"
        "b.save_parameters(params); tb.save_states(states)\n"
        "for ctx in (mx.cpu(0), mx.cpu(1)):\n"
        "    c = build(ctx); c.load_parameters(params, ctx=ctx)\n"
        "    tc = gluon.Trainer(c.collect_params(), 'adam', {'learning_rate': 0.1}); tc.load_states(states)\n"
        "    print(ctx, tc.optimizer.num_update)\n"
        "    for _ in range(2):\n        step(c, tc, ctx)\n"
        "    print(ctx, 'resumed', c.weight.data().asnumpy().tolist(), tc.optimizer.num_update)\n"
        "tmp.cleanup()"),
    'resume_after_training_on_device_one': _RESUME + (
        # trained on cpu(1): the file holds device 1's counts, so cpu(0) restarts them
        "b = build(mx.cpu(1)); tb = gluon.Trainer(b.collect_params(), 'adam', {'learning_rate': 0.1})\n"
        "for _ in range(2):\n    step(b, tb, mx.cpu(1))\n"
        "b.save_parameters(params); tb.save_states(states)\n"
        "for ctx in (mx.cpu(1), mx.cpu(0)):\n"
        "    c = build(ctx); c.load_parameters(params, ctx=ctx)\n"
        "    tc = gluon.Trainer(c.collect_params(), 'adam', {'learning_rate': 0.1}); tc.load_states(states)\n"
        "    for _ in range(2):\n        step(c, tc, ctx)\n"
        "    print(ctx, 'resumed', c.weight.data().asnumpy().tolist(), tc.optimizer.num_update)\n"
        "tmp.cleanup()"),
}
