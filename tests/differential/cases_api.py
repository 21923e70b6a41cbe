"""Differential cases for issue #21's remainder (see harness.py): float -> integer casts, Dense's
argument checks, shapes inferred through F.FullyConnected / F.dot, DataLoader workers, and the
behaviours scripts/compare_with_mxnet.py found different."""
_FLOATS = "[1.7, -2.2, 3, 300.5, -300.5, 255.9, -1e10, 1e10, 3000000007.0, -0.5, 127.9, 128.5, -129.5]"
_SPECIALS = "[float('nan'), float('inf'), float('-inf'), 1e20, 2.0 ** 63, -2.0 ** 63]"
_INT_TYPES = "('uint8', 'int8', 'int32', 'int64')"
_MYDENSE = "class MyDense(nn.HybridBlock):\n    def __init__(self, units, how, **kwargs):\n        super().__init__(**kwargs)\n        self.units, self.how = units, how\n        with self.name_scope():\n            self.weight = self.params.get('weight', shape=(units, 0), allow_deferred_init=True)\n            self.bias = self.params.get('bias', shape=(units,), allow_deferred_init=True)\n    def hybrid_forward(self, F, x, weight, bias):\n        if self.how == 'fc':\n            return F.FullyConnected(x, weight, bias, num_hidden=self.units)\n        if self.how == 'fc_wrong_units':\n            return F.FullyConnected(x, weight, bias, num_hidden=self.units + 1)\n        if self.how == 'relu_fc_twice':\n            return F.relu(F.FullyConnected(F.relu(x), weight, bias, num_hidden=self.units)) * 2\n        return F.dot(x, weight, transpose_b=True) + bias\ndef run(how, x=nd.arange(10).reshape((2, 5)) / 10):\n    with mx.name.NameManager():\n        net = MyDense(3, how)\n    print(net, net.weight, net.weight.shape)\n    net.initialize()\n    print(net.weight.shape, net.bias.data())\n    try:\n        net.weight.data()\n    except Exception as e:\n        print(type(e).__name__)\n    try:\n        y = net(x)\n    except ValueError as e:\n        print('ValueError', str(e).split(' MXNetError')[0].split(' Cannot decide')[0])\n        return\n    print(y.asnumpy().round(5), net.weight.shape, net.weight.data(), net.collect_params())\n    with autograd.record():\n        z = net(x).sum()\n    z.backward()\n    print(net.weight.grad(), net.bias.grad())\n"
_TRY = "    try:\n        print(%s)\n    except TypeError as e:\n        print('TypeError:', e)\n"

