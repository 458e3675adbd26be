# The two set-up commands of the README, and a few helpers.
#   make conform   the main job: build only what it runs, then run the conformance suite against
#                  the reference backend and proxy (FrozenLake), the reference backend and
#                  proxy serving CliffWalking, the backend serving Taxi and Blackjack, and the
#                  backend in the eval-protocol convention (reports in build/conformance-report/,
#                  .../cliffwalking/, .../cliffwalking-proxy/, .../taxi/, .../blackjack/,
#                  .../eval-protocol/)
#   make test      build and pass every test, then replay the fuzz corpora under ASan+UBSan
#   make test-asan, make test-sanitized   the unit tests, or every test, under ASan+UBSan
#   make fuzz      run every fuzz target with libFuzzer for FUZZ_SECONDS each (FUZZ_TARGETS: some)
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
# Debian's interpreter: python3-numpy is installed for it, not for any other python3 on PATH.
PYTHON ?= /usr/bin/python3

.PHONY: all deps configure build test test-main test-parsers-sanitized test-asan test-sanitized fuzz conform play bench fixtures golden format clean

all: build

deps:
	@tools/install-deps.sh build

# The project's own builds (make build, make test, CI), not a consumer's:
# -DMCPGYM_WERROR=ON: warnings fail them, while a plain cmake configure keeps
# them warnings. Build speed (docs/performance.md, "Build time"): line tables
# only (-g1; enough for backtraces, a fifth less compile time than -g), the
# tests' third-party headers precompiled, lld or gold as the linker.
OWN_FLAGS = -DMCPGYM_WERROR=ON -DMCPGYM_PCH=ON -DMCPGYM_FAST_LINKER=ON
SANITIZED_FLAGS = -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DMCPGYM_SANITIZE=ON \
  -DMCPGYM_BUILD_BENCHMARKS=OFF $(OWN_FLAGS)

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" $(OWN_FLAGS) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: test-main test-parsers-sanitized

test-main: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The parsers of untrusted input under ASan+UBSan: the fuzz targets' committed
# corpora replayed in a sanitized build (only the libraries they link). The
# whole unit suite under the sanitizers (make test-asan) and every test under
# them took too long for `make test`'s 30 minutes (docs/performance.md,
# "Build time"): it is the deeper check to run by hand and before a release.
test-parsers-sanitized: deps
	@cmake -S . -B $(ASAN_BUILD) $(SANITIZED_FLAGS) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS) --target mcpgym-fuzz-targets
	@cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) -R '^fuzz\.'

# Sanitizers on the fast, in-process tests (label `unit`): memory and UB errors
# in the core show up here even when the release build happens to survive them.
test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) $(SANITIZED_FLAGS) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS) --target mcpgym-unit-tests
	@cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

# Every test, program-level ones included, under ASan+UBSan: the reference
# server, proxy, suite and recorder all sanitized while hostile peers work on
# them. About 20 minutes of tests alone on two cores.
test-sanitized: deps
	@cmake -S . -B $(ASAN_BUILD) $(SANITIZED_FLAGS) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

# Coverage-guided fuzzing (fuzz/, docs/reliability.md): a clang++ build of the fuzz
# targets with libFuzzer, ASan and UBSan, then each target in turn on a copy of
# its corpus. `make test` only replays the committed corpora (tests fuzz.*).
fuzz: deps
	@tools/install-deps.sh fuzz
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
	  -DMCPGYM_FUZZ=ON -DMCPGYM_WERROR=ON -DMCPGYM_BUILD_BENCHMARKS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target mcpgym-fuzz-targets
	@tools/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Only what the run needs (the target mcpgym-conform-deps), not the test suite.
conform: configure
	@cmake --build $(BUILD) -j $(JOBS) --target mcpgym-conform-deps
	@$(BUILD)/bin/mcpgym-conform --report-dir $(BUILD)/conformance-report
	@echo
	@$(BUILD)/bin/mcpgym-conform --profile backend --game cliffwalking \
	  --features slippery,truncation --control-plane both \
	  --cmd '$(abspath $(BUILD))/bin/mcpgym-frozenlake --game cliffwalking --port {port}' \
	  --report-dir $(BUILD)/conformance-report/cliffwalking
	@echo
	@$(BUILD)/bin/mcpgym-conform --profile proxy --game cliffwalking --era both \
	  --features slippery,truncation --control-plane both --max-envs 8 \
	  --cmd '$(abspath $(BUILD))/bin/mcpgym-proxy --port {port} --server-script {backend} --interpreter /bin/sh --max-envs 8' \
	  --report-dir $(BUILD)/conformance-report/cliffwalking-proxy
	@echo
	@$(BUILD)/bin/mcpgym-conform --profile backend --game taxi \
	  --features truncation --control-plane both \
	  --cmd '$(abspath $(BUILD))/bin/mcpgym-frozenlake --game taxi --port {port}' \
	  --report-dir $(BUILD)/conformance-report/taxi
	@echo
	@$(BUILD)/bin/mcpgym-conform --profile backend --game blackjack \
	  --features truncation --control-plane both \
	  --cmd '$(abspath $(BUILD))/bin/mcpgym-frozenlake --game blackjack --port {port}' \
	  --report-dir $(BUILD)/conformance-report/blackjack
	@echo
	@$(BUILD)/bin/mcpgym-conform --profile backend --game frozenlake --convention eval-protocol \
	  --features slippery,truncation,gymnasium-maps,8x8 --control-plane http \
	  --cmd '$(abspath $(BUILD))/bin/mcpgym-frozenlake --convention eval-protocol --control-plane http --port {port}' \
	  --report-dir $(BUILD)/conformance-report/eval-protocol

play: build
	@tools/play-episode.sh $(BUILD)/bin

bench: build
	@tools/install-deps.sh bench
	@tools/bench-backend.sh $(BUILD)/bin
	@echo; echo "harness: 64-environment rollout against one backend"
	@$(BUILD)/bin/mcpgym-bench-rollout --backend $(BUILD)/bin/mcpgym-frozenlake | sed 's/^/  /'
	@echo; echo "proxy: session creation, step latency, 128 environments, memory"
	@$(BUILD)/bin/mcpgym-bench-proxy --proxy $(BUILD)/bin/mcpgym-proxy --backend $(BUILD)/bin/mcpgym-frozenlake | sed 's/^/  /'
	@echo; echo "modern era: lake_move by handle against the bare endpoint, env_create/env_close"
	@$(BUILD)/bin/mcpgym-bench-modern --benchmark_min_time=1 --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true | sed 's/^/  /'
	@echo; tools/bench-conform.sh $(BUILD)/bin

fixtures:
	@tools/install-deps.sh fixtures
	@$(PYTHON) tools/gen_model_fixtures.py fixtures/model
	@$(PYTHON) tools/gen_cliffwalking_fixtures.py fixtures/model
	@$(PYTHON) tools/gen_taxi_fixtures.py fixtures/model
	@$(PYTHON) tools/gen_choice_fixtures.py fixtures/model
	@$(PYTHON) tools/gen_blackjack_fixtures.py fixtures/model

golden: build
	@tools/regen-golden.sh $(BUILD)/bin

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
