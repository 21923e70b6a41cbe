"""Differential cases for what scripts/enumerate_api.py found missing (issue #21, "fidelity by
enumeration"): autograd.Function, the gamma family of samplers and the *_like samplers (MXNet's
very numbers on the CPU), nd's random_* and sample_* operators, and nd creation keywords."""
_SIGMOID = ("class sigmoid(autograd.Function):\n    def forward(self, x):\n        y = 1 / (1 + nd.exp(-x))\n"
            "        self.save_for_backward(y)\n        return y\n    def backward(self, dy):\n"
            "        y, = self.saved_tensors\n        return dy * y * (1 - y)\n")
_TWO = ("class Two(autograd.Function):\n    def forward(self, a, b):\n        self.save_for_backward(a, b)\n"
        "        return a * b, a + b\n    def backward(self, dp, ds):\n        a, b = self.saved_tensors\n"
        "        print('output grads', dp, ds)\n        return dp * b + ds, dp * a + ds\n"
        "a, b = nd.array([1., 2.]), nd.array([3., 4.])\na.attach_grad()\nb.attach_grad()\n")
_LIKE = ('normal_like', 'uniform_like', 'gamma_like', 'exponential_like', 'poisson_like',
         'negative_binomial_like', 'generalized_negative_binomial_like')

