"""Models of the call-center configuration file.

IVR nodes share one flat namespace under `ivr:` and refer to each other by name, so a place such as
`ivr.welcome.next` points straight at the line to fix.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from telephony.config.common import NODE_NAME, QUEUE_PREFIX, Strict
from telephony.config.common import check_prompt as _check_prompt
from telephony.config.ivr_nodes import _check_timezone
from telephony.config.ivr_nodes import (NODE_KINDS, HangupNode, IvrNode, PlayNode,  # noqa: F401
                                        node_problems, node_references)

DID_PATTERN = r"^\+?[0-9*#]{1,32}$"
SKILL_NAME = r"^[a-z][a-z0-9_-]{0,63}$"
SkillName = Annotated[str, Field(pattern=SKILL_NAME)]
SkillLevel = Annotated[int, Field(ge=1, le=5)]
STRATEGIES = ("longest-idle", "round-robin", "fewest-calls", "random", "ring-all", "skills-based")
MISSED_REASON = "missed"  # the pause reason the ACD itself gives after N missed offers


class DidRoute(Strict):
    entry: str = Field(description="the IVR node a call to this number starts at")
    language: str = Field("en", pattern=r"^[a-z]{2}(_[A-Z]{2})?$")


class OverflowTarget(Strict):
    """Where a call goes when its queue's maximum wait passes or the queue is full."""

    kind: Literal["queue", "voicemail", "message"]
    target: str

    @classmethod
    def parse(cls, value: str) -> OverflowTarget:
        kind, sep, target = value.partition(":")
        if not sep or kind not in ("queue", "voicemail", "message") or not target:
            raise ValueError(f"overflow {value!r} must look like queue:NAME, voicemail:BOX or message:PROMPT")
        if kind == "message":
            _check_prompt(f"sound:{target}")
        elif kind == "voicemail" and not re.fullmatch(r"[A-Za-z0-9_.@-]{1,80}", target):
            raise ValueError(f"voicemail box {target!r} may hold letters, digits and _ . @ - only")
        return cls(kind=kind, target=target)

    def __str__(self) -> str:
        return f"{self.kind}:{self.target}"


