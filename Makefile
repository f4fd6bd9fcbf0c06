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

.PHONY: all deps venv build cpp-test install-py py-test sim-test conformance plugin-sdk-test test demo sim bench bench-smoke clean
.PHONY: fuzz-build fuzz-smoke fuzz asan-test tsan-test

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

test: cpp-test plugin-sdk-test py-test conformance bench-smoke fuzz-smoke tsan-test asan-test
	@echo "== all test suites passed"

# --- fuzzing and sanitizers (tests/fuzz/README.md) ------------------------------------------------
# libFuzzer needs clang and its runtime; the sanitizer builds use the default compiler (GCC).
FUZZ_BUILD   ?= $(ROOT)/build/fuzz
ASAN_BUILD   ?= $(ROOT)/build/asan
TSAN_BUILD   ?= $(ROOT)/build/tsan
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 30
CLANG_PACKAGES := clang libclang-rt-14-dev
SAN_SUPP     := $(ROOT)/tests/sanitizers
# use_tls=0: GCC 12's LeakSanitizer crashes walking the dynamic TLS of dlopen'd plugins on this
# glibc ("Tracer caught signal 11"); not scanning TLS can only add reports, never hide a leak.
ASAN_ENV     := ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1 \
                UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                LSAN_OPTIONS=use_tls=0:suppressions=$(SAN_SUPP)/lsan.supp:print_suppressions=0
# The C++ tests with threads: the network clients, the simulator round trips, the concurrency suites.
TSAN_TESTS   ?= taoslink_ws_tests|taoslink_ws_sim_tests|taoslink_ws_concurrency_tests|taoslink_rest_concurrency_tests|taoslink_native_sim_tests

$(STAMPS)/apt-clang: $(STAMPS)/apt
	missing=$$(for p in $(CLANG_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done)
	if [ -n "$$missing" ]; then
	  echo "== installing Debian packages: $$missing"
	  $(SUDO) apt-get update -qq
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing
	fi
	touch $@

fuzz-build: $(STAMPS)/apt-clang
	CC=clang CXX=clang++ cmake -S $(ROOT) -B $(FUZZ_BUILD) -G Ninja -DTAOSLINK_FUZZ=ON \
	  -DTAOSLINK_SANITIZE=address,undefined -DTAOSLINK_BUILD_TESTS=OFF
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target taoslink_fuzz_targets

# Replays the seeds and every past crash, then fuzzes each target for FUZZ_SMOKE_SECONDS.
fuzz-smoke: fuzz-build
	ctest --test-dir $(FUZZ_BUILD) -L fuzz --output-on-failure
	$(ROOT)/tests/fuzz/run_fuzz.sh $(FUZZ_BUILD) $(FUZZ_SMOKE_SECONDS)

fuzz: fuzz-build
	$(ROOT)/tests/fuzz/run_fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# Every ctest suite, then the Python suite, with ASan+UBSan+LSan in the core, plugins, fake libtaos
# and extension, all from one build. The extension is used from the build tree (which has the
# install layout) through a PYTHONPATH directory of links to python/, with .venv's python (which has
# the test dependencies) and GCC's libasan preloaded, since python itself is not instrumented; libstdc++
# is preloaded too, or ASan finds no real __cxa_throw to intercept and stops at the first C++ throw.
# TAOSLINK_SANITIZER_PRELOAD tells the tests which preload to keep or drop in the interpreters they
# start (tests/python/child_env.py).
asan-test: $(STAMPS)/venv $(STAMPS)/venv-taospy
	cmake -S $(ROOT) -B $(ASAN_BUILD) -G Ninja -DTAOSLINK_BUILD_TESTS=ON -DTAOSLINK_BUILD_PYTHON=ON \
	  -DPython_EXECUTABLE=$(PY) -DTAOSLINK_SANITIZE=address,undefined
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	$(ASAN_ENV) ctest --test-dir $(ASAN_BUILD) --output-on-failure
	rm -rf $(ASAN_BUILD)/pypath && mkdir -p $(ASAN_BUILD)/pypath/taoslink
	ln -s $(ROOT)/python/taoslink/* $$(find $(ASAN_BUILD) -maxdepth 2 -name "_taoslink*.so") $(ASAN_BUILD)/pypath/taoslink/
	ln -s $(ROOT)/python/taos $(ROOT)/python/taosrest $(ROOT)/python/taosws $(ASAN_BUILD)/pypath/
	preload="$$($(CXX) -print-file-name=libasan.so) $$($(CXX) -print-file-name=libstdc++.so)"
	for lib in $$preload; do [ -f "$$lib" ] || { echo "asan-test: $(CXX) has no $$lib (GCC's libasan, libstdc++)"; exit 1; }; done
	# --capture=sys: a sanitizer report goes to fd 2 and ends the process, so fd 2 must not be
	# captured into a file that dies with it (the report would never be printed).
	cd $(ROOT) && $(ASAN_ENV) LD_PRELOAD="$$preload" TAOSLINK_SANITIZER_PRELOAD="$$preload" PYTHONPATH=$(ASAN_BUILD)/pypath \
	  TAOSLINK_FAKE_TAOSC_DIR=$(ASAN_BUILD)/tests/fake_taosc $(PY) -m pytest -q -rs --capture=sys -p no:cacheprovider tests/python tests/sim

# The threaded C++ tests under ThreadSanitizer.
tsan-test: $(STAMPS)/apt
	cmake -S $(ROOT) -B $(TSAN_BUILD) -G Ninja -DTAOSLINK_BUILD_TESTS=ON -DTAOSLINK_SANITIZE=thread
	cmake --build $(TSAN_BUILD) -j$(JOBS)
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(SAN_SUPP)/tsan.supp \
	  ctest --test-dir $(TSAN_BUILD) --output-on-failure -R '^($(TSAN_TESTS))$$'

# --- demo, simulator, benchmarks -----------------------------------------------------------------
demo: build install-py
	cd $(ROOT) && $(PY) examples/demo.py

sim: $(STAMPS)/apt
	cd $(ROOT) && SIM_PORT=$(SIM_PORT) $(PYTHON3) tests/sim/run_sim.py --port $(SIM_PORT)

# Every workload, ours beside the official client of the same transport; one table (bench/README.md).
bench: build install-py $(STAMPS)/venv-taospy
	cd $(ROOT) && TAOSLINK_FAKE_TAOSC_DIR=$(BUILD)/tests/fake_taosc $(PY) bench/run.py

# The same suite at tiny sizes: checks that every benchmark still runs (not a timing).
bench-smoke: build install-py $(STAMPS)/venv-taospy
	cd $(ROOT) && TAOSLINK_FAKE_TAOSC_DIR=$(BUILD)/tests/fake_taosc $(PY) bench/run.py --smoke

clean:
	rm -rf $(ROOT)/build
