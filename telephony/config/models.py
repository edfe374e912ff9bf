"""Models of the call-center configuration file.

IVR nodes share one flat namespace under `ivr:` and refer to each other by name, so a place such as
`ivr.welcome.next` points straight at the line to fix.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from telephony.config.common import NODE_NAME, QUEUE_PREFIX, Strict
from telephony.config.common import check_prompt as _check_prompt  # noqa: F401  (queue overflow prompts)
from telephony.config.ivr_nodes import (NODE_KINDS, HangupNode, IvrNode, PlayNode,  # noqa: F401
                                        node_problems, node_references)

DID_PATTERN = r"^\+?[0-9*#]{1,32}$"


class DidRoute(Strict):
    entry: str = Field(description="the IVR node a call to this number starts at")
    language: str = Field("en", pattern=r"^[a-z]{2}(_[A-Z]{2})?$")


class CallCenterConfig(Strict):
    dids: dict[Annotated[str, Field(pattern=DID_PATTERN)], DidRoute] = {}
    unknown_did: DidRoute | None = Field(
        None, description="where calls to a number not listed under dids go; by default they are refused"
    )
    ivr: dict[Annotated[str, Field(pattern=NODE_NAME)], IvrNode] = {}
    # Placeholder until the ACD's queue model lands: IVR targets are checked against these names.
    queues: dict[Annotated[str, Field(pattern=NODE_NAME)], dict] = {}

    @model_validator(mode="after")
    def _references_resolve(self) -> CallCenterConfig:
        problems: list[tuple[str, str]] = []
        for did, route in self.dids.items():
            if route.entry not in self.ivr:
                problems.append((f"dids.{did}.entry", f"unknown ivr node {route.entry!r}"))
        if self.unknown_did and self.unknown_did.entry not in self.ivr:
            problems.append(("unknown_did.entry", f"unknown ivr node {self.unknown_did.entry!r}"))
        problems.extend(self._ivr_problems())
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


class ReferenceProblems(ValueError):
    """Carries several placed problems out of a model validator."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))
