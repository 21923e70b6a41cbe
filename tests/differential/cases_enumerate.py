"""Differential cases for the names scripts/enumerate_api.py found missing in the classes issue
#21 scopes (see harness.py): Context.device_type and default_ctx, Parameter.dtype and its
row_sparse accessors, Block.save/load, HybridBlock.infer_type and optimize_for, the optimizer
registry, multipliers and multi_precision, InitDesc.global_init, Bilinear, LSTMBias, FusedRNN.

What MXNet can do and minigluon refuses (Parameter.var, register_op_hook, export, an optimizer
given ``sym``, FusedRNN initializing) is checked in tests/test_enumerate_api.py."""

_TRAIN_FLOAT16 = '''
def train(name, hp, mp):
    pd = gluon.ParameterDict('q_')
    w = pd.get('w', shape=(5,), dtype='float16')
    pd.initialize(init.Normal(1.0))
    tr = gluon.Trainer(pd, name, dict({'multi_precision': mp}, **hp))
    for step in range(3):
        c = nd.random.normal(shape=(5,)).astype('float16')
        with autograd.record():
            l = (w.data() * c).sum()
        l.backward()
        tr.step(3)
    return w.data()
'''

_SAVE_LOAD = '''
import os, tempfile
class Plain(gluon.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.body = nn.Dense(2, in_units=2)
        self.extra = nn.Sequential()
        self.extra.add(nn.Dense(1, in_units=2))
    def forward(self, x):
        return self.extra(self.body(x))
def hybrid():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(3, in_units=2, activation='relu'), nn.Dense(1, in_units=3))
    return net
with mx.name.NameManager(), tempfile.TemporaryDirectory() as root:
    for build in (hybrid, Plain):
        path = os.path.join(root, build.__name__)
        net = build()
        net.initialize(init.Normal(1.0))
        net.save(path)
        with open(path + '-model.json') as f:
            print(f.read())
        with open(path + '-model.params', 'rb') as f:
            print(f.read().hex())
        again = build()
        print(again.name, list(again._children), list(again.collect_params().keys()))
        again.load(path)
        print(again.name, list(again._children), list(again.collect_params().keys()))
        for key, child in again._children.items():
            print(key, child.name, list(child.params.keys()))
        x = nd.array([[0.5, -1.0]])
        print(again(x), net(x))
    try:
        nn.Dense(2, in_units=2).load(os.path.join(root, 'Plain'))
    except KeyError as e:
        print('KeyError', e)
'''

