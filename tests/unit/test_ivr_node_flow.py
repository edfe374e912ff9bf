"""The node handlers see the flow only through NodeFlow, and IvrFlow is one."""

import ast
from datetime import datetime, timezone
from pathlib import Path

from telephony.config import parse_config
from telephony.ivr.flow import IvrFlow
from telephony.ivr.nodes.base import NodeFlow

NODES = Path(__file__).parents[2] / "telephony" / "ivr" / "nodes"


def node_flow_members() -> set[str]:
    methods = {name for name, value in vars(NodeFlow).items()
               if not name.startswith("_") and (callable(value) or isinstance(value, property))}
    return methods | set(NodeFlow.__annotations__)


def test_an_ivr_flow_is_a_node_flow():
    flow = IvrFlow(parse_config("dids: {}"), None, "c1", lambda: datetime(2026, 1, 1, tzinfo=timezone.utc),
                   lambda: "id")
    assert isinstance(flow, NodeFlow)


def test_the_handlers_use_nothing_of_the_flow_that_node_flow_does_not_list():
    used = {(path.name, node.attr) for path in NODES.glob("*.py")
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == "flow"}
    assert {(file, name) for file, name in used if name not in node_flow_members()} == set()
    assert {name for _, name in used} == node_flow_members()  # and NodeFlow lists nothing they do not use
