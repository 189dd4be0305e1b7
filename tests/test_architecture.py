"""The shape ARCHITECTURE.md promises, checked so that the next change keeps it."""

import re

from app import ROOT

APP = ROOT / "app"
VIEW_MODULES = sorted([*APP.glob("*/routes.py"), *APP.glob("*/admin.py")])


def test_views_leave_the_transaction_to_the_boundary():
    offenders = []
    for path in VIEW_MODULES:
        text = path.read_text()
        if re.search(r"\.(commit|rollback)\(\)", text) or "app.dbutil" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert VIEW_MODULES and offenders == []


def test_no_module_under_app_is_longer_than_600_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in APP.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 600
    }
    assert long == {}


def test_the_factory_registers_blueprints_by_name():
    assert "import_module" not in (APP / "__init__.py").read_text()


def test_every_api_rule_is_served_by_the_api_blueprint(app):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/")]
    assert rules
    assert [r.rule for r in rules if not r.endpoint.startswith("api.")] == []
    assert all(r.rule.startswith("/api/v1/") for r in rules)
