"""No import loop inside w2v_core: the graph is built from the source with ast.

Every import counts, also those inside functions and under ``if TYPE_CHECKING:``: a
loop hidden in a function still means two modules that cannot be read one at a time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import w2v_core

PACKAGE = Path(w2v_core.__file__).parent


def _module_name(path: Path) -> str:
    """``w2v_core/commands/common.py`` -> ``w2v_core.commands.common`` (a package: its name)."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> list[Path]:
    """Every module of w2v_core, its subpackages included."""
    return sorted(PACKAGE.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """Modules of w2v_core that the file at ``path`` imports (package itself excluded)."""
    package = _module_name(path if path.name == "__init__.py" else path.parent / "__init__.py")
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # from .x import y / from ..x import y / from . import x
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = parent + (f".{node.module}" if node.module else "")
            else:
                base = node.module or ""
            # from . import npz, from .commands import queries: the names may be modules
            # (names that are not modules are dropped below)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("w2v_core."))
    modules = {_module_name(p) for p in _sources()}
    return found & modules - {"w2v_core"}


def import_graph() -> dict[str, set[str]]:
    return {
        _module_name(path): _imports(path) for path in _sources() if path != PACKAGE / "__init__.py"
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import loop as a list of modules, or None (depth-first search, three colours)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for child in sorted(graph.get(node, ())):
            if state.get(child) == 1:
                return stack[stack.index(child) :] + [child]
            if child not in state and (cycle := visit(child)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_find_cycle_finds_a_planted_loop():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_graph_sees_lazy_and_type_checking_imports():
    graph = import_graph()
    assert "w2v_core.corpus" in graph["w2v_core.train"]  # under TYPE_CHECKING
    assert "w2v_core.corpus" in graph["w2v_core.commands.training"]  # inside a function
    assert "w2v_core.commands.training" in graph["w2v_core.cli"]  # a subpackage's module


def test_w2v_core_has_no_import_loop():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import loop: " + " -> ".join(cycle)
