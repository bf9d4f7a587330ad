"""The last few results of a slow, pure computation, kept by a key of its inputs.

Re-running a stage after a change that does not touch some of its inputs (a score weight, say)
asks the same questions again: the potential model fit, the district cell covers and the outlet
segmentation are answered from here while their inputs are unchanged. Values go in and come out
as deep copies, so a caller that edits its result cannot spoil the kept one; a ``None`` key (inputs
that could not be hashed) is never kept.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from typing import Any, Hashable


class Memo:
    """Up to ``size`` results by key, the oldest dropped first; safe across worker threads."""

    def __init__(self, size: int = 1):
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable | None) -> Any | None:
        """A copy of the result kept for ``key``, or None."""
        if key is None:
            return None
        with self._lock:
            if key not in self._items:
                return None
            return copy.deepcopy(self._items[key])

    def put(self, key: Hashable | None, value: Any) -> None:
        if key is None:
            return
        kept = copy.deepcopy(value)
        with self._lock:
            self._items.pop(key, None)
            self._items[key] = kept
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
