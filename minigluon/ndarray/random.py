"""``mx.nd.random``: the samplers of ``minigluon.random`` under MXNet's second name."""
from ..random import (exponential, multinomial, normal, poisson, randint, seed,  # noqa: F401
                      shuffle, uniform)
