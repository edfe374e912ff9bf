"""What a notifier publishes into: the event hub's `publish(type, payload, audience)`."""

from __future__ import annotations

from collections.abc import Callable

from telephony.audience import Audience

Publish = Callable[[str, dict, Audience], object]
