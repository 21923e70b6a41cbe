"""Initializers by lower-case name, so that ``init='xavier'`` works (optimizers: opt_registry)."""
from __future__ import annotations


class Registry:
    """Maps lower-case names to classes: ``register`` by class name, ``alias`` for others."""

    def __init__(self):
        self._classes: dict = {}

    def register(self, klass):
        """Class decorator: make ``klass`` available by its lower-case name."""
        self._classes[klass.__name__.lower()] = klass
        return klass

    def alias(self, *aliases: str):
        """Class decorator: make a class available under extra names too."""
        def register_aliases(klass):
            for name in aliases:
                self._classes[name.lower()] = klass
            return klass
        return register_aliases

    def find(self, name: str):
        """The class registered as ``name`` (any case), or None."""
        return self._classes.get(name.lower())