CASES = {
    # ----- Context -------------------------------------------------------------------------
    'context_device_type': (
        "print([mx.Context(t, 1).device_type for t in ('cpu', 'gpu', 'cpu_pinned', 'cpu_shared')], "
        "mx.gpu(2).device_typeid, 'device_type' in dir(mx.Context))\ntry:\n    mx.cpu().device_type = 'gpu'\n"
        "except AttributeError as e:\n    print('AttributeError', e)"),
    'context_default_ctx': (
        "C = mx.Context\nprint('default_ctx' in dir(C), C.default_ctx, mx.cpu(3).default_ctx)\n"
        "with mx.cpu(1):\n    print(C.default_ctx, mx.context.current_context())\n"
        "C.default_ctx = mx.cpu(2)\nprint(C.default_ctx, mx.context.current_context(), nd.zeros(1).context)\n"
        "with mx.cpu(4):\n    print(C.default_ctx)\nC.default_ctx = mx.cpu(0)\nprint(nd.zeros(1).context)"),
    # ----- Parameter ------------------------------------------------------------------------
    'parameter_dtype': (
        "p = gluon.Parameter('w', shape=(2, 3))\nprint(p.dtype, repr(p))\np.dtype = 'float16'\n"
        "print(p.dtype, repr(p))\np.initialize()\nprint(p.data().dtype, p.grad().dtype)\n"
        "p.dtype = 'float64'\nprint(p.dtype, p.data().dtype, p.grad().dtype, p.data())\n"
        "with mx.name.NameManager():\n    d = nn.Dense(2, in_units=2, dtype='float16')\n"
        "print(d.weight, d.weight.dtype)\nd.cast('float32')\nprint(d.weight, d.weight.dtype)"),
    'parameter_row_sparse_of_default': (
        "with mx.name.NameManager():\n    dense = nn.Dense(2, in_units=3)\n"
        "for p in (gluon.Parameter('w', shape=(2, 3)), dense.weight):\n"
        "    for call in (lambda: p.row_sparse_data(nd.array([0])), lambda: p.list_row_sparse_data(nd.array([0]))):\n"
        "        try:\n            call()\n        except RuntimeError as e:\n            print('RuntimeError', e)"),
    # ----- Block ----------------------------------------------------------------------------
    'block_save_load': _SAVE_LOAD,
    'hybridblock_infer_type': (
        "def show(net, x):\n    try:\n        net.infer_type(x)\n"
        "        print('ok', list(net.collect_params().values()))\n    except mx.base.MXNetError as e:\n"
        "        print('MXNetError', str(e).split(' at ')[-1])\n"
        "with mx.name.NameManager():\n    net = nn.Dense(2)\n    net.initialize()\n"
        "    show(net, nd.ones((1, 3), dtype='float64'))\n    show(net, nd.ones((1, 3)))\n"
        "    print(net.weight.shape, net.weight)\n"
        "    net = nn.HybridSequential()\n    net.add(nn.Dense(2, in_units=3, dtype='float16'), nn.Dense(4, dtype='float16'))\n"
        "    show(net, nd.ones((1, 3), dtype='float16'))\n    print(net[1].weight.shape)\n"
        "    show(net, nd.ones((1, 3), dtype='float32'))"),
    'hybridblock_optimize_for_no_backend': (
        "net = nn.Dense(2, in_units=2)\nnet.initialize()\ntry:\n    net.optimize_for(nd.ones((1, 2)))\n"
        "except ValueError as e:\n    print('ValueError', e)"),
    # ----- optimizer ------------------------------------------------------------------------
    'optimizer_registry': (
        "O = mx.optimizer\nprint(O.create is O.Optimizer.create_optimizer, O.register is O.Optimizer.register)\n"
        "print(sorted(k for k in O.Optimizer.opt_registry if k in ('sgd', 'adam', 'adagrad', 'rmsprop', 'adadelta')))\n"
        "o = O.Optimizer.create_optimizer('SGD', learning_rate=0.5)\n"
        "print(type(o).__name__, o.lr, o.lr_mult, o.wd_mult, o.idx2name, o.multi_precision, o.sym_info)\n"
        "try:\n    O.create('nosuch')\nexcept ValueError as e:\n    print('ValueError', e)\n"
        "O.Optimizer.opt_registry.pop('myopta', None)\n"
        "class MyOptA(O.SGD):\n    pass\nprint(O.register(MyOptA) is MyOptA)\nclass MyOptA(O.Adam):\n    pass\n"
        "O.register(MyOptA)\nprint(type(O.create('myopta')).__mro__[1].__name__)\ntry:\n    O.register(O.SGD())\n"
        "except AssertionError as e:\n    print('AssertionError', repr(e))"),
    'optimizer_multipliers': (
        "o = mx.optimizer.SGD(param_idx2name={0: 'fc_weight', 1: 'fc_bias', 2: 'bn_gamma', 3: 'bn_beta'}, wd=0.1)\n"
        "print(o.wd_mult, o.lr_mult, o.idx2name)\no.set_wd_mult({'fc_weight': 2.0, 1: 3.0})\n"
        "o.set_lr_mult({'fc_bias': 0.5, 2: 4.0})\nprint(o.wd_mult, o.lr_mult)\n"
        "lr = o._get_lr if hasattr(o, '_get_lr') else lambda i: o._get_lrs([i])[0]\n"
        "wd = o._get_wd if hasattr(o, '_get_wd') else lambda i: o._get_wds([i])[0]\n"
        "print([lr(i) for i in range(5)], [wd(i) for i in range(5)])\n"
        "try:\n    o.set_lr_scale({0: 2})\nexcept DeprecationWarning as e:\n    print('DeprecationWarning', repr(e))\n"
        "try:\n    mx.optimizer.SGD(param_idx2name=[1])\nexcept AssertionError as e:\n    print('AssertionError', e)"),
    'optimizer_multipliers_through_trainer': (
        "pd = gluon.ParameterDict('p_')\nw = pd.get('w', shape=(4,), lr_mult=0.5, wd_mult=2.0)\n"
        "b = pd.get('b', shape=(4,))\npd.initialize(init.One())\n"
        "tr = gluon.Trainer(pd, 'sgd', {'learning_rate': 0.1, 'wd': 0.01, 'momentum': 0.9})\n"
        "tr.optimizer.set_lr_mult({0: 100.0, 1: 100.0})\nfor step in range(3):\n    with autograd.record():\n"
        "        l = (w.data() * nd.arange(4) + b.data() * 2).sum()\n    l.backward()\n    tr.step(2)\n"
        "    print(w.data().asnumpy().tobytes().hex(), b.data().asnumpy().tobytes().hex())\n"
        "w.lr_mult = 0\ntr.optimizer.wd = 0.5\nwith autograd.record():\n    l = (w.data() * b.data()).sum()\n"
        "l.backward()\ntr.step(1)\nprint(w.data(), b.data())"),
    **{'optimizer_multi_precision_%s_%d' % (name, i): _TRAIN_FLOAT16 + (
        "w = train(%r, %r, True)\nprint(w.dtype, w.asnumpy().tobytes().hex())" % (name, hp))
       for name, cases in {'sgd': [{'learning_rate': 0.1}, {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01}],
                           'adam': [{'learning_rate': 0.01}], 'rmsprop': [{'learning_rate': 0.01}],
                           'adagrad': [{'learning_rate': 0.1}], 'adadelta': [{'rho': 0.5}]}.items()
       for i, hp in enumerate(cases)},
    'optimizer_float16_without_multi_precision_warns': (
        _TRAIN_FLOAT16 + "for name in ('sgd', 'adam'):\n    print(train(name, {}, False).dtype)"),
    'optimizer_multi_precision_not_float16': (
        "pd = gluon.ParameterDict('r_')\nw = pd.get('w', shape=(3,))\npd.initialize(init.One())\n"
        "tr = gluon.Trainer(pd, 'sgd', {'learning_rate': 0.5, 'multi_precision': True, 'momentum': 0.5})\n"
        "for step in range(2):\n    with autograd.record():\n        l = (w.data() * nd.array([1, 2, 3])).sum()\n"
        "    l.backward()\n    tr.step(1)\nprint(w.data())"),
    # ----- init -----------------------------------------------------------------------------
    'init_bilinear': (
        "for shape in ((1, 1, 4, 4), (2, 3, 3, 5), (1, 2, 1, 1), (1, 1, 2, 7)):\n    a = nd.zeros(shape)\n"
        "    init.Bilinear()(init.InitDesc('up_weight'), a)\n    print(a.asnumpy().tobytes().hex())\n"
        "print(a, init.Bilinear().dumps())\ntry:\n    init.Bilinear()(init.InitDesc('x_weight'), nd.zeros((2, 3)))\n"
        "except IndexError as e:\n    print('IndexError', e)"),
    'init_lstm_bias': (
        "for fb, n in ((1.0, 8), (2.5, 12), (0.3, 6), (1.0, 3)):\n    b = nd.ones(n)\n"
        "    init.LSTMBias(fb)(init.InitDesc('lstm_weight'), b)\n    print(b, init.LSTMBias(fb).dumps())\n"
        "with mx.name.NameManager():\n    net = nn.Dense(8, in_units=2, bias_initializer=init.LSTMBias(3.0))\n"
        "net.initialize()\nprint(net.bias.data(), init.create('lstmbias').forget_bias)"),
    'init_desc_global_init': (
        "d = init.InitDesc('w_weight')\nprint(d.global_init, init.InitDesc('v', global_init=init.One()).global_init.dumps())\n"
        "x = init.Xavier()\nx(d, nd.zeros((2, 2)))\nprint(d.global_init is x)\n"
        "d2 = init.InitDesc('w_weight', global_init=init.One())\ninit.Zero()(d2, nd.zeros(2))\nprint(d2.global_init.dumps())\n"
        "class Spy(init.Initializer):\n    def _init_weight(self, desc, arr):\n"
        "        print('spy', type(desc).__name__, desc, desc.global_init.dumps(), desc.attrs['__init__'] is self)\n"
        "        arr[:] = 7\nwith mx.name.NameManager():\n    net = nn.Dense(2, in_units=2, weight_initializer=Spy())\n"
        "net.initialize(init.Normal(0.5))\nprint(net.weight.data())"),
    'init_fused_rnn_built': (
        "print(init.FusedRNN(init.Xavier(), 4, 1, 'lstm').dumps())\nprint(init.FusedRNN(None, 2, 2, 'gru', True, 0.5).dumps())\n"
        "try:\n    init.FusedRNN('[\"normal\", {\"sigma\": 0.3}]', 2, 2, 'gru')\nexcept KeyError as e:\n    print(repr(e))"),
    'init_unknown_pattern_message': (
        "try:\n    init.Uniform()(init.InitDesc('rnn_parameters'), nd.zeros(3))\nexcept ValueError as e:\n    print(e)"),
}
