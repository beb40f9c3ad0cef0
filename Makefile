# The repository's checks, tests and benchmarks, run with the venv of the README's first command.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: check test bench figures

# lint, formatting, types (tools/typecheck.py maps the folders to servicegraph.*), the layer contract
check:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python tools/typecheck.py
	$(BIN)/pytest -p no:cacheprovider tests/test_layers.py

# the README's test command
test:
	$(BIN)/pytest

# every script under bench/ (those with a __main__), each printing its figures; serve.py needs the bench extra
bench:
	$(BIN)/python -c "import rdflib_endpoint" 2>/dev/null || $(BIN)/pip install -q -e '.[bench]'
	set -e; for script in $$(grep -l '^if __name__ == "__main__":' bench/*.py); do \
		echo "== $$script"; $(BIN)/python $$script; \
	done

# bench/scale.py at 1×, 10×, 100×, 1000×: prints the figures and rewrites README.md's figures block
figures:
	cd bench && ../$(BIN)/python scale.py --sizes 1 10 100 1000 --validate-up-to 1000 --oxigraph-up-to 1000 --seconds 5 --readme
