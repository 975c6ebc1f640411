"""Networks sit above the directory, the search and the accounts: none of the apps below
imports them (docs/development/architecture.md, "Layers")."""

from __future__ import annotations

import ast
from pathlib import Path

BELOW = ("core", "messaging", "classification", "geo", "directory", "search", "accounts")


def test_no_app_below_imports_networks() -> None:
    root = Path(__file__).resolve().parents[2]
    found = []
    for app in BELOW:
        for path in (root / app).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                found += [
                    f"{path.relative_to(root)}: {name}"
                    for name in names
                    if name.split(".")[0] == "networks"
                ]
    assert found == []
