"""The locks that `make run` and `make test` install from hold every dependency of
pyproject.toml, pinned and hashed (`make lock` regenerates them)."""

import re
import tomllib

import pytest

from app import ROOT

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==(\S+)", re.MULTILINE)


def name(requirement: str) -> str:
    found = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    return re.sub(r"[-_.]+", "-", found.group(0)).lower()


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    return {name(m.group(1)): m.group(3) for m in PIN.finditer(text)}


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


@pytest.mark.parametrize(
    ("lock", "extras"), [("requirements.lock", []), ("requirements-test.lock", ["test"])]
)
def test_the_lock_pins_every_dependency_of_pyproject(lock, extras):
    wanted = project()["dependencies"] + [
        r for e in extras for r in project()["optional-dependencies"][e]
    ]
    missing = {name(r) for r in wanted} - set(pins(lock))
    assert missing == set(), f"run `make lock`: {lock} lacks {sorted(missing)}"


def test_the_run_and_test_locks_agree_on_every_version():
    run, test = pins("requirements.lock"), pins("requirements-test.lock")
    assert {k: (v, test.get(k)) for k, v in run.items() if test.get(k) != v} == {}


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-test.lock"])
def test_every_pin_carries_its_hashes(lock):
    entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text(encoding="utf-8"))
    unhashed = [e.split()[0] for e in entries if "==" in e and "--hash=sha256:" not in e]
    assert unhashed == []