CASES = {
    # ----- float -> integer: C's cast for arrays, NumPy 1.x's for Python numbers ------------
    'cast_issue_example': "print(nd.array([1.7, -2.2, 3], dtype='uint8'))",
    'cast_list': "for t in %s:\n    print(t, nd.array(%s, dtype=t))" % (_INT_TYPES, _FLOATS),
    'cast_list_specials': ("for t in %s:\n    for v in %s:\n" % (_INT_TYPES, _SPECIALS)
                           + "    " + (_TRY % "t, v, nd.array([v, 1.5], dtype=t)").replace("\n    ", "\n        ")),
    'cast_list_ints': "for t in %s:\n    print(t, nd.array([256, -1, 2 ** 31, 2 ** 40 + 3, -2 ** 63], dtype=t))" % _INT_TYPES,
    'cast_list_int_too_big': "for t in %s:\n" % _INT_TYPES + _TRY % "nd.array([2 ** 63], dtype=t)",
    'cast_numpy_arrays': ("v = %s + %s\nfor src in ('float32', 'float64'):\n    for t in %s:\n"
                          "        print(src, t, nd.array(np.array(v, dtype=src), dtype=t))" % (_FLOATS, _SPECIALS, _INT_TYPES)),
    'cast_astype': ("v = %s + %s\nfor src in ('float32', 'float64'):\n    for t in %s:\n"
                    "        print(src, t, nd.array(v, dtype=src).astype(t), nd.Cast(nd.array(v, dtype=src), dtype=t))"
                    % (_FLOATS, _SPECIALS, _INT_TYPES)),
    'cast_scalars': ("for t in %s:\n    print(t, nd.array(-2.2, dtype=t), nd.array(3000000007.0, dtype=t), "
                     "nd.array(np.float64(3000000007.0), dtype=t), nd.array(np.float64('nan'), dtype=t))\n"
                     "    if t != 'uint8':  # NumPy 1.x's own quirk: uint8 C-casts a NumPy scalar in a list\n"
                     "        print(nd.array([3000000007.0, np.float64(3000000007.0)], dtype=t))" % _INT_TYPES),
    'cast_nested_and_tuple': "print(nd.array([[1.5, -2.5], [300.5, 4]], dtype='uint8'), nd.array((1.5, -2.5), dtype='int8'))",
    'cast_from_ndarray': "print(nd.array(nd.array([-2.2, 300.5, 1e10], dtype='float64'), dtype='uint8'))",
    'cast_setitem': ("a = nd.zeros(3, dtype='uint8')\na[:] = 300.5\nprint(a)\na[0] = -2.2\nprint(a)\n"
                     "a[1:] = nd.array([-1e10, 257.9])\nprint(a)\nb = nd.zeros(3, dtype='int32')\n"
                     "b[:] = np.array([np.nan, 1e10, -2.5])\nprint(b)\nb[:] = [1.7, -2.2, 3e9 + 7]\nprint(b)"),
    'cast_full': "print(nd.full((2,), 300.5, dtype='uint8'), nd.full((2,), -2.2, dtype='int32'), nd.full((1,), np.nan, dtype='int32'))",
    'cast_int_scalar_operand': "print(nd.array([1, 2], dtype='int32') + 1e10, nd.array([1, 2], dtype='uint8') + 300.5)",
    'cast_float_overflow_silent': "print(nd.array([1e300, -2.2], dtype='float32'), nd.exp(nd.array([100.0])))",
    'array_not_array_like': ("for src in ('abc', [[1, 2], [3]], [float('nan')]):\n" + _TRY % "nd.array(src, dtype='int32')"
                             + "try:\n    nd.array('abc')\nexcept TypeError as e:\n    print(e)"),
    # ----- Dense's units and in_units: accepted at construction, refused where MXNet refuses ----
    **{'dense_units_%s' % label: ("d = nn.Dense(%s)\nprint(d, d.weight.shape, d.bias.shape)\n"
                                  "try:\n    d.initialize()\nexcept Exception as e:\n    print(type(e).__name__, e)\n"
                                  "else:\n    print('initialized')\n    try:\n        d(nd.ones((2, 4)))\n"
                                  "    except Exception as e:\n        print(type(e).__name__, e)" % units)
       for label, units in {'float': '2.5', 'whole_float': '2.0', 'str': "'3'", 'none': 'None',
                            'negative': '-1', 'bool': 'True', 'list': '[2]'}.items()},
    'dense_in_units_bad': ("for kw in (dict(units=3, in_units=2.5), dict(units=3, in_units='4')):\n"
                           "    d = nn.Dense(**kw)\n    print(d)\n    try:\n        d.initialize()\n"
                           "    except Exception as e:\n        print(type(e).__name__, e)"),
    'zeros_ones_bad_shape': ("for f in (nd.zeros, nd.ones):\n    for s in ((2.5,), (2, 2.0), (True,), 2.5, (None,)):\n"
                             "        try:\n            f(s)\n        except mx.base.MXNetError as e:\n            print(e)"),
    # ----- a custom block's (units, 0) weight inferred by the operator that uses it ------------
    **{'infer_' + how: _MYDENSE + "run(%r)" % how for how in ('fc', 'fc_wrong_units', 'relu_fc_twice', 'dot')},
    'infer_fc_3d_input': _MYDENSE + "run('fc', nd.arange(24).reshape((2, 3, 4)))",
    'infer_fc_then_hybridize': _MYDENSE + "net = MyDense(2, 'fc')\nnet.initialize()\nnet.hybridize()\nprint(net(nd.ones((1, 4))), net.weight.shape)",
    'infer_nested_order': (_MYDENSE + "class Outer(nn.HybridBlock):\n    def __init__(self, **kwargs):\n"
                           "        super().__init__(**kwargs)\n        with self.name_scope():\n"
                           "            self.w = self.params.get('w', shape=(4, 0), allow_deferred_init=True)\n"
                           "            self.inner = MyDense(2, 'fc')\n            self.dense = nn.Dense(3)\n"
                           "    def hybrid_forward(self, F, x, w):\n"
                           "        return self.dense(self.inner(F.FullyConnected(x, w, no_bias=True, num_hidden=4)))\n"
                           "net = Outer()\nnet.initialize()\nprint(net(nd.ones((2, 5))).shape)\n"
                           "for p in net.collect_params().values():\n    print(p.name, p.data())"),
    'infer_elementwise_operators': ("class Elem(nn.HybridBlock):\n    def __init__(self, **kwargs):\n"
                                    "        super().__init__(**kwargs)\n        with self.name_scope():\n"
                                    "            self.a = self.params.get('a', shape=(0, 5), allow_deferred_init=True)\n"
                                    "            self.b = self.params.get('b', shape=(0, 0), allow_deferred_init=True)\n"
                                    "    def hybrid_forward(self, F, x, a, b):\n        return (x + a) * b - x / (a + 2 * x)\n"
                                    "net = Elem()\nnet.initialize()\nprint(net(nd.ones((2, 5))), net.a.shape, net.b.shape)"),
    'infer_unused_parameter': ("class NoInfer(nn.HybridBlock):\n    def __init__(self, **kwargs):\n"
                               "        super().__init__(**kwargs)\n"
                               "        self.weight = self.params.get('weight', shape=(3, 0), allow_deferred_init=True)\n"
                               "    def hybrid_forward(self, F, x, weight):\n        return x\n"
                               "with mx.name.NameManager():\n    block = NoInfer()\nblock.initialize()\ntry:\n    block(nd.ones((1, 2)))\n"
                               "except ValueError as e:\n    print(e)"),
    'fc_num_hidden_checked': ("for units in (3, 4):\n    try:\n        print(nd.FullyConnected(nd.ones((2, 5)), nd.ones((3, 5)), "
                              "num_hidden=units, no_bias=True))\n    except mx.base.MXNetError as e:\n"
                              "        print(str(e).replace('MXNetError: ', ''))"),  # MXNet's str(e) starts 'MXNetError: ', minigluon's not
    # ----- DataLoader with workers: the batch says cpu_shared(0) in MXNet, cpu(0) here (see
    # appendix/compatibility.md); what is computed from it is on cpu(0) in both -------------
    'dataloader_workers_results_on_cpu': (
        "from importlib import import_module\ngdata = import_module(mx.__name__ + '.gluon.data')\n"
        "ds = gdata.ArrayDataset(nd.arange(12).reshape((6, 2)), nd.arange(6))\n"
        "for X, y in gdata.DataLoader(ds, batch_size=4, num_workers=2):\n"
        "    print(X.asnumpy(), y.asnumpy(), X.dtype, y.dtype)\n"
        "    net = gluon.nn.Dense(1, in_units=2)\n    net.initialize(init.One())\n"
        "    print((X + nd.ones(X.shape)).context, (X * 2).context, X.sum().context, net(X), "
        "X.as_in_context(mx.cpu()).context)"),
    # ----- the optimizers of d2l-zh's chapter 7, bit for bit (gradients exact: w * c) --------
    **{'optimizer_%s_%d' % (name, i): (
        "pd = gluon.ParameterDict('p_')\nw = pd.get('w', shape=(8,))\npd.initialize(init.Normal(1.0))\n"
        "tr = gluon.Trainer(pd, %r, %r)\nprint(type(tr._optimizer).__name__)\nfor step in range(5):\n"
        "    c = nd.random.normal(shape=(8,))\n    with autograd.record():\n        l = (w.data() * c).sum()\n"
        "    l.backward()\n    tr.step(3)\n    print(w.data().asnumpy().tobytes().hex())" % (name, hp))
       for name, cases in {'adagrad': [{'learning_rate': 0.1}, {'learning_rate': 0.3, 'wd': 0.01, 'clip_gradient': 0.5}],
                           'rmsprop': [{'learning_rate': 0.01, 'gamma1': 0.9},
                                       {'learning_rate': 0.03, 'gamma1': 0.95, 'wd': 0.1, 'clip_gradient': 1.0, 'clip_weights': 0.6}],
                           'adadelta': [{'rho': 0.9999}, {'rho': 0.9, 'wd': 0.05, 'epsilon': 1e-4}]}.items()
       for i, hp in enumerate(cases)},
    'optimizer_defaults': ("for name in ('adagrad', 'rmsprop', 'adadelta'):\n    o = mx.optimizer.create(name)\n"
                           "    print(type(o).__name__, o.learning_rate, {k: getattr(o, k) for k in "
                           "('float_stable_eps', 'gamma1', 'gamma2', 'epsilon', 'centered', 'clip_weights', 'rho') if hasattr(o, k)})"),
    # ----- what scripts/compare_with_mxnet.py found different, fixed ---------------------------
    'eye': "print(nd.eye(3), nd.eye(3, 4, 1), nd.eye(2, dtype='int32'), nd.eye(N=2, M=3, k=-1))",
    'setitem_broadcast_message': ("x = nd.zeros((3, 4))\nfor key, v in ((slice(None), nd.ones((2, 2))), (0, nd.ones(3)), "
                                  "(slice(0, 2), nd.ones((3, 4)))):\n    try:\n        x[key] = v\n"
                                  "    except ValueError as e:\n        print(e)"),
    'index_with_float_or_str': ("x = nd.zeros((3, 4))\nfor key in (1.0, (1, 2.0), '1'):\n    try:\n        x[key]\n"
                                "    except ValueError as e:\n        print(e)"),
    'activation_unknown_name': ("a = nn.Activation('bogus')\nprint(a)\ntry:\n    a(nd.ones(2))\n"
                                "except mx.base.MXNetError as e:\n    print(str(e).replace('MXNetError: ', ''))"),
    'context_unknown_type': "try:\n    mx.Context('tpu', 0)\nexcept KeyError as e:\n    print(repr(e))",
    'copyto_other_shape': ("try:\n    nd.zeros((3, 4)).copyto(nd.zeros((2, 2)))\nexcept mx.base.MXNetError as e:\n"
                           "    print(str(e).split('MXNetError: ')[-1].split('Check failed: assign(&dattr, vec.at(i)): ')[-1])"),
    'mixed_dtypes_message': ("for f in (lambda: nd.ones(2) + nd.ones(2, dtype='float64'),\n"
                             "          lambda: nd.FullyConnected(nd.ones((1, 3), dtype='float64'), nd.ones((2, 3)), nd.ones(2), num_hidden=2)):\n"
                             "    try:\n        f()\n    except mx.base.MXNetError as e:\n"
                             "        print(str(e).split('MXNetError: ')[-1].split('Check failed: assign(&dattr, vec.at(i)): ')[-1])"),
    # ----- cheap names MXNet has and minigluon lacked (scripts/enumerate_api.py) ---------------
    'random_randn': "print(nd.random.randn(2, 3), nd.random.randn(2, loc=10, scale=2), nd.random.randn(1, dtype='float64'))",
    'linspace': ("print(nd.linspace(0, 1, 7), nd.linspace(-3, 5.5, 5, endpoint=False), nd.linspace(1, 2, 1), "
                 "nd.linspace(0, 10, 4, dtype='int32'))\nprint(nd.linspace(0.1, 0.7, 7).asnumpy().tobytes().hex())"),
    'add_n': ("x = nd.array([0.1, 0.2, 0.3])\nprint(nd.add_n(x, x * 3, x * 7, x * 11, x * 13, x * 17).asnumpy().tobytes().hex(), nd.add_n(x))\n"
              "x.attach_grad()\nwith autograd.record():\n    y = nd.add_n(x, x * 2, x)\ny.backward()\nprint(x.grad)"),
    'reshape_like': ("x = nd.arange(6)\nx.attach_grad()\nr = nd.zeros((2, 3))\nr.attach_grad()\n"
                     "with autograd.record():\n    y = nd.reshape_like(x, r) * 2\ny.backward()\n"
                     "print(y, x.grad, r.grad, x.reshape_like(nd.zeros((3, 2))).shape)\ntry:\n"
                     "    nd.reshape_like(x, nd.zeros((2, 2)))\nexcept mx.base.MXNetError as e:\n"
                     "    print(str(e).split('Check failed: (*in_attrs)[0].Size() == oshape.Size() (6 vs. 4) : ')[-1])"),
}
