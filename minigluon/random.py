"""``mx.random``: seeding, and MXNet's samplers under their second name.

``seed`` restarts every generator the samplers of ``mx.nd.random`` draw from; with the same
seed, a CPU context gives MXNet 1.x's very numbers (see ``minigluon.bitexact``).
"""
from __future__ import annotations

import numpy as np

from .ndarray import random as _nd_random
from .ndarray.random import (exponential, gamma, generalized_negative_binomial,  # noqa: F401
                             multinomial, negative_binomial, normal, poisson, randint, randn,
                             shuffle, uniform)


def seed(seed_state: int, ctx='all'):
    """Seed the generators of every device (``ctx='all'``) or of one context."""
    if not isinstance(seed_state, (int, np.integer)):
        raise ValueError('seed_state must be int')
    _nd_random.seed_generators(int(seed_state), ctx)
