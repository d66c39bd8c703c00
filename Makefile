# jatopic — every command a developer or CI needs. `make demo` and `make test`
# do all set-up themselves (idempotent; versions pinned below).
SHELL := /bin/bash
.DEFAULT_GOAL := help

WASM_BINDGEN_VERSION := 0.2.130
SHARED ?= ../shared
CARGO ?= cargo
NODE ?= node
NPM ?= npm
PYTHON ?= python3
BUILD := build
WASM_TARGET := wasm32-unknown-unknown
WASM_RAW := target/$(WASM_TARGET)/wasm/jatopic.wasm
BUNDLE := $(BUILD)/jatopic-tokenizer.js
WASM_OPT := js/node_modules/.bin/wasm-opt
# The WebAssembly feature floor (js/wasm-floor.mjs says why): the MVP plus sign
# extension, mutable globals, non-trapping float-to-int and bulk memory. Our
# crate is compiled for it; wasm-bindgen is told (through the module's
# target_features section) so that it emits no externref or multi-value; and
# wasm-opt validates every instruction with only these features enabled, so the
# build fails when anything (the precompiled std included) goes beyond them.
WASM_FLOOR_RUSTFLAGS := --config 'target.$(WASM_TARGET).rustflags=["-C","target-cpu=mvp","-C","target-feature=+sign-ext,+mutable-globals,+nontrapping-fptoint,+bulk-memory"]'
WASM_FEATURES := --mvp-features --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int --enable-bulk-memory
# Functions wasm-opt must not inline: the short calls long loops are cut
# into so that V8 optimises them (why: src/artifact/calls.rs). wasm-opt
# inlines any function with a single caller, whatever Rust asks. Each must
# exist (checked).
WASM_OWN_CALLS := lzma::decode_some bytes::fnv1a64_some calls::some_steps user_dict::parse::count_newlines user_dict::parse::Parser::lines

VENV_SQL := $(BUILD)/venv-sql
PY_SQL := $(VENV_SQL)/bin/python
# A small package with a model, for the end-to-end tests (browser, SQL).
TEST_PKG := $(BUILD)/web-test-package
# The same with IPADIC's readings (jatopic package --readings).
TEST_READINGS_PKG := $(BUILD)/web-test-package-readings
# The full lexicon, readings, a user dictionary and a model trained with both.
TEST_FULL_PKG := $(BUILD)/web-test-package-full
TEST_USER_DICT := tests/fixtures/user-dict/shop.csv

.PHONY: bench-coldstart bench-package-total setup-scale test-scale bench-scale test-shared-notice test-setup help setup setup-apt setup-rust setup-js setup-py setup-v8 build wasm demo serve test lint test-rust test-js test-sql test-demo test-v8 web-test bench bench-native bench-vibrato bench-compare bench-lda bench-train-scale bench-udf soak fuzz dict dict-full golden clean

help:
	@echo "make demo   - set up, build, and run the whole system on a synthetic catalog (report + browser demo)"
	@echo "make test   - set up, then run every test (lint, Rust, golden, wasm in a bare V8 context)"
	@echo "make test-v8 - the packaged functions in three V8 generations (2020, 2021, current) against the CLI"
	@echo "make bench  - throughput / cold start / memory against MeCab, vibrato, kuromoji.js, lindera-wasm, TinySegmenter; then bench-udf"
	@echo "make bench-native - native steady-state throughput, both lexicon tiers, against vibrato: separate processes (interleaved rounds; BENCH_NATIVE_OPTIONS=--cpu), then one process (vibrato-peer paired)"
	@echo "make bench-vibrato - the native peer: bench/vibrato-peer and its dictionary from Debian's IPADIC sources"
	@echo "make bench-lda - topic-model training against tomotopy and gensim (BENCH_LDA_OPTIONS=--quick)"
	@echo "make bench-train-scale - jatopic train at 10^6..10^8 tokens: time per iteration and memory per token"
	@echo "make bench-scale - the serving SQL at 10^4..10^6 items: time, memory, growth, recall (docs/scale.md)"
	@echo "make bench-udf - the packaged BigQuery functions in the local sandbox"
	@echo "make bench-package-total - the per-query total of the largest package: full lexicon, readings, a 50,000-entry user dictionary, a K=100 50k-term model"
	@echo "make bench-coldstart - cold start and wasm memory: compact / full lexicon, with and without readings; a 50,000-entry user dictionary's size and load"
	@echo "make soak   - 1,000,000 rows through ja_topics and ja_analyze in one sandbox worker: memory growth, throughput"
	@echo "make dict   - rebuild dict/ipadic.jtd and dict/ipadic-readings.jtr from IPADIC and MeCab's output on $(SHARED)/corpus/train"
	@echo "make dict-full - rebuild dict/ipadic-full.jtd and dict/ipadic-full-readings.jtr (the full lexicon tier) from IPADIC"
	@echo "make golden - regenerate tests/golden/*.mecab with MeCab"

