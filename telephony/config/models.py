"""Models of the call-center configuration file.

IVR nodes share one flat namespace under `ivr:` and refer to each other by name, so a place such as
`ivr.welcome.next` points straight at the line to fix.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NODE_NAME = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"
DID_PATTERN = r"^\+?[0-9*#]{1,32}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_prompt(value: str) -> str:
    kind, sep, name = value.partition(":")
    if not sep or kind not in ("sound", "recording", "digits", "number", "tone") or not name:
        raise ValueError(f"prompt {value!r} must look like sound:NAME (or recording:, digits:, number:)")
    if ".." in name or name.startswith("/"):
        raise ValueError(f"prompt {value!r} must not leave the sounds directory")
    return value


class PlayNode(Strict):
    """Play prompts, then go on to `next`."""

    kind: Literal["play"]
    prompts: list[str] = Field(min_length=1)
    next: str

    _prompts = field_validator("prompts")(lambda cls, v: [_check_prompt(p) for p in v])


class HangupNode(Strict):
    """Play optional prompts, then hang up."""

    kind: Literal["hangup"]
    prompts: list[str] = []

    _prompts = field_validator("prompts")(lambda cls, v: [_check_prompt(p) for p in v])


NODE_TYPES = (PlayNode, HangupNode)
NODE_KINDS = frozenset(t.model_fields["kind"].annotation.__args__[0] for t in NODE_TYPES)
IvrNode = Annotated[Union[NODE_TYPES], Field(discriminator="kind")]


class DidRoute(Strict):
    entry: str = Field(description="the IVR node a call to this number starts at")
    language: str = Field("en", pattern=r"^[a-z]{2}(_[A-Z]{2})?$")


class CallCenterConfig(Strict):
    dids: dict[Annotated[str, Field(pattern=DID_PATTERN)], DidRoute] = {}
    unknown_did: DidRoute | None = Field(
        None, description="where calls to a number not listed under dids go; by default they are refused"
    )
    ivr: dict[Annotated[str, Field(pattern=NODE_NAME)], IvrNode] = {}

    @model_validator(mode="after")
    def _references_resolve(self) -> CallCenterConfig:
        problems: list[tuple[str, str]] = []
        for did, route in self.dids.items():
            if route.entry not in self.ivr:
                problems.append((f"dids.{did}.entry", f"unknown ivr node {route.entry!r}"))
        if self.unknown_did and self.unknown_did.entry not in self.ivr:
            problems.append(("unknown_did.entry", f"unknown ivr node {self.unknown_did.entry!r}"))
        for name, node in self.ivr.items():
            for field, target in node_references(node):
                if target not in self.ivr:
                    problems.append((f"ivr.{name}.{field}", f"unknown ivr node {target!r}"))
        if problems:
            raise ReferenceProblems(problems)
        return self

    def route_for(self, dialled: str) -> DidRoute | None:
        return self.dids.get(dialled) or self.unknown_did


def node_references(node) -> list[tuple[str, str]]:
    """The (field, node name) pairs through which `node` leads to other nodes."""
    if isinstance(node, PlayNode):
        return [("next", node.next)]
    return []


class ReferenceProblems(ValueError):
    """Carries several placed problems out of a model validator."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))
