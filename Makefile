# SPDX-License-Identifier: GPL-3.0-or-later
# Quick start: `make run` and `make test` (see README.md).
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_COV_BUILD ?= build-fuzz-cov
CMAKE_FLAGS ?=
JOBS ?= 2
# CMake builds an optimised CVODE from Debian's source package once (into
# ~/.cache/itsim, shared by build/ and build-asan/) and links it; see
# cmake/sundials.cmake (-DITS_SUNDIALS=auto|source|system).

.PHONY: all deps build run test test-asan bench bench-trial sweep clean fuzz fuzz-build fuzz-coverage

all: build

deps:
	bash scripts/deps.sh build

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

# The default comparison: prints the table, writes files and figures.
RESULTS ?= itsim-results
run: build
	./$(BUILD)/itsim run -o $(RESULTS) --force

# The tests also need R's survival package (scripts/deps.sh test).
test: build
	bash scripts/deps.sh test
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-asan: deps
	bash scripts/deps.sh test
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DITS_SANITIZE=ON -DITS_WERROR=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

# The full robustness sweep (docs/robustness.md): 500 Latin-hypercube
# patients through every arm of the default comparison; fails on any solver
# failure. PATIENTS and SEED override the design; WIDEN=3 widens every
# range 3-fold each way (the stress design).
PATIENTS ?= 500
SEED ?= 20240901
WIDEN ?= 1
sweep: build
	nice ./$(BUILD)/itsim_robustness -n $(PATIENTS) -s $(SEED) --widen $(WIDEN) -o $(BUILD)/robustness.csv

# The benchmark (with the optimised CVODE of `make build`).
bench: build
	bash scripts/deps.sh bench
	BUILD=$(BUILD) bash bench/run.sh

# The virtual-trial benchmark of issue 11 (bench/README.md): 1,000 patients x
# 6 arms on 1 and 2 threads, separate `itsim run` processes, R deSolve.
bench-trial: build
	bash scripts/deps.sh bench
	BUILD=$(BUILD) bash bench/trial_bench.sh

# Fuzzing (docs/fuzzing.md): libFuzzer targets built with clang, run for
# FUZZ_SECONDS each, at the same time. Not part of CI or `make test`.
FUZZ_SECONDS ?= 1800
FUZZ_TARGETS ?= scenario units
fuzz-build:
	bash scripts/deps.sh fuzz
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DITS_FUZZ=ON -DITS_BUILD_TESTS=OFF -DITS_SUNDIALS=system
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))

fuzz: fuzz-build
	FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh $(FUZZ_TARGETS)

# Line and branch coverage of the corpus that `make fuzz` grew (llvm-cov).
fuzz-coverage:
	bash scripts/deps.sh fuzz
	cmake -S . -B $(FUZZ_COV_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	  -DITS_FUZZ=ON -DITS_FUZZ_COVERAGE=ON -DITS_BUILD_TESTS=OFF -DITS_SUNDIALS=system
	cmake --build $(FUZZ_COV_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_COV_BUILD=$(FUZZ_COV_BUILD) \
	  bash scripts/fuzz-coverage.sh $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(FUZZ_COV_BUILD)
