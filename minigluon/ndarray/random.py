"""``mx.nd.random``: the samplers of ``minigluon.random`` under MXNet's second name."""
from ..random import normal, uniform, seed  # noqa: F401
