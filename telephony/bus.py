"""The daemon's domain events, from the part that decides to the parts that react.

The ACD's records and offers, a call's supervision and transfer reports, the recording commands Asterisk
carried out: each is published once here, and whoever cares subscribes to its types when the daemon is
wired (the notifiers that turn them into API events, the screen pops, the recordings archive, the
supervisor desk). Publishers do not know their listeners, so the parts can be built in one order with no
cycle and nothing patched in afterwards.

Delivery is synchronous and in subscription order; a listener that fails is logged and the others still
hear the event — a broken notifier must not stop routing.
"""

from __future__ import annotations

from collections.abc import Callable

from telephony.logs import get_logger

log = get_logger(__name__)

Listener = Callable[[object], None]


class DomainEvents:
    def __init__(self) -> None:
        self._listeners: list[tuple[tuple[type, ...], Listener]] = []

    def subscribe(self, listener: Listener, *kinds: type) -> None:
        """Call `listener` with every event that is an instance of one of `kinds`."""
        self._listeners.append((kinds, listener))

    def publish(self, event: object) -> None:
        for kinds, listener in self._listeners:
            if isinstance(event, kinds):
                try:
                    listener(event)
                except Exception:
                    log.exception("bus.listener_failed", event=type(event).__name__,
                                  listener=getattr(listener, "__qualname__", repr(listener)))
