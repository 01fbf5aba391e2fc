# The two commands of the README: `make sdk` and `make test`.
# Each creates the virtualenv it needs (.venv) from pyproject.toml.

PYTHON ?= python3
VENV ?= .venv
OUT ?= gen/python
BIN := $(VENV)/bin
PROTOS := $(shell find proto -name '*.proto' | LC_ALL=C sort)

.PHONY: sdk test bench venv clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Generate the SDK for proto/ into $(OUT): messages, stubs, clients, servicers
# and the runtime. Written to a temporary folder first, then swapped in, so a
# failure leaves the previous output untouched.
sdk: venv
	rm -rf $(OUT).tmp && mkdir -p $(OUT).tmp
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m grpc_tools.protoc -I proto \
	  --python_out=$(OUT).tmp --mypy_out=quiet:$(OUT).tmp --platform_out=$(OUT).tmp \
	  $(PROTOS)
	rm -rf $(OUT) && mv $(OUT).tmp $(OUT)
	@echo "SDK for $(words $(PROTOS)) proto files written to $(OUT)/"

test: venv
	$(BIN)/python -m pytest

# Benchmarks (not part of the tests): results go to benchmarks/results/.
bench: venv
	$(BIN)/python benchmarks/runtime.py

clean:
	rm -rf $(VENV) gen dist build
