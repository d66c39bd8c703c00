#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ (or those named as arguments) one at
# a time and prints, per target: executions, wall-clock and CPU seconds,
# exec/s (wall-clock), crashes and final coverage (edges, features). Needs
# cargo-fuzz (`cargo install cargo-fuzz --version 0.13.1 --locked`) and uses
# the nightly toolchain when one is installed; without one it builds with the
# stable toolchain and RUSTC_BOOTSTRAP=1, which lets stable rustc and cargo
# accept the -Z flags cargo-fuzz passes, with a note on stderr.
#
#   FUZZ_RUNS=10000000   executions per target
#   FUZZ_TIME=0          stop a target after this many seconds as well (0: no limit)
#   FUZZ_TOOLCHAIN=auto  nightly if installed, else stable (RUSTC_BOOTSTRAP=1);
#                        or force nightly or stable
#   FUZZ_SANITIZER=none  address (ASan, slower; built in its own target
#                        directory with debug assertions and overflow checks) or none
#
# New inputs go to fuzz/target/work/<target> (not committed); the committed
# seeds in fuzz/corpus/<target> are only read. Crashes land in
# fuzz/artifacts/<target>/; each one must become a regression test.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

FUZZ_RUNS=${FUZZ_RUNS:-10000000}
FUZZ_TIME=${FUZZ_TIME:-0}
FUZZ_SANITIZER=${FUZZ_SANITIZER:-none}
FUZZ_TOOLCHAIN=${FUZZ_TOOLCHAIN:-auto}
ALL_TARGETS=(tokenize_bytes tokenize_utf16 terms dict_load readings_load model_load read_ndjson read_csv read_parquet user_dict userdict_packed)
if [ $# -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi

# Largest input per target: long enough for several sentences, rows or a
# small file; longer inputs only slow the search down.
max_len() {
  case $1 in
    dict_load | readings_load | model_load | read_parquet) echo 8192 ;;
    *) echo 2048 ;;
  esac
}

TARGET_DIR=target
BUILD_FLAGS=(-O -s "$FUZZ_SANITIZER")
if [ "$FUZZ_SANITIZER" != none ]; then
  TARGET_DIR=target/sanitizer-$FUZZ_SANITIZER
  BUILD_FLAGS+=(-a --target-dir "$TARGET_DIR")
fi
# Nightly when installed; otherwise stable, with RUSTC_BOOTSTRAP=1 so that it
# takes cargo-fuzz's -Z flags (-Zsanitizer=address for ASan; with -s none
# cargo-fuzz 0.13.1 passes only stable flags).
if [ "$FUZZ_TOOLCHAIN" = nightly ] ||
  { [ "$FUZZ_TOOLCHAIN" = auto ] && rustup run nightly rustc -V >/dev/null 2>&1; }; then
  TOOLCHAIN=(+nightly)
else
  TOOLCHAIN=()
  export RUSTC_BOOTSTRAP=1
  echo "note: no nightly toolchain used; building with $(rustc -V) and RUSTC_BOOTSTRAP=1" >&2
fi
cargo "${TOOLCHAIN[@]}" fuzz build "${BUILD_FLAGS[@]}"
BIN=$TARGET_DIR/$(rustc "${TOOLCHAIN[@]}" -vV | sed -n 's/^host: //p')/release

printf '%-16s %12s %9s %9s %9s %8s %6s %8s\n' target executions seconds cpu-secs exec/s crashes cov features
status=0
for t in "${TARGETS[@]}"; do
  mkdir -p "target/work/$t" "artifacts/$t" "target/runs/$t"
  log=target/runs/$t/$FUZZ_SANITIZER.log
  # Crashes, timeouts (hangs), out-of-memory and leaks; not slow-unit notes.
  findings() { find "artifacts/$t" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l; }
  before=$(findings)
  start=$(date +%s.%N)
  set +e
  # A target without committed seeds (readings_load) starts from nothing.
  seeds=()
  [ -d "corpus/$t" ] && seeds=("corpus/$t")
  /usr/bin/time -f '%U %S' -o "$log.time" "$BIN/$t" "target/work/$t" "${seeds[@]}" \
    -runs="$FUZZ_RUNS" -max_total_time="$FUZZ_TIME" -max_len="$(max_len "$t")" \
    -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="artifacts/$t/" >"$log" 2>&1
  rc=$?
  set -e
  end=$(date +%s.%N)
  # `|| true`: a run that stops at once has no coverage line (pipefail).
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2 || true)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2 || true)
  crashes=$(($(findings) - before))
  [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes="exit $rc"
  secs=$(echo "$end - $start" | bc)
  rate=$(echo "${execs:-0} / $secs" | bc)
  cpu=$(tail -n 1 "$log.time" | awk '{ printf "%.0f", $1 + $2 }')
  printf '%-16s %12s %9.0f %9s %9s %8s %6s %8s\n' "$t" "${execs:-?}" "$secs" "${cpu:-?}" "$rate" "$crashes" "${cov:-?}" "${ft:-?}"
  [ "$rc" -ne 0 ] && status=1
done
exit $status
