"""``gluon.nn``: blocks and layers."""
from ..block import Block, HybridBlock
from .basic_layers import (Activation, Dense, Dropout, Flatten, HybridLambda, HybridSequential,
                           Lambda, Sequential)
