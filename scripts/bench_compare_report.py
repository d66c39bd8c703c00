"""The table of scripts/bench_compare.sh: each figure's value per round, its
median per side, and head ÷ base.
usage: bench_compare_report.py DIR ROUNDS BASE_REV [tokenizer|udf]"""
import json
import statistics
import sys
from pathlib import Path

TOKENIZER = {
    "native chars/s, excl. load": lambda d: d["native"]["charsPerSecExcludingLoad"],
    "native chars/s, whole process": lambda d: d["native"]["charsPerSec"],
    "native ÷ MeCab, excl. load": lambda d: d["ratios"]["nativeOverMecabExcludingLoad"],
    "wasm wakati() chars/s": lambda d: d["wasm"]["wakati"]["charsPerSec"],
    "wasm ÷ kuromoji.js (median round)": lambda d: d["ratios"]["wasmOverKuromoji"],
    "wasm tokenize() chars/s": lambda d: d["wasm"]["tokenize"]["charsPerSec"],
    "cold start ms (median of 7)": lambda d: d["coldStart"]["medianMs"],
    "peak wasm memory MB": lambda d: d["wasm"]["peakMemoryMB"],
    "word F1 vs MeCab": lambda d: d["accuracy"]["jatopicWasm"]["f1"],
    "bundle bytes": lambda d: d["bundle"]["bytes"],
}
UDF = {
    "ja_topics docs/s (title rows)": lambda d: d["topics"]["docsPerSec"],
    "ja_topics docs/s, with the time limit": lambda d: d["topics"]["docsPerSecWithTimeLimit"],
    "ja_tokenize chars/s": lambda d: d["tokenize"]["sandboxCharsPerSec"],
    "ja_tokenize ÷ kuromoji.js": lambda d: d["tokenize"]["ratioOverKuromoji"],
    "worker start ja_topics ms (median of 7)": lambda d: d["start_ja_topics"]["medianMs"],
    "wasm memory after ja_topics MB": lambda d: d["topics"]["wasmMemoryBytes"] / 1e6,
    "ja_topics bit-identical to jatopic infer (rows)": lambda d: d["parity"]["bitIdentical"],
}


def main(out: str, rounds: str, base_rev: str, suite: str = "tokenizer") -> None:
    figures = {"tokenizer": TOKENIZER, "udf": UDF}[suite]
    runs = {side: [json.loads(Path(out, f"{side}-{r}.json").read_text()) for r in range(1, int(rounds) + 1)]
            for side in ("base", "head")}
    print(f"| figure | base {base_rev} | median | head | median | head ÷ base |")
    print("|---|---|---:|---|---:|---:|")
    for name, get in figures.items():
        b = [get(d) for d in runs["base"]]
        h = [get(d) for d in runs["head"]]
        mb, mh = statistics.median(b), statistics.median(h)
        show = lambda v: f"{v:,.4g}"  # noqa: E731
        print(f"| {name} | {' / '.join(map(show, b))} | {show(mb)} | {' / '.join(map(show, h))} | {show(mh)} | "
              f"{mh / mb:.3f} |")


if __name__ == "__main__":
    main(*sys.argv[1:5])