setup: setup-apt setup-rust setup-js setup-py

# MeCab + IPADIC are the reference (golden regeneration, accuracy tests,
# dictionary build); Chromium runs the browser test (never downloaded by
# playwright); the IPA font makes Japanese readable in its screenshots.
setup-apt:
	@if ! command -v mecab >/dev/null || [ ! -d /usr/share/mecab/dic/ipadic ] || [ ! -d /var/lib/mecab/dic/debian ] \
	  || [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/ipafont-gothic ]; then \
	  echo "== installing mecab, mecab-ipadic, mecab-ipadic-utf8, chromium, fonts-ipafont-gothic (Debian)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mecab mecab-ipadic mecab-ipadic-utf8 chromium fonts-ipafont-gothic >/dev/null; \
	fi

setup-rust:
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "== installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (first time only, a few minutes)"; \
	  $(CARGO) install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --locked --force --quiet \
	  || { echo "== the registry lacks a patch release the tool's lock file wants (it can lag the public one):"; \
	       echo "== installing the same pinned wasm-bindgen-cli $(WASM_BINDGEN_VERSION) with its dependencies resolved against this registry"; \
	       $(CARGO) install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force --quiet; }; \
	fi

# pip into venv $(1) from requirements file $(2): every pin, or, when the
# registry lags, the pins above "# transitive" with the rest resolved afresh.
define pip_install_pins
$(1)/bin/pip install -q --disable-pip-version-check -r $(2) \
	  || { echo "== pip could not install every pin (the registry may lag): installing the direct pins, dependencies resolved against this registry"; \
	       sed '/^# transitive/,$$d' $(2) > $(1)/direct.txt; \
	       $(1)/bin/pip install -q --disable-pip-version-check -r $(1)/direct.txt; }
endef

# Every pinned install tries the exact lock first, then, when the registry
# this machine reaches lacks a pinned transitive patch release (registries lag
# the public ones), the same direct pins with their dependencies resolved
# against that registry, saying so. tests/setup/ checks both paths.
setup-js: js/node_modules/.package-lock.json
js/node_modules/.package-lock.json: js/package.json js/package-lock.json
	cd js && { $(NPM) ci --no-audit --no-fund --loglevel=error \
	  || { echo "== npm ci failed (the registry may lag the lock file): installing package.json's exact pins, dependencies resolved against this registry"; \
	       $(NPM) install --no-audit --no-fund --loglevel=error --no-save --package-lock=false; }; }
	@touch $@

# DuckDB + sqlglot for running sql/ locally (pinned in scripts/requirements-sql.txt).
setup-py: $(VENV_SQL)/.installed
$(VENV_SQL)/.installed: scripts/requirements-sql.txt
	@echo "== python venv $(VENV_SQL) (duckdb, sqlglot, pytest)"
	$(PYTHON) -m venv $(VENV_SQL)
	$(call pip_install_pins,$(VENV_SQL),scripts/requirements-sql.txt)
	@touch $@

