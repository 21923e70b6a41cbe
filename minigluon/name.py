"""Automatic block names: per-class counters (dense0, dense1, ...), scoped by NameManager."""
from __future__ import annotations

import threading


class NameManager:
    """Hands out ``hint + counter`` names; ``with NameManager():`` starts fresh counters."""
    _current = threading.local()

    def __init__(self):
        self._counter = {}
        self._old_manager = None

    def get(self, name: str | None, hint: str) -> str:
        """``name`` if given, else the next free name for ``hint`` (``dense`` -> ``dense3``)."""
        if name:
            return name
        count = self._counter.get(hint, 0)
        self._counter[hint] = count + 1
        return '%s%d' % (hint, count)

    def __enter__(self):
        self._old_manager = NameManager.current()
        NameManager._current.value = self
        return self

    def __exit__(self, *exc):
        NameManager._current.value = self._old_manager

    @staticmethod
    def current() -> 'NameManager':
        manager = getattr(NameManager._current, 'value', None)
        if manager is None:
            manager = NameManager._current.value = NameManager()
        return manager
