"""Differential cases for nd / autograd: name -> snippet (see harness.py)."""
_X = "X = nd.arange(12).reshape((3, 4))\n"
_GRAD = ("def grad_of(f, x):\n"
         "    x = nd.array(x)\n"
         "    x.attach_grad()\n"
         "    with autograd.record():\n"
         "        y = f(x)\n"
         "    y.backward(nd.ones_like(y) * 0.5)\n"
         "    print(y)\n"
         "    print(x.grad)\n")

CASES = {
    'arange_int': "print(nd.arange(4))",
    # ----- which indexing results share memory with the array (MXNet 1.x's rule) ----------
    **{'shares_' + name: _X + "Y = %s\nY[:] = -1\nprint(X)" % expr for name, expr in {
        'column_slice': 'X[:, 1:3]', 'block_slice': 'X[0:2, 0:1]', 'row_slice': 'X[1:3]',
        'row_int': 'X[1]', 'element': 'X[1, 2]', 'row_then_cols': 'X[1, 1:3]',
        'stepped_rows': 'X[::2]', 'rows_all_cols': 'X[1:3, :]', 'ellipsis': 'X[...]',
        'fancy': 'X[nd.array([0, 2])]', 'T': 'X.T', 'transpose': 'X.transpose()',
        'flatten': 'X.reshape((3, 2, 2)).flatten()', 'expand_dims': 'X.expand_dims(0)',
        'reshape': 'X.reshape((4, 3))', 'detach': 'X.detach()', 'negative_row': 'X[-1]',
        'single_column': 'X[:, 1]', 'swapaxes': 'X.swapaxes(0, 1)', 'squeeze': 'X.reshape((1, 12)).squeeze()',
    }.items()},
    'sliced_grad': _GRAD + "grad_of(lambda x: x[:, 1:3] * 2, nd.arange(12).reshape((3, 4)))",
    # ----- arange ---------------------------------------------------------------------------
    'arange_fractional': "a = nd.arange(-8, 8, 0.1)\nprint(a[80], a[79], a[:5], a.shape)\nprint(nd.arange(0, 1, 0.1))",
    'arange_repeat_dtype': "print(nd.arange(1, 3, 0.5, repeat=2, dtype='float64'))\nprint(nd.arange(5, dtype='int32'))",
    # ----- integer arrays and float scalars ----------------------------------------------------
    'int_scalar_ops': ("a = nd.array([1, 2, 3, -3], dtype='int32')\n"
                       "print(a + 1.7, a * 1.5, a / 2, 1.7 + a, a - 0.5, a ** 0.5, 7.9 - a, 7.9 / a)\n"
                       "print(a > 1.5, a == 2.0, nd.maximum(a, 1.5), a % 1.5)"),
    'int_inplace_scalar': ("a = nd.array([1, 2, 3], dtype='int32')\na *= 1.5\nprint(a)\n"
                           "b = nd.array([1, 2, 3], dtype='int32')\nb += 1.7\nprint(b)\n"
                           "c = nd.array([7, 8], dtype='int64')\nc /= 2.5\nprint(c)"),
    'uint8_scalar': "a = nd.array([250, 3], dtype='uint8')\nprint(a + 10, a - 5, a * 2.9)",
    # ----- reshape codes ----------------------------------------------------------------------
    **{'reshape_%d' % i: "x = nd.arange(24).reshape((2, 3, 4))\nprint(x.reshape(%r).shape)" % (s,)
       for i, s in enumerate([(0, -1), (-2,), (2, -2), (-3, 4), (-4, 1, 2, -2), (2, -4, -1, 3, -2),
                              (-1,), (0, 0, -1), (-5,), (4, -3), (-4, -1, 1, -2),
                              (0, -4, 3, -1, -2), (-1, -1), (-4, -1, -1, 0, 0), (-4, 5, -1, 0, 0),
                              (5, -1), (2, 3), (0, 0, 0, 0), (0, 0, -3), (-3, -3), (6, -1, 0)])},
    'reshape_reverse': "x = nd.arange(24).reshape((2, 3, 4))\nprint(x.reshape((-1, 0), reverse=True).shape)\nprint(nd.reshape(x, shape=(-3, -2)).shape, nd.reshape(x, shape=(-1, 0), reverse=True).shape)",
    'reshape_forms': "x = nd.arange(24)\nprint(x.reshape(4, 6).shape, x.reshape(shape=(6, 4)).shape, x.reshape((2, 12)).shape)",
    'reshape_unknown_keyword': ("x = nd.arange(24)\ntry:\n    x.reshape((4, 6), foo=1)\n"
                                "except TypeError as e:\n    print(e)"),
    'reshape_size_message': ("x = nd.arange(24)\ntry:\n    x.reshape((5, -1))\n"
                             "except ValueError as e:\n    print(e)"),
    # ----- small semantics ---------------------------------------------------------------
    'attach_grad_null': "a = nd.array([1., 2.])\na.attach_grad(grad_req='null')\nprint(a.grad)",
    'attach_grad_null_backward': ("a = nd.array([1., 2.])\na.attach_grad(grad_req='null')\n"
                                  "with autograd.record():\n    y = (a * 2).sum()\ny.backward()"),
    'norm_grad_at_zero': "a = nd.zeros((3,))\na.attach_grad()\nwith autograd.record():\n    y = a.norm()\ny.backward()\nprint(y, a.grad)",
    'cast_negative_uint8': "print(nd.array([-1.5, -0.2, 3.7, 300.0, 255.9]).astype('uint8'))\nprint(nd.array([-1.5, 130.0, -129.7]).astype('int8'))",
    'asscalar_shapes': ("for a in (nd.array([[5.]]), nd.array([5.]), nd.array([[[2]]], dtype='int32')):\n"
                        "    v = a.asscalar()\n    print(v, type(v).__name__)"),
    'asscalar_not_scalar': "nd.array([5., 6.]).asscalar()",
    'setitem_numpy_one_element': ("b = nd.zeros(3)\nb[0] = np.array([47.8], 'float32')\nprint(b)\n"
                                  "c = nd.zeros((2, 3))\nc[0] = np.array([1, 2, 3])\nc[1, 1] = np.array(9.5)\nc[1, 2] = nd.array([4.])\nprint(c)"),
    'stack_mixed_dtypes': "nd.stack(nd.ones(2), nd.ones(2, dtype='float64'))",
    'where_mixed_dtypes': "nd.where(nd.ones(2), nd.ones(2), nd.ones(2, dtype='float64'))",
    'where_int_condition': "print(nd.where(nd.array([1, 0], dtype='int32'), nd.ones(2), nd.zeros(2)))",
    'random_numpy_int_shape': "print(nd.random.uniform(shape=(np.int64(2), np.int32(3))).shape, nd.random.normal(shape=np.int64(2)).shape)",
    'zeros_unknown_keyword': "nd.zeros((2,), dtyp='float64')",
    'ones_unknown_keyword': "nd.ones((2,), dtyp='float64')",
    'array_unknown_keyword': "nd.array([1], dtyp='float64')",
    'sum_unknown_keyword': "nd.sum(nd.ones(2), axes=0)",
    **{'%s_unknown_keyword' % f: "nd.%s(nd.ones(2), axes=0)" % f for f in ('mean', 'max', 'min', 'prod', 'nansum')},
    'uniform_unknown_keyword': "nd.random.uniform(shap=(2,))",
    'mxnet_error': "print(mx.MXNetError.__name__, issubclass(mx.MXNetError, RuntimeError), mx.base.MXNetError is mx.MXNetError)\ntry:\n    nd.ones(2) + nd.ones(3)\nexcept mx.MXNetError:\n    print('caught')",
    'list_gpus': "print(type(mx.test_utils.list_gpus()).__name__, len(mx.test_utils.list_gpus()))",
    # ----- API added in round 2 -----------------------------------------------------------
    'mod_operators': ("a = nd.array([5., -5., 7.5, 3.])\nb = nd.array([3., 3., -2., 0.])\n"
                      "print(a % b, a % 2, 7 % b, nd.broadcast_mod(a, b), nd.modulo(a, b))\n"
                      "c = nd.array([5, -5, 7], dtype='int32')\nprint(c % 3, c % -2)\na %= 2\nprint(a)"),
    'mod_grad': _GRAD + "grad_of(lambda x: x % 1.5, [2., 4., -1.])",
    'take': ("a = nd.arange(12).reshape((4, 3))\ni = nd.array([[0, 3], [5, -1]])\n"
             "print(nd.take(a, i), a.take(nd.array([2, 0]), axis=1), nd.take(a, i, mode='wrap'))"),
    'take_grad': _GRAD + "grad_of(lambda x: nd.take(x, nd.array([0, 2, 2])), [[1., 2.], [3., 4.], [5., 6.]])",
    'broadcast_family': ("a = nd.array([[1., 2., 3.]])\nb = nd.array([[2.], [0.]])\n"
                         "for f in (nd.broadcast_add, nd.broadcast_plus, nd.broadcast_sub, nd.broadcast_minus,\n"
                         "          nd.broadcast_mul, nd.broadcast_div, nd.broadcast_power, nd.broadcast_maximum,\n"
                         "          nd.broadcast_minimum, nd.broadcast_equal, nd.broadcast_not_equal,\n"
                         "          nd.broadcast_greater, nd.broadcast_greater_equal, nd.broadcast_lesser,\n"
                         "          nd.broadcast_lesser_equal, nd.broadcast_logical_and, nd.broadcast_logical_or,\n"
                         "          nd.broadcast_logical_xor, nd.broadcast_hypot):\n"
                         "    print(f(a, b))\n"
                         "print(nd.broadcast_like(a, nd.zeros((2, 3))), nd.broadcast_axis(b, axis=1, size=2), b.broadcast_axes(axis=1, size=3))"),
    'elemwise_family': ("a = nd.array([1., 2., 3.])\nb = nd.array([4., 5., 6.])\nc = nd.zeros(3)\n"
                        "print(nd.elemwise_add(a, b), nd.elemwise_sub(a, b), nd.elemwise_mul(a, b), nd.elemwise_div(b, a))\n"
                        "r = nd.elemwise_mul(a, b, out=c)\nprint(c, r is c)"),
    'elemwise_shape_mismatch': "nd.elemwise_add(nd.ones(2), nd.ones(3))",
    'elemwise_shape_mismatch_messages': ("for f in (nd.elemwise_add, nd.elemwise_sub, nd.elemwise_mul, nd.elemwise_div):\n"
                                         "    for a, b in (((2, 3), (2, 1)), ((2,), (3,)), ((1, 3), (3,))):\n"
                                         "        try:\n"
                                         "            f(nd.ones(a), nd.ones(b))\n"
                                         "        except mx.base.MXNetError as err:  # MXNet's C++ traceback lines before: the last line\n"
                                         "            print(str(err).splitlines()[-1].split('MXNetError: ')[-1])"),
    'out_argument': ("a = nd.array([-1., 0.5, 2.])\no = nd.zeros(3)\nr = nd.relu(a, out=o)\nprint(o, r is o)\n"
                     "nd.exp(a, out=o)\nprint(o)\nnd.broadcast_add(a, a, out=o)\nprint(o)\nnd.sqrt(nd.abs(a), out=o)\nprint(o)"),
    'split': ("a = nd.arange(12).reshape((2, 6))\nparts = nd.split(a, num_outputs=3, axis=1)\nprint(len(parts), parts[1])\n"
              "print(a.split(num_outputs=2, axis=0, squeeze_axis=True)[1])\nprint(nd.split(a, num_outputs=1, axis=0).shape)"),
    'split_uneven': "nd.split(nd.arange(5), num_outputs=2, axis=0)",
    'split_grad': _GRAD + "grad_of(lambda x: nd.split(x, num_outputs=2, axis=1)[1] * 3, [[1., 2., 3., 4.]])",
    'slice_axis': ("a = nd.arange(12).reshape((3, 4))\nprint(nd.slice_axis(a, axis=1, begin=1, end=3), a.slice_axis(axis=0, begin=-2, end=None))\n"
                   "s = a.slice_axis(axis=0, begin=0, end=1)\ns[:] = -1\nprint(a)"),
    'slice_axis_grad': _GRAD + "grad_of(lambda x: nd.slice_axis(x, axis=1, begin=0, end=2), [[1., 2., 3.], [4., 5., 6.]])",
    'tile_repeat': ("a = nd.array([[1., 2.], [3., 4.]])\nprint(nd.tile(a, reps=(2, 3)), a.tile(reps=(2,)), nd.tile(a, reps=(2, 1, 1)).shape)\n"
                    "print(nd.repeat(a, repeats=2), a.repeat(repeats=2, axis=1), a.repeat(repeats=3, axis=0))"),
    'tile_grad': _GRAD + "grad_of(lambda x: nd.tile(x, reps=(2, 3)) * nd.arange(12).reshape((2, 6)), [[1., 2.]])",
    'repeat_grad': _GRAD + "grad_of(lambda x: nd.repeat(x, repeats=2, axis=0) * nd.arange(8).reshape((4, 2)), [[1., 2.], [3., 4.]])",
    'repeat_flat_grad': _GRAD + "grad_of(lambda x: nd.repeat(x, repeats=3) * nd.arange(12), [[1., 2.], [3., 4.]])",
    'flip_squeeze_swapaxes': ("a = nd.arange(6).reshape((1, 2, 3))\nprint(nd.flip(a, axis=2), a.flip(axis=1))\n"
                              "print(a.squeeze(), nd.squeeze(a, axis=0).shape, nd.squeeze(nd.ones((1, 1))).shape)\n"
                              "print(nd.swapaxes(a, 1, 2), a.swapaxes(dim1=0, dim2=2).shape)"),
    'flip_squeeze_swapaxes_grad': _GRAD + "grad_of(lambda x: nd.flip(x, axis=1).squeeze().swapaxes(0, 1) * nd.array([[1., 2.], [3., 4.]]), [[[1., 2.], [3., 4.]]])",
    'sort_family': ("a = nd.array([[3., 1., 2.], [0., 5., 4.]])\n"
                    "print(nd.sort(a), a.sort(axis=0), nd.sort(a, is_ascend=False), nd.sort(a, axis=None))\n"
                    "print(nd.argsort(a), a.argsort(is_ascend=False, dtype='int32'), nd.argsort(a, axis=None))\n"
                    "print(nd.topk(a), nd.topk(a, k=2, ret_typ='value'), nd.topk(a, k=2, ret_typ='mask'))\n"
                    "print(nd.topk(a, axis=0, k=1, ret_typ='both'), nd.topk(a, k=2, is_ascend=True, dtype='int64'))"),
    'sort_ties': "a = nd.array([1., 3., 1., 3., 2.])\nprint(nd.argsort(a), nd.argsort(a, is_ascend=False), nd.topk(a, k=3))",
    'sort_grad': _GRAD + "grad_of(lambda x: nd.sort(x) * nd.array([1., 2., 3.]), [3., 1., 2.])",
    'topk_grad': _GRAD + "grad_of(lambda x: nd.topk(x, k=2, ret_typ='value') * nd.array([1., 2.]), [3., 1., 2.])",
    'rounding': ("a = nd.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49999997, -1.7, 1.2])\n"
                 "print(nd.floor(a), nd.ceil(a), nd.round(a), nd.rint(a), nd.fix(a), nd.trunc(a))\nprint(a.round(), a.floor())"),
    'rounding_grad': _GRAD + "grad_of(lambda x: nd.round(x) + nd.floor(x) + x.ceil(), [0.3, 1.7])",
    'trig_values': ("a = nd.array([-0.9, -0.3, 0.1, 0.5, 0.8])\n"
                    "for f in (nd.sin, nd.cos, nd.tan, nd.arcsin, nd.arccos, nd.arctan, nd.sinh, nd.cosh, nd.tanh,\n"
                    "          nd.arcsinh, nd.arctanh, nd.log1p, nd.expm1, nd.reciprocal):\n"
                    "    print(f.__name__, f(a))\n"
                    "b = nd.array([1.5, 2., 7.3, 100.])\nprint(nd.arccosh(b), nd.rsqrt(b), nd.log2(b), nd.log10(b), b.rsqrt(), b.log1p())"),
    'trig_grads': _GRAD + "for f in (nd.sin, nd.cos, nd.tan, nd.arcsin, nd.arctan, nd.sinh, nd.cosh, nd.log1p, nd.expm1, nd.reciprocal, nd.arcsinh):\n    grad_of(f, [0.5, -0.25])\ngrad_of(nd.rsqrt, [4., 0.25])",
    'prod_nansum': ("a = nd.array([[1., 2., 3.], [4., float('nan'), 6.]])\nb = nd.array([[1., 2.], [3., 4.]])\n"
                    "print(nd.prod(b), b.prod(axis=1), nd.prod(b, axis=0, keepdims=True))\n"
                    "print(nd.nansum(a), a.nansum(axis=1), nd.nansum(a, axis=0))"),
    'prod_nansum_grad': _GRAD + "grad_of(lambda x: nd.prod(x, axis=1), [[1., 2., 3.], [4., 5., 6.]])\ngrad_of(lambda x: nd.nansum(x * nd.array([1., float('nan')])), [2., 3.])",
    'cast': "a = nd.array([1.7, -2.2])\nprint(nd.cast(a, dtype='int32'), nd.cast(a, 'float64').dtype)",
    'exclude_reductions': ("a = nd.arange(24).reshape((2, 3, 4))\n"
                           "print(a.sum(axis=1, exclude=True), nd.mean(a, axis=(0, 2), exclude=True), nd.max(a, axis=0, exclude=True, keepdims=True).shape)\n"
                           "print(nd.min(a, axis=-1, exclude=True), nd.prod(nd.ones((2, 3)), axis=1, exclude=True), nd.nansum(a, axis=2, exclude=True))"),
    'exclude_grad': _GRAD + "grad_of(lambda x: x.sum(axis=1, exclude=True), [[1., 2.], [3., 4.]])",
    'pick_wrap': ("a = nd.arange(12).reshape((3, 4))\ni = nd.array([5, -1, 2])\n"
                  "print(nd.pick(a, i, axis=1, mode='wrap'), nd.pick(a, i, axis=1), a.pick(nd.array([4, 0, -2, 1]), axis=0, mode='wrap'))"),
    'random_exponential': "print(nd.random.exponential(scale=2.0, shape=(3, 4)))\nprint(nd.random.exponential(shape=5), nd.random.exponential(0.3, shape=(2,), dtype='float64'))",
    'random_multinomial': ("p = nd.array([0.25, 0.25, 0.25, 0.25])\nprint(nd.random.multinomial(p, shape=8))\n"
                           "print(nd.random.multinomial(nd.array([[0.1, 0.2, 0.7], [0.5, 0.5, 0.]]), shape=3))\n"
                           "print(nd.random.multinomial(nd.array([0.1, 0.2, 0.7])))\n"
                           "s, lp = nd.random.multinomial(p, shape=(2, 2), get_prob=True)\nprint(s, lp)"),
    'random_multinomial_after_uniform': ("nd.random.uniform(shape=(5,))\nprint(nd.random.multinomial(nd.array([0.5, 0.5]), shape=6))\n"
                                         "mx.random.seed(1)\nprint(nd.random.multinomial(nd.array([0.5, 0.5]), shape=6))"),
    'random_randint': ("print(nd.random.randint(0, 10, shape=(10,)), nd.random.randint(-5, 100000, shape=(2, 5)))\n"
                       "mx.random.seed(3)\nprint(nd.random.randint(-2**31, 2**31 - 1, shape=(5,)), nd.random.randint(0, 7, shape=(300,)).sum())\n"
                       "print(nd.random.randint(0, 10, shape=(3,), dtype='int64'))"),
    'random_poisson': ("print(nd.random.poisson(lam=3.0, shape=(10,)), nd.random.poisson(lam=30.0, shape=(2, 5)))\n"
                       "mx.random.seed(5)\nprint(nd.random.poisson(lam=0.5, shape=(200,)).sum(), nd.random.poisson(lam=100.0, shape=(100,)).sum())\n"
                       "print(nd.random.poisson(lam=12.0, shape=(130,))[-5:], nd.random.poisson(lam=4.0, shape=(3,), dtype='float64'))"),
    'random_shuffle': ("print(nd.random.shuffle(nd.arange(10)), nd.random.shuffle(nd.arange(20).reshape((10, 2))))\n"
                       "mx.random.seed(1)\nprint(nd.random.shuffle(nd.arange(100))[:12])\n"
                       "nd.random.multinomial(nd.array([0.5, 0.5]), shape=3)\nprint(nd.random.shuffle(nd.arange(6)))"),
    'legacy_samplers': ("print(nd.random_normal(shape=(3,)), nd.normal(shape=3))\nprint(nd.random_uniform(shape=(2,)), nd.uniform(low=1, high=2, shape=(2,)))\n"
                        "print(nd.random_normal(2, 0.5, shape=(2,), dtype='float64'))"),
    # ----- aliases report their own names ----------------------------------------------------
    'alias_names': ("print([f.__name__ for f in (nd.broadcast_plus, nd.broadcast_minus, nd.broadcast_add, nd.broadcast_sub,\n"
                    "       nd.broadcast_axes, nd.broadcast_axis, nd.equal, nd.not_equal, nd.greater, nd.greater_equal,\n"
                    "       nd.lesser, nd.lesser_equal, nd.broadcast_equal, nd.random_uniform, nd.uniform,\n"
                    "       nd.random_normal, nd.normal)])\n"
                    "print(nd.broadcast_plus(nd.ones(2), nd.ones((2, 1))), nd.broadcast_axes(nd.ones((1, 2)), axis=0, size=2))"),
    # nd.sigmoid is MXNet's own kernel, 1 / (1 + expf(-x)) in float32 (not oneDNN's)
    'sigmoid_digits': "print(nd.sigmoid(nd.array([-2.])), nd.sigmoid(nd.arange(-9, 9, 0.37)).asnumpy().tolist())",
    # ----- operators of d2l's "deep learning basics" (run through the mxnet alias) -------------
    # (MXNet's Activation computes sigmoid, tanh and softrelu with oneDNN, whose last float32
    # digit minigluon does not replay: those print rounded to 6 decimals, gradients to 5)
    'activation_types': ("x = nd.array([[-1.5, 0., 2.], [3., -0.5, 1.]])\n"
                         "for t in ('relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'):\n"
                         "    y = nd.Activation(x, act_type=t)\n    print(t, y.shape, y.dtype, y.asnumpy().round(6).tolist())"),
    'activation_grads': ("for t in ('relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'):\n"
                         "    x = nd.array([[-1.5, 0., 2.], [3., -0.5, 1.]])\n    x.attach_grad()\n"
                         "    with autograd.record():\n        y = nd.Activation(x, act_type=t)\n"
                         "    y.backward(nd.ones_like(y) * 0.5)\n    print(t, x.grad.asnumpy().round(5).tolist())"),
    'activation_bad_type': ("for kw in ({'act_type': 'foo'}, {}):\n    try:\n"
                            "        nd.Activation(nd.ones(2), **kw)\n"
                            "    except mx.MXNetError as e:\n        print(str(e).splitlines()[0].replace('MXNetError: ', ''))"),
    # (elu's float32 digits: MXNet's expf is 1 ulp off glibc's at -0.5, so they print rounded)
    'leaky_relu': ("x = nd.array([[-1.5, 0., 2.], [3., -0.5, 1.]])\n"
                   "print(nd.LeakyReLU(x), nd.LeakyReLU(x, slope=0.1), nd.LeakyReLU(x, act_type='selu', slope=0.1))\n"
                   "print(nd.LeakyReLU(x, act_type='elu', slope=0.3).asnumpy().round(6).tolist())"),
    'leaky_relu_grads': ("for kw in ({}, {'slope': 0.1}, {'act_type': 'elu'}, {'act_type': 'selu'}):\n"
                         "    x = nd.array([[-1.5, 0., 2.], [3., -0.5, 1.]])\n    x.attach_grad()\n"
                         "    with autograd.record():\n        y = nd.LeakyReLU(x, **kw)\n"
                         "    y.backward(nd.ones_like(y) * 0.5)\n    print(kw, x.grad.asnumpy().round(6).tolist())"),
    'leaky_relu_bad_type': ("try:\n    nd.LeakyReLU(nd.ones(2), act_type='foo')\n"
                            "except mx.MXNetError as e:\n    print(str(e).splitlines()[0].replace('MXNetError: ', ''))"),
    'cast_op': ("x = nd.array([[-1.7, 0.5], [300., 2.2]])\nprint(nd.Cast(x, dtype='int32'), nd.cast(x, 'float16'), nd.Cast(x, 'uint8'))\n"
                "print(nd.Cast.__name__, nd.cast.__name__, nd.cast(x, dtype='float64').dtype)"),
    'cast_grad': _GRAD + "grad_of(lambda x: nd.Cast(x, dtype='float64') * 3, [1., 2.])",
    'dropout_op': ("x = nd.ones((2, 8))\nprint(nd.Dropout(x, p=0.5))\nwith autograd.record():\n"
                   "    print(nd.Dropout(x, p=0.5), nd.Dropout(x, p=0.), nd.Dropout(x, p=0.25, axes=(1,)))\n"
                   "print(nd.Dropout(x, p=0.5, mode='always'))"),
    'dropout_grad': ("x = nd.ones((2, 6))\nx.attach_grad()\nwith autograd.record():\n    y = nd.Dropout(x, p=0.5)\n"
                     "y.backward()\nprint(y, x.grad)"),
    'softmax_cross_entropy': ("x = nd.array([[-1.5, 0., 2.], [3., -0.5, 1.]])\n"
                              "print(nd.softmax_cross_entropy(x, nd.array([2, 0])), nd.softmax_cross_entropy(x, nd.array([1, 1])))"),
    'softmax_cross_entropy_grad': ("x = nd.array([[-1.5, 0., 2.], [3., -0.5, 1.]])\nx.attach_grad()\n"
                                   "with autograd.record():\n    y = nd.softmax_cross_entropy(x, nd.array([2, 0]))\n"
                                   "y.backward()\nprint(x.grad)"),
    'gather_nd': ("a = nd.arange(24).reshape((2, 3, 4))\nprint(nd.gather_nd(a, nd.array([[0, 1], [2, 0]])))\n"
                  "print(nd.gather_nd(a, nd.array([[1], [2], [3]])), nd.gather_nd(a, nd.array([[[1, 0]], [[0, 2]]])))"),
    'gather_nd_grad': _GRAD + "grad_of(lambda x: nd.gather_nd(x, nd.array([[0, 1, 1], [2, 0, 0]])), [[1., 2., 3.], [4., 5., 6.]])",
    'logical_not': ("print(nd.logical_not(nd.array([0, 1, -2.5])), nd.logical_not(nd.array([0, 3], dtype='int32')))\n"
                    "x = nd.array([0., 2.])\nx.attach_grad()\nwith autograd.record():\n    y = nd.logical_not(x) + x\ny.backward()\nprint(x.grad)"),
    'slice_op': ("X = nd.arange(24).reshape((2, 3, 4))\nprint(nd.slice(X, begin=(0, 1), end=(2, 3)).shape)\n"
                 "print(nd.slice(X, begin=(None, 0, 1), end=(None, 3, 4), step=(1, 2, 2)))\n"
                 "print(nd.slice(nd.arange(10), begin=(8,), end=(2,), step=(-2,)), nd.slice(X, (1, -2), (None, None)).shape)"),
    'slice_grad': _GRAD + "grad_of(lambda x: nd.slice(x, begin=(None, 2), end=(None, 0), step=(1, -2)), [[1., 2., 3.], [4., 5., 6.]])",
    'linalg_gemm2': ("a = nd.arange(6).reshape((2, 3))\nb = nd.arange(12).reshape((3, 4))\n"
                     "print(nd.linalg.gemm2(a, b), nd.linalg.gemm2(a, b.T, transpose_b=True, alpha=0.5))\n"
                     "print(nd.linalg.gemm2(nd.ones((2, 3, 2)), nd.ones((2, 3, 4)), transpose_a=True).shape, nd.linalg.gemm2.__name__)\n"
                     "print(nd.linalg_gemm2(a, a, transpose_a=True))"),
    'linalg_gemm2_grad': ("a = nd.array([[1., 2., 3.], [4., 5., 6.]])\nb = nd.array([[1., -1.], [0.5, 2.], [3., 0.]])\n"
                          "a.attach_grad()\nb.attach_grad()\nwith autograd.record():\n"
                          "    y = nd.linalg.gemm2(a, b, alpha=2.)\ny.backward(nd.array([[1., 2.], [3., 4.]]))\nprint(a.grad, b.grad)\n"
                          "with autograd.record():\n    y = nd.linalg.gemm2(b, a, transpose_a=True, transpose_b=True)\ny.backward()\nprint(a.grad, b.grad)"),
    'stop_gradient': ("x = nd.array([1., 2.])\nx.attach_grad()\nwith autograd.record():\n"
                      "    y = nd.stop_gradient(x * 2) * x + nd.BlockGrad(x)\ny.backward()\nprint(y, x.grad, nd.BlockGrad.__name__)"),
    'head_grads_count': ("x = nd.ones(2)\nx.attach_grad()\nwith autograd.record():\n    y = x * 2\n    z = x * 3\n"
                         "for heads, head_grads in (([y, z], [nd.ones(2)]), ([y], [nd.ones(2), nd.ones(2)])):\n"
                         "    try:\n        autograd.backward(heads, head_grads=head_grads, retain_graph=True)\n"
                         "    except AssertionError as e:\n        print(e)\n"
                         "try:\n    autograd.grad([y], [x], head_grads=[nd.ones(2), nd.ones(2)])\nexcept AssertionError as e:\n    print(e)"),
    'ctx_strings': ("for f in (lambda: nd.zeros((1,), ctx='cpu(2)'), lambda: nd.ones(1, ctx='cpu_pinned(1)'),\n"
                    "          lambda: nd.arange(2, ctx='cpu(3)'), lambda: nd.random.uniform(shape=1, ctx='cpu(4)'),\n"
                    "          lambda: nd.random.normal(shape=1, ctx='cpu(5)'), lambda: nd.array([1], ctx='cpu(1)'),\n"
                    "          lambda: nd.empty((1,), ctx='cpu(1)'), lambda: nd.full((1,), 2, ctx='cpu(1)')):\n"
                    "    try:\n        print(f().context)\n    except AttributeError as e:\n        print(e)\n"
                    "for s in ('cpu', 'tpu(0)', 'cpu(x)'):\n    try:\n        nd.ones(1, ctx=s)\n"
                    "    except mx.MXNetError as e:\n        print([line for line in str(e).splitlines() if 'Invalid' in line][-1].replace('MXNetError: ', ''))"),
    'default_ctx': ("print(mx.Context.default_ctx)\nwith mx.cpu(3):\n    print(mx.Context.default_ctx, nd.ones(1).context)\n"
                    "mx.Context.default_ctx = mx.cpu(1)\nprint(nd.ones(1).context, mx.context.current_context())\n"
                    "mx.Context.default_ctx = mx.cpu(0)\nprint(nd.ones(1).context)"),
    'random_parameter_arrays': ("print(nd.random.normal(nd.array([0., 10.]), nd.array([1., 0.1]), shape=3))\n"
                                "print(nd.random.uniform(nd.array([0., 10., -1]), nd.array([1., 11., 5.]), shape=(2, 2)))\n"
                                "print(nd.random.normal(nd.array([[0.], [10.]]), nd.array([[1.], [0.1]])).shape)\n"
                                "print(nd.random.normal(nd.array([0., 1.]), nd.array([1., 2.]), shape=2, dtype='float64'))\n"
                                "print(nd.random.normal(nd.array([0., 1.]), nd.array([1., 2.]), shape=3000).asnumpy()[:, -2:])\n"
                                "o = nd.zeros((2, 2))\nnd.random.uniform(nd.array([0., 5.]), nd.array([1., 6.]), shape=2, out=o)\nprint(o)\n"
                                "try:\n    nd.random.normal(nd.array([0., 10.]), 1.0, shape=2)\nexcept AssertionError as e:\n    print('AssertionError')"),
}
