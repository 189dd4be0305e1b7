# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app

.PHONY: run test bench lint translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --no-compile -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --no-compile -e '.[test]'
	touch $@ $(VENV)/.installed-run

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
	rm -rf $(VENV)
