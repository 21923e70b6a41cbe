"""``mx.nd``: NDArray, its operations, random samplers, and save/load."""
from . import random
from .creation import (arange, array, empty, from_dlpack, full, ones, ones_like, waitall, zeros,
                       zeros_like)
from .ndarray import NDArray
from .ops import (FullyConnected, abs, add, argmax, argmin, batch_dot, broadcast_to, clip, concat,
                  divide, dot, elemwise_add, equal, exp, expand_dims, flatten, greater,
                  greater_equal, lesser, lesser_equal, log, log_softmax, max, maximum, mean, min,
                  minimum, multiply, negative, norm, not_equal, one_hot, pick, power, relu,
                  reshape, sigmoid, sign, softmax, softrelu, sqrt, square, stack, subtract, sum, tanh,
                  transpose, where)
from .utils import load, load_frombuffer, save

__all__ = [name for name in dir() if not name.startswith('_')]