class QueueConfig(Strict):
    strategy: Literal[STRATEGIES] = "longest-idle"
    required_skills: dict[SkillName, SkillLevel] = Field(
        {}, description="skill -> minimum level; agents below any are never offered this queue's calls"
    )
    ring_timeout: float = Field(15, gt=0, le=600, description="seconds an offer rings before the next agent")
    max_wait: float | None = Field(None, gt=0, description="seconds in this queue before the call overflows")
    max_length: int | None = Field(None, ge=1, description="calls waiting at most; the next one overflows")
    overflow: OverflowTarget | None = None
    wrap_up_seconds: float = Field(0, ge=0, le=3600)
    moh_class: str = Field("default", pattern=r"^[A-Za-z0-9_-]{1,80}$")
    announce_every: float | None = Field(
        None, ge=5, description="seconds between announcements of position and estimated wait"
    )
    priority: int = Field(0, ge=0, le=10, description="priority of calls that bring none (an IVR node without one)")
    vip_priority: int | None = Field(
        None, ge=0, le=10, description="priority of a VIP customer's calls, when higher than the call's own; "
                                       "none: VIPs wait as anyone")
    missed_offers_before_pause: int = Field(3, ge=1, description="missed offers in a row that pause an agent")
    recording: Literal["always", "on_demand", "never"] = Field(
        "on_demand", description="record calls from the agent's answer: always, when the agent asks, or never; "
                                 "an agent's own policy overrides it")
    record_from: Literal["answer", "queue"] = Field(
        "answer", description="with recording always: from the agent's answer, or from the caller's entry into "
                              "the queue (hold music included)")
    service_level_seconds: float = Field(
        20, gt=0, le=3600, description="a call answered within this many seconds of entering is in service level")
    short_abandon_seconds: float = Field(
        5, ge=0, le=600, description="a caller hanging up within this many seconds is a short abandon, counted apart "
                                     "and left out of service level and abandon rate")
    time_zone: Annotated[str, AfterValidator(_check_timezone)] = Field(
        "UTC", description="the zone whose clock the queue's report intervals follow unless a report names one")

    @field_validator("overflow", mode="before")
    @classmethod
    def _parse_overflow(cls, value):
        return OverflowTarget.parse(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _overflow_when_bounded(self) -> QueueConfig:
        if self.overflow is None and (self.max_wait is not None or self.max_length is not None):
            raise ValueError("overflow is required when max_wait or max_length is set")
        return self


class CallCenterConfig(Strict):
    dids: dict[Annotated[str, Field(pattern=DID_PATTERN)], DidRoute] = {}
    unknown_did: DidRoute | None = Field(
        None, description="where calls to a number not listed under dids go; by default they are refused"
    )
    ivr: dict[Annotated[str, Field(pattern=NODE_NAME)], IvrNode] = {}
    queues: dict[Annotated[str, Field(pattern=NODE_NAME)], QueueConfig] = {}
    pause_reasons: list[SkillName] = Field(
        ["break", "lunch", "training"],
        description=f"reasons an agent may give for a pause; {MISSED_REASON!r}, the ACD's own, always is",
    )

    @field_validator("pause_reasons")
    @classmethod
    def _distinct_reasons(cls, value: list[str]) -> list[str]:
        seen = set()
        for reason in value:
            if reason in seen:
                raise ValueError(f"pause reason {reason!r} is listed twice")
            seen.add(reason)
        return value

    @model_validator(mode="after")
    def _references_resolve(self) -> CallCenterConfig:
        problems: list[tuple[str, str]] = []
        for did, route in self.dids.items():
            if route.entry not in self.ivr:
                problems.append((f"dids.{did}.entry", f"unknown ivr node {route.entry!r}"))
        if self.unknown_did and self.unknown_did.entry not in self.ivr:
            problems.append(("unknown_did.entry", f"unknown ivr node {self.unknown_did.entry!r}"))
        problems.extend(self._ivr_problems())
        problems.extend(_queue_problems(self.queues))
        if problems:
            raise ReferenceProblems(problems)
        return self

    def _ivr_problems(self) -> list[tuple[str, str]]:
        problems = []
        for name, node in self.ivr.items():
            for field, target in node_references(node):
                if target.startswith(QUEUE_PREFIX):
                    queue = target.removeprefix(QUEUE_PREFIX)
                    if queue not in self.queues:
                        problems.append((f"ivr.{name}.{field}", f"unknown queue {queue!r}"))
                elif target not in self.ivr:
                    problems.append((f"ivr.{name}.{field}", f"unknown ivr node {target!r}"))
            problems.extend((f"ivr.{name}.{field}", message) for field, message in node_problems(node))
        return problems

    def route_for(self, dialled: str) -> DidRoute | None:
        return self.dids.get(dialled) or self.unknown_did

    def valid_pause_reason(self, reason: str) -> bool:
        return reason == MISSED_REASON or reason in self.pause_reasons


def _queue_problems(queues: dict[str, QueueConfig]) -> list[tuple[str, str]]:
    """Overflows into unknown queues, and overflow chains that lead back where they started."""
    problems = []
    for name, queue in queues.items():
        if queue.overflow is None or queue.overflow.kind != "queue":
            continue
        if queue.overflow.target not in queues:
            problems.append((f"queues.{name}.overflow", f"unknown queue {queue.overflow.target!r}"))
            continue
        chain, current = [name], queue.overflow.target
        while current not in chain:
            chain.append(current)
            nxt = queues.get(current)
            if nxt is None or nxt.overflow is None or nxt.overflow.kind != "queue":
                break
            current = nxt.overflow.target
        else:
            if current == name:
                loop = " -> ".join([*chain, name])
                problems.append((f"queues.{name}.overflow", f"overflow loop {loop}"))
    return problems


class ReferenceProblems(ValueError):
    """Carries several placed problems out of a model validator."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))
