# make run  : install what is missing, build, reproduce the core experiment on Fashion-MNIST
# make test : install what is missing, build, run the test suite
SHELL := /bin/bash
BUILD ?= build
JOBS ?= $(shell nproc)
CONFIG ?= configs/fashion_mnist_mlp.yaml
CMAKE_FLAGS ?=

DEB_PACKAGES := cmake g++ make git pkg-config zlib1g-dev \
  libtorch-dev libopenblas0-openmp libhdf5-dev libyaml-cpp-dev libboost-program-options-dev \
  libtbb-dev libgtest-dev libbenchmark-dev dataset-fashion-mnist slurm-wlm munge gnuplot-nox \
  python3-scipy
# Tools that may already come from elsewhere (a non-Debian Node.js): installed from Debian only
# when the command is missing, so a machine's own node/npm is never fought over.
DEB_TOOLS := node:nodejs npm:npm
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
MNIST_DIR := datasets/mnist-10k

.PHONY: all deps check-tools build test run bench mnist clean portable

all: build

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done; \
	  for t in $(DEB_TOOLS); do command -v $${t%%:*} >/dev/null || echo $${t#*:}; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Every external command the code runs (figures, the cluster path, the MNIST subset), on PATH
# after `make deps`: a cheap check that the install list is complete.
EXTERNAL_COMMANDS := gnuplot sbatch squeue scancel sinfo slurmctld slurmd munged node npm
check-tools:
	@missing=$$(for c in $(EXTERNAL_COMMANDS); do command -v $$c >/dev/null || echo $$c; done); \
	if [ -n "$$missing" ]; then echo "check-tools: not on PATH after make deps:" $$missing >&2; exit 1; fi; \
	echo "check-tools: $(EXTERNAL_COMMANDS) all on PATH"

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

# Portable binary (no -march=native) for machines other than the build machine, e.g. cluster nodes.
portable:
	$(MAKE) build BUILD=build-portable CMAKE_FLAGS=-DUFM_PORTABLE=ON

mnist: deps
	@[ -f $(MNIST_DIR)/t10k-labels-idx1-ubyte ] || bash datasets/make_mnist_10k.sh $(MNIST_DIR)

test: build mnist
	cd $(BUILD) && ctest --output-on-failure -j2 --timeout 900

run: build mnist
	./$(BUILD)/ufm run $(CONFIG)

bench: build
	./$(BUILD)/bench/ufm_bench --benchmark_counters_tabular=true

clean:
	rm -rf $(BUILD)