# Three V8 generations from PyPI for tests/v8 (pinned in
# scripts/requirements-v8-*.txt; one venv each, as they share the import name
# py_mini_racer): py-mini-racer 0.4.0 (a V8 of 2020), 0.6.0 (V8 8.9, 2021) and
# the current mini-racer.
V8_ENGINES := 2020 2021 current
setup-v8: $(foreach g,$(V8_ENGINES),$(BUILD)/venv-v8-$(g)/.installed)
$(BUILD)/venv-v8-%/.installed: scripts/requirements-v8-%.txt
	@echo "== python venv $(BUILD)/venv-v8-$* ($$(cat $<))"
	$(PYTHON) -m venv $(BUILD)/venv-v8-$*
	$(BUILD)/venv-v8-$*/bin/pip install -q --disable-pip-version-check -r $<
	@touch $@

# numpy, ScaNN and matplotlib beside the SQL harness, for the scale
# benchmark and its tests (pinned in scripts/requirements-scale.txt).
VENV_SCALE := $(BUILD)/venv-scale
setup-scale: $(VENV_SCALE)/.installed
$(VENV_SCALE)/.installed: scripts/requirements-scale.txt
	@echo "== python venv $(VENV_SCALE) (duckdb, sqlglot, numpy, scann, matplotlib)"
	$(PYTHON) -m venv $(VENV_SCALE)
	$(call pip_install_pins,$(VENV_SCALE),scripts/requirements-scale.txt)
	@touch $@

build:
	$(CARGO) build --locked --release

# The wasm module and the single-file bundle (fails when over 1,000,000 bytes
# or beyond the feature floor).
wasm: setup-rust setup-js
	$(CARGO) build --locked --target $(WASM_TARGET) --no-default-features --profile wasm $(WASM_FLOOR_RUSTFLAGS)
	@mkdir -p $(BUILD)/wasm-bindgen
	$(NODE) js/wasm-floor.mjs set-features $(WASM_RAW) $(BUILD)/wasm-bindgen/jatopic.wasm
	wasm-bindgen --target no-modules --no-typescript --out-dir $(BUILD)/wasm-bindgen $(BUILD)/wasm-bindgen/jatopic.wasm
	$(NODE) js/wasm-floor.mjs strip-features $(BUILD)/wasm-bindgen/jatopic_bg.wasm $(BUILD)/wasm-bindgen/jatopic_bg.floor.wasm
	@for f in $(WASM_OWN_CALLS); do grep -aq "jatopic::.*$$f::h" $(BUILD)/wasm-bindgen/jatopic_bg.floor.wasm \
	  || { echo "wasm: no function jatopic::...$$f in the module: update WASM_OWN_CALLS in the Makefile"; exit 1; }; done
	$(WASM_OPT) $(foreach f,$(WASM_OWN_CALLS),--no-inline='*::$(f)::*') -Oz $(WASM_FEATURES) -o $(BUILD)/jatopic.wasm $(BUILD)/wasm-bindgen/jatopic_bg.floor.wasm
	$(NODE) js/wasm-floor.mjs check $(BUILD)/jatopic.wasm
	$(NODE) js/bundle.mjs $(BUILD)/wasm-bindgen/jatopic.js $(BUILD)/jatopic.wasm $(BUNDLE)

# The main job end to end on a SYNTHETIC sample catalog (scripts/demo.py):
# sample → export terms (sandbox) → train → evaluate → package → SQL pipeline
# on DuckDB → recommendation hit rate → HTML report → browser demo. Serves the
# browser demo at the end when run in a terminal.
demo: setup build wasm
	@if [ -t 1 ]; then $(PY_SQL) scripts/demo.py --serve; else $(PY_SQL) scripts/demo.py; fi

serve:
	$(NODE) js/serve.mjs --dir $(BUILD)/web

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --locked --all-targets -- -D warnings
	$(CARGO) clippy --locked --lib --target $(WASM_TARGET) --no-default-features -- -D warnings

# Data-dependent tests: with $(SHARED) present every one of them must run
# (JATOPIC_REQUIRE_SHARED=1 turns a skip into a failure); without it they
# skip, and `make test` says so loudly. Tools the set-up installs (mecab,
# Chromium, root for the tmpfs test) must be there: JATOPIC_REQUIRE_TOOLS=1.
export JATOPIC_SHARED := $(abspath $(SHARED))
export JATOPIC_REQUIRE_TOOLS := 1
ifneq ($(wildcard $(SHARED)/corpus/dev),)
export JATOPIC_REQUIRE_SHARED := 1
endif

