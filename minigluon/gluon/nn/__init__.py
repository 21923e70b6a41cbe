"""``gluon.nn``: blocks and layers."""
from ..block import Block, HybridBlock
from .activations import ELU, SELU, LeakyReLU, Swish
from .basic_layers import (Activation, Dense, Dropout, Flatten, HybridLambda, HybridSequential,
                           Lambda, Sequential)
