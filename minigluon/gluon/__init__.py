"""``mx.gluon``: blocks, parameters, trainer and losses."""
from . import loss, nn, parameter
from .block import Block, HybridBlock
from .parameter import Constant, DeferredInitializationError, Parameter, ParameterDict
from .trainer import Trainer
from . import data, utils
