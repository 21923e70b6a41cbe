"""``gluon.nn``: blocks and layers (convolution, pooling and normalisation layers refuse)."""
from ...base import not_implemented
from ..block import Block, HybridBlock
from .activations import ELU, GELU, LeakyReLU, PReLU, SELU, Swish
from .basic_layers import (Activation, Dense, Dropout, Flatten, HybridLambda, HybridSequential,
                           Lambda, Sequential)


def _absent(name: str, missing: str) -> type:
    """A stand-in for MXNet's layer ``name``: importable (code that imports it still loads),
    refusing with the compatibility page's error when constructed."""
    def __init__(self, *args, **kwargs):
        raise not_implemented('gluon.nn.' + name, missing)
    return type(name, (HybridBlock,), {'__init__': __init__, '__module__': __name__,
                                       '__doc__': 'Not part of minigluon: %s.' % missing})


_LAYERS = 'convolution, pooling and normalisation layers (d2l-zh chapters 5 onwards)'
for _name in ('Conv1D', 'Conv2D', 'Conv3D', 'Conv1DTranspose', 'Conv2DTranspose',
              'Conv3DTranspose', 'MaxPool1D', 'MaxPool2D', 'MaxPool3D', 'AvgPool1D', 'AvgPool2D',
              'AvgPool3D', 'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalMaxPool3D',
              'GlobalAvgPool1D', 'GlobalAvgPool2D', 'GlobalAvgPool3D', 'ReflectionPad2D',
              'BatchNorm', 'BatchNormReLU', 'InstanceNorm', 'LayerNorm', 'GroupNorm'):
    globals()[_name] = _absent(_name, _LAYERS)
Embedding = _absent('Embedding', 'embedding layers (nd.Embedding)')
SymbolBlock = _absent('SymbolBlock', 'the symbolic API (mx.sym)')
del _name
