"""The architecture in the imports: tools -> runtime <- actions, and no cycles.

runtime/ is what both servers import (settings, catalog, parse data, handoff, the Rasa
extensions); actions/ is the action server's conversation logic; tools/ are developer and
operator commands that the servers never load. Every import counts, inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from runtime.settings import ROOT

LAYERS = ("actions", "runtime", "tools")
MAY_IMPORT = {"runtime": {"runtime"}, "actions": {"actions", "runtime"}, "tools": {"tools", "runtime"}}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_imports(path: Path) -> set[str]:
    """The project modules a file imports (a `from package import name` counts as package.name
    when that is a module, else as package)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] in LAYERS}


def graph() -> dict[str, set[str]]:
    files = [p for layer in LAYERS for p in (ROOT / layer).rglob("*.py")]
    modules = {module_name(p): p for p in files}
    return {name: {i for i in project_imports(path) if i in modules} for name, path in modules.items()}


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_imports_only_what_it_may(layer):
    wrong = [
        f"{module} imports {imported}"
        for module, imports in graph().items()
        if module.split(".")[0] == layer
        for imported in imports
        if imported.split(".")[0] not in MAY_IMPORT[layer]
    ]
    assert wrong == []


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules, or None (depth-first search)."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        stack.append(module)
        for imported in sorted(edges.get(module, ())):
            if imported == module or imported.startswith(module + "."):
                continue  # a package importing its own submodule is not a cycle
            if state.get(imported) == "open":
                return [*stack[stack.index(imported) :], imported]
            if imported not in state and (cycle := visit(imported)):
                return cycle
        stack.pop()
        state[module] = "done"
        return None

    for module in sorted(edges):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_there_is_no_import_cycle():
    assert find_cycle(graph()) is None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_every_module_of_the_action_server_holds_actions():
    """rasa_sdk imports every module under actions/: nothing else belongs there."""
    without_actions = []
    for path in (ROOT / "actions").glob("*.py"):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bases = {
            base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            for base in node.bases
        }
        if not bases & {"Action", "FormValidationAction"}:
            without_actions.append(path.name)
    assert without_actions == []
