"""Pieces every part of the call-center file shares: strict models, names, prompts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

NODE_NAME = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"
QUEUE_PREFIX = "queue:"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_prompt(value: str) -> str:
    kind, sep, name = value.partition(":")
    if not sep or kind not in ("sound", "recording", "digits", "number", "tone") or not name:
        raise ValueError(f"prompt {value!r} must look like sound:NAME (or recording:, digits:, number:)")
    if ".." in name or name.startswith("/"):
        raise ValueError(f"prompt {value!r} must not leave the sounds directory")
    return value


def check_prompts(value: list[str]) -> list[str]:
    return [check_prompt(p) for p in value]
