"""The apps form layers: each imports only the ones below it (core at the bottom, demo on top)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = [
    "core",
    "accounts",
    "enterprises",
    "hazards",
    "inspections",
    "reports",
    "tipoffs",
    "portal",
    "demo",
]


def _imported_apps(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        apps.update(name.split(".")[0] for name in names if name.split(".")[0] in LAYERS)
    return apps


@pytest.mark.parametrize("app", LAYERS)
def test_app_imports_only_lower_layers(app):
    above = set(LAYERS[LAYERS.index(app) + 1 :])
    wrong = {
        str(path.relative_to(ROOT)): sorted(_imported_apps(path) & above)
        for path in (ROOT / app).rglob("*.py")
        if _imported_apps(path) & above
    }
    assert wrong == {}
