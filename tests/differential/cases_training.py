"""Differential cases: mx.lr_scheduler (alone and in optimizers and trainers), the NAG and
centered RMSProp updates, TripletLoss, PoissonNLLLoss, CosineEmbeddingLoss, SigmoidBCELoss's
pos_weight, and the activation layers (see harness.py).

Weights after training are printed with ``tolist()`` (every float32 digit): the updates are
bit for bit MXNet's. APPROX_FLOATS: GELU, ELU, SELU and Swish (MXNet's oneDNN exp and erf),
the gradients through a norm, log or softrelu, CTC (MXNet sums in float32, minigluon in
float64), and a long NAG run whose Dense forward (a
float32 matrix product) BLAS rounds: their last float32 digit MXNet's kernels pick.
"""

_TRAIN = '''
def make(**kw):
    net = nn.Dense(1, in_units=2)
    net.initialize(init.One())
    for k, v in kw.items():
        setattr(net.weight, k, v)
    return net
X = nd.array([[1., 2.], [3., 4.]]); Y = nd.array([[1.], [2.]])
def train(net, trainer, n=1, bs=2):
    for _ in range(n):
        with autograd.record():
            l = gluon.loss.L2Loss()(net(X), Y)
        l.backward()
        trainer.step(bs)
    print(net.weight.data().asnumpy().tolist(), net.bias.data().asnumpy().tolist())
'''

_SEQUENCE = '''
S = mx.lr_scheduler
def seq(s, n=300):
    print(type(s).__name__, [s(i) for i in range(n)])
'''

_LOSS = '''
L = gluon.loss
def show(loss, *args, at=0):
    args = [a.copy() if isinstance(a, nd.NDArray) else a for a in args]
    args[at].attach_grad()
    with autograd.record():
        out = loss(*args)
    out.backward()
    print(loss, out.shape, out.asnumpy().tolist())
    print(args[at].grad.asnumpy().tolist())
p = nd.array([[-2, 0, 3], [0.5, -0.1, 1.7]]); b = nd.array([[0, 1, 1], [1, 0, 0]])
'''

_ACT = '''
import numpy
x0 = nd.array(numpy.linspace(-3, 2.5, 12).reshape(4, 3))
def show(block):
    x = x0.copy(); x.attach_grad()
    with autograd.record():
        y = block(x)
    y.backward(nd.array(numpy.linspace(-1, 2, 12).reshape(4, 3)))
    print(block, y.asnumpy().tolist(), x.grad.asnumpy().tolist())
    for name, param in block.collect_params().items():
        print(name, param.shape, param.grad().asnumpy().tolist())
'''

