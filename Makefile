# jatopic — every command a developer or CI needs. `make demo` and `make test`
# do all set-up themselves (idempotent; versions pinned below).
SHELL := /bin/bash
.DEFAULT_GOAL := help

WASM_BINDGEN_VERSION := 0.2.130
SHARED ?= ../shared
CARGO ?= cargo
NODE ?= node
BUILD := build
WASM_TARGET := wasm32-unknown-unknown
WASM_RAW := target/$(WASM_TARGET)/wasm/jatopic.wasm
BUNDLE := $(BUILD)/jatopic-tokenizer.js
WASM_OPT := js/node_modules/.bin/wasm-opt
# Features the Rust wasm32 target emits by default; wasm-opt must accept them.
WASM_FEATURES := --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int --enable-mutable-globals --enable-reference-types --enable-multivalue

.PHONY: help setup setup-apt setup-rust setup-js build wasm demo test lint test-rust test-js bench bench-lda dict golden clean

help:
	@echo "make demo   - set up, build, and tokenize sample sentences natively and in the wasm bundle"
	@echo "make test   - set up, then run every test (lint, Rust, golden, wasm in a bare V8 context)"
	@echo "make bench  - throughput / cold start / memory against MeCab, kuromoji.js, TinySegmenter"
	@echo "make bench-lda - topic-model training against tomotopy and gensim (BENCH_LDA_OPTIONS=--quick)"
	@echo "make dict   - rebuild dict/ipadic.jtd from IPADIC and MeCab's output on $(SHARED)/corpus/train"
	@echo "make golden - regenerate tests/golden/*.mecab with MeCab"

setup: setup-apt setup-rust setup-js

# MeCab + IPADIC are the reference (golden regeneration, accuracy tests, dictionary build).
setup-apt:
	@if ! command -v mecab >/dev/null || [ ! -d /usr/share/mecab/dic/ipadic ] || [ ! -d /var/lib/mecab/dic/debian ]; then \
	  echo "== installing mecab, mecab-ipadic, mecab-ipadic-utf8 (Debian)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mecab mecab-ipadic mecab-ipadic-utf8 >/dev/null; \
	fi

setup-rust:
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "== installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (first time only, a few minutes)"; \
	  $(CARGO) install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --quiet; \
	fi

setup-js: js/node_modules/.package-lock.json
js/node_modules/.package-lock.json: js/package.json js/package-lock.json
	cd js && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

build:
	$(CARGO) build --release

# The wasm module and the single-file bundle (fails when over 1,000,000 bytes).
wasm: setup-rust setup-js
	$(CARGO) build --target $(WASM_TARGET) --no-default-features --profile wasm
	@mkdir -p $(BUILD)/wasm-bindgen
	wasm-bindgen --target no-modules --no-typescript --out-dir $(BUILD)/wasm-bindgen $(WASM_RAW)
	$(WASM_OPT) -Oz $(WASM_FEATURES) -o $(BUILD)/jatopic.wasm $(BUILD)/wasm-bindgen/jatopic_bg.wasm
	$(NODE) js/bundle.mjs $(BUILD)/wasm-bindgen/jatopic.js $(BUILD)/jatopic.wasm $(BUNDLE)

demo: setup build wasm
	@echo "== native: jatopic tokenize --format mecab"
	@printf '%s\n' '【送料無料】手作りの革財布、プレゼントにおすすめです★' 'ハンドメイドの陶器マグカップ（直径8cm）を販売しています。' | ./target/release/jatopic tokenize --format mecab
	@echo "== native: jatopic tokenize --format wakati"
	@printf '%s\n' '東京都で開かれた展示会には多くの作家が参加した。' 'ｶﾜｲｲ ﾋﾟｱｽ　１２３' | ./target/release/jatopic tokenize --format wakati
	@echo "== wasm bundle $(BUNDLE) in a bare V8 context (node:vm)"
	@$(NODE) js/demo.mjs $(BUNDLE) '手編みのニット帽を作りました。' 'ｶﾜｲｲ ﾋﾟｱｽ'

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings
	$(CARGO) clippy --lib --target $(WASM_TARGET) --no-default-features -- -D warnings

test-rust:
	$(CARGO) test --release

test-js: wasm
	$(NODE) --test js/test/

test: setup lint test-rust test-js
	@echo "== all tests passed"

bench: setup build wasm
	$(NODE) js/bench.mjs --bundle $(BUNDLE) --native target/release/jatopic --shared $(SHARED)

# Topic-model training against tomotopy and gensim (venv in build/venv-bench).
bench-lda: build
	python3 scripts/bench_lda.py --jatopic target/release/jatopic --shared $(SHARED) $(BENCH_LDA_OPTIONS)

# Rebuild the shipped dictionary (see dict/README.md). Needs $(SHARED)/corpus/train.
dict: setup-apt build
	@test -d $(SHARED)/corpus/train || { echo "dict: $(SHARED)/corpus/train not found"; exit 1; }
	cat $(SHARED)/corpus/train/*.txt | mecab -b 100000000 | ./target/release/jatopic build-dict \
	  --ipadic /usr/share/mecab/dic/ipadic --seen - --out dict/ipadic.jtd $(DICT_OPTIONS)

golden: setup-apt
	for f in tests/golden/*.txt; do mecab -b 100000000 < "$$f" > "$${f%.txt}.mecab"; done

clean:
	rm -rf $(BUILD) target
