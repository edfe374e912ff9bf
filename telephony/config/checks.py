"""What `check-config` finds beyond a file that validates: a call center with nothing to route, prompts
Asterisk does not have, queues the agents in the database belong to that the file no longer has.

Pure: the sounds Asterisk has and the agents' memberships are handed in (telephony.config.sounds, the
database). Each finding is a warning (an error with --strict).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from telephony.config.models import CallCenterConfig

HasSound = Callable[[str, str], bool]  # (sound name, language) -> Asterisk has it


@dataclass(frozen=True, slots=True)
class Finding:
    level: Literal["warning", "error"]
    place: str
    message: str


def structure_findings(config: CallCenterConfig) -> list[Finding]:
    findings = []
    if not config.dids and config.unknown_did is None:
        findings.append(Finding("warning", "dids", "no DIDs: no call reaches the IVR"))
    if not config.queues:
        findings.append(Finding("warning", "queues", "no queues: no call reaches an agent"))
    return findings


def sound_prompts(config: CallCenterConfig) -> Iterator[tuple[str, str]]:
    """Every `sound:` prompt of the file, with its place (ivr.menu.prompts.0, queues.sales.overflow)."""
    for name, node in config.ivr.items():
        yield from _prompts_in(node, f"ivr.{name}")
    for name, queue in config.queues.items():
        if queue.overflow is not None and queue.overflow.kind == "message":
            yield f"queues.{name}.overflow", queue.overflow.target


def _prompts_in(model: BaseModel, place: str) -> Iterator[tuple[str, str]]:
    for field in type(model).model_fields:
        value = getattr(model, field)
        if field.endswith("prompts") and isinstance(value, list):
            for i, prompt in enumerate(value):
                kind, _, sound = prompt.partition(":")
                if kind == "sound":
                    yield f"{place}.{field}.{i}", sound
        elif isinstance(value, BaseModel):
            yield from _prompts_in(value, f"{place}.{field}")
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, BaseModel):
                    yield from _prompts_in(item, f"{place}.{field}.{key}")


def languages(config: CallCenterConfig) -> list[str]:
    """The languages calls may play prompts in: the DIDs' and those a language menu offers."""
    found = {route.language for route in config.dids.values()}
    if config.unknown_did is not None:
        found.add(config.unknown_did.language)
    for node in config.ivr.values():
        if getattr(node, "kind", None) == "language":
            found.update(node.options.values())
    return sorted(found) or ["en"]


def prompt_findings(config: CallCenterConfig, has_sound: HasSound) -> list[Finding]:
    findings = []
    langs = languages(config)
    for place, sound in sound_prompts(config):
        missing = [lang for lang in langs if not has_sound(sound, lang)]
        if missing:
            findings.append(Finding("warning", place, f"sound:{sound}: Asterisk has no such sound "
                                                      f"(language {', '.join(missing)})"))
    return findings


def membership_findings(config: CallCenterConfig, memberships: Iterable[tuple[str, str]]) -> list[Finding]:
    """`memberships`: (agent, queue) pairs from the database; queues the file does not have are found."""
    return [Finding("warning", "queues", f"agent {agent} is a member of queue {queue!r}, which the file "
                                         f"does not have")
            for agent, queue in memberships if queue not in config.queues]


def strict(findings: list[Finding]) -> list[Finding]:
    return [Finding("error", f.place, f.message) for f in findings]
