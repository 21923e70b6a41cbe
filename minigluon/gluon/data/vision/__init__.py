"""``gluon.data.vision``: the MNIST datasets and image transforms."""
from . import transforms
from .datasets import MNIST, FashionMNIST
