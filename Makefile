# taoslink — the two commands a fresh Debian machine needs:
#   make demo   set everything up, start the simulator on loopback, run the demo through every transport
#               (with TAOSLINK_DSN=... it runs against that server instead)
#   make test   set everything up and run every C++ and Python test
# Other targets: make sim (simulator in the foreground, port SIM_PORT), make bench, make build, make clean.

SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c

ROOT       := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD      ?= $(ROOT)/build/cmake
PREFIX_TMP ?= $(ROOT)/build/install
VENV       ?= $(ROOT)/.venv
VENV_TAOSPY ?= $(ROOT)/.venv-taospy
PY         := $(VENV)/bin/python
JOBS       ?= 2
SIM_PORT   ?= 6041
PYTHON3    ?= python3
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMPS     := $(ROOT)/build/stamps

APT_PACKAGES := build-essential cmake ninja-build pkg-config python3-venv python3-dev openssl \
                libpoco-dev libboost-dev libcppunit-dev libssl-dev libsimdjson-dev
PY_BUILD_DEPS := scikit-build-core>=0.9 pybind11>=2.11 pytest>=7
# What the optional Python features (issue 5) need, so the tests and examples can exercise them.
PY_EXTRAS    := numpy pandas pyarrow "sqlalchemy>=2" tqdm pytest-asyncio

.PHONY: all deps venv build cpp-test install-py py-test sim-test conformance plugin-sdk-test test demo sim bench clean

all: build

# --- set-up ---------------------------------------------------------------------------------------
$(STAMPS)/apt:
	@mkdir -p $(STAMPS)
	missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done)
	if [ -n "$$missing" ]; then
	  echo "== installing Debian packages: $$missing"
	  $(SUDO) apt-get update -qq
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing
	fi
	touch $@
deps: $(STAMPS)/apt

$(STAMPS)/venv: $(STAMPS)/apt
	[ -x $(PY) ] || $(PYTHON3) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "scikit-build-core>=0.9" "pybind11>=2.11" "pytest>=7" $(PY_EXTRAS)
	touch $@
venv: $(STAMPS)/venv

# The official client, in its own venv, for conformance checks of the simulator and benchmarks.
$(STAMPS)/venv-taospy: $(STAMPS)/apt
	[ -x $(VENV_TAOSPY)/bin/python ] || $(PYTHON3) -m venv $(VENV_TAOSPY)
	$(VENV_TAOSPY)/bin/python -m pip install -q --upgrade pip
	$(VENV_TAOSPY)/bin/python -m pip install -q taospy taos-ws-py pytest numpy pandas "sqlalchemy>=2"
	touch $@

# --- C++ build (plain CMake: what C++ users get) ------------------------------------------------
build: $(STAMPS)/apt
	cmake -S $(ROOT) -B $(BUILD) -G Ninja -DTAOSLINK_BUILD_TESTS=ON -DCMAKE_INSTALL_PREFIX=$(PREFIX_TMP)
	cmake --build $(BUILD) -j$(JOBS)

cpp-test: build
	ctest --test-dir $(BUILD) --output-on-failure

# Install with CMake, then build the example third-party plugin out of tree against the package.
plugin-sdk-test: build
	cmake --install $(BUILD) > /dev/null
	cmake -S $(ROOT)/examples/custom_plugin -B $(BUILD)-custom-plugin -G Ninja -DCMAKE_PREFIX_PATH=$(PREFIX_TMP)
	cmake --build $(BUILD)-custom-plugin -j$(JOBS)
	TAOSLINK_PLUGIN_PATH=$(BUILD)-custom-plugin $(BUILD)-custom-plugin/echo_client

# --- Python package (pip install . into .venv) ---------------------------------------------------
install-py: $(STAMPS)/venv
	$(PY) -m pip install -q --no-build-isolation $(ROOT)

# The taos:// tests load the fake libtaos.so that `build` makes (tests/fake_taosc). -rs lists every
# skipped test with its reason (real-server tests skip without TAOSLINK_TEST_TAOS_URL).
py-test: build install-py $(STAMPS)/venv-taospy
	cd $(ROOT) && TAOSLINK_FAKE_TAOSC_DIR=$(BUILD)/tests/fake_taosc $(PY) -m pytest -q -rs tests/python tests/sim

conformance: build $(STAMPS)/venv-taospy
	cd $(ROOT) && TAOSLINK_FAKE_TAOSC_DIR=$(BUILD)/tests/fake_taosc $(VENV_TAOSPY)/bin/python -m pytest -q -rs tests/sim_conformance

test: cpp-test plugin-sdk-test py-test conformance
	@echo "== all test suites passed"

# --- demo, simulator, benchmarks -----------------------------------------------------------------
demo: build install-py
	cd $(ROOT) && $(PY) examples/demo.py

sim: $(STAMPS)/apt
	cd $(ROOT) && SIM_PORT=$(SIM_PORT) $(PYTHON3) tests/sim/run_sim.py --port $(SIM_PORT)

bench: build install-py $(STAMPS)/venv-taospy
	cd $(ROOT) && $(PY) bench/bench_rest_fetch.py
	cd $(ROOT) && $(PY) bench/bench_ws.py
	cd $(ROOT) && TAOSLINK_FAKE_TAOSC_DIR=$(BUILD)/tests/fake_taosc $(PY) bench/bench_native.py

clean:
	rm -rf $(ROOT)/build
