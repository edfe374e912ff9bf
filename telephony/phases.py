"""Phases as enums with a table of allowed transitions, shared by every part of a call that has phases
(a waiting call, an offer, a queue call, a transfer, an internal call).

A part keeps its phase and moves it only through `PhaseTable.move`: a transition missing from the table
is a bug in our logic and raises IllegalTransition instead of leaving a half-moved call; every move is
logged as `phase -> event -> phase` with the call's id, so a call's story can be read from the log.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Generic, TypeVar

from telephony.errors import IllegalTransition
from telephony.logs import get_logger

log = get_logger(__name__)

P = TypeVar("P", bound=enum.Enum)
E = TypeVar("E", bound=enum.Enum)


class PhaseTable(Generic[P, E]):
    """The allowed `(phase, event) -> phase` moves of one kind of thing, named `name` in the log."""

    def __init__(self, name: str, transitions: Mapping[tuple[P, E], P]):
        self.name = name
        self._transitions = dict(transitions)

    def allows(self, phase: P, event: E) -> bool:
        return (phase, event) in self._transitions

    def next(self, phase: P, event: E) -> P:
        """The phase `event` leads to from `phase`; IllegalTransition if the table has no such move."""
        try:
            return self._transitions[(phase, event)]
        except KeyError:
            raise IllegalTransition(self.name, phase.value, event.value) from None

    def move(self, phase: P, event: E, call_id: str) -> P:
        """`next`, logged as `phase -> event -> phase` with the call's id."""
        after = self.next(phase, event)
        log.info(f"{self.name}.phase", call_id=call_id, transition=f"{phase.value} -> {event.value} -> {after.value}")
        return after

    def __iter__(self):
        return iter(self._transitions.items())
