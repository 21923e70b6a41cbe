"""minigluon: Apache MXNet 1.x's nd / autograd / gluon API on NumPy (CPU) and CuPy (GPU).

``import minigluon as mx``; or ``minigluon.install_mxnet_alias()`` first, and ``import mxnet``
imports minigluon (see mxnet_alias.py and the book's compatibility page).
"""
from . import base, context, name
from . import ndarray
from . import ndarray as nd
from . import autograd, random
from . import initializer, lr_scheduler, optimizer
from . import initializer as init
from . import contrib, gluon, image, test_utils
from .base import MXNetError
from .context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus
from .mxnet_alias import install as install_mxnet_alias

__version__ = '0.1.0'
