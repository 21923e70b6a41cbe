"""``mx.contrib.text``: MXNet's vocabularies and word embeddings, which minigluon does not have.

It imports, so that code importing it at the top (d2l-zh's ``d2lzh``) loads; using a name
from it (``text.vocab``, ``text.embedding``) raises NotImplementedError.
"""
from ..base import not_in_minigluon

__getattr__ = not_in_minigluon(__name__)
