# `make render` and `make test` set themselves up on a fresh Debian/Ubuntu machine.
VENV := .venv
SCENE ?= neurons
ARGS ?=

.PHONY: setup render test benchmark regenerate-frames clean

setup:
	@scripts/setup.sh

render: setup
	$(VENV)/bin/nnexplain render $(SCENE) $(ARGS)

test: setup
	$(VENV)/bin/python -m pytest -q -n auto $(ARGS)

benchmark: setup
	$(VENV)/bin/python benchmarks/run.py $(ARGS)

# Re-render the control frames of the graphical tests (look at them before committing!).
regenerate-frames: setup
	$(VENV)/bin/python -m pytest -q tests -m graphical --regenerate-frames

clean:
	rm -rf $(VENV) build *.egg-info
