# Quick start: `make run` and `make test` (see README.md).
BUILD ?= build
ASAN_BUILD ?= build-asan
CMAKE_FLAGS ?=
JOBS ?= 2
# An optimised CVODE built by `make sundials-optimised` is used when present.
SUNDIALS_OPT ?= $(CURDIR)/build-sundials
ifneq ($(wildcard $(SUNDIALS_OPT)/include/cvode/cvode.h),)
SUNDIALS_FLAG = -DITS_SUNDIALS_ROOT=$(SUNDIALS_OPT)
else
SUNDIALS_FLAG = -DITS_SUNDIALS_ROOT=
endif

.PHONY: all deps build run test test-asan bench sweep clean sundials-optimised

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

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DITS_SANITIZE=ON -DITS_WERROR=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

# The full robustness sweep (docs/robustness.md): 500 Latin-hypercube
# patients through every arm of the default comparison; fails on any solver
# failure. PATIENTS and SEED override the design.
PATIENTS ?= 500
SEED ?= 20240901
sweep: build
	nice ./$(BUILD)/itsim_robustness -n $(PATIENTS) -s $(SEED) -o $(BUILD)/robustness.csv

# The benchmark links the optimised CVODE (built once), then compares.
bench: deps
	bash scripts/deps.sh bench
	test -f $(SUNDIALS_OPT)/include/cvode/cvode.h || $(MAKE) sundials-optimised
	$(MAKE) build
	BUILD=$(BUILD) bash bench/run.sh

# Optional: CVODE compiled with optimisation from Debian's source package
# (Debian's binary package is built -O0; see bench/RESULTS.md).
sundials-optimised: deps
	bash scripts/sundials-optimised.sh $(SUNDIALS_OPT)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
