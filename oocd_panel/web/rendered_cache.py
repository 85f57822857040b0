"""A worker's bounded cache of rendered HTML, for the widgets and components whose HTML depends
only on plain parameters: the least recently used entry goes first beyond the size asked for."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from markupsafe import Markup

K = TypeVar("K", bound=Hashable)


class RenderedCache(OrderedDict[K, Markup]):
    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def get_or_make(self, key: K, make: Callable[[], Markup], size: int) -> Markup:
        """The HTML kept for `key`, or `make()`'s, kept (made outside the lock: two threads of
        a worker may both make it, which is harmless)."""
        with self._lock:
            found = self.get(key)
            if found is not None:
                self.move_to_end(key)
                return found
        html = make()
        with self._lock:
            self[key] = html
            while len(self) > size:
                self.popitem(last=False)
        return html
