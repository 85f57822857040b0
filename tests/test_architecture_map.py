"""The map in docs/architecture.md stays true to the tree: every package is on it, says what it
holds, every template folder belongs to a blueprint, and no room grows too big to read."""

from __future__ import annotations

import ast
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "oocd_panel"
MAP = (ROOT / "docs" / "architecture.md").read_text()

# Reference data tables may stay long; everything else stays readable in one sitting.
LONGEST = 620
REFERENCE_DATA = PACKAGE / "catalogue"
# Template folders that are not one blueprint's: shared macros and the error pages.
SHARED_TEMPLATES = {"components", "errors"}


def _packages() -> list[Path]:
    return sorted(p.parent for p in PACKAGE.rglob("__init__.py") if "static" not in p.parts)


def test_every_package_is_on_the_map() -> None:
    missing = [
        str(p.relative_to(ROOT)) + "/"
        for p in _packages()
        if p != PACKAGE and f"`{p.relative_to(ROOT)}/`" not in MAP
    ]
    assert missing == [], f"docs/architecture.md does not name {missing}"


def test_every_module_at_the_root_is_on_the_map() -> None:
    missing = [p.name for p in PACKAGE.glob("*.py") if f"`{p.relative_to(ROOT)}`" not in MAP]
    assert missing == [], f"docs/architecture.md does not name {missing}"


def test_the_package_root_holds_packages_and_a_handful_of_modules() -> None:
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py", "cli.py"]


def test_every_package_says_what_it_holds() -> None:
    silent = [
        str(p.relative_to(ROOT))
        for p in _packages()
        if len(ast.get_docstring(ast.parse((p / "__init__.py").read_text())) or "") < 40
    ]
    assert silent == []


def test_every_template_folder_is_one_blueprints(app: Flask) -> None:
    folders = {p.name for p in (ROOT / "templates").iterdir() if p.is_dir()}
    unclaimed = folders - set(app.blueprints) - SHARED_TEMPLATES
    assert unclaimed == set()
    for name in folders - SHARED_TEMPLATES:
        assert f"`{name}`" in MAP, f"docs/architecture.md does not name templates/{name}/"


def test_no_module_outside_reference_data_is_too_long_to_read() -> None:
    too_long = {
        str(p.relative_to(ROOT)): n
        for p in PACKAGE.rglob("*.py")
        if REFERENCE_DATA not in p.parents and (n := len(p.read_text().splitlines())) > LONGEST
    }
    assert too_long == {}


def test_the_demo_is_its_own_package_and_services_hold_no_demo_code() -> None:
    assert (PACKAGE / "demo" / "__init__.py").exists()
    services = PACKAGE / "services"
    assert [p.name for p in services.rglob("*.py") if "demo" in p.name] == []
    for path in services.rglob("*.py"):
        tree = ast.parse(path.read_text())
        imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
        assert not [m for m in imported if m.startswith("oocd_panel.demo")], path
