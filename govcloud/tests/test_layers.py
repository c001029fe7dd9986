"""No app imports one above it (the layers of docs/development.md).

Each app may import the apps below it and never one above: a lower app that needs to tell a
higher one sends a signal (``contract.signals``). Tests and the test support
(``govcloud/testing``) stand outside the layers: they build whole casts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import govcloud

#: Bottom first. An app may import itself and any app before it in this list.
LAYERS = ["lib", "audit", "contract", "inventory", "accounts", "access", "telemetry", "kpi",
          "web", "demo"]
#: Modules of the project package itself, above every app.
TOP = {"settings", "urls", "api_urls", "wsgi", "cli"}
PACKAGE = Path(govcloud.__file__).parent


def _imported_apps(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        for name in names:
            parts = name.split(".")
            if parts[0] == "govcloud" and len(parts) > 1:
                apps.add(parts[1])
    return apps


def _layered_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        app = relative.parts[0] if len(relative.parts) > 1 else relative.stem
        if app in LAYERS:
            yield app, relative, path


def test_every_app_is_placed_in_the_layers():
    apps = {path.name for path in PACKAGE.iterdir()
            if path.is_dir() and (path / "__init__.py").exists()}
    assert apps - {"testing", "tests", "locale"} == set(LAYERS)


def test_no_app_imports_an_app_above_it():
    upward = []
    for app, relative, path in _layered_modules():
        allowed = set(LAYERS[:LAYERS.index(app) + 1])
        for imported in _imported_apps(path) - allowed:
            if imported in LAYERS or imported in TOP:
                upward.append(f"{relative} imports govcloud.{imported}")
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def test_the_bottom_layer_holds_no_table():
    """``lib`` may declare abstract bases (rows of history) but no model with a table."""
    from django.apps import apps

    tables = [model for model in apps.get_models() if model.__module__.startswith("govcloud.lib")]
    assert not tables
