"""Layer check of the quality gate (`make lint`): who may import whom, and no import cycles.

- `models` imports nothing of `extractors` or `pipelines`;
- `extractors` imports nothing of `pipelines`;
- the format readers (`extractors.readers`) import no field or task extractor (the layout
  analysis of `extractors.zones` is shared: the handwriting reader finds the number's slot with it);
- the language layer (`extractors.lang`, where present) imports nothing else of the project;
- no cycle among the project's modules, counting imports at module level (an import inside a
  function runs later and is how an intentional lazy import is written);
- no test module imports another test module (shared builders live in helper modules of tests/).
Exit 1 with one line per breach.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("models", "extractors", "pipelines")
READER_MAY_NOT = ("extractors.fields", "extractors.tasks", "extractors.pipeline",
                  "extractors.references", "extractors.deadlines")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    if top_level_only:      # also imports under module-level if/try (not inside functions)
        stack, nodes = list(tree.body), []
        while stack:
            node = stack.pop()
            nodes.append(node)
            if isinstance(node, (ast.If, ast.Try)):
                stack.extend(node.body + node.orelse + getattr(node, "finalbody", []) +
                             [n for h in getattr(node, "handlers", []) for n in h.body])
    found = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in PACKAGES}


def test_imports() -> list[str]:
    """`tests/test_*.py` importing another `test_*` module (as `test_x` or `tests.test_x`)."""
    out = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            out += [f"tests/{path.name} imports {n}: a test imports no other test module"
                    for n in names if n.rpartition(".")[2].startswith("test_")]
    return out


def main() -> int:
    files = {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    problems = []
    for name, path in sorted(files.items()):
        for target in sorted(imports(path, top_level_only=False)):
            if name.startswith("models") and target.startswith(("extractors", "pipelines")):
                problems.append(f"{name} imports {target}: models import nothing of extractors/pipelines")
            if name.startswith("extractors") and target.startswith("pipelines"):
                problems.append(f"{name} imports {target}: extractors import nothing of pipelines")
            if name.startswith("extractors.readers") and target.startswith(READER_MAY_NOT):
                problems.append(f"{name} imports {target}: a format reader imports no field or task extractor")
            if name.startswith("extractors.lang") and not target.startswith("extractors.lang"):
                problems.append(f"{name} imports {target}: the language layer imports nothing else of the project")
    graph = {name: {t for t in imports(path, top_level_only=True)} for name, path in files.items()}
    graph = {name: {t if t in files else t.rpartition(".")[0] for t in targets} & files.keys() - {name}
             for name, targets in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                problems.append("import cycle: " + " -> ".join(cycle))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    problems += test_imports()
    for line in problems:
        print(line)
    print(f"layers: {len(files)} modules, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
