"""``mx.nd``: NDArray, its operations, random samplers, and save/load."""
from . import linalg, methods, random  # methods: NDArray's operators (x + y) and methods (x.sum())
from ..base import alias
from .creation import (arange, array, empty, eye, from_dlpack, full, linspace, ones, ones_like, waitall, zeros,
                       zeros_like)
from .ndarray import NDArray
from .ops import (Activation, BlockGrad, Cast, FullyConnected, LeakyReLU, abs, add, add_n, arccos,
                  arccosh, arcsin, arcsinh, arctan, arctanh, argmax, argmin, argsort, batch_dot,
                  broadcast_add, broadcast_axes, broadcast_axis, broadcast_div, broadcast_equal,
                  broadcast_greater, broadcast_greater_equal, broadcast_hypot, broadcast_lesser,
                  broadcast_lesser_equal, broadcast_like, broadcast_logical_and,
                  broadcast_logical_or, broadcast_logical_xor, broadcast_maximum, broadcast_minimum,
                  broadcast_minus, broadcast_mod, broadcast_mul, broadcast_not_equal,
                  broadcast_plus, broadcast_power, broadcast_sub, broadcast_to, cast, cbrt, ceil,
                  clip, concat, cos, cosh, degrees, diag, divide, dot, elemwise_add, elemwise_div,
                  elemwise_mul, elemwise_sub, equal, exp, expand_dims, expm1, fix, flatten, flip,
                  floor, gather_nd, greater, greater_equal, lesser, lesser_equal, linalg_gemm2, log,
                  log10, log1p, log2, log_softmax, logical_not, max, maximum, mean, min, minimum,
                  modulo, multiply, nanprod, nansum, negative, norm, not_equal, one_hot, pick,
                  power, prod, radians, rcbrt, reciprocal, relu, repeat, reshape, reshape_like,
                  rint, round, rsqrt, shape_array, sigmoid, sign, sin, sinh, size_array, slice_axis,
                  slice_like, softmax, softmax_cross_entropy, softmin, softrelu, sort, split, sqrt,
                  square, squeeze, stack, stop_gradient, subtract, sum, swapaxes, take, tan, tanh,
                  tile, topk, transpose, trunc, where)
from .ops import slice_data as _slice_data
from .random import Dropout
from .utils import load, load_frombuffer, save

slice = alias(_slice_data, 'slice')  # noqa: A001 - MXNet's name (ops.py keeps Python's slice)

# MXNet 0.x's names for the samplers, still in MXNet 1.x's nd
random_uniform, uniform = alias(random.uniform, 'random_uniform'), random.uniform
random_normal, normal = alias(random.normal, 'random_normal'), random.normal
random_poisson, random_gamma = alias(random.poisson, 'random_poisson'), alias(random.gamma, 'random_gamma')
random_randint = alias(random.randint, 'random_randint')
random_negative_binomial = alias(random.negative_binomial, 'random_negative_binomial')
random_generalized_negative_binomial = alias(random.generalized_negative_binomial,
                                             'random_generalized_negative_binomial')
sample_multinomial = alias(random.multinomial, 'sample_multinomial')
from .random import (random_exponential, sample_exponential, sample_gamma,  # noqa: E402
                     sample_generalized_negative_binomial, sample_negative_binomial, sample_normal,
                     sample_poisson, sample_uniform)

__all__ = [name for name in dir() if not name.startswith('_')]
