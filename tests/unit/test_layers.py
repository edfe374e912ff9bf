"""The layering rule, checked on the source of telephony/ (every import statement, those under
`if TYPE_CHECKING:` and inside functions included):

- vocabulary (commands, events, requests, the call-flow protocol, errors, phases, timers, our shared types,
  ids, causes, the audience of an event and the authorisation vocabulary it is written in) imports nothing of ours but other vocabulary and logs;
- the Asterisk adapter (telephony/asterisk/) imports only vocabulary, logs, backoff and itself;
- db/ imports only vocabulary (telephony.model among it), logs, backoff, itself and crm.model, no logic,
  and those model types import only vocabulary;
- the pure modules (acd/, ivr/, the flows of calls/, supervision/, the pure part of recordings/ and crm/)
  import no adapter, database, API or wiring module;
- no import cycles.

Importing `a.b.c` also runs the packages `a` and `a.b`; those implicit imports are not counted, since a
package's __init__ importing its own submodules would otherwise make every such package a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

SOURCE = Path(__file__).parents[2]

VOCABULARY = frozenset({
    "telephony.commands", "telephony.events", "telephony.errors", "telephony.phases", "telephony.model",
    "telephony.channel_ids", "telephony.causes", "telephony.audience", "telephony.timers", "telephony.requests",
    "telephony.call_flow", "telephony.call_events",
    # Audience.admits reads a Principal: the authorisation vocabulary (Role, Principal, Forbidden and the pure
    # checks over them) is as plain as the rest; auth.policy imports only auth.models.
    "telephony.auth.models", "telephony.auth.policy",
})
PLUMBING = frozenset({"telephony.logs", "telephony.backoff"})
MODEL_TYPES = frozenset({"telephony.crm.model"})
ABOVE_THE_PURE_CORE = ("telephony.asterisk", "telephony.db", "telephony.api", "telephony.app",
                       "telephony.cli", "telephony.acd_runtime", "telephony.agent_desk", "telephony.__main__")
PURE = (
    "telephony.acd", "telephony.ivr", "telephony.supervision",
    "telephony.calls.call_flow", "telephony.calls.queue_flow", "telephony.calls.transfer_control",
    "telephony.calls.transfer", "telephony.calls.transfer_reports", "telephony.calls.click_to_call",
    "telephony.calls.internal_call", "telephony.calls.internal_holds", "telephony.calls.legs",
    "telephony.recordings.control", "telephony.recordings.takes", "telephony.recordings.policy",
    "telephony.recordings.commands",
    "telephony.crm.model", "telephony.crm.tickets", "telephony.crm.numbers",
    "telephony.reports.intervals", "telephony.reports.stretches", "telephony.reports.queues",
    "telephony.reports.agents",
)


@dataclass(frozen=True, slots=True)
class Import:
    source: str
    target: str
    line: int

    def __str__(self) -> str:
        return f"{self.source} imports {self.target} (line {self.line})"


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def module_files(root: Path, package: str) -> dict[str, Path]:
    files = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        files[".".join(parts)] = path
    return files


def imports_of(module: str, path: Path, known: Iterable[str]) -> list[Import]:
    """The modules of ours that `module` imports, each once, with the line of its first import."""
    known = set(known)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: dict[str, int] = {}

    def add(target: str, line: int) -> None:
        if target in known and target != module:
            found.setdefault(target, line)

    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parent, *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                add(submodule if submodule in known else base, node.lineno)
    return [Import(module, target, line) for target, line in sorted(found.items(), key=lambda item: item[1])]


def import_graph(root: Path, package: str) -> dict[str, list[Import]]:
    files = module_files(root, package)
    return {module: imports_of(module, path, files) for module, path in files.items()}


def cycles(graph: dict[str, list[Import]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for edge in graph[module]:
            if edge.target not in index:
                visit(edge.target)
                low[module] = min(low[module], low[edge.target])
            elif edge.target in on_stack:
                low[module] = min(low[module], index[edge.target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in graph:
        if module not in index:
            visit(module)
    return found


@cache
def telephony() -> dict[str, list[Import]]:
    return import_graph(SOURCE, "telephony")


def modules_under(*prefixes: str) -> list[str]:
    return [m for m in telephony() if any(within(m, p) for p in prefixes)]


def assert_imports_only(module: str, allowed) -> None:
    bad = [str(i) for i in telephony()[module] if not allowed(i.target)]
    assert not bad, "imports across the layering rule:\n" + "\n".join(bad)


def test_the_reader_sees_type_only_relative_and_function_level_imports(tmp_path):
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "sub" / "__init__.py").write_text("from pkg.sub import b\n")
    (tmp_path / "pkg" / "sub" / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.sub.b import B\n")
    (tmp_path / "pkg" / "sub" / "b.py").write_text("def f():\n    from . import a\n    from .. import sub\n")
    graph = import_graph(tmp_path, "pkg")
    assert [str(i) for i in graph["pkg.sub.a"]] == ["pkg.sub.a imports pkg.sub.b (line 3)"]
    assert [i.target for i in graph["pkg.sub.b"]] == ["pkg.sub.a", "pkg.sub"]
    assert cycles(graph) == [["pkg.sub", "pkg.sub.a", "pkg.sub.b"]]


@pytest.mark.parametrize("module", sorted(m for m in VOCABULARY if m in telephony()))
def test_vocabulary_imports_only_vocabulary_and_logs(module):
    assert_imports_only(module, lambda target: target in VOCABULARY or target == "telephony.logs")


@pytest.mark.parametrize("module", sorted(MODEL_TYPES))
def test_the_model_types_the_database_returns_import_only_vocabulary(module):
    assert_imports_only(module, lambda target: target in VOCABULARY or target in MODEL_TYPES)


@pytest.mark.parametrize("module", modules_under("telephony.asterisk"))
def test_the_asterisk_adapter_imports_only_vocabulary(module):
    assert_imports_only(module, lambda target: (target in VOCABULARY or target in PLUMBING
                                                or within(target, "telephony.asterisk")))


@pytest.mark.parametrize("module", modules_under("telephony.db"))
def test_the_database_imports_model_types_and_no_feature_logic(module):
    assert_imports_only(module, lambda target: (target in VOCABULARY or target in PLUMBING
                                                or target in MODEL_TYPES or within(target, "telephony.db")))


@pytest.mark.parametrize("module", modules_under(*PURE))
def test_the_pure_core_imports_no_adapter_database_api_or_wiring(module):
    assert_imports_only(module, lambda target: not any(within(target, p) for p in ABOVE_THE_PURE_CORE))


def package_of(module: str) -> str:
    """The subpackage of telephony the module is in, or `telephony` for a top-level module."""
    parts = module.split(".")
    in_subpackage = len(parts) > 2 or (len(parts) == 2 and (SOURCE / "telephony" / parts[1]).is_dir())
    return ".".join(parts[:2]) if in_subpackage else "telephony"


@pytest.mark.parametrize("package", sorted({package_of(m) for m in telephony()}))
def test_no_import_cycle_reaches(package):
    graph = telephony()
    found = [c for c in cycles(graph) if any(package_of(m) == package for m in c)]
    ties = ["\n".join(str(i) for m in c for i in graph[m] if i.target in c) for c in found]
    assert not found, "import cycles, with the imports that tie each:\n" + "\n\n".join(ties)