CASES = {
    # ----- autograd.Function ------------------------------------------------------------------
    'function_sigmoid_docs': (_SIGMOID + "func = sigmoid()\nx = nd.random.uniform(shape=(10,))\nx.attach_grad()\n"
                              "with autograd.record():\n    m = func(x)\n    m.backward()\nprint(m, x.grad)"),
    'function_called_twice': _SIGMOID + "f = sigmoid()\nf(nd.ones(2))\ntry:\n    f(nd.ones(2))\nexcept AssertionError as e:\n    print(e)",
    'function_outside_record': (_SIGMOID + "f = sigmoid()\nx = nd.array([0., 1.])\nx.attach_grad()\ny = f(x)\n"
                                "print(y, f.saved_tensors)\ny.backward()"),
    'function_two_outputs': _TWO + "with autograd.record():\n    p, s = Two()(a, b)\n    z = p * 2 + s * p\nz.backward()\nprint(a.grad, b.grad)",
    'function_unused_output': _TWO + "with autograd.record():\n    p, s = Two()(a, b)\n    z = p * 2\nz.backward()\nprint(a.grad, b.grad)",
    'function_switches': ("class Probe(autograd.Function):\n    def forward(self, x):\n"
                          "        print('forward', autograd.is_recording(), autograd.is_training())\n        return x * 1\n"
                          "    def backward(self, d):\n        print('backward', autograd.is_recording(), autograd.is_training())\n"
                          "        return d * 3\nx = nd.ones(2)\nx.attach_grad()\nwith autograd.record():\n    y = Probe()(x)\n"
                          "y.backward()\nprint(x.grad)"),
    'function_constant_input': ("class Mul(autograd.Function):\n    def forward(self, a, c):\n        self.save_for_backward(a, c)\n"
                                "        return a * c\n    def backward(self, d):\n        a, c = self.saved_tensors\n"
                                "        return d * c, d * a\na, c = nd.array([1., 2.]), nd.array([5., 6.])\na.attach_grad()\n"
                                "with autograd.record():\n    y = Mul()(a, c)\ny.backward()\nprint(a.grad, c.grad)"),
    'function_base_class': "try:\n    autograd.Function()(nd.ones(1))\nexcept NotImplementedError as e:\n    print(repr(e))",
    # (a backward returning the wrong number of gradients: MXNet prints its own failing traceback
    # and raises at the next read, asynchronously; tests/test_function.py checks minigluon's error)
    # ----- the gamma family, bit for bit -------------------------------------------------------
    'random_gamma': ("print(nd.random.gamma(2.0, 1.5, shape=(2, 3)), nd.random.gamma(0.5, shape=4))\n"
                     "print(nd.random.gamma(0.7, 2, shape=(3,), dtype='float64'), nd.random.gamma(3, 1, shape=2, dtype='float16'))\n"
                     "print(nd.random.gamma(alpha=9.0, beta=0.5, shape=3000).asnumpy()[-4:])"),
    'random_negative_binomial': ("print(nd.random.negative_binomial(3, 0.4, shape=(2, 4)), nd.random.negative_binomial(shape=2))\n"
                                 "print(nd.random.negative_binomial(k=20, p=0.1, shape=3000).asnumpy()[-6:], "
                                 "nd.random.negative_binomial(2, 0.5, shape=2, dtype='float64'))"),
    'random_generalized_negative_binomial': ("print(nd.random.generalized_negative_binomial(2.0, 0.3, shape=(2, 4)))\n"
                                             "print(nd.random.generalized_negative_binomial(5.0, 0.0, shape=4), "
                                             "nd.random.generalized_negative_binomial(shape=3))"),
    'random_array_parameters': ("a, b, p = nd.array([1., 2.]), nd.array([0.5, 3.]), nd.array([0.3, 0.6])\n"
                                "print(nd.random.normal(a, b, shape=3), nd.random.uniform(a, a + b), nd.random.normal(a, b, shape=(1,)))\n"
                                "print(nd.random.gamma(a, b, shape=3), nd.random.exponential(a, shape=(2, 2)), nd.random.poisson(a * 10, shape=3))\n"
                                "print(nd.random.negative_binomial(a, p, shape=3), nd.random.generalized_negative_binomial(a, b, shape=3))\n"
                                "print(nd.random.gamma(nd.array([1, 0.4], dtype='float64'), nd.array([1, 2], dtype='float64'), shape=2))\n"
                                "try:\n    nd.random.gamma(a, 2.0)\nexcept AssertionError as e:\n    print('AssertionError')"),
    'random_like': ("x = nd.ones((2, 3))\nfor f in %r:\n    print(f, getattr(nd.random, f)(x))\n"
                    "print(nd.random.normal_like(x, loc=5, scale=0.1), nd.random.gamma_like(nd.ones(3, dtype='float64'), alpha=0.5, beta=2))\n"
                    "print(nd.random.exponential_like(x, lam=4), nd.random.negative_binomial_like(data=x, k=2, p=0.5))\n"
                    "print(nd.random.uniform_like(x, out=nd.zeros((2, 3))))" % (_LIKE,)),
    'random_like_out_wrong_shape': "nd.random.gamma_like(nd.ones(2), out=nd.zeros(3))",
    'random_like_unknown_keyword': "nd.random.normal_like(nd.ones(2), mean=3)",
    'random_gamma_unknown_keyword': "nd.random.gamma(2, 1, shape=2, foo=1)",
    'random_mx_module': ("print(mx.random.gamma(1.5, shape=4), mx.random.negative_binomial(2, 0.5, shape=4))\n"
                         "print(mx.random.generalized_negative_binomial(shape=4), mx.random.randn(2, 2))"),
    'random_out': "o = nd.zeros((2, 2), dtype='float64')\nr = nd.random.negative_binomial(2, 0.5, out=o)\nprint(r is o, o)",
    'random_nd_operators': ("a, b = nd.array([1., 2.]), nd.array([0.5, 3.])\n"
                            "print(nd.random_exponential(lam=4, shape=3), nd.random_gamma(2, 3, shape=3), nd.random_poisson(lam=4, shape=3))\n"
                            "print(nd.random_randint(0, 9, shape=3), nd.random_negative_binomial(k=4, p=0.5, shape=3))\n"
                            "print(nd.random_generalized_negative_binomial(mu=4, alpha=0.5, shape=3))\n"
                            "print(nd.sample_normal(a, b), nd.sample_normal(a, b, shape=1), nd.sample_uniform(a, a + b, shape=(2, 2)))\n"
                            "print(nd.sample_exponential(a, shape=2), nd.sample_poisson(a * 10, shape=2), nd.sample_gamma(a, b, shape=2))\n"
                            "print(nd.sample_negative_binomial(a, nd.array([0.3, 0.6]), shape=2), nd.sample_generalized_negative_binomial(a, b))\n"
                            "print(nd.sample_multinomial(nd.array([[0.5, 0.5], [0.1, 0.9]]), shape=3))"),
}

