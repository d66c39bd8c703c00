#!/bin/sh
# Before/after tokenizer benchmark: `make bench`'s script (js/bench.mjs) run
# on a base revision and on the working tree, alternately, ROUNDS times each,
# then the median of each figure per side and their ratio.
#
# usage: scripts/bench_compare.sh BASE_REV [ROUNDS]   (from the repository root)
# The base is built in build/bench-compare/base (a git worktree, kept for
# reuse); each side runs its own js/bench.mjs, so command-line changes between
# the revisions do not matter. Results: build/bench-compare/{base,head}-N.json
# and the table on stdout. A measuring script, not a test.
set -eu
base_rev=${1:?usage: scripts/bench_compare.sh BASE_REV [ROUNDS]}
rounds=${2:-3}
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
r=1
while [ "$r" -le "$rounds" ]; do
  for side in base head; do
    dir=$root; [ "$side" = base ] && dir=$base
    echo "== round $r/$rounds: $side ($(cut -d' ' -f1 /proc/loadavg) load)" >&2
    (cd "$dir" && node js/bench.mjs --bundle build/jatopic-tokenizer.js --native target/release/jatopic \
      --shared "$shared_abs" >"$out/$side-$r.md" 2>"$out/$side-$r.log")
    cp "$dir/build/bench.json" "$out/$side-$r.json"
  done
  r=$((r + 1))
done
python3 "$root/scripts/bench_compare_report.py" "$out" "$rounds" "$base_rev"
