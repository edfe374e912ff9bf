# `make run` starts the service (`make stop` stops what it started); `make test` runs the whole suite.
# Both set up what they need first.
SHELL := /bin/bash
VENV ?= .venv
ASTERISK_ROOT ?= /var/cache/telephony/asterisk-22
export VENV ASTERISK_ROOT

.PHONY: setup run stop test unit api integration asterisk asterisk-start asterisk-stop demo-call bench clean dist

setup: $(VENV)/.installed .env

$(VENV)/.installed: pyproject.toml deploy/setup.sh
	deploy/setup.sh

.env:
	deploy/dev-env.sh > .env
	@echo "==> [setup] wrote .env with fresh local secrets"

asterisk:
	deploy/asterisk/build-chroot.sh

asterisk-start: asterisk .env
	set -a; source .env; set +a; deploy/asterisk/local.sh start

asterisk-stop:
	deploy/asterisk/local.sh stop

run: setup
	deploy/run.sh

stop:
	deploy/stop.sh

test: setup asterisk
	$(VENV)/bin/pytest -q

unit: setup
	$(VENV)/bin/pytest -q tests/unit

api: setup
	$(VENV)/bin/pytest -q tests/unit tests/api

integration: setup asterisk
	$(VENV)/bin/pytest -q tests/integration

demo-call:
	deploy/sipp/demo-call.sh $(DID) $(CALLER)

clean:
	rm -rf $(VENV) var .pytest_cache dist build

# A wheel of the daemon in dist/ (with its migrations, dialplan and unit under share/telephony): see
# deploy/INSTALL.md for installing it beside an existing PBX.
dist: setup
	rm -rf dist build
	$(VENV)/bin/pip wheel --no-deps -w dist .
	rm -rf build

# The whole stack against Asterisk's app_queue with sipp callers and phones (~5 min; takes the local Asterisk
# under the tests' lock). Options: make bench-e2e ARGS="--agents 20 --rates 10,20,40".
.PHONY: bench-e2e
bench-e2e: setup asterisk
	$(VENV)/bin/python bench/e2e_queue.py $(ARGS)
