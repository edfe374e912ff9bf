"""Reading the configuration file and reporting every error with its place in the file."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from telephony.config.models import NODE_KINDS, CallCenterConfig, ReferenceProblems
from telephony.errors import ConfigError


def load_config(path: Path) -> CallCenterConfig:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(path), [("", f"cannot read the file: {exc.strerror}")]) from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), [("", "the file is not UTF-8 text")]) from None
    return parse_config(text, source=str(path))


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML keeps the last of two equal keys without a word; a call-center file must not (two entries
    for one DID, one node defined twice): the second is an error at its line."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            first: dict = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=deep)
                try:
                    seen = key in first
                except TypeError:
                    continue  # an unhashable key: SafeLoader reports it
                if seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r} (first at line {first[key] + 1})",
                        key_node.start_mark)
                first[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)


def parse_config(text: str, source: str = "<config>") -> CallCenterConfig:
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(source, [(where, f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(source, [("", "the top level must be a mapping (dids:, ivr:, ...)")])
    try:
        return CallCenterConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(source, list(_placed_problems(exc))) from None


def _placed_problems(exc: ValidationError):
    for error in exc.errors():
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, ReferenceProblems):
            yield from cause.problems
            continue
        # Discriminated unions put the variant's tag in the path; it is not a place in the file.
        loc = [str(part) for part in error["loc"] if not _is_variant_tag(part)]
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        elif error["type"] == "missing":
            message = "required field is missing"
        elif error["type"] == "value_error":
            message = message.removeprefix("Value error, ")
        yield ".".join(loc), message


def _is_variant_tag(part) -> bool:
    """Parts of pydantic's error path that name a union variant or validator, not a key in the file."""
    return part in NODE_KINDS or part == "[key]" or (isinstance(part, str) and part.startswith("function-"))
