"""Differential cases for the NDArray operations that scripts/enumerate_api.py found missing and
d2l-zh readers meet (issue #21): diag, cbrt, rcbrt, degrees, radians, nanprod, softmin,
slice_like, shape_array, size_array, as nd functions and NDArray methods (see harness.py).

Each prints values (float32 results also as the bytes of their floats), gradients, dtypes and
MXNet's messages; ``err`` prints a message without MXNet's C++ frame, and only the first line of
"Cannot find argument" (whose list of arguments MXNet writes out with their documentation)."""
_ERR = ("def err(f):\n"
        "    try:\n"
        "        print(f())\n"
        "    except Exception as e:\n"
        "        message = str(e).split('MXNetError: ')[-1]\n"
        "        if message.startswith('Cannot find argument'):\n"
        "            message = message.splitlines()[0]\n"
        "        print(type(e).__name__, message)\n")
_GRAD = ("def grad_of(f, x, head=None):\n"
         "    x.attach_grad()\n"
         "    with autograd.record():\n"
         "        y = f(x)\n"
         "    y.backward(head)\n"
         "    print(y, x.grad)\n"
         "    return x.grad\n")
_HEX = "def hexed(a):\n    print(a.dtype, a.shape, a.asnumpy().tobytes().hex())\n"
# float32 values across the range: tiny, large, negative, the cube numbers, zero and specials
_VALUES = ("v = nd.array([-27, -8, -1, -0.5, 0, 1e-30, 0.001, 0.3, 1, 2, 8, 27, 100, 12345.678, 1e30, "
           "float('nan'), float('inf'), float('-inf')])\n")
_RANDOM = "r = nd.array(np.random.RandomState(0).uniform(-200, 200, 500))\n"
_D3 = "x3 = nd.arange(24).reshape((2, 3, 4))\n"

