"""Items kept in key order, with removal by item.

A plain Python list with `bisect`: O(log n) comparisons to find a place, then a memmove for the insert or
delete. For the sizes of a call center (thousands of entries) the memmove costs less than the bookkeeping
of a heap with lazy deletion, and a sorted list also answers "what is the rank of this item" (a caller's
position) and "what comes after this key" (round-robin) by bisection.
Keys must be unique: callers end them with a sequence number.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class SortedIndex(Generic[T]):
    __slots__ = ("_keys", "_items", "_key_of")

    def __init__(self) -> None:
        self._keys: list[tuple] = []
        self._items: list[T] = []
        self._key_of: dict[T, tuple] = {}

    def add(self, item: T, key: tuple) -> None:
        if item in self._key_of:
            self.discard(item)
        i = bisect_left(self._keys, key)
        self._keys.insert(i, key)
        self._items.insert(i, item)
        self._key_of[item] = key

    def discard(self, item: T) -> bool:
        key = self._key_of.pop(item, None)
        if key is None:
            return False
        i = bisect_left(self._keys, key)
        del self._keys[i]
        del self._items[i]
        return True

    def first(self) -> T | None:
        return self._items[0] if self._items else None

    def at(self, index: int) -> T:
        return self._items[index]

    def first_not_in(self, exclude: set[T] | frozenset[T], start: int = 0) -> T | None:
        """The first item from index `start` on, wrapping around, that is not in `exclude`."""
        items = self._items
        n = len(items)
        for offset in range(n):
            item = items[(start + offset) % n]
            if item not in exclude:
                return item
        return None

    def rank(self, item: T) -> int:
        """0 for the first item; KeyError if absent."""
        return bisect_left(self._keys, self._key_of[item])

    def index_after(self, key: tuple) -> int:
        """Index of the first item whose key is greater than `key` (len() if none)."""
        return bisect_right(self._keys, key)

    def key_of(self, item: T) -> tuple:
        return self._key_of[item]

    def __contains__(self, item: object) -> bool:
        return item in self._key_of

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items))
