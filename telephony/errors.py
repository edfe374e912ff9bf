"""The project's exceptions: one class per kind of failure a caller may want to tell apart."""


class TelephonyError(Exception):
    """Base of every error this package raises on purpose."""


class Refused(TelephonyError):
    """A request that makes no sense now (the call is not connected, the agent is logged out, a transfer
    is already under way...). `reason` says why, for the person who asked; `code` names the kind of
    refusal for programs; `details`, if any, is data for programs (JSON-able). The HTTP API answers every
    Refused with 409 in one place."""

    code = "refused"
    details: object = None

    def __init__(self, reason: str, code: str | None = None):
        self.reason = reason
        if code is not None:
            self.code = code
        super().__init__(reason)


class InvalidInput(TelephonyError):
    """A value someone gave is not acceptable whatever the state (an unknown queue, a skill level out of
    range): `field` names it, `allowed` lists what would be (when there is such a list). The HTTP API
    answers it with 422, in the shape of a body's validation errors."""

    def __init__(self, field: str, message: str, allowed: list | None = None):
        self.field = field
        self.message = message
        self.allowed = allowed
        super().__init__(f"{field}: {message}")


class NotFound(TelephonyError):
    """What a request names is not there: no such agent, customer, ticket, recording, connected call.
    `what` names the kind of thing; the message, by default "no such <what>", is for the person who asked.
    The HTTP API answers every NotFound with 404 in one place."""

    def __init__(self, what: str, message: str | None = None):
        self.what = what
        super().__init__(message or f"no such {what}")


class IllegalTransition(TelephonyError):
    """A phase table has no move for this event in this phase: a bug in our logic, never a refusal."""

    def __init__(self, what: str, phase: str, event: str):
        self.what = what
        self.phase = phase
        self.event = event
        super().__init__(f"{what}: no transition {phase} -> {event}")


class SettingsError(TelephonyError):
    """A process setting is missing or invalid; the message names it."""


class ConfigError(TelephonyError):
    """The call-center configuration file is invalid.

    `problems` holds one `(place, message)` pair per error, the place being a dotted path into the file
    such as `ivr.main.options.3.target`.
    """

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        lines = "; ".join(f"{place}: {message}" if place else message for place, message in problems)
        super().__init__(f"{source}: {lines}")


class MigrationError(TelephonyError):
    """The database schema cannot be brought up to date safely."""


class AsteriskUnavailable(TelephonyError):
    """Asterisk could not be reached, or the link dropped before an answer came."""


class AriError(TelephonyError):
    """ARI answered a request with an error status."""

    def __init__(self, method: str, path: str, status: int, message: str):
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        super().__init__(f"ARI {method} {path} -> {status}: {message}")

    @property
    def not_found(self) -> bool:
        return self.status == 404


class AmiError(TelephonyError):
    """AMI answered an action with an error response."""
