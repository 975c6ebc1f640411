"""``pytest`` with no arguments (the README's test command) collects every app's tests."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_app_with_tests_is_collected() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    collected = set(config["tool"]["pytest"]["ini_options"]["testpaths"])
    with_tests = {
        path.parent.name
        for path in ROOT.glob("*/tests")
        if path.is_dir() and (path.parent / "apps.py").exists()
    }
    assert with_tests, "no app with tests found: the test looks in the wrong place"
    assert with_tests <= collected, sorted(with_tests - collected)
