"""The outbox sits just above ``core``: every app that sends mail calls it, so it must
not import any of them (docs/development/architecture.md, "Layers")."""

from __future__ import annotations

import ast
from pathlib import Path

ABOVE = {"classification", "geo", "directory", "search", "accounts"}


def test_messaging_imports_no_app_above_it() -> None:
    root = Path(__file__).resolve().parents[1]
    found = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            found += [
                f"{path.relative_to(root)}: {name}" for name in names if name.split(".")[0] in ABOVE
            ]
    assert found == []
