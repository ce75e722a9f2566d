# `make render` and `make test` set themselves up on a fresh Debian/Ubuntu machine.
VENV := .venv
SCENE ?= neurons
ARGS ?=

.PHONY: setup render test lint benchmark regenerate-frames clean

setup:
	@scripts/setup.sh

render: setup
	$(VENV)/bin/nnexplain render $(SCENE) $(ARGS)

test: setup
	$(VENV)/bin/python -m pytest -q -n auto --dist loadgroup $(ARGS)

# ruff at line length 120 (pyproject.toml): lint, and the formatting it would write.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

benchmark: setup
	$(VENV)/bin/python benchmarks/run.py $(ARGS)

# Re-render the control frames of the graphical tests (look at them before committing!).
regenerate-frames: setup
	$(VENV)/bin/python -m pytest -q tests -m graphical --regenerate-frames

clean:
	rm -rf $(VENV) build *.egg-info
