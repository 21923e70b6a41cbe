"""minigluon: Apache MXNet 1.x's nd / autograd / gluon API on NumPy (CPU) and CuPy (GPU).

``import minigluon as mx`` and MXNet-edition code runs unchanged.
"""
from . import base, context, name
from . import ndarray
from . import ndarray as nd
from . import autograd, random
from . import initializer, optimizer
from . import initializer as init
from . import gluon, test_utils
from .base import MXNetError
from .context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus

__version__ = '0.1.0'
