"""The IVR nodes of the call-center file, one model per kind.

Nodes lead to each other by name (`next`, `options.1.target`, `default`...). Wherever a node name is
expected, `queue:NAME` may stand instead: it sends the caller to that queue with its default priority.
References are resolved by the top-level model, which knows every node and queue.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, Field, field_validator

from telephony.config.common import QUEUE_PREFIX, Strict, check_prompts
from telephony.config.hours import parse_days, parse_spans, weekly_spans

SKILL_NAME = r"^[a-z][a-z0-9_-]{0,63}$"
VARIABLE_NAME = r"^[a-z][a-z0-9_]{0,63}$"
LANGUAGE = r"^[a-z]{2}(_[A-Z]{2})?$"
EXTENSION = r"^[0-9]{2,8}$"
E164 = r"^\+[1-9][0-9]{6,14}$"
BOX_NAME = r"^[A-Za-z0-9_.@-]{1,80}$"


def _keypad_key(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _one_key(value: str) -> str:
    if len(value) != 1 or value not in "0123456789*#":
        raise ValueError(f"{value!r} is not one key of the keypad: 0-9, * or #")
    return value


Key = Annotated[str, BeforeValidator(_keypad_key), AfterValidator(_one_key)]
Prompts = Annotated[list[str], AfterValidator(check_prompts)]
Seconds = Annotated[float, Field(gt=0, le=120)]
Retries = Annotated[int, Field(ge=0, le=10)]


class PlayNode(Strict):
    """Play prompts, then go on to `next`."""

    kind: Literal["play"]
    prompts: Prompts = Field(min_length=1)
    next: str


class HangupNode(Strict):
    """Play optional prompts (a message), then hang up."""

    kind: Literal["hangup"]
    prompts: Prompts = []


class MenuOption(Strict):
    target: str


Option = Annotated[MenuOption, BeforeValidator(lambda v: {"target": v} if isinstance(v, str) else v)]


class MenuNode(Strict):
    """Play prompts and route on one key. A key during a prompt stops it.

    No key within `timeout` plays `timeout_prompts`, a key not in `options` plays `invalid_prompts`; both
    then repeat the menu, `retries` times in all, before the caller goes to `default` (or is hung up).
    """

    kind: Literal["menu"]
    prompts: Prompts = Field(min_length=1)
    options: dict[Key, Option] = Field(min_length=1)
    timeout: Seconds = 5
    retries: Retries = 2
    invalid_prompts: Prompts = ["sound:invalid"]
    timeout_prompts: Prompts = []
    default: str | None = None


class CollectNode(Strict):
    """Collect several keys (an account number...) into `variable`, ended by `terminator`, by reaching
    `max_length` or by `timeout` seconds without a key; checked against the lengths and `pattern`."""

    kind: Literal["collect"]
    prompts: Prompts = Field(min_length=1)
    variable: str = Field(pattern=VARIABLE_NAME)
    min_length: int = Field(1, ge=1, le=32)
    max_length: int = Field(16, ge=1, le=32)
    terminator: Literal["#", "*"] | None = "#"
    pattern: str | None = None
    timeout: Seconds = 5
    retries: Retries = 2
    invalid_prompts: Prompts = ["sound:invalid"]
    next: str
    on_invalid: str | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"pattern {value!r} is not a valid regular expression: {exc}") from None
        return value


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (use a name such as Europe/Berlin)") from None
    return value


def _check_days(value: str) -> str:
    parse_days(value)
    return value


def _check_spans(value: str) -> str:
    parse_spans(value)
    return value


class ScheduleNode(Strict):
    """Branch on business hours: `open` inside `hours` (local time in `timezone`), `closed` outside them
    and on `holidays`."""

    kind: Literal["schedule"]
    timezone: Annotated[str, AfterValidator(_check_timezone)]
    hours: dict[Annotated[str, AfterValidator(_check_days)], Annotated[str, AfterValidator(_check_spans)]]
    holidays: list[date] = []
    open: str
    closed: str


class LanguageNode(Strict):
    """Let the caller choose the prompts' language; a timeout keeps the current one."""

    kind: Literal["language"]
    prompts: Prompts = Field(min_length=1)
    options: dict[Key, Annotated[str, Field(pattern=LANGUAGE)]] = Field(min_length=1)
    timeout: Seconds = 5
    next: str


class QueueNode(Strict):
    """Hand the caller to a queue of the ACD, with a priority and the skills an agent needs."""

    kind: Literal["queue"]
    queue: str
    priority: int | None = Field(None, ge=0, le=10, description="none: the queue's own priority")
    skills: dict[Annotated[str, Field(pattern=SKILL_NAME)], Annotated[int, Field(ge=1, le=5)]] = {}
    prompts: Prompts = []


def _check_destination(value: str) -> str:
    if not (re.match(EXTENSION, value) or re.match(E164, value)):
        raise ValueError(f"{value!r} is neither an extension (2-8 digits) nor an E.164 number (+4930...)")
    return value


class TransferNode(Strict):
    """Send the caller to an extension (`1002`) or an external number (`+4930...`) through the dialplan."""

    kind: Literal["transfer"]
    to: Annotated[str, AfterValidator(_check_destination)]
    prompts: Prompts = []


class VoicemailNode(Strict):
    """Greet, beep, and record a message for `box`: it ends on `#`, `silence_seconds` of silence, the
    caller hanging up or `max_seconds`."""

    kind: Literal["voicemail"]
    box: str = Field(pattern=BOX_NAME)
    prompts: Prompts = ["sound:vm-intro"]
    goodbye_prompts: Prompts = ["sound:vm-goodbye"]
    max_seconds: int = Field(120, ge=1, le=3600)
    silence_seconds: int = Field(5, ge=0, le=60)


NODE_TYPES = (PlayNode, HangupNode, MenuNode, CollectNode, ScheduleNode, LanguageNode, QueueNode, TransferNode,
              VoicemailNode)
NODE_KINDS = frozenset(t.model_fields["kind"].annotation.__args__[0] for t in NODE_TYPES)
IvrNode = Annotated[Union[NODE_TYPES], Field(discriminator="kind")]


def node_problems(node) -> list[tuple[str, str]]:
    """(field, message) for what one node's fields say against each other, once each field is valid."""
    problems = []
    if isinstance(node, CollectNode) and node.min_length > node.max_length:
        problems.append(("min_length", f"min_length {node.min_length} is above max_length {node.max_length}"))
    if isinstance(node, ScheduleNode):
        problems.extend((f"hours.{key}", message) for key, message in weekly_spans(node.hours)[1])
    return problems


def node_references(node) -> list[tuple[str, str]]:
    """The (field, target) pairs through which `node` leads on: node names, or `queue:NAME`."""
    refs: list[tuple[str, str | None]] = []
    match node:
        case PlayNode() | LanguageNode():
            refs.append(("next", node.next))
        case MenuNode():
            refs.extend((f"options.{key}.target", option.target) for key, option in node.options.items())
            refs.append(("default", node.default))
        case CollectNode():
            refs += [("next", node.next), ("on_invalid", node.on_invalid)]
        case ScheduleNode():
            refs += [("open", node.open), ("closed", node.closed)]
        case QueueNode():
            refs.append(("queue", QUEUE_PREFIX + node.queue))
    return [(place, target) for place, target in refs if target is not None]
