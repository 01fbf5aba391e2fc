# The two commands of the README: `make sdk` and `make test`.
# Each creates the virtualenv it needs (.venv) from pyproject.toml.

PYTHON ?= python3
VENV ?= .venv
OUT ?= gen/python
BIN := $(VENV)/bin
# pytest-xdist workers for `make test`: one per core ("auto"); 0 runs the
# suite in this process, in order.
TEST_WORKERS ?= auto

.PHONY: sdk test test-deep bench example templates venv clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Generate the SDK for proto/: the package gen/python/platform_proto (messages,
# stubs, clients, servicers, runtime) and its wheel in dist/. It is built in a
# temporary folder and swapped in only when all of it succeeded.
sdk: venv
	$(BIN)/platform-sdk build --proto proto --out $(OUT) --wheel

test: venv
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

# The same tests, with thousands of random contracts and errors: minutes more.
test-deep: venv
	PROPERTY_EXAMPLES=3000 ERROR_EXAMPLES=200 $(BIN)/python -m pytest -n $(TEST_WORKERS)

# The serving example (examples/platform/): build the SDK, start the Auth and
# ETL services, run the client against them, and stop both with SIGTERM.
example: sdk
	PYTHONPATH=$(OUT) $(BIN)/python examples/platform/run.py

# Compile templates/ into protoc_gen_platform/compiled_templates/, which the
# plugin loads for a fast cold start (a test checks they are up to date).
templates: venv
	$(BIN)/python -m protoc_gen_platform.template_compiler

# Benchmarks (not part of the tests): results go to benchmarks/results/.
# They share one scratch folder (mktemp -d: under $TMPDIR, which must be on
# the disk to measure), deleted only once they are all done or stopped (see
# benchmarks/_common.py); output_disk.py runs last, as it deletes output on
# purpose, which slows file creation on this disk for minutes.
bench: venv
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	trap 'exit 130' INT && trap 'exit 143' TERM && \
	export BENCH_SCRATCH="$$scratch" && \
	$(BIN)/python benchmarks/generation.py --rounds 13 && \
	$(BIN)/python benchmarks/cold_profile.py && \
	$(BIN)/python benchmarks/runtime.py && \
	$(BIN)/python benchmarks/output_disk.py

clean:
	rm -rf $(VENV) gen dist build