CASES = {
    # ----- schedulers alone: every rate of a few hundred updates, exactly ----------------------
    'sched_factor': _SEQUENCE + "seq(S.FactorScheduler(7, factor=0.9, base_lr=0.3))\n"
                                "seq(S.FactorScheduler(1, factor=0.5, base_lr=0.1), 40)",
    'sched_factor_floor_warmup': _SEQUENCE + (
        "s = S.FactorScheduler(5, factor=0.7, stop_factor_lr=1e-3, base_lr=0.3, warmup_steps=12, "
        "warmup_begin_lr=0.01)\nseq(s)\nprint(s.base_lr, s.count, s.warmup_final_lr)"),
    'sched_factor_jump': _SEQUENCE + (  # asked out of order: the rate it reached stays
        "s = S.FactorScheduler(10, factor=0.5, base_lr=1.)\n"
        "print([s(n) for n in (0, 55, 11, 200, 3)], s.count)"),
    'sched_multifactor': _SEQUENCE + (
        "seq(S.MultiFactorScheduler([10, 30, 31, 150], factor=0.3, base_lr=0.7))\n"
        "s = S.MultiFactorScheduler(step=[2, 4], factor=0.1, base_lr=1)\n"
        "print([round(s(i), 4) for i in range(6)], s.cur_step_ind, s.count)"),
    'sched_multifactor_warmup': _SEQUENCE + (
        "seq(S.MultiFactorScheduler([20, 40], factor=0.5, base_lr=0.2, warmup_steps=15, "
        "warmup_begin_lr=0.05, warmup_mode='constant'), 60)"),
    'sched_poly': _SEQUENCE + (
        "seq(S.PolyScheduler(250, base_lr=0.5, pwr=3, final_lr=0.01, warmup_steps=7, "
        "warmup_begin_lr=0.1))\nseq(S.PolyScheduler(100, pwr=1))\n"
        "seq(S.PolyScheduler(60, base_lr=2, pwr=0.5, warmup_steps=10, warmup_mode='constant'), 80)"),
    'sched_cosine': _SEQUENCE + (
        "seq(S.CosineScheduler(280, base_lr=0.5, final_lr=0.01, warmup_steps=10, "
        "warmup_begin_lr=0.001))\nseq(S.CosineScheduler(100))"),
    'sched_attributes': _SEQUENCE + (
        "for s in (S.FactorScheduler(3), S.MultiFactorScheduler([4]), S.PolyScheduler(9),\n"
        "          S.CosineScheduler(9, warmup_steps=3)):\n"
        "    print(type(s).__name__, sorted((k, v) for k, v in vars(s).items()))"),
    'sched_errors': _SEQUENCE + (
        "for make in (lambda: S.FactorScheduler(0), lambda: S.FactorScheduler(2, factor=2),\n"
        "             lambda: S.MultiFactorScheduler([3, 3]), lambda: S.MultiFactorScheduler([0, 3]),\n"
        "             lambda: S.MultiFactorScheduler(4), lambda: S.PolyScheduler(0),\n"
        "             lambda: S.CosineScheduler(2.0), lambda: S.CosineScheduler(5, warmup_mode='x'),\n"
        "             lambda: S.CosineScheduler(5, base_lr=0.1, warmup_begin_lr=0.2),\n"
        "             lambda: S.LRScheduler(warmup_steps=-2), lambda: S.LRScheduler(warmup_steps=1.5),\n"
        "             lambda: S.LRScheduler()(3), lambda: S.FactorScheduler(2, warmup_steps=4).get_warmup_lr(5)):\n"
        "    try:\n        make()\n    except Exception as e:\n        print(type(e).__name__, e)"),
    # ----- schedulers in optimizers and trainers -----------------------------------------------
    'opt_scheduler_learning_rate': _SEQUENCE + (
        "o = mx.optimizer.SGD(lr_scheduler=S.FactorScheduler(2, 0.5))\n"
        "print(o.lr, o.learning_rate, o.lr_scheduler.base_lr)\n"
        "o = mx.optimizer.Optimizer.create_optimizer('adam', learning_rate=0.2, "
        "lr_scheduler=S.CosineScheduler(10))\n"
        "print(o.lr, o.learning_rate, o.lr_scheduler.base_lr, o.lr_scheduler.base_lr_orig)\n"
        "o.num_update = 5\nprint(o.learning_rate)\n"
        "try:\n    o.set_learning_rate(0.1)\nexcept UserWarning as e:\n    print('UserWarning', e)"),
    'trainer_factor_sgd': _TRAIN + (
        "sch = mx.lr_scheduler.FactorScheduler(step=1, factor=0.5, base_lr=0.1)\n"
        "net = make(); t = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1, "
        "'lr_scheduler': sch})\ntrain(net, t, 3); print(t.learning_rate, sch.base_lr)"),
    'trainer_cosine_adam_warmup': _TRAIN + (
        "sch = mx.lr_scheduler.CosineScheduler(15, base_lr=0.05, warmup_steps=4, "
        "warmup_begin_lr=0.001)\nnet = make(); t = gluon.Trainer(net.collect_params(), 'adam', "
        "{'lr_scheduler': sch})\nfor _ in range(20):\n    train(net, t)\n    print(t.learning_rate)"),
    'trainer_poly_momentum_lr_mult': _TRAIN + (
        "sch = mx.lr_scheduler.PolyScheduler(12, base_lr=0.05, pwr=2)\n"
        "net = make(lr_mult=0.5); t = gluon.Trainer(net.collect_params(), 'sgd', "
        "{'momentum': 0.9, 'wd': 0.01, 'lr_scheduler': sch})\ntrain(net, t, 14); print(t.learning_rate)"),
    'trainer_multifactor_nag': _TRAIN + (
        "sch = mx.lr_scheduler.MultiFactorScheduler([2, 5], factor=0.3, base_lr=0.05)\n"
        "net = make(); t = gluon.Trainer(net.collect_params(), 'nag', {'momentum': 0.8, "
        "'lr_scheduler': sch})\ntrain(net, t, 7); print(t.learning_rate)"),
    'trainer_set_lr_with_scheduler': _TRAIN + (
        "sch = mx.lr_scheduler.FactorScheduler(step=1, factor=0.5)\n"
        "t = gluon.Trainer(make().collect_params(), 'sgd', {'learning_rate': 0.1, 'lr_scheduler': sch})\n"
        "print(t.learning_rate, sch.base_lr)\n"
        "try:\n    t.set_learning_rate(0.3)\nexcept UserWarning as e:\n    print('UserWarning', e)"),
    # ----- NAG and centered RMSProp ------------------------------------------------------------
    'nag_momentum': _TRAIN + (
        "net = make(); train(net, gluon.Trainer(net.collect_params(), 'nag', "
        "{'learning_rate': 0.1, 'momentum': 0.9}), 3)"),
    'nag_wd_clip': _TRAIN + (
        "net = make(); train(net, gluon.Trainer(net.collect_params(), 'nag', {'learning_rate': 0.1, "
        "'momentum': 0.9, 'wd': 0.1, 'clip_gradient': 0.7}), 5)"),
    'nag_no_momentum': _TRAIN + (
        "net = make(); train(net, gluon.Trainer(net.collect_params(), 'nag', {'learning_rate': 0.1, "
        "'wd': 0.1}), 3)\nnet = make(); train(net, gluon.Trainer(net.collect_params(), 'nag', "
        "{'learning_rate': 0.3, 'clip_gradient': 0.5}), 3, bs=3)"),
    'nag_object': _TRAIN + (
        "o = mx.optimizer.NAG(momentum=0.5, learning_rate=0.2, rescale_grad=2.0)\n"
        "print(type(o).__name__, o.momentum, o.learning_rate, o.wd, o.clip_gradient)\n"
        "net = make(); t = gluon.Trainer(net.collect_params(), o); train(net, t, 4, bs=4)"),
    'rmsprop_centered': _TRAIN + (
        "net = make(); train(net, gluon.Trainer(net.collect_params(), 'rmsprop', "
        "{'learning_rate': 0.01, 'centered': True}), 2)"),
    'rmsprop_centered_wd_clips': _TRAIN + (
        "net = make(); train(net, gluon.Trainer(net.collect_params(), 'rmsprop', "
        "{'learning_rate': 0.01, 'centered': True, 'wd': 0.1, 'clip_gradient': 0.5, "
        "'clip_weights': 0.95, 'gamma1': 0.8, 'gamma2': 0.7}), 6)"),
    'nag_rmsprop_float16': (  # multi_precision: float32 copies; without it, float16 arithmetic
        "import numpy\nfor opt, kw in [('nag', {'momentum': 0.9, 'wd': 0.1, 'multi_precision': True}),\n"
        "                ('nag', {'momentum': 0.9}), ('nag', {'multi_precision': True, 'wd': 0.1}),\n"
        "                ('nag', {'momentum': 0.7, 'multi_precision': True, 'clip_gradient': 0.3}),\n"
        "                ('rmsprop', {'centered': True, 'multi_precision': True})]:\n"
        "    p = gluon.Parameter('w', shape=(6,), dtype='float16'); p.initialize(init.Constant(0.3))\n"
        "    t = gluon.Trainer([p], opt, dict(learning_rate=0.1, **kw))\n"
        "    x = nd.array(numpy.linspace(-1, 1.3, 6), dtype='float16')\n"
        "    for _ in range(5):\n"
        "        with autograd.record():\n            l = (p.data() * p.data() * x).sum()\n"
        "        l.backward(); t.step(2)\n"
        "    print(opt, p.data().asnumpy().tolist())"),
    # ----- losses ------------------------------------------------------------------------------
    'loss_bce_pos_weight': _LOSS + (
        "show(L.SigmoidBCELoss(), p, b, None, nd.array([[2, 2, 2]]))\n"
        "show(L.SigmoidBCELoss(weight=0.7), p, b, nd.array([[0.5], [2]]), nd.array([0.3, 2, 5]))"),
    'loss_bce_pos_weight_sigmoid': _LOSS + (
        "show(L.SigmoidBCELoss(from_sigmoid=True), nd.array([[0.1, 0.5, 0.9], [0.3, 0.2, 0.7]]), b, "
        "None, nd.array([[3, 3, 3]]))"),
    'loss_triplet': _LOSS + (
        "show(L.TripletLoss(), nd.array([[1, 2]]), nd.array([[1, 1]]), nd.array([[0, 0]]))\n"
        "args = nd.array([[1, 2, 0.5], [0.1, -1, 2]]), nd.array([[1, 1, 0], [0, 0, 0]]), "
        "nd.array([[0, 0, 1], [1, -1, 2.5]])\n"
        "for k in range(3):\n    show(L.TripletLoss(margin=2, weight=0.5), *args, at=k)"),
    'loss_poisson': _LOSS + (
        "show(L.PoissonNLLLoss(), nd.array([[1, 2]]), nd.array([[1, 1]]))\n"
        "show(L.PoissonNLLLoss(from_logits=False), nd.array([[1, 2], [0.3, 4]]), nd.array([[1, 0], [3, 2]]))\n"
        "show(L.PoissonNLLLoss(weight=2.), nd.array([[1, 2], [0.3, 4]]), nd.array([[1, 3], [3, 2]]), "
        "nd.array([[1], [0.5]]))"),
    'loss_poisson_full': _LOSS + (
        "l = L.PoissonNLLLoss(compute_full=True)\n"
        "print(l(nd.array([[1, 2], [0.3, 4]]), nd.array([[1, 3], [3, 2]])))\n"
        "x = nd.array([[1, 2]]); x.attach_grad()\n"
        "try:\n    with autograd.record():\n        l(x, nd.array([[1, 3]]))\n"
        "except mx.MXNetError:\n    print('MXNetError')"),
    'loss_cosine': _LOSS + (
        "show(L.CosineEmbeddingLoss(), nd.array([[1, 0]]), nd.array([[0, 1]]), nd.array([1]))\n"
        "a = nd.array([[1, 0.5, 2], [0.3, -1, 2], [1, 1, 1]]); c = nd.array([[0.5, 1, 1], [0.3, -1, 1], [0, 0.1, 0]])\n"
        "show(L.CosineEmbeddingLoss(margin=0.2), a, c, nd.array([1, -1, -1]))\n"
        "show(L.CosineEmbeddingLoss(weight=3), a, c, nd.array([-1, 1, 0]), nd.array([[2], [0.5], [1]]), at=1)"),
    'nd_ctc_loss': (
        "import numpy\nx = nd.array(numpy.linspace(-2, 2, 40).reshape(5, 2, 4) ** 2)\n"
        "for lab, kw in (([[1, 2], [1, 1]], {'blank_label': 'last'}), ([[1, -1, 2], [-1, 0, 0]], {'blank_label': 'last'}),\n"
        "                ([[1, 2, 0], [3, 0, 2]], {})):\n"
        "    print(nd.CTCLoss(x, nd.array(lab), **kw).asnumpy().tolist())\n"
        "x.attach_grad()\nwith autograd.record():\n"
        "    l = nd.CTCLoss(x, nd.array([[1, 2], [1, 1]]), nd.array([4, 5]), nd.array([2, 1]), "
        "use_data_lengths=True, use_label_lengths=True)\n"
        "l.backward(nd.array([1., 2.])); print(l.asnumpy().tolist(), x.grad.asnumpy().tolist())\n"
        "print(nd.ctc_loss(x, nd.array([[1, 2]] * 2)).asnumpy().tolist())\n"
        "for bad in (lambda: nd.CTCLoss(x, nd.ones((2, 6))), lambda: nd.CTCLoss(x, nd.ones((2, 2)), blank_label='mid')):\n"
        "    try:\n        bad()\n    except mx.MXNetError:\n        print('MXNetError')"),
    'loss_ctc': _LOSS + (
        "print(L.CTCLoss(), L.CTCLoss()(nd.ones((2, 5, 4)), nd.array([[1, 2], [1, 1]])).asnumpy().tolist())\n"
        "import numpy\ny = nd.array(numpy.linspace(-1, 1.5, 60).reshape(2, 6, 5))\n"
        "show(L.CTCLoss(weight=0.5), y, nd.array([[0, 3, 3], [1, -1, -1]]), None, None, nd.array([2, 1]))\n"
        "show(L.CTCLoss(layout='TNC', label_layout='TN'), y.transpose((1, 0, 2)), nd.array([[0, 1], [3, -1], [3, -1]]), "
        "nd.array([6, 4]), nd.array([3, 1]))\n"
        "try:\n    L.CTCLoss(layout='NCT')\nexcept AssertionError as e:\n    print(e)"),
    'loss_reprs': _LOSS + "print(L.TripletLoss(), L.PoissonNLLLoss(batch_axis=1), L.CosineEmbeddingLoss(weight=2))",
    # ----- activation layers -------------------------------------------------------------------
    'act_leaky_relu': _ACT + "show(nn.LeakyReLU(0.1)); show(nn.LeakyReLU(0))\n"
                             "try:\n    nn.LeakyReLU(-1)\nexcept AssertionError as e:\n    print(e)",
    'act_prelu': _ACT + (
        "b = nn.PReLU(prefix='q_'); b.initialize(); show(b); print(b.alpha, type(b.alpha.init).__name__)\n"
        "b = nn.PReLU(in_channels=3, alpha_initializer=mx.init.Constant(0.1), prefix='p_')\n"
        "b.initialize(); show(b)"),
    'act_elu_selu_swish': _ACT + "for b in (nn.ELU(), nn.ELU(0.5), nn.SELU(), nn.Swish(), nn.Swish(2.0)):\n    show(b)",
    'act_gelu': _ACT + "show(nn.GELU())",
    'act_in_sequential': _ACT + (
        "net = nn.HybridSequential(prefix='s_')\nwith net.name_scope():\n    net.add(nn.Dense(3, in_units=3), nn.PReLU(), nn.LeakyReLU(0.2), "
        "nn.ELU(), nn.Swish(), nn.GELU(), nn.SELU())\nnet.initialize(mx.init.One())\nprint(net)\n"
        "print(list(net.collect_params().keys()))"),
    'nd_leaky_relu_prelu': (
        "x = nd.array([[-2., 1., -0.5], [3., -1., 0.]]); g = nd.array([0.1, 0.2, 0.3]); x.attach_grad(); g.attach_grad()\n"
        "with autograd.record():\n    y = nd.LeakyReLU(x, g, act_type='prelu')\n"
        "y.backward(nd.array([[1., -2., 3.], [0.5, 1., -1.]]))\n"
        "print(y.asnumpy().tolist(), x.grad.asnumpy().tolist(), g.grad.asnumpy().tolist())\n"
        "try:\n    nd.LeakyReLU(x, act_type='prelu')\nexcept mx.MXNetError:\n    print('MXNetError')"),
}

APPROX_FLOATS = {'act_gelu', 'act_in_sequential', 'act_elu_selu_swish', 'loss_bce_pos_weight',
                 'loss_bce_pos_weight_sigmoid', 'loss_cosine', 'trainer_multifactor_nag',
                 'nd_ctc_loss', 'loss_ctc'}
