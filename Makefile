# SPDX-License-Identifier: GPL-3.0-or-later
# Quick start: `make run` and `make test` (see README.md).
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_COV_BUILD ?= build-fuzz-cov
CMAKE_FLAGS ?=
JOBS ?= 2
# An optimised CVODE built by `make sundials-optimised` is used when present
# (and built with KLU: an older build without it is ignored).
SUNDIALS_OPT ?= $(CURDIR)/build-sundials
SUNDIALS_OPT_MARK = $(SUNDIALS_OPT)/include/sunlinsol/sunlinsol_klu.h
ifneq ($(wildcard $(SUNDIALS_OPT_MARK)),)
SUNDIALS_FLAG = -DITS_SUNDIALS_ROOT=$(SUNDIALS_OPT)
else
SUNDIALS_FLAG = -DITS_SUNDIALS_ROOT=
endif

.PHONY: all deps build run test test-asan bench sweep clean sundials-optimised fuzz fuzz-build fuzz-coverage

all: build

deps:
	bash scripts/deps.sh build

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(SUNDIALS_FLAG) $(CMAKE_FLAGS)
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

# The benchmark links the optimised CVODE (built once), then compares.
bench: deps
	bash scripts/deps.sh bench
	test -f $(SUNDIALS_OPT_MARK) || $(MAKE) sundials-optimised
	$(MAKE) build
	BUILD=$(BUILD) bash bench/run.sh

# Optional: CVODE compiled with optimisation from Debian's source package
# (Debian's binary package is built -O0; see bench/RESULTS.md).
sundials-optimised: deps
	bash scripts/sundials-optimised.sh $(SUNDIALS_OPT)

# Fuzzing (docs/fuzzing.md): libFuzzer targets built with clang, run for
# FUZZ_SECONDS each, at the same time. Not part of CI or `make test`.
FUZZ_SECONDS ?= 1800
FUZZ_TARGETS ?= scenario units
fuzz-build:
	bash scripts/deps.sh fuzz
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DITS_FUZZ=ON -DITS_BUILD_TESTS=OFF -DITS_SUNDIALS_ROOT=
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))

fuzz: fuzz-build
	FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh $(FUZZ_TARGETS)

# Line and branch coverage of the corpus that `make fuzz` grew (llvm-cov).
fuzz-coverage:
	bash scripts/deps.sh fuzz
	cmake -S . -B $(FUZZ_COV_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	  -DITS_FUZZ=ON -DITS_FUZZ_COVERAGE=ON -DITS_BUILD_TESTS=OFF -DITS_SUNDIALS_ROOT=
	cmake --build $(FUZZ_COV_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_COV_BUILD=$(FUZZ_COV_BUILD) \
	  bash scripts/fuzz-coverage.sh $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(FUZZ_COV_BUILD)
