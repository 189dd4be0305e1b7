"""The audit's fallback (.ci/audit_newest.py): pip-audit over PyPI's project data, which
speaks only of each project's newest release. A known vulnerability fails it; a pin that
is not its project's newest release is named as not audited, never passed as clean."""

import importlib.util
import os
import re

import pytest

from app import ROOT

PIP_AUDIT = ROOT / ".venv-tools" / "bin" / "pip-audit"


def load():
    spec = importlib.util.spec_from_file_location("audit_newest", ROOT / ".ci" / "audit_newest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


audit = load()


def block_of(lock: str, name: str) -> tuple[str, str, str]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    return next(b for b in audit.blocks(text) if b[0] == name)


def block(name: str) -> tuple[str, str, str]:
    return block_of("requirements.lock", name)


def project(version: str, *vulns: dict) -> dict:
    return {"info": {"version": version}, "vulnerabilities": list(vulns)}


ADVISORY = {
    "id": "PYSEC-0000-1",
    "aliases": ["CVE-0000-1"],
    "summary": "a test advisory",
    "details": "long text",
    "fixed_in": ["99.0"],
    "withdrawn": None,
}


def test_the_newest_release_is_answered_with_its_advisories_in_osv_shape():
    status, body = audit.answer(
        {"package": {"name": "Flask", "ecosystem": "PyPI"}, "version": "3.1.3"},
        lambda name: project("3.1.3", ADVISORY),
    )
    assert status == 200
    (record,) = body["vulns"]
    assert record["id"] == "PYSEC-0000-1" and record["aliases"] == ["CVE-0000-1"]
    assert record["affected"][0]["package"] == {"name": "flask", "ecosystem": "PyPI"}
    assert {"fixed": "99.0"} in record["affected"][0]["ranges"][0]["events"]


def test_an_older_release_is_refused_not_answered_as_clean():
    status, body = audit.answer(
        {"package": {"name": "flask", "ecosystem": "PyPI"}, "version": "3.0.0"},
        lambda name: project("3.1.3"),
    )
    assert status == 409 and "vulns" not in body


def test_a_universal_lock_yields_each_pinned_version():
    found = audit.blocks((ROOT / "requirements-test.lock").read_text(encoding="utf-8"))
    assert all("--hash=sha256:" in b for _, _, b in found)
    assert len({(n, v) for n, v, _ in found}) == len(found)


@pytest.fixture
def pip_audit():
    if not PIP_AUDIT.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have the tools' venv: make .venv-tools/.installed")
        pytest.skip("pip-audit is not installed here: make .venv-tools/.installed")
    return PIP_AUDIT


def run(tmp_path, capfd, pip_audit, projects: dict[str, dict], names: list[str]) -> tuple[int, str]:
    lock = tmp_path / "test.lock"
    lock.write_text("\n".join(block(n)[2] for n in names) + "\n", encoding="utf-8")
    code = audit.main([str(lock)], fetch=projects.__getitem__, pip_audit=pip_audit)
    out, err = capfd.readouterr()
    return code, out + err


def test_pip_audit_fails_on_an_advisory_for_a_locked_version(tmp_path, capfd, pip_audit):
    _, version, _ = block("flask")
    code, out = run(tmp_path, capfd, pip_audit, {"flask": project(version, ADVISORY)}, ["flask"])
    assert code == 1
    assert re.search(r"flask\s+" + re.escape(version) + r"\s+PYSEC-0000-1", out)


def test_a_held_back_pin_is_reported_not_audited(tmp_path, capfd, pip_audit):
    _, flask, _ = block("flask")
    projects = {"flask": project(flask), "jinja2": project("999.0")}
    code, out = run(tmp_path, capfd, pip_audit, projects, ["flask", "jinja2"])
    assert code == audit.NOT_AUDITED
    assert "NOT AUDITED: jinja2" in out and "No known vulnerabilities found" in out


def test_only_what_pip_audit_asked_about_counts_as_audited(tmp_path, capfd, pip_audit):
    """A pin its marker leaves out here (Windows only) is neither installed nor audited:
    named as skipped, and not counted among the audited."""
    colorama = block_of("requirements-test.lock", "colorama")
    assert "sys_platform == 'win32'" in colorama[2]
    _, flask, _ = block("flask")
    lock = tmp_path / "test.lock"
    lock.write_text(block("flask")[2] + "\n" + colorama[2] + "\n", encoding="utf-8")
    projects = {"flask": project(flask), "colorama": project(colorama[1], ADVISORY)}
    code = audit.main([str(lock)], fetch=projects.__getitem__, pip_audit=pip_audit)
    out = "".join(capfd.readouterr())
    assert code == 0
    assert "audit: 1 pinned packages audited" in out
    assert f"skipped colorama {colorama[1]}" in out
