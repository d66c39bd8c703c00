#!/bin/sh
# Before/after tokenizer benchmark: `make bench`'s script (js/bench.mjs) run
# on a base revision and on the working tree, alternately, ROUNDS times each,
# then the median of each figure per side and their ratio.
#
# usage: scripts/bench_compare.sh BASE_REV [ROUNDS] [SUITE]   (from the repository root)
# SUITE: tokenizer (js/bench.mjs, the default) or udf (js/bench-udf.mjs: the
# packaged functions in the sandbox, each side packaging the same K = 100
# model, build/bench-udf/model.jtm, with its own CLI).
# The base is built in build/bench-compare/base (a git worktree, kept for
# reuse); each side runs its own js/bench.mjs, so command-line changes between
# the revisions do not matter. Results: build/bench-compare/{base,head}-N.json
# and the table on stdout. A measuring script, not a test.
set -eu
base_rev=${1:?usage: scripts/bench_compare.sh BASE_REV [ROUNDS] [SUITE]}
rounds=${2:-3}
suite=${3:-tokenizer}
case $suite in tokenizer|udf) ;; *) echo "bench_compare: SUITE must be tokenizer or udf, got '$suite'" >&2; exit 2 ;; esac
shared=${SHARED:-../shared}
root=$(pwd)
out=$root/build/bench-compare
base=$out/base
mkdir -p "$out"
if [ ! -d "$base/.git" ] && [ ! -f "$base/.git" ]; then
  git worktree add --detach "$base" "$base_rev"
else
  git -C "$base" checkout --quiet --detach "$base_rev"
fi
# The base's own build (its make targets; node_modules copied, never linked).
[ -d "$base/js/node_modules" ] || cp -a "$root/js/node_modules" "$base/js/"
(cd "$base" && make --no-print-directory build wasm >/dev/null)
make --no-print-directory build wasm >/dev/null
shared_abs=$(cd "$shared" && pwd)
model=$root/build/bench-udf/model.jtm
if [ "$suite" = udf ]; then
  [ -f "$model" ] || { echo "bench_compare: $model not found: run make bench-udf once (it trains it)" >&2; exit 1; }
  for side in base head; do
    dir=$root; [ "$side" = base ] && dir=$base
    # From the side's own tree: `package` takes the bundle from build/ there.
    (cd "$dir" && target/release/jatopic package --out "$out/$side-package" --gcs-prefix gs://jatopic-bench/exact \
      --dataset jatopic-bench.jatopic --model "$model" >/dev/null)
  done
fi
r=1
while [ "$r" -le "$rounds" ]; do
  for side in base head; do
    dir=$root; [ "$side" = base ] && dir=$base
    echo "== round $r/$rounds: $side ($(cut -d' ' -f1 /proc/loadavg) load)" >&2
    if [ "$suite" = udf ]; then
      (cd "$dir" && node js/bench-udf.mjs --package "$out/$side-package" --model "$model" \
        --native target/release/jatopic --shared "$shared_abs" >"$out/$side-$r.md" 2>"$out/$side-$r.log")
      cp "$dir/build/bench-udf.json" "$out/$side-$r.json"
    else
      (cd "$dir" && node js/bench.mjs --bundle build/jatopic-tokenizer.js --native target/release/jatopic \
        --shared "$shared_abs" >"$out/$side-$r.md" 2>"$out/$side-$r.log")
      cp "$dir/build/bench.json" "$out/$side-$r.json"
    fi
  done
  r=$((r + 1))
done
python3 "$root/scripts/bench_compare_report.py" "$out" "$rounds" "$base_rev" "$suite"
