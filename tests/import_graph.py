"""The import graph of the nnexplain package, read from the code, and its floors.

Every ``import``/``from … import`` counts, at module level or inside a function,
and so does ``import_module("nnexplain.…")`` with a literal name. A module's floor
is the first folder under ``nnexplain/`` (``errors.py`` and ``inputs.py`` are the ground;
the package's own ``__init__``/``__main__`` are its face, above everything). Run it to see the
graph::

    .venv/bin/python tests/import_graph.py          # floors, arrows between floors, loops
    .venv/bin/python tests/import_graph.py --edges  # every module-to-module arrow too

``tests/test_layout.py`` holds the package to the rules in :data:`MAY_IMPORT`.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "nnexplain"

# Each floor and the floors below it that it may import. train and the drawing floors
# (geometry, mobjects, scenes) are two wings over the run floor: neither imports the other.
GROUND = {"errors", "inputs"}  # errors.py and inputs.py: every floor may use them
MAY_IMPORT: dict[str, set[str]] = {
    "errors": set(),
    "inputs": {"errors"},
    "data": GROUND,
    "run": {"data"} | GROUND,
    "train": {"run", "data"} | GROUND,
    "geometry": {"run", "data"} | GROUND,
    "mobjects": {"geometry", "run", "data"} | GROUND,
    "speech": GROUND,  # narration said aloud: numpy and an optional engine, no manim, no runs
    "scenes": {"speech", "mobjects", "geometry", "run", "data"} | GROUND,
    "app": {"speech", "scenes", "mobjects", "geometry", "train", "run", "data"} | GROUND,
    "face": {"app", "speech", "scenes", "mobjects", "geometry", "train", "run", "data"} | GROUND,
}
ORDER = ["errors", "inputs", "data", "run", "train", "geometry", "mobjects", "speech", "scenes", "app", "face"]


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def floor_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in ("__init__", "__main__"):
        return "face"
    return parts[1]


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(path: Path, known: set[str], package: Path = PACKAGE) -> set[str]:
    """The package modules ``path`` imports, anywhere in the file."""
    module = module_name(path, package)
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()

    def add(name: str) -> None:
        # "from a.b import c" may name module a.b.c or an attribute of a.b: take the longest known.
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name and name != module:
            found.add(name)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node, module, path.name == "__init__.py")
            for alias in node.names:
                add(f"{base}.{alias.name}")
        elif isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            if name in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
                if isinstance(node.args[0].value, str):
                    add(node.args[0].value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("nnexplain."):
            # Dotted names in strings (a lazy table of modules, a catalog entry) are imports made later.
            if node.value in known:
                add(node.value)
    return {name for name in found if name.split(".")[0] == package.name}


def graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    files = sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)
    known = {module_name(p, package) for p in files}
    return {module_name(p, package): imports_of(p, known, package) for p in files}


def upward(edges: dict[str, set[str]], floor=floor_of) -> list[tuple[str, str]]:
    """Arrows from a floor to one it may not import."""
    return sorted(
        (a, b)
        for a, targets in edges.items()
        for b in targets
        if floor(a) != floor(b) and floor(b) not in MAY_IMPORT[floor(a)]
    )


def loops(edges: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other in a circle (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def summary(edges: dict[str, set[str]], floor=floor_of) -> str:
    by_floor: dict[str, list[str]] = defaultdict(list)
    for module in edges:
        by_floor[floor(module)].append(module)
    between: dict[tuple[str, str], int] = defaultdict(int)
    for a, targets in edges.items():
        for b in targets:
            if floor(a) != floor(b):
                between[floor(a), floor(b)] += 1
    lines = [f"{len(edges)} modules, {sum(map(len, edges.values()))} imports, {len(by_floor)} floors"]
    for name in sorted(by_floor, key=lambda f: ORDER.index(f) if f in ORDER else -1, reverse=True):
        targets = sorted({b for (a, b) in between if a == name}, key=lambda f: ORDER.index(f) if f in ORDER else -1)
        lines.append(f"  {name:<9} {len(by_floor[name]):>2} modules  -> {', '.join(targets) or '(nothing)'}")
    wrong = upward(edges, floor)
    lines.append(f"imports going up or across a wing: {len(wrong)}")
    lines += [f"  {a} -> {b}" for a, b in wrong]
    circles = loops(edges)
    lines.append(f"loops: {len(circles)}")
    lines += ["  " + " <-> ".join(circle) for circle in circles]
    return "\n".join(lines)


if __name__ == "__main__":
    edges = graph()
    print(summary(edges))
    if "--edges" in sys.argv:
        for module in sorted(edges):
            print(f"{module} -> {', '.join(sorted(edges[module]))}")