test-shared-notice:
	@if [ -z "$$JATOPIC_REQUIRE_SHARED" ]; then \
	  echo "== NOTE: $(SHARED) not found: the tests on the shared corpus will be SKIPPED (set SHARED=DIR)"; \
	else echo "== shared data: $(JATOPIC_SHARED) (every data test must run)"; fi

# The set-up against a registry that lags (stand-in tools; seconds).
test-setup:
	bash tests/setup/lagging_registry.sh

test-rust:
	$(CARGO) test --locked --release

# Two small models over fixed synthetic listings, one packaged: what the
# browser and SQL end-to-end tests run against.
web-test: build wasm setup-js
	$(NODE) js/build-web.mjs --write-test-samples $(BUILD)/web-test-items.ndjson
	./target/release/jatopic train --k 8 --iterations 200 --min-df 1 --max-df 1.0 --text-field title --out $(BUILD)/web-test-model-1.jtm $(BUILD)/web-test-items.ndjson
	./target/release/jatopic train --k 5 --iterations 200 --min-df 1 --max-df 1.0 --seed 2 --text-field title --out $(BUILD)/web-test-model-2.jtm $(BUILD)/web-test-items.ndjson
	./target/release/jatopic package --out $(TEST_PKG) --gcs-prefix gs://jatopic-test/web --dataset jatopic-test.jatopic --model $(BUILD)/web-test-model-1.jtm
	./target/release/jatopic package --out $(TEST_READINGS_PKG) --gcs-prefix gs://jatopic-test/web --dataset jatopic-test.jatopic --model $(BUILD)/web-test-model-1.jtm --readings
	./target/release/jatopic train --k 8 --iterations 200 --min-df 1 --max-df 1.0 --text-field title --lexicon full --user-dict $(TEST_USER_DICT) --out $(BUILD)/web-test-model-full.jtm $(BUILD)/web-test-items.ndjson
	./target/release/jatopic package --out $(TEST_FULL_PKG) --gcs-prefix gs://jatopic-test/web --dataset jatopic-test.jatopic --model $(BUILD)/web-test-model-full.jtm --user-dict $(TEST_USER_DICT) --readings
	$(NODE) js/build-web.mjs --package $(TEST_PKG) --readings-package $(TEST_READINGS_PKG) --samples $(BUILD)/web-test-items.ndjson --out $(BUILD)/web-test