CASES = {
    # ----- diag --------------------------------------------------------------------------------
    'diag_1d': ("v = nd.array([1, 2, 3])\nprint(nd.diag(v), nd.diag(v, k=1), nd.diag(v, k=-2), v.diag(), v.diag(2))\n"
                "print(nd.diag(v.astype('int32')), nd.diag(nd.array([7.5])), nd.diag(v, 0, 5, 7).shape)"),
    'diag_2d': (_ERR + "x = nd.arange(12).reshape((3, 4))\nfor k in range(-5, 7):\n    err(lambda: nd.diag(x, k=k))\n"
                "print(x.diag(k=1), x.diag(-1), nd.diag(x.astype('int64'), 1), nd.diag(x.T, k=2))"),
    'diag_nd': (_ERR + _D3 + "for k in (-2, -1, 0, 1, 3):\n"
                "    for a1, a2 in ((0, 1), (1, 0), (0, 2), (2, 0), (1, 2), (2, 1), (-1, -3), (-2, -1)):\n"
                "        print(k, a1, a2)\n        err(lambda: nd.diag(x3, k=k, axis1=a1, axis2=a2))\n"
                "print(nd.diag(nd.arange(120).reshape((2, 3, 4, 5)), k=1, axis1=1, axis2=3).shape)"),
    'diag_grad': (_GRAD + "grad_of(lambda x: nd.diag(x, k=1) * nd.arange(16).reshape((4, 4)), nd.array([1, 2, 3]))\n"
                  "grad_of(lambda x: x.diag(-1) * nd.array([2, 3]), nd.arange(12).reshape((3, 4)))\n"
                  "grad_of(lambda x: nd.diag(x, k=1, axis1=2, axis2=0) * 10, nd.arange(24).reshape((2, 3, 4)),"
                  " nd.array([[1], [2], [3]]))\n"
                  "grad_of(lambda x: nd.diag(x, k=-1, axis1=-1, axis2=1), nd.arange(24).reshape((2, 3, 4)))"),
    'diag_errors': (_ERR + _D3 + "err(lambda: nd.diag(x3, axis1=1, axis2=1))\nerr(lambda: nd.diag(x3, axis1=-2, axis2=1))\n"
                    "err(lambda: nd.diag(x3, axis1=3))\nerr(lambda: nd.diag(x3, axis2=-4))\n"
                    "err(lambda: nd.diag(x3, k=1.5))\nerr(lambda: nd.diag(x3, axis1=0.0))\nerr(lambda: nd.diag(x3, kk=1))\n"
                    "err(lambda: nd.diag(nd.array(3)))\nerr(lambda: nd.diag(nd.array(3), k=1))\n"
                    "err(lambda: nd.diag(nd.array(3), axis1=1))"),
    # ----- cbrt, rcbrt, degrees, radians ---------------------------------------------------------
    **{'%s_values' % op: (_HEX + _VALUES + _RANDOM + "print(nd.%s(v), v.%s())\nhexed(nd.%s(v))\nhexed(r.%s())\n"
                          "print(nd.%s(v.astype('float64')).asnumpy().tolist())\n"
                          "print(nd.%s(r.astype('float64')).asnumpy().tobytes().hex())\n"
                          "for t in ('int32', 'int64', 'uint8', 'int8', 'float16'):\n"
                          "    a = nd.array([-100, -27, -8, -1, 0, 1, 2, 8, 27, 100, 127, 200, 255, 1000], dtype=t)\n"
                          "    print(t, nd.%s(a).dtype, nd.%s(a).asnumpy().tolist())\n"
                          "print(nd.%s(nd.array([2 ** 31 - 1, -2 ** 31, 123456789], dtype='int32')))\n"
                          "print(nd.%s(nd.array([2 ** 40 + 1, -3 ** 30], dtype='int64')))"
                          % ((op,) * 10))
       for op in ('cbrt', 'rcbrt', 'degrees', 'radians')},
    **{'%s_grad' % op: (_GRAD + _HEX + _VALUES + _RANDOM + "g = grad_of(lambda x: nd.%s(x), v, nd.arange(18) / 7 - 1)\n"
                        "hexed(g)\ng = grad_of(lambda x: x.%s() * 2, r)\nhexed(g)\n"
                        "g = grad_of(lambda x: nd.%s(x), r.astype('float64'), nd.ones((500,), dtype='float64') / 3)\n"
                        "hexed(g)" % (op, op, op))
       for op in ('cbrt', 'rcbrt', 'degrees', 'radians')},
    'unary_out_and_unknown_keywords': ("x = nd.array([8, 1, 2])\no = nd.zeros(3)\n"
                                       "print(nd.cbrt(x, out=o) is o, o)\n"
                                       "print(nd.cbrt(x, foo=1), nd.rcbrt(x, bar='b'), nd.degrees(x, axis=0), nd.radians(data=x))"),
    # ----- nanprod -------------------------------------------------------------------------------
    'nanprod_values': ("nan = float('nan')\nx = nd.array([[1, nan, 3], [nan, nan, nan], [2, 0.5, 4]])\n"
                       "print(nd.nanprod(x), nd.nanprod(x, axis=1), nd.nanprod(x, axis=0, keepdims=True))\n"
                       "print(nd.nanprod(x, axis=1, exclude=True), nd.nanprod(x, axis=(0, 1)), nd.nanprod(x, axis=()))\n"
                       "print(x.nanprod(axis=0), x.nanprod(-1, True), nd.nanprod(x, axis=[1, 0], keepdims=True))\n"
                       "print(nd.nanprod(nd.array([1, 2, 3], dtype='int32')), nd.nanprod(nd.array([nan])))\n"
                       "print(nd.nanprod(nd.array([float('inf'), 0])), nd.nanprod(nd.array([float('inf'), nan, -2])))\n"
                       "print(nd.nanprod(nd.array([[1, 2], [3, 4]], dtype='uint8') * 100, axis=0))\n"
                       "print(nd.nanprod(x.astype('float64'), axis=1), nd.nanprod(x.astype('float16'), axis=0))\n"
                       "r = nd.array(np.random.RandomState(0).uniform(0.5, 1.5, (20, 30)))\n"
                       "r = nd.where(r > 1.4, r * nan, r)\n"
                       "print(nd.nanprod(r, axis=1).asnumpy().tobytes().hex(), nd.nanprod(r, axis=0).asnumpy().tobytes().hex())"),
    'nanprod_grad': (_GRAD + "nan = float('nan')\n"
                     "grad_of(lambda x: nd.nanprod(x, axis=1), nd.array([[1, nan, 3], [2, 0, 4], [0, 0, 5], [nan, nan, nan]]))\n"
                     "grad_of(lambda x: x.nanprod() * 2, nd.array([[1, nan], [3, -2]]))\n"
                     "grad_of(lambda x: nd.nanprod(x, axis=0, keepdims=True), nd.array([[1, nan], [3, -2], [0.5, 4]]), "
                     "nd.array([[10, 100]]))\n"
                     "grad_of(lambda x: nd.prod(x, axis=1), nd.array([[1, nan, 3], [2, 0, 4]]))"),
    'nanprod_errors': (_ERR + "x = nd.array([[1, 2], [3, 4]])\nerr(lambda: nd.nanprod(x, axs=0))\n"
                       "err(lambda: nd.nanprod(x, axis=2))\nerr(lambda: nd.nanprod(x, axis=-3))\n"
                       "err(lambda: nd.nanprod(x, axis=(0, 0)))\nerr(lambda: nd.nanprod(x, axis=(1, -1)))\n"
                       "err(lambda: nd.nanprod(x, axis=(0, -5)))\nerr(lambda: nd.nanprod(x, axis=(3, 0)))"),
    # ----- softmin -------------------------------------------------------------------------------
    'softmin_values': (_HEX + "x = nd.array([[1, 2, 3], [-1, 0, 5]])\n"
                       "print(nd.softmin(x), nd.softmin(x, axis=0), nd.softmin(x, temperature=2), nd.softmin(x, axis=-2))\n"
                       "print(x.softmin(), x.softmin(0), x.softmin(1, 0.5), nd.softmin(x, temperature=1))\n"
                       "print(nd.softmin(x, dtype='float64'), nd.softmin(x, dtype=np.float64), nd.softmin(x.astype('float16')))\n"
                       "print(nd.softmin(x.astype('float16'), dtype='float32'), nd.softmin(x.astype('float64'), temperature=0.3))\n"
                       "print(nd.softmin(x, use_length=False), nd.softmin(x, temperature=None))\n"
                       "print(nd.softmin(nd.array([1e30, -1e30, float('inf')])), nd.softmin(nd.array([1, 2, 3]), temperature=0))\n"
                       "r = nd.array(np.random.RandomState(0).normal(0, 5, (30, 17)))\n"
                       "for axis in (0, 1):\n    for t in (None, 0.7, 3.0):\n"
                       "        hexed(nd.softmin(r, axis=axis, temperature=t))\n"
                       "        hexed(nd.softmin(r.astype('float16'), axis=axis, temperature=t))\n"
                       "        hexed(nd.softmin(r.astype('float64'), axis=axis, temperature=t))"),
    'softmin_grad': (_GRAD + _HEX + "x = nd.array([[1, 2, 3], [-1, 0, 5]])\nw = nd.array([[0.3, -1, 2], [1, 1, 0.5]])\n"
                     "grad_of(lambda x: nd.softmin(x), x, w)\ngrad_of(lambda x: x.softmin(axis=0, temperature=1.5), x, w)\n"
                     "grad_of(lambda x: nd.softmin(x, dtype='float64'), x, w.astype('float64'))\n"
                     "grad_of(lambda x: nd.softmin(x, temperature=0.5), x.astype('float64'), w.astype('float64'))\n"
                     "r = nd.array(np.random.RandomState(0).normal(0, 5, (30, 17)))\n"
                     "g = nd.array(np.random.RandomState(1).normal(0, 1, (30, 17)))\n"
                     "for axis in (0, 1):\n    for t in (None, 0.7, 3.0):\n"
                     "        r.attach_grad()\n        with autograd.record():\n"
                     "            y = nd.softmin(r, axis=axis, temperature=t)\n        y.backward(g)\n        hexed(r.grad)"),
    'softmin_errors': (_ERR + "x = nd.array([[1, 2, 3], [-1, 0, 5]])\n"
                       "for kw in (dict(axis=None), dict(axis=1.0), dict(axis=2), dict(axis=-3), dict(dtype='int32'),\n"
                       "           dict(axis='a'), dict(use_length=True), dict(length=nd.array([1, 2])),\n"
                       "           dict(axis=5, temperature=2.0)):\n"
                       "    print(kw)\n    err(lambda: nd.softmin(x, **kw))\n"
                       "err(lambda: nd.softmin(x.astype('int32')))\nerr(lambda: nd.softmin(nd.array(3)))\n"
                       "err(lambda: nd.softmin(nd.array(3), temperature=2.0))"),
    # ----- slice_like ----------------------------------------------------------------------------
    'slice_like_values': (_ERR + _D3 + "for like, axes in (((1, 2, 3), ()), ((1, 2, 3), (0, 2)), ((1, 2, 3), (-1,)),\n"
                          "                   ((1, 2, 3), 2), ((1, 2, 3), [0, 1]), ((5,), (0,)), ((1, 2), (0, -2)),\n"
                          "                   ((1, 2), (0, 0)), ((2, 3, 4), ()), ((1, 1, 1), (1,))):\n"
                          "    print(like, axes)\n    err(lambda: nd.slice_like(x3, nd.zeros(like), axes=axes))\n"
                          "print(nd.slice_like(x3, nd.zeros((1, 2, 3), dtype='int32')), x3.slice_like(nd.ones((1, 1, 1))))\n"
                          "print(nd.slice_like(x3.astype('int64'), nd.zeros((2, 1, 2))), x3.slice_like(nd.ones((1, 2, 2)), axes=(1,)))"),
    'slice_like_grad': (_GRAD + "a = nd.arange(6).reshape((2, 3))\nb = nd.ones((1, 2))\nb.attach_grad()\n"
                        "grad_of(lambda x: nd.slice_like(x, b) * 3, a)\nprint(b.grad)\n"
                        "grad_of(lambda x: x.slice_like(nd.zeros((2, 2, 2)), axes=(0, 2)), nd.arange(24).reshape((2, 3, 4)),"
                        " nd.arange(12).reshape((2, 3, 2)))\n"
                        "a.attach_grad()\nb.attach_grad()\nwith autograd.record():\n    y = nd.slice_like(a, b * 2)\n"
                        "y.backward()\nprint(a.grad, b.grad)"),
    'slice_like_errors': (_ERR + _D3 + "for like, axes in (((1, 2), ()), ((3, 2, 3), ()), ((1, 2, 3, 5), ()), ((5,), (2,)),\n"
                          "                   ((1, 2, 3), (3,)), ((1, 2, 3), (-4,)), ((1, 2, 5), (2,)), ((1, 2, 5), (0, 2))):\n"
                          "    print(like, axes)\n    err(lambda: nd.slice_like(x3, nd.zeros(like), axes=axes))\n"
                          "err(lambda: nd.slice_like(x3, nd.zeros((1, 2)), foo=1))\n"
                          "err(lambda: nd.slice_like(nd.array(3), nd.array(2)))\n"
                          "err(lambda: nd.slice_like(nd.array([3]), nd.array(2)))\n"
                          "err(lambda: nd.slice_like(nd.array(3), nd.array([2]), axes=(0,)))"),
    # ----- shape_array, size_array -----------------------------------------------------------------
    'shape_size_array': (_ERR + _D3 + "print(nd.shape_array(x3), nd.size_array(x3), x3.shape_array(), x3.size_array())\n"
                         "print(nd.shape_array(x3.astype('int8')), nd.size_array(nd.zeros((2, 3), dtype='float16')))\n"
                         "print(nd.shape_array(nd.array([5])), nd.size_array(nd.array(3)), nd.shape_array(x3, lhs_begin=1))\n"
                         "print(nd.size_array(x3, foo=2), nd.shape_array(nd.ones((1, 1, 1, 1, 7))))\n"
                         "err(lambda: nd.shape_array(nd.array(3)))\nerr(lambda: nd.shape_array(nd.array(3), k=1))\n"
                         "o = nd.zeros((3,), dtype='int64')\nprint(nd.shape_array(x3, out=o) is o, o)"),
    'shape_size_array_grad': ("z = nd.array([1.0, 2.0])\nz.attach_grad()\nwith autograd.record():\n"
                              "    s = nd.shape_array(z)\n    q = nd.size_array(z)\nprint(s, q)\ns.backward()\nprint(z.grad)\n"
                              "with autograd.record():\n    y = nd.shape_array(z).astype('float32') * z + nd.size_array(z).astype('float32') * z\n"
                              "y.backward()\nprint(z.grad)"),
}
