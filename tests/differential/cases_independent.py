"""Cases from the independent check (scripts/independent_check/REPORT.md) that minigluon now
matches: each prints MXNet 1.9.1's values, exception types and messages. A message from one of
MXNet's C++ checks is printed as its last line with any 'MXNetError: ' prefix dropped, as the
check's runner does."""

# prints an exception's type and the message line a user reads (a C++ check's is the last line)
_SHOW = ("def show(call):\n"
         "    try:\n"
         "        print(call())\n"
         "    except Exception as err:\n"
         "        line = str(err).strip().splitlines()[-1]\n"
         "        print(type(err).__name__, line[len('MXNetError: '):] if line.startswith('MXNetError: ') else line)\n")

CASES = {
    # ----- Optimizer.update called directly on NDArrays ------------------------------------------
    'optimizer_direct_update': (
        "for name in ('sgd', 'adam', 'adagrad', 'adadelta'):\n"
        "    for hp in ({}, {'clip_gradient': 0.5}, {'clip_gradient': 0.5, 'wd': 0.1, 'rescale_grad': 0.5},\n"
        "               {'momentum': 0.9, 'clip_gradient': 0.5}):\n"
        "        if 'momentum' in hp and name != 'sgd':\n"
        "            continue\n"
        "        o = mx.optimizer.create(name, learning_rate=0.1, **hp)\n"
        "        w = nd.array([0.3, -0.2, 1.0]); s = o.create_state(0, w)\n"
        "        for g in ([-3., 0.2, 0.7], [1.0, -0.4, 0.05]):\n"
        "            o.update(0, w, nd.array(g), s)\n"
        "        print(name, hp, w.asnumpy().tobytes().hex(), type(w).__name__)\n"
        "o = mx.optimizer.SGD(learning_rate=1, clip_gradient=0.5); w = nd.zeros(2)\n"
        "o.update(0, w, nd.array([-3., 0.2]), None); print(w)"),
    # ----- softrelu: oneDNN's float32 polynomials (1-5 dims), log1p(exp(x)) otherwise -----------
    'softrelu_values_and_gradients': (
        "x0 = np.concatenate([np.linspace(-90, 90, 241), [-30, 0, 30, 20, 20.000002, 88.5, -87.2]]).astype('float32')\n"
        "for dtype, shape in (('float32', (248,)), ('float32', (2, 4, 31)), ('float32', (1, 1, 1, 2, 4, 31)),\n"
        "                     ('float64', (248,)), ('float16', (248,))):\n"
        "    x = nd.array(x0.reshape(shape), dtype=dtype); x.attach_grad()\n"
        "    with autograd.record():\n"
        "        y = nd.Activation(x, act_type='softrelu')\n"
        "    y.backward(nd.array(np.linspace(0.5, 2, 248).reshape(shape), dtype=dtype))\n"
        "    print(dtype, shape, y.asnumpy().tobytes().hex(), x.grad.asnumpy().tobytes().hex())\n"
        "print(nd.Activation(nd.array([-30, 0, 30]), act_type='softrelu'))\n"
        "print(gluon.nn.Activation('softrelu')(nd.array([[-30, 0, 1.5, 30]])))\n"
        "p = nd.array(x0[:12].reshape(3, 4) / 5); lab = nd.array([[0, 1, 1, 0], [1, 0, 0, 1], [1, 1, 0, 0]])\n"
        "print((nd.relu(p) - p * lab + nd.Activation(-nd.abs(p), act_type='softrelu')).asnumpy().tobytes().hex())"),
    # ----- Parameter's grad_req: checked in the constructor too ----------------------------------
    'parameter_grad_req_checked': _SHOW + (
        "show(lambda: gluon.Parameter('w', shape=(2,), grad_req='foo'))\n"
        "show(lambda: gluon.Parameter('w', shape=(2,), grad_req='foo', differentiable=False))\n"
        "show(lambda: gluon.Parameter('w', shape=(2,), grad_req='add', differentiable=False).grad_req)\n"
        "show(lambda: gluon.Parameter('w', shape=(2,), grad_req='add').grad_req)\n"
        "p = gluon.Parameter('w', shape=(2,)); p.initialize()\n"
        "show(lambda: setattr(p, 'grad_req', 'bar'))\n"
        "show(lambda: p.grad_req)\n"
        "c = gluon.Constant('c', nd.ones(2))\n"
        "show(lambda: setattr(c, 'grad_req', 'foo'))\n"
        "show(lambda: c.grad_req)\n"
        "show(lambda: nn.Dense(2, in_units=2).collect_params().setattr('grad_req', 'x'))"),
    # ----- the samplers' checks of their scalar parameters (MXNet raises on reading the samples) -
    'random_parameter_checks': _SHOW + (
        "R = nd.random\n"
        "for call in (lambda: R.normal(0, -1, shape=(2,)), lambda: R.normal(0, 0), lambda: R.normal(0, -1e-8),\n"
        "             lambda: R.normal(0, -0.3), lambda: R.uniform(2, 1, shape=(2,)), lambda: R.uniform(1, 1),\n"
        "             lambda: R.uniform(0.7, 0.1), lambda: R.exponential(-1), lambda: R.exponential(-3),\n"
        "             lambda: R.exponential(0), lambda: R.poisson(-1), lambda: R.poisson(0), lambda: R.gamma(-1, 1),\n"
        "             lambda: R.gamma(0, 1), lambda: R.gamma(1, -2), lambda: R.gamma(-1, -2),\n"
        "             lambda: R.negative_binomial(-1, 0.5), lambda: R.negative_binomial(1, -0.5),\n"
        "             lambda: R.negative_binomial(1, 1.5), lambda: R.generalized_negative_binomial(-1, 0.5),\n"
        "             lambda: R.generalized_negative_binomial(1, -0.5), lambda: R.randint(5, 2),\n"
        "             lambda: R.normal_like(nd.ones(2), 0, -1), lambda: R.uniform_like(nd.ones(2), 3, 1),\n"
        "             lambda: R.exponential_like(nd.ones(2), -1), lambda: R.normal(nd.zeros(2), nd.array([1, -1])),\n"
        "             lambda: R.uniform(nd.array([2, 0]), nd.array([1, 1])), lambda: R.poisson(nd.array([-1, 1])),\n"
        "             lambda: mx.random.normal(0, -1),\n"
        "             lambda: R.normal(0, -1, out=nd.zeros(2)), lambda: R.randn(2, loc=0, scale=-1)):\n"
        "    show(lambda: call().asnumpy().shape)"),
    # ----- a head gradient of another dtype than its head ----------------------------------------
    'head_gradient_dtype': _SHOW + (
        "def run(f, xd, hd):\n"
        "    x = nd.array([1., 2.], dtype=xd); x.attach_grad()\n"
        "    with autograd.record():\n"
        "        y = f(x)\n"
        "    y.backward(nd.ones(y.shape, dtype=hd))\n"
        "    return x.grad.asnumpy()\n"
        "for xd, hd in [('float32', 'int32'), ('float32', 'float64'), ('float32', 'float16'), ('float32', 'int64'),\n"
        "               ('float32', 'uint8'), ('float64', 'float32'), ('float16', 'float32'), ('int32', 'float32')]:\n"
        "    show(lambda: run(lambda x: x * 2, xd, hd))\n"
        "for f in (lambda x: x + x, lambda x: x * x, lambda x: nd.dot(x.reshape((1, 2)), x.reshape((2, 1))),\n"
        "          lambda x: x.sum(), lambda x: x.sum(axis=0, keepdims=True), lambda x: x.mean(),\n"
        "          lambda x: x.reshape((2, 1)), lambda x: x.copy()):\n"
        "    show(lambda: run(f, 'float32', 'int32'))"),
    # ----- errors MXNet raises as MXNetError (ValueError for a HybridBlock's input) ---------------
    'hybrid_block_numpy_input': _SHOW + (
        "d = nn.Dense(2, in_units=3); d.initialize()\n"
        "seq = nn.HybridSequential(); seq.add(nn.Dense(2, in_units=3)); seq.initialize()\n"
        "for call in (lambda: d(np.ones((1, 3))), lambda: nn.Activation('relu')(np.ones(2)),\n"
        "             lambda: nn.Activation('relu')(3.0), lambda: gluon.loss.L2Loss()(np.ones(2), np.ones(2)),\n"
        "             lambda: seq(np.ones((1, 3))), lambda: nn.Sequential()(np.ones(2)), lambda: d(nd.ones((1, 3))).shape):\n"
        "    show(call)"),
    'pick_and_softmax_ce_label_shape': _SHOW + (
        "for call in (lambda: gluon.loss.SoftmaxCrossEntropyLoss()(nd.ones((2, 3)), nd.ones((3,))),\n"
        "             lambda: nd.pick(nd.ones((2, 3)), nd.ones((3,))), lambda: nd.pick(nd.ones((2, 3)), nd.ones((3,)), keepdims=True),\n"
        "             lambda: nd.pick(nd.ones((2, 3)), nd.ones((2, 2)), axis=1), lambda: nd.pick(nd.ones((2, 3)), nd.ones((3, 1)), axis=0),\n"
        "             lambda: nd.pick(nd.ones((2, 3, 4)), nd.ones((2, 3)), axis=1), lambda: nd.pick(nd.ones((2, 3)), nd.ones((2, 1)), keepdims=True).shape,\n"
        "             lambda: nd.pick(nd.ones((2, 3)), nd.ones((2, 1))).shape, lambda: nd.pick(nd.ones((2, 3)), nd.ones((2,)), axis=5)):\n"
        "    show(call)"),
    'concat_shape_check': _SHOW + (
        "for call in (lambda: nd.concat(nd.ones((1, 2)), nd.zeros((1, 3)), dim=0), lambda: nd.concat(nd.ones((1, 2)), nd.zeros((1, 3)), dim=1).shape,\n"
        "             lambda: nd.concat(nd.ones((1, 2)), nd.zeros((1, 2, 1)), dim=0),\n"
        "             lambda: nd.concat(nd.ones((2, 2)), nd.ones((2, 2)), nd.zeros((1, 3)), dim=0),\n"
        "             lambda: nd.concat(nd.ones((1, 2)), nd.zeros((1, 2)), dim=-1).shape, lambda: nd.concat(nd.ones((1, 2)), nd.zeros((1, 2)), dim=2),\n"
        "             lambda: nd.concat(nd.ones((3, 2)), nd.zeros((1, 2)), dim=1), lambda: nd.concat(nd.ones((2, 3, 4)), nd.zeros((2, 5, 4)), dim=1).shape):\n"
        "    show(call)"),
    'reduction_axis_checks': _SHOW + (
        "x = nd.ones((2, 3))\n"
        "for call in (lambda: x.sum(axis=2), lambda: nd.sum(x, axis=2), lambda: x.mean(axis=2), lambda: x.max(axis=2),\n"
        "             lambda: x.sum(axis=-3), lambda: x.sum(axis=(0, 2)), lambda: x.prod(axis=2), lambda: x.min(axis=3),\n"
        "             lambda: x.argmax(axis=2), lambda: x.norm(axis=2), lambda: x.sum(axis=(1, 1)), lambda: x.nansum(axis=2),\n"
        "             lambda: nd.softmax(x, axis=2).asnumpy(), lambda: nd.log_softmax(x, axis=-3).asnumpy(),\n"
        "             lambda: x.sum(axis=1, exclude=True).shape, lambda: x.sum(axis=-1).shape):\n"
        "    show(call)"),
    # ----- MXNet's 'Check failed: <condition>' preamble where minigluon dropped it ---------------
    'dot_reshape_load_messages': _SHOW + (
        "o = nd.ones\n"
        "for call in (lambda: nd.dot(o((2, 3)), o((2, 3))), lambda: nd.dot(o((2, 3)), o((2, 3)), transpose_a=True).shape,\n"
        "             lambda: nd.dot(o((2, 3)), o((4, 3)), transpose_a=True, transpose_b=True), lambda: nd.dot(o((2, 3)), o((4,))),\n"
        "             lambda: nd.dot(o((2, 3, 4)), o((5, 6))), lambda: nd.dot(o((3,)), o((4,))),\n"
        "             lambda: nd.dot(o((2, 3, 4)), o((2, 5)), transpose_a=True).shape,\n"
        "             lambda: nd.dot(o((4, 3)), o((5, 2, 3)), transpose_b=True).shape,\n"
        "             lambda: nd.zeros((2, 3)).reshape((4, 2)), lambda: nd.zeros((2, 3)).reshape((7,)),\n"
        "             lambda: nd.load('/nonexistent/zz'), lambda: nn.Dense(2, in_units=3).load_parameters('/nonexistent/zz.params'),\n"
        "             lambda: nd.batch_dot(o((2, 3, 4)), o((2, 5, 6)))):\n"
        "    show(call)\n"
        "a = nd.array(np.arange(24.).reshape((2, 3, 4))); b = nd.array(np.arange(10.).reshape((2, 5)))\n"
        "print(nd.dot(a, b, transpose_a=True))"),
    # ----- softmax, log_softmax and SoftmaxCELoss: oneDNN's float32 digits, MXNet's own loop else -
    'softmax_family_digits': (
        "rng = np.random.RandomState(3)\n"
        "for shape, axis, dtype in (((5, 3), -1, 'float32'), ((4, 10), -1, 'float32'), ((2, 37), 1, 'float32'),\n"
        "                           ((3, 4, 5), 1, 'float32'), ((2, 3, 4), -1, 'float64'), ((1, 2, 1, 2, 9), -1, 'float32'),\n"
        "                           ((2, 1000), -1, 'float32')):\n"
        "    X = rng.uniform(-6, 6, shape).astype(dtype); G = rng.uniform(-2, 2, shape).astype(dtype)\n"
        "    for f in (nd.softmax, nd.log_softmax):\n"
        "        x = nd.array(X, dtype=dtype); x.attach_grad()\n"
        "        with autograd.record():\n"
        "            y = f(x, axis=axis)\n"
        "        y.backward(nd.array(G, dtype=dtype))\n"
        "        print(f.__name__, shape, axis, dtype, y.asnumpy().tobytes().hex()[:2000], x.grad.asnumpy().tobytes().hex()[:2000])\n"
        "print(nd.log_softmax(nd.array([[1., 2., 3.]])), nd.softmax(nd.array([-2.0, -0.5, 0.0, 3.0])))\n"
        "print(gluon.loss.SoftmaxCrossEntropyLoss()(nd.zeros((4, 10)), nd.arange(4)).mean())\n"
        "print(gluon.loss.SoftmaxCrossEntropyLoss()(nd.ones((2, 3, 4)), nd.zeros((2, 3))))\n"
        "x = nd.array([[1., 2., 3.]]); x.attach_grad()\n"
        "with autograd.record():\n"
        "    l = gluon.loss.SoftmaxCrossEntropyLoss()(x, nd.array([2]))\n"
        "l.backward(); print(l, x.grad)"),
}
