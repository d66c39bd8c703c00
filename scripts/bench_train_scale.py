#!/usr/bin/env python3
"""`make bench-train-scale`: `jatopic train` at 10^6, 10^7 and 10^8 tokens.

For each size: a synthetic pre-tokenized corpus (NDJSON shards of
`{"terms": [...]}`, ~50,000-term Zipfian vocabulary, ~100 tokens a document,
from scripts/bench_train_scale_gen.rs), then `jatopic train --k 100` under
`/usr/bin/time -v`. Reported per size: tokens used, per-iteration seconds (from
the CLI's log, `--log-every 1`: each includes one likelihood evaluation),
tokens/s, peak RSS and bytes per token.

    bytes/token = (peak RSS - model counts) / tokens,   model counts = V x K x 4 bytes

and the target is peak RSS <= 10 x tokens + model counts at 10^8 tokens, with
throughput at 10^8 within 15 % of 10^6. Throughput is compared over the same
iterations at every size, the first five and the last five: the sweeps after
the random start are the slowest, and more so the larger the corpus (every
word's row of counts starts dense when it has many more tokens than K).

The corpora go to --work (default build/bench-train-scale; 10^8 tokens is about
0.9 GB) and are deleted afterwards unless --keep-data. A benchmark, not a test:
on a shared machine the seconds vary with the load (the load average is
printed with each run).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "scripts" / "bench_train_scale_gen.rs"
SHARD_TOKENS = 10_000_000
VOCAB = 50_000
K = 100


def parse_sizes(text):
    return [int(float(s)) for s in text.split(",") if s.strip()]


def parse_iterations(text, n):
    its = [int(s) for s in text.split(",") if s.strip()]
    if len(its) == 1:
        its = its * n
    if len(its) != n:
        sys.exit(f"bench-train-scale: --iterations needs 1 or {n} values, got {text!r}")
    return its


def build_generator(work):
    exe = work / "gen"
    if not exe.exists() or exe.stat().st_mtime < GENERATOR.stat().st_mtime:
        subprocess.run(["rustc", "-O", "--edition", "2021", "-o", str(exe), str(GENERATOR)], check=True)
    return exe


def generate(gen, tokens, out_dir):
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    started = time.monotonic()
    subprocess.run([str(gen), str(tokens), str(SHARD_TOKENS), str(VOCAB), str(out_dir)], check=True)
    files = sorted(str(p) for p in out_dir.glob("shard-*.ndjson"))
    size = sum(os.path.getsize(f) for f in files)
    print(f"  generated {tokens:,} tokens, {len(files)} shard(s), {size / 1e6:,.0f} MB "
          f"in {time.monotonic() - started:.1f} s", flush=True)
    return files


def format_flag(binary):
    """The input-format option's name (older builds call it --format)."""
    out = subprocess.run([binary, "train", "--help"], capture_output=True, text=True)
    return "--input-format" if "--input-format" in out.stdout + out.stderr else "--format"


def time_v(stderr, label):
    m = re.search(rf"{re.escape(label)}: ([\d.:]+)", stderr)
    return m.group(1) if m else None


def run_train(binary, files, iterations, threads, out_model):
    cmd = ["/usr/bin/time", "-v", binary, "train", "--k", str(K), "--iterations", str(iterations),
           "--threads", str(threads), "--log-every", "1", format_flag(binary), "ndjson",
           "--terms-field", "terms", "--out", str(out_model), *files]
    load = os.getloadavg()[0]
    started = time.monotonic()
    # Each log line stamped as it arrives: per-iteration times for any build,
    # whatever its log says (each includes one likelihood evaluation).
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    lines, stamps = [], {}
    for line in proc.stderr:
        lines.append(line)
        if "documents read" in line:
            stamps[0] = time.monotonic()
        m = re.match(r"jatopic: iteration (\d+): log-likelihood", line)
        if m:
            stamps[int(m.group(1))] = time.monotonic()
    proc.wait()
    wall = time.monotonic() - started
    err = "".join(lines)
    if proc.returncode != 0:
        sys.exit(f"bench-train-scale: {' '.join(cmd)} failed:\n{err[-3000:]}")
    m = re.search(r"; (\d+) tokens, vocabulary (\d+) terms", err)
    tokens, vocab = int(m.group(1)), int(m.group(2))
    per_iteration = [round(stamps[i] - stamps[i - 1], 4) for i in range(1, iterations + 1)
                     if i in stamps and i - 1 in stamps]
    sampling = re.search(r"sampling ([\d.]+) s", err)
    rss_kb = int(time_v(err, "Maximum resident set size (kbytes)"))
    user, system = float(time_v(err, "User time (seconds)")), float(time_v(err, "System time (seconds)"))
    model_counts = vocab * K * 4
    peak = rss_kb * 1024
    return {
        "command": " ".join(cmd[2:]),
        "tokens": tokens,
        "vocabulary": vocab,
        "iterations": iterations,
        "per_iteration_s": per_iteration,
        "sampling_s": float(sampling.group(1)) if sampling else None,
        "wall_s": round(wall, 2),
        "cpu_s": round(user + system, 2),
        "load_before": round(load, 2),
        "peak_rss_bytes": peak,
        "model_counts_bytes": model_counts,
        "model_file_bytes": os.path.getsize(out_model),
        "bytes_per_token": (peak - model_counts) / tokens,
        "target_met": peak <= 10 * tokens + model_counts,
    }


