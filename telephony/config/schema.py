"""The JSON Schema of the call-center file, generated from its models, for editors (YAML language servers
take it with a `# yaml-language-server: $schema=...` first line). `telephony config-schema` prints it;
callcenter.schema.json in the repository is that output, kept current by a test."""

from __future__ import annotations

from telephony.config.models import CallCenterConfig

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def config_schema() -> dict:
    schema = CallCenterConfig.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_DRAFT, "title": "telephony call-center file",
            "description": "DIDs, IVR nodes, queues and pause reasons (see the README's call-center file)",
            **{k: v for k, v in schema.items() if k != "title"}}
