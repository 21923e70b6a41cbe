"""Helpers shared by the core tests: a central finite-difference gradient checker."""
import numpy as np

from minigluon import autograd, nd


def check_grad(f, *inputs, eps=1e-6, rtol=1e-6, atol=1e-8, seed=0):
    """Compare autograd's gradients of ``f`` with central finite differences.

    ``inputs`` are NumPy arrays (made float64 variables) or NDArrays (constants, passed as
    they are). A random head gradient ``w`` is used, so the checked scalar is
    ``sum(f(*inputs) * w)``: this also tests ``backward(out_grad)``.
    """
    rng = np.random.default_rng(seed)
    args = [nd.array(a, dtype='float64') if isinstance(a, np.ndarray) else a for a in inputs]
    variables = [(i, x) for i, (x, a) in enumerate(zip(args, inputs)) if isinstance(a, np.ndarray)]
    for _, x in variables:
        x.attach_grad()
    with autograd.record():
        out = f(*args)
    w = rng.standard_normal(out.shape)
    out.backward(nd.array(w, dtype='float64'))

    def objective(values):
        call = list(args)
        for (i, _), v in zip(variables, values):
            call[i] = nd.array(v, dtype='float64')
        return float((f(*call).asnumpy() * w).sum())

    base = [np.array(inputs[i], dtype=np.float64) for i, _ in variables]
    for k, (_, x) in enumerate(variables):
        numeric = np.zeros_like(base[k])
        for idx in np.ndindex(base[k].shape):
            plus = [b.copy() for b in base]
            minus = [b.copy() for b in base]
            plus[k][idx] += eps
            minus[k][idx] -= eps
            numeric[idx] = (objective(plus) - objective(minus)) / (2 * eps)
        assert x.grad.dtype == np.float64
        np.testing.assert_allclose(x.grad.asnumpy(), numeric, rtol=rtol, atol=atol,
                                   err_msg='gradient of input %d' % variables[k][0])
    return [x.grad.asnumpy() for _, x in variables]