def window_rate(result, window):
    """Tokens/s over the iterations in `window` (a range of 0-based indices), or
    None without per-iteration times for all of them."""
    its = result["per_iteration_s"]
    if window.stop > len(its):
        return None
    return result["tokens"] * len(window) / sum(its[i] for i in window)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=str(ROOT / "target" / "release" / "jatopic"))
    ap.add_argument("--baseline", help="another jatopic binary to run on the same corpora (before/after)")
    ap.add_argument("--sizes", default="1e6,1e7,1e8", help="tokens per corpus, comma-separated")
    ap.add_argument("--iterations", default="20", help="iterations per size (one value for all)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--work", default=str(ROOT / "build" / "bench-train-scale"))
    ap.add_argument("--keep-data", action="store_true", help="keep the generated corpora")
    ap.add_argument("--json", help="also write the results here")
    a = ap.parse_args()
    sizes = parse_sizes(a.sizes)
    iterations = parse_iterations(a.iterations, len(sizes))
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    gen = build_generator(work)
    binaries = [("after", a.binary)] + ([("before", a.baseline)] if a.baseline else [])
    results = []
    for size, its in zip(sizes, iterations):
        print(f"{size:,} tokens, K = {K}, {its} iterations, {a.threads} threads", flush=True)
        data = work / f"corpus-{size}"
        files = generate(gen, size, data)
        try:
            for label, binary in binaries:
                r = run_train(binary, files, its, a.threads, work / f"model-{label}-{size}.jtm")
                r.update(label=label, size=size)
                results.append(r)
                mean = sum(r["per_iteration_s"]) / len(r["per_iteration_s"]) if r["per_iteration_s"] else None
                mean_text = f"{mean:.3f} s/iteration, " if mean else ""
                print(f"  {label}: {r['tokens']:,} tokens, vocabulary {r['vocabulary']:,}; {mean_text}"
                      f"sampling {r['sampling_s']} s; peak RSS {r['peak_rss_bytes'] / 2**20:,.0f} MiB, "
                      f"{r['bytes_per_token']:.2f} bytes/token beyond the counts "
                      f"({'meets' if r['target_met'] else 'misses'} <= 10 bytes/token + counts); "
                      f"load {r['load_before']}", flush=True)
        finally:
            if not a.keep_data:
                shutil.rmtree(data, ignore_errors=True)
    common = min(iterations)
    windows = [range(0, min(5, common))]
    if common > 5:
        windows.append(range(max(5, common - 5), common))
    names = [f"{w.start + 1}..{w.stop}" for w in windows]
    print("\n| run | tokens | " + " | ".join(f"s/iteration {n} | tokens/s {n}" for n in names)
          + " | peak RSS MiB | counts MiB | bytes/token | target |")
    print("|---|---:|" + "---:|---:|" * len(windows) + "---:|---:|---:|---|")
    for r in results:
        cells = []
        for w in windows:
            rate = window_rate(r, w)
            cells.append(f"{sum(r['per_iteration_s'][i] for i in w) / len(w):.3f}" if rate else "n/a")
            cells.append(f"{rate:,.0f}" if rate else "n/a")
        print(f"| {r['label']} | {r['tokens']:,} | " + " | ".join(cells)
              + f" | {r['peak_rss_bytes'] / 2**20:,.0f} | {r['model_counts_bytes'] / 2**20:,.0f} | "
              f"{r['bytes_per_token']:.2f} | {'met' if r['target_met'] else 'missed'} |")
    after = [r for r in results if r["label"] == "after"]
    if len(after) >= 2:
        small, large = after[0], after[-1]
        for w, n in zip(windows, names):
            if window_rate(small, w) and window_rate(large, w):
                ratio = window_rate(large, w) / window_rate(small, w)
                print(f"throughput at {large['tokens']:,} tokens / at {small['tokens']:,} tokens, "
                      f"iterations {n}: {ratio:.2f} (target >= 0.85)")
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
