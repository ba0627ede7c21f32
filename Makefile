# Two commands do everything on a fresh machine:
#   make plan   the main job: every example stack run offline under Pulumi's mock runtime
#   make test   ruff, mypy, vulture and pytest
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: plan test lint typecheck deadcode pytest bench bench-cdk clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

plan: $(STAMP)
	$(BIN)/shared-registry plan .

lint: $(STAMP)
	$(BIN)/ruff check components stacks tests policy-packs bench

# mypy --strict over the library, stacks/, bench/ and tests/ (files and import roots in pyproject.toml),
# then the policy pack, which runs with its own folder as the import root.
typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy --strict policy-packs/ecr-guardrails/ecr_guardrails policy-packs/ecr-guardrails/__main__.py

deadcode: $(STAMP)
	$(BIN)/vulture

pytest: $(STAMP)
	$(BIN)/pytest -n 2 -q

test: lint typecheck deadcode pytest

bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_FLAGS)

# AWS CDK's rendering of the same fleets (bench/cdk): installs the pinned aws-cdk-lib with npm, then prints the
# capacity section with CDK's figures. Once installed, `make bench` includes them.
CDK_MODULES := bench/cdk/node_modules/.installed

$(CDK_MODULES): bench/cdk/package.json bench/cdk/package-lock.json
	cd bench/cdk && npm ci --no-audit --no-fund
	touch $@

bench-cdk: $(STAMP) $(CDK_MODULES)
	$(BIN)/python -m bench.capacity $(BENCH_FLAGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
