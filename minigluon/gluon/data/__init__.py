"""``gluon.data``: datasets, samplers and the DataLoader (``from mxnet.gluon import data as gdata``)."""
from . import vision
from .dataloader import DataLoader
from .dataset import ArrayDataset, Dataset, SimpleDataset
from .sampler import BatchSampler, FilterSampler, RandomSampler, Sampler, SequentialSampler
