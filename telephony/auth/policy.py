"""Who may do what. Every check raises `Forbidden` with a reason a client can show."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from telephony.auth.models import Role
from telephony.errors import TelephonyError


class Forbidden(TelephonyError):
    """The caller is known but may not do this; `reason` says why."""

    def __init__(self, reason: str, code: str = "forbidden"):
        self.reason = reason
        self.code = code
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller, as read when its token was checked."""

    user_id: UUID
    name: str
    role: Role
    supervised_queues: frozenset[str] = frozenset()
    token_id: UUID | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def require_role(principal: Principal, roles: frozenset[str]) -> None:
    if principal.role not in roles:
        wanted = " or ".join(sorted(roles))
        raise Forbidden(f"this needs the role {wanted}; you are {principal.role}", "role_not_allowed")


def can_act_on_agent(principal: Principal, agent_user_id: UUID) -> None:
    """Agents act on themselves only; admins on anyone.

    Supervisors act on agents through their queues, which the ACD knows; until then they are
    treated like agents here (themselves only).
    """
    if principal.is_admin or principal.user_id == agent_user_id:
        return
    raise Forbidden("you may act only on yourself", "not_your_user")


def can_supervise_queue(principal: Principal, queue: str) -> None:
    if principal.is_admin:
        return
    if principal.role != "supervisor":
        raise Forbidden(f"only supervisors of queue {queue!r} may do this", "role_not_allowed")
    if queue not in principal.supervised_queues:
        raise Forbidden(f"you do not supervise queue {queue!r}", "not_your_queue")


def can_act_on_call(principal: Principal, agent_user_id: UUID | None, queue: str | None) -> None:
    """An agent acts on the calls they handle; a supervisor on the calls of their queues; admins on all."""
    if principal.is_admin:
        return
    if principal.role == "supervisor" and queue is not None and queue in principal.supervised_queues:
        return
    if agent_user_id is not None and principal.user_id == agent_user_id:
        return
    if principal.role == "supervisor":
        raise Forbidden("this call is not in a queue you supervise", "not_your_queue")
    raise Forbidden("this call is not yours", "not_your_call")


def can_see_call(principal: Principal, queue: str | None) -> bool:
    """Admins see every call; supervisors the calls waiting in or handled for their queues."""
    if principal.is_admin:
        return True
    return principal.role == "supervisor" and queue is not None and queue in principal.supervised_queues
