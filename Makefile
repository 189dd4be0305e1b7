# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app

TOOLS := .venv-tools/bin
# Every lock is resolved for any platform (--universal) from Python 3.11 on, with the
# sha256 of every file; `make lock` keeps the pins already there (add --upgrade to bump).
UV_COMPILE := $(TOOLS)/uv pip compile --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock"
PIP_INSTALL := $(BIN)/python -m pip install --quiet --no-compile

.PHONY: run test bench lint translations clean lock audit audit-probe sbom reuse


$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The dependencies come from the lock, pinned and hashed; then the project itself, with no
# dependencies of its own choosing. `pip check` fails when pyproject.toml names a package
# the lock lacks: run `make lock`.
$(VENV)/.installed-run: pyproject.toml requirements.lock | $(BIN)/python
	$(PIP_INSTALL) --require-hashes -r requirements.lock
	$(PIP_INSTALL) --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check || { echo "the lock misses a dependency of pyproject.toml: run make lock"; exit 1; }
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements-test.lock | $(BIN)/python
	$(PIP_INSTALL) --require-hashes -r requirements-test.lock
	$(PIP_INSTALL) --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check || { echo "the lock misses a dependency of pyproject.toml: run make lock"; exit 1; }
	touch $@ $(VENV)/.installed-run

# Supply-chain tools live in a venv of their own, from their own lock.
$(TOOLS)/python:
	$(PYTHON) -m venv .venv-tools

.venv-tools/.installed: requirements-tools.lock | $(TOOLS)/python
	$(TOOLS)/python -m pip install --quiet --no-compile --require-hashes -r requirements-tools.lock
	touch $@

# Regenerate the locks after changing dependencies in pyproject.toml (or the tools'):
# the test lock first, then the run lock constrained to the same versions.
lock: .venv-tools/.installed
	$(UV_COMPILE) --extra test pyproject.toml requirements-build.in -o requirements-test.lock
	$(UV_COMPILE) pyproject.toml requirements-build.in -c requirements-test.lock -o requirements.lock
	$(UV_COMPILE) requirements-tools.in -o requirements-tools.lock

# Known vulnerabilities of every locked version, from PyPI's advisory data (it needs
# https://pypi.org/pypi/<name>/<version>/json). --strict: a package it could not check
# is a failure, so an unreachable service never passes for a clean audit. Where only
# PyPI's project data (https://pypi.org/pypi/<name>/json) can be reached, it speaks of
# each project's newest release alone: .ci/audit_newest.py runs pip-audit over that for
# every pin that is its newest release and names the others NOT AUDITED (exit status 3).
AUDIT_PROBE := https://pypi.org/pypi/pip/23.2.1/json
AUDITED_LOCKS := requirements-test.lock requirements-tools.lock

audit-probe:
	@$(PYTHON) -c "import urllib.request as u; u.urlopen('$(AUDIT_PROBE)', timeout=20)" \
		2>/dev/null || { echo "make audit: PyPI's per-version vulnerability data ($(AUDIT_PROBE)) cannot be reached from this machine"; exit 1; }

audit: .venv-tools/.installed
	@if $(MAKE) -s --no-print-directory audit-probe 2>/dev/null; then \
		$(TOOLS)/pip-audit --strict --disable-pip --require-hashes --progress-spinner off \
			$(addprefix -r ,$(AUDITED_LOCKS)); \
	else \
		$(TOOLS)/python .ci/audit_newest.py $(AUDITED_LOCKS); \
	fi

# A CycloneDX software bill of materials of what `make run` installs: the run lock in a
# venv of its own, read with each package's licence and dependencies.
.venv-sbom/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv .venv-sbom
	.venv-sbom/bin/python -m pip install --quiet --no-compile --require-hashes -r requirements.lock
	.venv-sbom/bin/python -m pip install --quiet --no-compile --no-deps --no-build-isolation -e .
	touch $@

sbom: .venv-tools/.installed .venv-sbom/.installed
	$(TOOLS)/cyclonedx-py environment --pyproject pyproject.toml --output-reproducible \
		--output-format JSON -o sbom.cdx.json .venv-sbom/bin/python
	@echo "wrote sbom.cdx.json"

# REUSE: every file's licence and copyright are known (LICENSES/, REUSE.toml).
reuse: .venv-tools/.installed
	$(TOOLS)/reuse lint

run: $(VENV)/.installed-run
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo "Vänort: http://127.0.0.1:5000/  demo coordinator login: coordinator@example.org / vanort-demo"
	$(BIN)/honcho start -f Procfile

test: $(VENV)/.installed-test
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	@for f in bench/*.py; do $(BIN)/python $$f || exit 1; done

translations: $(VENV)/.installed-test
	$(BIN)/python -m app.i18n_tool

clean:
	rm -rf $(VENV) .venv-tools .venv-sbom