test-js: wasm web-test
	JATOPIC_REQUIRE_BROWSER=1 $(NODE) --test js/test/*.test.mjs

test-sql: setup-py web-test
	$(PY_SQL) -m pytest tests/sql -q --package $(TEST_PKG) --readings-package $(TEST_READINGS_PKG)

# The packaged functions in each V8 generation against the CLI (golden lines;
# 10,000 dev lines when $(SHARED) is there, required with JATOPIC_REQUIRE_SHARED=1),
# ja_selftest(), and the damaged-file and too-old-engine messages. Every engine
# runs; the target fails if any did.
test-v8: setup-v8 web-test
	@status=0; for g in $(V8_ENGINES); do \
	  $(BUILD)/venv-v8-$$g/bin/python tests/v8/check_engine.py --engine v8-$$g --package $(TEST_PKG) \
	    --bin target/release/jatopic --model $(BUILD)/web-test-model-1.jtm --readings-package $(TEST_READINGS_PKG) \
	    --full-package $(TEST_FULL_PKG) --full-model $(BUILD)/web-test-model-full.jtm --user-dict $(TEST_USER_DICT) --shared $(SHARED) || status=1; \
	done; exit $$status

# Cold start (fresh node process: evaluate the files, decode, decompress,
# first ja_analyze; median of 7, runs alternated) and peak wasm memory of the
# tokenizer library alone and with the readings library file.
bench-coldstart: web-test
	$(NODE) js/bench-coldstart.mjs --package $(TEST_READINGS_PKG) --full-package $(TEST_FULL_PKG)

# The largest package the issue asks for, and its per-query total: the full
# lexicon, its readings, a 50,000-entry user dictionary and a K = 100,
# 50,000-term model trained with both on the train split (trained once).
PACKAGE_TOTAL := $(BUILD)/bench-package-total
bench-package-total: build wasm setup-js
	@test -d $(SHARED)/corpus/train || { echo "bench-package-total: $(SHARED)/corpus/train not found"; exit 1; }
	@mkdir -p $(PACKAGE_TOTAL)
	$(NODE) js/bench-coldstart.mjs --write-user-dict $(PACKAGE_TOTAL)/user-50k.csv
	@if [ ! -f $(PACKAGE_TOTAL)/model.jtm ]; then \
	  ./target/release/jatopic train --k 100 --keep-n 50000 --iterations 100 --input-format text --lexicon full \
	    --user-dict $(PACKAGE_TOTAL)/user-50k.csv --out $(PACKAGE_TOTAL)/model.jtm $(SHARED)/corpus/train/*.txt; fi
	./target/release/jatopic package --out $(PACKAGE_TOTAL)/package --gcs-prefix gs://jatopic-bench/total --dataset jatopic-bench.jatopic \
	  --model $(PACKAGE_TOTAL)/model.jtm --user-dict $(PACKAGE_TOTAL)/user-50k.csv --readings
	$(NODE) -e "const m = require('./$(PACKAGE_TOTAL)/package/manifest.json'); let t = 0; for (const f of m.files) { t += f.bytes; console.log(f.path.padEnd(24), String(f.bytes).padStart(9)); } console.log('per-query total'.padEnd(24), String(t).padStart(9), 'bytes (budget 5000000)');"
	echo '[]' | $(NODE) js/bq-sandbox.mjs --package $(PACKAGE_TOTAL)/package --function ja_selftest --input - --stats

# The scale tests with numpy and ScaNN present (nothing skipped), and the
# scale benchmark's smoke run at 10^3 items (seconds).
test-scale: setup-scale build wasm web-test
	$(VENV_SCALE)/bin/python -m pytest tests/sql/test_scale.py -q --package $(TEST_PKG)
	$(VENV_SCALE)/bin/python scripts/bench_scale.py --smoke

# A smoke run of the whole demo on a tiny sample (seconds) and generator determinism.
test-demo: setup-py build wasm
	$(PY_SQL) -m pytest tests/demo -q

test: setup test-shared-notice lint test-setup test-rust test-js test-sql test-scale test-demo test-v8
	@echo "== all tests passed"

# Native steady-state tokenization (start-up excluded), both lexicon tiers,
# against vibrato on bench.mjs's text sample, measured twice: as whole
# processes, rounds interleaved (scripts/bench_native.py; --cpu times by CPU
# rather than wall time), then in one process, the three taking turns slice
# by slice (`vibrato-peer paired`, the analysis code linked from this crate):
# the host's changes of load fall on all three alike there.
BENCH_NATIVE_OPTIONS ?=
bench-native: build bench-vibrato
	$(PYTHON) scripts/bench_native.py --shared $(SHARED) --rounds 9 $(BENCH_NATIVE_OPTIONS) \
	  --jatopic compact=target/release/jatopic --jatopic full=target/release/jatopic:--lexicon:full \
	  --vibrato $(VIBRATO_PEER) --vibrato-dict $(VIBRATO_DICT) --input-file $(BUILD)/bench-native-input.txt
	$(VIBRATO_PEER) paired $(VIBRATO_DICT) dict/ipadic-full.jtd 9 < $(BUILD)/bench-native-input.txt

# The vibrato peer is optional but loud: if it cannot be built, bench goes on
# and its report says "NOT MEASURED" with the reason.
bench: setup build wasm
	@$(MAKE) --no-print-directory bench-vibrato || echo "== WARNING: the vibrato peer did not build; the report will say NOT MEASURED"
	$(NODE) js/bench.mjs --bundle $(BUNDLE) --native target/release/jatopic --shared $(SHARED) \
	  --vibrato $(VIBRATO_PEER) --vibrato-dict $(VIBRATO_DICT)
	$(MAKE) --no-print-directory bench-udf

# vibrato (own Cargo project, not part of the main build) and its system
# dictionary compiled once from the IPADIC sources MeCab's dictionary is built
# from (deterministic; rebuilt only when the peer binary changes).
IPADIC_SRC := /usr/share/mecab/dic/ipadic
VIBRATO_TARGET := $(BUILD)/vibrato-peer
VIBRATO_PEER := $(VIBRATO_TARGET)/release/vibrato-peer
VIBRATO_DICT := $(BUILD)/vibrato/ipadic.dic
# As the set-up does, a registry that lags the lock file gets the same direct
# pin with dependencies resolved afresh (in a copy: the lock file stays as is).
bench-vibrato: setup-apt
	$(CARGO) build --release --locked --quiet --manifest-path bench/vibrato-peer/Cargo.toml --target-dir $(VIBRATO_TARGET) \
	  || { echo "== the locked vibrato peer did not build (the registry may lag): the same pinned vibrato, dependencies resolved against this registry"; \
	       rm -rf $(VIBRATO_TARGET)/unlocked && mkdir -p $(VIBRATO_TARGET)/unlocked \
	       && cp -r bench/vibrato-peer/Cargo.toml bench/vibrato-peer/src $(VIBRATO_TARGET)/unlocked/ \
	       && sed -i 's|path = "../.."|path = "$(CURDIR)"|' $(VIBRATO_TARGET)/unlocked/Cargo.toml \
	       && $(CARGO) build --release --quiet --manifest-path $(VIBRATO_TARGET)/unlocked/Cargo.toml --target-dir $(VIBRATO_TARGET); }
	@$(MAKE) --no-print-directory $(VIBRATO_DICT)
$(VIBRATO_DICT): $(VIBRATO_PEER)
	@mkdir -p $(dir $@)
	$(VIBRATO_PEER) compile $(IPADIC_SRC) $@

# The tokenizer benchmark on a base revision and on the working tree, rounds
# alternated (BASE=rev, ROUNDS=3): medians per side and their ratio.
# SUITE=udf compares the packaged functions (js/bench-udf.mjs) instead.
ROUNDS ?= 3
SUITE ?= tokenizer
bench-compare: setup build wasm
	@test -n "$(BASE)" || { echo "bench-compare: BASE=<git revision> is required"; exit 2; }
	SHARED=$(SHARED) sh scripts/bench_compare.sh $(BASE) $(ROUNDS) $(SUITE)

# The packaged functions in the sandbox: worker start, ja_tokenize vs
# kuromoji.js, ja_topics throughput and parity with `jatopic infer`, and a
# quantised package. The model: K=100, 50,000 terms, trained on the train split.
UDF_BENCH := $(BUILD)/bench-udf
bench-udf: build wasm setup-js
	@test -d $(SHARED)/corpus/train || { echo "bench-udf: $(SHARED)/corpus/train not found"; exit 1; }
	@mkdir -p $(UDF_BENCH)
	@if [ ! -f $(UDF_BENCH)/model.jtm ]; then \
	  ./target/release/jatopic train --k 100 --keep-n 50000 --iterations 100 --input-format text --out $(UDF_BENCH)/model.jtm $(SHARED)/corpus/train/*.txt; fi
	./target/release/jatopic package --out $(UDF_BENCH)/package --gcs-prefix gs://jatopic-bench/exact --dataset jatopic-bench.jatopic --model $(UDF_BENCH)/model.jtm
	./target/release/jatopic package --out $(UDF_BENCH)/package-bits4 --gcs-prefix gs://jatopic-bench/bits4 --dataset jatopic-bench.jatopic --model $(UDF_BENCH)/model.jtm --count-bits 4
	$(NODE) js/bench-udf.mjs --package $(UDF_BENCH)/package --quantized $(UDF_BENCH)/package-bits4 --model $(UDF_BENCH)/model.jtm --shared $(SHARED)

# Soak (docs/hardening.md): 1,000,000 rows through ja_topics and ja_analyze, one
# sandbox worker each: memory growth and throughput over the run (several
# minutes; not part of `make test`). The model: build/bench-udf/model.jtm when
# present (K=100, 50,000 terms), else the web-test model. SOAK_OPTIONS=--rows 100000
soak: build wasm setup-js
	@test -f $(UDF_BENCH)/model.jtm || test -f $(BUILD)/web-test-model-1.jtm || $(MAKE) --no-print-directory web-test
	$(NODE) js/soak.mjs $(SOAK_OPTIONS)

# Fuzzing (not part of `make test`: long). Every cargo-fuzz target in fuzz/
# for FUZZ_RUNS executions (FUZZ_TIME seconds at most, 0 = no limit;
# FUZZ_SANITIZER=address for ASan; FUZZ_TOOLCHAIN=auto uses nightly when
# installed, else stable with RUSTC_BOOTSTRAP=1), then the sandbox's package readers
# (js/fuzz/, a mutation fuzzer, not coverage-guided). See docs/hardening.md.
FUZZ_RUNS ?= 10000000
FUZZ_TIME ?= 0
FUZZ_SANITIZER ?= none
FUZZ_TOOLCHAIN ?= auto
SANDBOX_FUZZ_RUNS ?= 1000000
fuzz: setup-js
	FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_TIME=$(FUZZ_TIME) FUZZ_SANITIZER=$(FUZZ_SANITIZER) FUZZ_TOOLCHAIN=$(FUZZ_TOOLCHAIN) scripts/fuzz.sh $(FUZZ_TARGETS)
	$(NODE) js/fuzz/sandbox.fuzz.mjs --runs $(SANDBOX_FUZZ_RUNS)

# The serving SQL at catalogue scale (docs/scale.md): 10^4, 10^5 and 10^6
# items through the whole pipeline on DuckDB, time and memory per stage, growth
# exponents, recall of the approximate VECTOR_SEARCH, the old cross joins side
# by side; results in build/bench-scale/. BENCH_SCALE_OPTIONS=--sizes 10000,100000
bench-scale: build wasm setup-scale
	$(VENV_SCALE)/bin/python scripts/bench_scale.py $(BENCH_SCALE_OPTIONS)

# Topic-model training against tomotopy and gensim (venv in build/venv-bench).
bench-lda: build
	python3 scripts/bench_lda.py --jatopic target/release/jatopic --shared $(SHARED) $(BENCH_LDA_OPTIONS)

# `jatopic train` at 10^6, 10^7 and 10^8 synthetic tokens (K = 100): per-iteration
# time, tokens/s, peak RSS and bytes/token (BENCH_TRAIN_SCALE_OPTIONS=--sizes 1e6,1e7).
bench-train-scale: build
	$(PYTHON) scripts/bench_train_scale.py --binary target/release/jatopic $(BENCH_TRAIN_SCALE_OPTIONS)

# Rebuild the shipped dictionary (see dict/README.md). Needs $(SHARED)/corpus/train.
dict: setup-apt build
	@test -d $(SHARED)/corpus/train || { echo "dict: $(SHARED)/corpus/train not found"; exit 1; }
	cat $(SHARED)/corpus/train/*.txt | mecab -b 100000000 | ./target/release/jatopic build-dict \
	  --ipadic /usr/share/mecab/dic/ipadic --seen - --out dict/ipadic.jtd \
	  --readings-out dict/ipadic-readings.jtr $(DICT_OPTIONS)

# The full lexicon tier: all of IPADIC, exact costs (no training text needed).
dict-full: setup-apt build
	./target/release/jatopic build-dict --tier full --ipadic /usr/share/mecab/dic/ipadic \
	  --out dict/ipadic-full.jtd --readings-out dict/ipadic-full-readings.jtr

golden: setup-apt
	for f in tests/golden/*.txt; do mecab -b 100000000 < "$$f" > "$${f%.txt}.mecab"; done

clean:
	rm -rf $(BUILD) target
