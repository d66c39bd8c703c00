#!/usr/bin/env python3
"""Native steady-state tokenization throughput: jatopic against vibrato.

The same text sample as js/bench.mjs (round-robin lines of the shared dev
corpus up to --chars characters), each command run as a whole process on
the sample and on empty input (its start-up); steady state is the sample's
time minus the start-up's. Rounds are interleaved (A, B, C, then C, B, A,
...) so that a shared machine's load falls on every command alike; medians
are reported, with each command's ratio to vibrato: the ratio of the medians,
and the median of each round's ratio ("paired").

    python3 scripts/bench_native.py --shared ../shared --rounds 7 \\
        --jatopic compact=target/release/jatopic \\
        --jatopic full=target/release/jatopic:--lexicon:full \\
        --vibrato build/vibrato-peer/release/vibrato-peer --vibrato-dict build/vibrato/ipadic.dic

A `--jatopic NAME=BINARY[:EXTRA:ARGS]` may be given more than once (say, a
base revision's binary beside the working tree's). Outputs are checked to
have one line per input line. The sample is written to build/ (never to the
repository: it is shared text).
"""

import argparse
import math
import os
import resource
import statistics
import subprocess
import sys
import time


def usable_lines(text):
    return [l.rstrip("\r") for l in text.split("\n") if l.replace("\r", "").strip() != ""]


def build_sample(shared, target_chars):
    dev = os.path.join(shared, "corpus", "dev")
    files = sorted(f for f in os.listdir(dev) if f.endswith(".txt"))
    sources = [usable_lines(open(os.path.join(dev, f), encoding="utf-8").read()) for f in files]
    nexts = [0] * len(sources)
    lines, chars = [], 0
    while chars < target_chars and any(n < len(s) for n, s in zip(nexts, sources)):
        for k, s in enumerate(sources):
            if chars >= target_chars:
                break
            if nexts[k] >= len(s):
                continue
            line = s[nexts[k]]
            nexts[k] += 1
            lines.append(line)
            chars += len(line)
    return lines, chars


def cpu_ms():
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (u.ru_utime + u.ru_stime) * 1000


def timed(argv, data, cpu=False):
    t0, c0 = time.perf_counter(), cpu_ms()
    r = subprocess.run(argv, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ms = cpu_ms() - c0 if cpu else (time.perf_counter() - t0) * 1000
    if r.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed: {r.stderr.decode(errors='replace')}")
    return ms, r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--chars", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--jatopic", action="append", default=[], help="NAME=BINARY[:ARG:ARG...]")
    ap.add_argument("--vibrato", default="build/vibrato-peer/release/vibrato-peer")
    ap.add_argument("--vibrato-dict", default="build/vibrato/ipadic.dic")
    ap.add_argument("--input-file", default="build/bench-native-input.txt")
    ap.add_argument("--cpu", action="store_true",
                    help="time by the processes' CPU time (user + system) instead of wall time: "
                    "steadier on a machine shared with other work")
    args = ap.parse_args()

    lines, chars = build_sample(args.shared, args.chars)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    os.makedirs(os.path.dirname(args.input_file) or ".", exist_ok=True)
    with open(args.input_file, "wb") as f:
        f.write(data)

    commands = []
    for spec in args.jatopic or ["jatopic=target/release/jatopic"]:
        name, _, rest = spec.partition("=")
        binary, *extra = rest.split(":")
        commands.append((name, [binary, "tokenize", "--output", "wakati", *extra]))
    if os.path.exists(args.vibrato) and os.path.exists(args.vibrato_dict):
        commands.append(("vibrato", [args.vibrato, "wakati", args.vibrato_dict]))
    else:
        print(f"vibrato NOT MEASURED: {args.vibrato} or {args.vibrato_dict} missing", file=sys.stderr)

    clock = "CPU time" if args.cpu else "wall time"
    print(f"sample: {len(lines)} lines, {chars} chars; {args.rounds} interleaved rounds; {clock}", file=sys.stderr)
    load = {name: [] for name, _ in commands}
    full = {name: [] for name, _ in commands}
    for r in range(args.rounds):
        # Every other round in reverse order, so that a drift in the host's
        # load falls on each command alike.
        for name, argv in commands if r % 2 == 0 else commands[::-1]:
            load[name].append(timed(argv, b"", args.cpu)[0])
            ms, out = timed(argv, data, args.cpu)
            full[name].append(ms)
            n_out = out.count(b"\n")
            if n_out != len(lines):
                sys.exit(f"{name}: {n_out} output lines for {len(lines)} input lines")
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)

    steady, rounds = {}, {}
    print(f"{'command':<14} {'load ms':>8} {'run ms':>8} {'steady Mchars/s':>16} {'÷ vibrato':>10} {'paired':>8}")
    for name, _ in commands:
        lm = statistics.median(load[name])
        # Per round, the run minus the median start-up: the median of those.
        rounds[name] = [chars / ((ms - lm) / 1000) if ms > lm else float("nan") for ms in full[name]]
        per_round = [x for x in rounds[name] if not math.isnan(x)]
        steady[name] = statistics.median(per_round) if per_round else float("nan")
    base = steady.get("vibrato")
    for name, _ in commands:
        ratio = f"{steady[name] / base:.3f}" if base else "n/a"
        # The median of each round's ratio (the two ran side by side): steadier
        # than the ratio of medians when the host's load moves between rounds.
        pairs = [a / b for a, b in zip(rounds[name], rounds.get("vibrato", [])) if not (math.isnan(a) or math.isnan(b))]
        paired = f"{statistics.median(pairs):.3f}" if pairs else "n/a"
        print(f"{name:<14} {statistics.median(load[name]):8.1f} {statistics.median(full[name]):8.1f} "
              f"{steady[name] / 1e6:16.3f} {ratio:>10} {paired:>8}")


if __name__ == "__main__":
    main()
