#!/usr/bin/env bash
# The set-up survives a registry that lags the public one: with stand-in
# cargo, npm and python whose exact-lock installs fail as a lagging mirror
# makes them fail, `make setup-rust`, the npm install and `make setup-py`
# must fall back to the same direct pins, say so, and succeed; run again,
# they must do nothing (idempotent). Runs without the real tools on PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/log"
# A copy of what the set-up reads, so the real js/node_modules and venvs are never touched.
tree="$work/tree"
mkdir -p "$tree/js" "$tree/scripts"
cp Makefile "$tree/"
cp js/package.json js/package-lock.json "$tree/js/"
cp scripts/requirements-sql.txt "$tree/scripts/"
cd "$tree"

# PATH: system directories and rustup only — no wasm-bindgen from ~/.cargo/bin.
ln -s "$(command -v rustup)" "$work/bin/rustup"
ln -s "$(command -v make)" "$work/bin/make"
export PATH="$work/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"
if command -v wasm-bindgen >/dev/null; then echo "FAIL: wasm-bindgen still on PATH"; exit 1; fi

cat > "$work/cargo" <<STUB
#!/usr/bin/env bash
echo "cargo \$*" >> "$work/log/cargo"
if [[ " \$* " == *" --locked "* ]]; then
  echo "error: failed to select a version for the requirement \`webpki-roots = \"^1.0.11\"\`" >&2
  exit 101
fi
printf '#!/bin/sh\necho "wasm-bindgen 0.2.130"\n' > "$work/bin/wasm-bindgen"
chmod +x "$work/bin/wasm-bindgen"
STUB
cat > "$work/npm" <<STUB
#!/usr/bin/env bash
echo "npm \$*" >> "$work/log/npm"
[ "\$1" = ci ] && { echo "npm error notarget No matching version found" >&2; exit 1; }
mkdir -p node_modules
exit 0
STUB
cat > "$work/python3" <<STUB
#!/usr/bin/env bash
# python3 -m venv DIR: a venv whose pip fails on the full pin list.
mkdir -p "\$3/bin"
cat > "\$3/bin/pip" <<'PIP'
#!/usr/bin/env bash
echo "pip \$*" >> "$work/log/pip"
for a in "\$@"; do case "\$a" in *requirements-sql.txt) echo "ERROR: No matching distribution found for packaging==26.4" >&2; exit 1;; esac; done
exit 0
PIP
chmod +x "\$3/bin/pip"
STUB
chmod +x "$work/cargo" "$work/npm" "$work/python3"

fail() { echo "FAIL: $*"; exit 1; }

out=$(make --no-print-directory setup-rust CARGO="$work/cargo" 2>&1) || fail "setup-rust failed: $out"
grep -q "registry lacks a patch release" <<<"$out" || fail "setup-rust did not say why it fell back: $out"
grep -q -- "--locked" "$work/log/cargo" || fail "setup-rust did not try the lock first"
tail -1 "$work/log/cargo" | grep -q -- "--version 0.2.130" || fail "fallback not pinned: $(tail -1 "$work/log/cargo")"
tail -1 "$work/log/cargo" | grep -vq -- "--locked" || fail "fallback still --locked"
before=$(wc -l < "$work/log/cargo")
make --no-print-directory setup-rust CARGO="$work/cargo" >/dev/null 2>&1 || fail "second setup-rust failed"
[ "$(wc -l < "$work/log/cargo")" = "$before" ] || fail "second setup-rust installed again"

out=$(make --no-print-directory -B js/node_modules/.package-lock.json NPM="$work/npm" 2>&1) || fail "npm set-up failed: $out"
grep -q "npm ci failed" <<<"$out" || fail "npm set-up did not say why it fell back: $out"
grep -q "^npm install .*--no-save" "$work/log/npm" || fail "npm fallback not run: $(cat "$work/log/npm")"

venv="$work/venv"
out=$(make --no-print-directory setup-py VENV_SQL="$venv" PYTHON="$work/python3" 2>&1) || fail "setup-py failed: $out"
grep -q "could not install every pin" <<<"$out" || fail "setup-py did not say why it fell back: $out"
grep -q "duckdb==" "$venv/direct.txt" || fail "direct pins missing"
grep -q "packaging==" "$venv/direct.txt" && fail "transitive pins kept in the fallback"
make --no-print-directory setup-py VENV_SQL="$venv" PYTHON="$work/python3" | grep -q "pip" && fail "second setup-py installed again"
echo "lagging-registry set-up: cargo, npm and pip fall back to their direct pins and say so; second runs do nothing"