CASES.update({
    # ----- MXNet's out= and name= on nd's operators, and creation keywords -----------------------
    'out_and_name_keywords': ("x = nd.array([[-1., 2.], [3., -4.]])\no = nd.zeros((2, 2))\n"
                              "r = nd.relu(x, out=o, name='r')\nprint(r is o, o)\n"
                              "for f, args in [(nd.clip, (x, 0, 2)), (nd.transpose, (x,)), (nd.sort, (x,)),\n"
                              "                (nd.argsort, (x,)), (nd.flip, (x, 0)), (nd.tile, (x, (1,))), (nd.negative, (x,)),\n"
                              "                (nd.broadcast_add, (x, x)), (nd.elemwise_mul, (x, x)), (nd.where, (x > 0, x, x * 0)),\n"
                              "                (nd.dot, (x, x)), (nd.LeakyReLU, (x,)), (nd.Activation, (x, 'tanh')), (nd.cast, (x, 'float32')),\n"
                              "                (nd.zeros_like, (x,)), (nd.ones_like, (x,)), (nd.broadcast_like, (x, x)), (nd.sin, (x,))]:\n"
                              "    o = nd.zeros((2, 2))\n    r = f(*args, out=o, name='n')\n    print(f.__name__, r is o, o)\n"
                              "o = nd.zeros(2)\nprint(nd.argmax(x, axis=1, out=o) is o, o, nd.norm(x, out=nd.zeros(1)), nd.pick(x, nd.array([0, 1]), name='p'))"),
    'out_records_gradient': ("x = nd.array([1., -2., 3.])\nx.attach_grad()\no = nd.zeros(3)\nwith autograd.record():\n"
                             "    y = nd.sigmoid(x, out=o)\n    z = (o * 2).sum()\nz.backward()\nprint(y is o, x.grad)"),
    # (an elementwise operator words a wrong out shape as its own check: not replayed)
    'out_wrong_shape_or_dtype': ("def show(f, *args, **kwargs):\n    try:\n        f(*args, **kwargs)\n"
                                 "    except mx.base.MXNetError as e:\n        print(str(e).split('MXNetError: ')[-1])\n"
                                 "show(nd.relu, nd.ones((3, 2)), out=nd.zeros((3, 2), dtype='float64'))\n"
                                 "show(nd.transpose, nd.ones((3, 2)), out=nd.zeros((3, 2)))\n"
                                 "show(nd.transpose, nd.ones((3, 2)), out=nd.zeros((2, 3), dtype='float16'))\n"
                                 "show(nd.broadcast_add, nd.ones((2, 3)), nd.ones((2, 3)), out=nd.zeros((1, 3)))\n"
                                 "show(nd.dot, nd.ones((2, 3)), nd.ones((3, 2)), out=nd.zeros((3, 3)))"),
    'dropout_out': ("o = nd.zeros((2, 4))\nwith autograd.train_mode():\n"
                    "    r = nd.Dropout(nd.ones((2, 4)), 0.3, out=o, cudnn_off=True, name='d')\n"
                    "print(r is o, o, nd.Dropout(nd.ones(2), out=nd.zeros(2)))"),
    'arange_infer_range': "print(nd.arange(3, infer_range=True), nd.arange(2, 8, 2, infer_range=False, repeat=2), nd.arange(0, 2, 1, 1, None))",
    'empty_stype': ("print(nd.empty((2, 2), stype='default').shape, nd.empty((2,), stype=None).stype)\n"
                    "try:\n    nd.empty((2,), stype='foo')\nexcept Exception as e:\n    print(type(e).__name__, e)"),
})
