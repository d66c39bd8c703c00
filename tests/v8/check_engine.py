"""The packaged BigQuery functions in one V8 embedding from PyPI, against the CLI.

Run by `make test-v8` with the Python of each engine's venv (they share the
import name `py_mini_racer`, so one venv each): `py-mini-racer` 0.4.0 (a V8 of
2020), 0.6.0 (V8 8.9, 2021) and the current `mini-racer`. A second embedding,
independent of node:vm, as bare as BigQuery's (no TextEncoder, atob, require).

Like js/bq-sandbox.mjs, minimally: the package's library files are evaluated
once, in the manifest's order, in one context; each function body is compiled
as `function(<args>) { <body> }` and called with the arguments as BigQuery
passes them (STRING a string, FLOAT64 a number, INT64 a decimal string).

Checked, on tests/golden/*.txt and on 10,000 lines of ../shared/corpus/dev
(skipped with a message when absent; JATOPIC_REQUIRE_SHARED=1 makes that a
failure): ja_tokenize, ja_analyze, ja_terms, ja_topics and ja_top_topics give
exactly what `jatopic tokenize --format json`, `terms` and `infer` give;
ja_selftest() is ok; a damaged copy of the tokenizer library and a module
needing a feature the engine lacks each fail with the message that says so.
With --readings-package (a package of `jatopic package --readings`), that
package too, in a context of its own: ja_analyze's reading and pronunciation
and ja_reading equal the CLI's (NULL readings in the package without them),
its ja_selftest() is ok, and a damaged readings file fails naming itself.

With --full-package (`jatopic package --lexicon full --user-dict FILE --readings
--model M`, given with --full-model and --user-dict), every function equals
the CLI with --lexicon full --user-dict FILE, its ja_selftest() is ok, and its
tokenizer file alone says to list the lexicon files.

usage: python tests/v8/check_engine.py --engine NAME --package DIR --bin JATOPIC --model MODEL.jtm [--readings-package DIR]
       [--full-package DIR --full-model M.jtm --user-dict FILE] [--shared DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The UDF contract: how library files carry their 7-bit text.
CONTRACT = json.loads((ROOT / "src/bigquery/udf_contract.json").read_text(encoding="utf-8"))
DEV_LINES = 10_000
BATCH_ROWS = 200
# ECMAScript's WhiteSpace and LineTerminator (what `\s` matches in the
# shims): blank rows give an empty array instead of MeCab's symbol tokens.
JS_SPACE = set("\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff")

HARNESS = r"""
var __udf = {};
function __define(name, args, body) {
  __udf[name] = (0, eval)('(function(' + args.join(', ') + ') {\n' + body + '\n})');
}
function __run(name, rowsJson) {
  var rows = JSON.parse(rowsJson), out = [];
  for (var i = 0; i < rows.length; i++) {
    try { out.push({ value: __udf[name].apply(null, rows[i]) }); }
    catch (e) { out.push({ error: String(e && e.message || e) }); }
  }
  return JSON.stringify(out);
}
"""


def mini_racer():
    try:
        from py_mini_racer import MiniRacer  # 0.6.0 and mini-racer
    except ImportError:
        from py_mini_racer.py_mini_racer import MiniRacer  # 0.4.0
    return MiniRacer()


def engine_version(ctx) -> str:
    """The PyPI package's version and, where it says, its V8's."""
    from importlib import metadata
    package = "unknown"
    for name in ("mini-racer", "py-mini-racer"):
        try:
            package = f"{name} {metadata.version(name)}"
            break
        except metadata.PackageNotFoundError:
            continue
    v = getattr(ctx, "v8_version", None)
    try:
        v8 = v() if callable(v) else v
        v8 = v8.decode() if isinstance(v8, bytes) else v8
        if isinstance(v8, str) and v8.startswith("b'"):  # 0.6.0 gives the repr of bytes
            v8 = v8[2:-1]
    except Exception:  # noqa: BLE001 - only for the report line
        v8 = None
    return f"{package}, V8 {v8 or '(not reported)'}"


class Engine:
    """One context with the package's library files and compiled function bodies."""

    def __init__(self, package: Path, libraries: list[Path] | None = None):
        self.ctx = mini_racer()
        manifest = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
        self.functions = {f["name"]: f for f in manifest["functions"]}
        self.ctx.eval(HARNESS)
        for lib in libraries or [package / f["path"] for f in manifest["files"]]:
            self.ctx.eval(lib.read_text(encoding="utf-8"))
        for f in manifest["functions"]:
            if f.get("language", "js") != "js":
                continue
            self.ctx.eval("__define(%s, %s, %s)" % (json.dumps(f["name"]), json.dumps([a["name"] for a in f["arguments"]]), json.dumps(f["body"])))

    def encode(self, name: str, row: list) -> list:
        types = [a["type"] for a in self.functions[name]["arguments"]]
        return [str(v) if t == "INT64" and v is not None else v for v, t in zip(row, types)]

    def call_all(self, name: str, rows: list[list]) -> list[dict]:
        out: list[dict] = []
        for i in range(0, len(rows), BATCH_ROWS):
            batch = [self.encode(name, r) for r in rows[i : i + BATCH_ROWS]]
            out.extend(json.loads(self.ctx.eval("__run(%s, %s)" % (json.dumps(name), json.dumps(json.dumps(batch))))))
        return out

    def values(self, name: str, rows: list[list]) -> list:
        results = self.call_all(name, rows)
        for row, r in zip(rows, results):
            if "error" in r:
                raise AssertionError(f"{name}({str(row)[:80]}) failed: {r['error']}")
        return [r["value"] for r in results]


def cli(binary: str, args: list[str], lines: list[str], ndjson_input: bool) -> list:
    text = "".join(json.dumps({"id": str(i), "text": l}, ensure_ascii=False) + "\n" for i, l in enumerate(lines)) if ndjson_input else "".join(l + "\n" for l in lines)
    out = subprocess.run([binary, *args], input=text.encode("utf-8"), capture_output=True, check=True).stdout.decode("utf-8")
    rows = [json.loads(l) for l in out.split("\n") if l != ""]
    if len(rows) != len(lines):
        raise AssertionError(f"jatopic {' '.join(args)} gave {len(rows)} rows for {len(lines)} lines")
    return rows


def katakana(s: str) -> str:
    """Hiragana shifted to katakana (ja_reading's unknown words)."""
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" or c in "\u309d\u309e" else c for c in s)


def expected(binary: str, model: str, lines: list[str], readings: bool = False, tokenizer: list[str] | None = None) -> dict:
    """What the CLI gives, as each function returns it; readings (NULL
    without the readings file) and ja_reading as the readings package gives them.
    `tokenizer`: the tokenizer options (--lexicon, --user-dict) of the package."""
    extra = tokenizer or []
    user = [a for a in extra if a != "--lexicon" and a not in ("full", "compact")]
    tokens = cli(binary, ["tokenize", "--output", "json", *extra], lines, False)
    terms = cli(binary, ["terms", "--input-format", "ndjson", "--model", model, *user, "-"], lines, True)
    inferred = cli(binary, ["infer", "--input-format", "ndjson", "--model", model, "--top", "3", *user, "-"], lines, True)
    blank = [all(c in JS_SPACE for c in l) for l in lines]
    return {
        "ja_tokenize": [[] if b else [t["surface"] for t in ts] for b, ts in zip(blank, tokens)],
        "ja_analyze": [[] if b else [{
            "surface": t["surface"], "start": t["start"] + 1, "length": t["end"] - t["start"],
            "pos1": t["pos"][0], "pos2": t["pos"][1], "pos3": t["pos"][2], "pos4": t["pos"][3],
            "conjugation_type": t["conjugation"]["type"], "conjugation_form": t["conjugation"]["form"],
            "base_form": t["base_form"], "known": t["known"],
            "reading": t["reading"] if readings else None,
            "pronunciation": t["pronunciation"] if readings else None,
        } for t in ts] for b, ts in zip(blank, tokens)],
        "ja_reading": ["" if b else "".join(t["reading"] if t["known"] and t["reading"] != "*" else katakana(t["surface"]) for t in ts)
                       for b, ts in zip(blank, tokens)],
        "ja_terms": [r["terms"] for r in terms],
        "ja_topics": [r["topics"] for r in inferred],
        "ja_top_topics": [r["top_topics"] for r in inferred],
    }


def compare(engine: Engine, label: str, lines: list[str], want: dict, names: tuple[str, ...] | None = None) -> list[str]:
    failures = []
    for name, rows in [("ja_tokenize", [[l] for l in lines]), ("ja_analyze", [[l] for l in lines]),
                       ("ja_terms", [[l] for l in lines]), ("ja_topics", [[l] for l in lines]),
                       ("ja_top_topics", [[l, 3] for l in lines]), ("ja_reading", [[l] for l in lines])]:
        if names is not None and name not in names:
            continue
        if name not in engine.functions or engine.functions[name].get("language", "js") != "js":
            print(f"  {label}: {name} is not a JavaScript function of this package: not checked here")
            continue
        got = engine.values(name, rows)
        bad = [i for i, (g, w) in enumerate(zip(got, want[name])) if g != w]
        print(f"  {label}: {name} {len(lines) - len(bad)} of {len(lines)} rows equal the CLI")
        if bad:
            i = bad[0]
            failures.append(f"{label}: {name} differs from the CLI on {len(bad)} rows; first: line {i + 1} {lines[i][:60]!r}: got {json.dumps(got[i], ensure_ascii=False)[:300]}, CLI {json.dumps(want[name][i], ensure_ascii=False)[:300]}")
    return failures


def dev_lines(shared: Path) -> list[str] | None:
    # As js/test/package.test.mjs: round-robin over the sources, non-blank lines of at most 2,000 characters.
    d = shared / "corpus" / "dev"
    if not d.is_dir():
        return None
    sources = [[l for l in p.read_text(encoding="utf-8").split("\n") if l.strip() != "" and len(l) <= 2000] for p in sorted(d.glob("*.txt"))]
    out: list[str] = []
    i = 0
    while len(out) < DEV_LINES and any(i < len(s) for s in sources):
        for s in sources:
            if i < len(s) and len(out) < DEV_LINES:
                out.append(s[i])
        i += 1
    return out


def variant_bundles(package: Path, work: Path) -> dict[str, Path]:
    """The tokenizer library damaged (its module's magic number), and one embedding a
    module that needs multi-value (beyond the floor), written by js/bundle.mjs itself."""
    work.mkdir(parents=True, exist_ok=True)
    source = (package / "jatopic-tokenizer.js").read_text(encoding="utf-8")
    marker = "const WASM_TEXT = " + CONTRACT["text_container_open"]
    at = source.index(marker) + len(marker)
    damaged = work / "damaged" / "jatopic-tokenizer.js"
    damaged.parent.mkdir(exist_ok=True)
    damaged.write_text(source[:at] + "\u0100/" + source[at + 2 :], encoding="utf-8")
    needs = work / "multi-value" / "jatopic-tokenizer.js"
    needs.parent.mkdir(exist_ok=True)
    script = """
import fs from 'node:fs';
import vm from 'node:vm';
import { bundle } from '%s/js/bundle.mjs';
const probes = vm.runInNewContext(fs.readFileSync('%s/js/runtime/engine.js', 'utf8') + '; FEATURE_PROBES');
const glue = fs.readFileSync('%s/build/wasm-bindgen/jatopic.js', 'utf8');
fs.writeFileSync(process.argv[1], bundle(glue, Buffer.from(probes['multi-value']()), Buffer.from([0]), 'test', ''));
""" % (ROOT, ROOT, ROOT)
    subprocess.run([os.environ.get("NODE", "node"), "--input-type=module", "-e", script, str(needs)], check=True)
    return {"damaged": damaged, "multi-value": needs}


def error_of(library: Path) -> str:
    ctx = mini_racer()
    ctx.eval(library.read_text(encoding="utf-8"))
    return ctx.eval("(function () { try { jatopic.wakati('東京'); return 'no error'; } catch (e) { return String(e.message); } })()")


def check_readings_package(a, golden: list[str], dev: list[str] | None) -> list[str]:
    """The package with jatopic-readings.js: readings equal the CLI's, selftest
    ok, and the readings file damaged is an error naming it."""
    failures: list[str] = []
    engine = Engine(a.readings_package)
    names = ("ja_analyze", "ja_reading")
    failures += compare(engine, "readings golden", golden, expected(a.bin, a.model, golden, readings=True), names)
    if dev is not None:
        failures += compare(engine, "readings dev", dev, expected(a.bin, a.model, dev, readings=True), names)
    report = engine.values("ja_selftest", [[]])[0]
    files = [l["file"] for l in report["libraries"]]
    print(f"  readings package ja_selftest: ok={report['ok']} libraries={files} memory={report['wasm_memory_bytes']} init_ms={report['init_ms']}")
    if report["ok"] is not True or "jatopic-readings.js" not in files:
        failures.append(f"readings package ja_selftest: {json.dumps(report, ensure_ascii=False)}")
    # The readings file with its data cut short: ja_analyze fails naming it.
    manifest = json.loads((a.readings_package / "manifest.json").read_text(encoding="utf-8"))
    libraries = [a.readings_package / f["path"] for f in manifest["files"]]
    readings = next(l for l in libraries if l.name == "jatopic-readings.js")
    source = readings.read_text(encoding="utf-8")
    opening = CONTRACT["text_container_open"]
    cut = source.index(opening) + len(opening) + (len(source) // 2)
    damaged = a.work / a.engine / "damaged-readings" / "jatopic-readings.js"
    damaged.parent.mkdir(parents=True, exist_ok=True)
    damaged.write_text(source[:cut] + CONTRACT["text_container_close"] + ");\n", encoding="utf-8")
    broken = Engine(a.readings_package, [damaged if l == readings else l for l in libraries])
    result = broken.call_all("ja_analyze", [["東京に行く"]])[0]
    print(f"  damaged readings file: {str(result.get('error'))[:160]}")
    if "jatopic-readings.js" not in str(result.get("error")):
        failures.append(f"a damaged readings file gave: {json.dumps(result, ensure_ascii=False)[:300]}")
    if broken.values("ja_tokenize", [["東京に行く"]]) != [["東京", "に", "行く"]]:
        failures.append("a damaged readings file broke ja_tokenize, which does not use it")
    return failures


def check_full_package(a, golden: list[str], dev: list[str] | None) -> list[str]:
    """The package of `jatopic package --lexicon full --user-dict FILE --readings
    --model M`: every function equals the CLI with those options, ja_selftest
    is ok, and the tokenizer file without its lexicon parts says to list them."""
    failures: list[str] = []
    engine = Engine(a.full_package)
    options = ["--lexicon", "full", "--user-dict", str(a.user_dict)]
    lines = golden + [l for l in (ROOT / "tests/fixtures/user-dict/sentences.txt").read_text(encoding="utf-8").split("\n") if l.strip()]
    failures += compare(engine, "full golden", lines, expected(a.bin, str(a.full_model), lines, readings=True, tokenizer=options))
    if dev is not None:
        failures += compare(engine, "full dev", dev, expected(a.bin, str(a.full_model), dev, readings=True, tokenizer=options), ("ja_tokenize", "ja_analyze"))
    report = engine.values("ja_selftest", [[]])[0]
    files = [l["file"] for l in report["libraries"]]
    print(f"  full package ja_selftest: ok={report['ok']} libraries={files} memory={report['wasm_memory_bytes']} init_ms={report['init_ms']}")
    if report["ok"] is not True or report["topics_ok"] is not True or not any(f.startswith("jatopic-lexicon-") for f in files):
        failures.append(f"full package ja_selftest: {json.dumps(report, ensure_ascii=False)}")
    alone = error_of(a.full_package / "jatopic-tokenizer.js")
    print(f"  full package's tokenizer file alone: {alone[:160]}")
    if "jatopic-lexicon-*.js" not in alone:
        failures.append(f"the full package's tokenizer file alone gave: {alone}")
    return failures


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--engine", required=True)
    p.add_argument("--package", required=True, type=Path)
    p.add_argument("--bin", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--readings-package", type=Path, help="a package of `jatopic package --readings`")
    p.add_argument("--full-package", type=Path, help="a package of `jatopic package --lexicon full --user-dict FILE --readings --model M`")
    p.add_argument("--full-model", type=Path, help="the full package's model")
    p.add_argument("--user-dict", type=Path, help="the full package's user dictionary")
    p.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    p.add_argument("--work", type=Path, default=ROOT / "build" / "v8-test")
    a = p.parse_args()
    failures: list[str] = []
    started = time.time()
    engine = Engine(a.package)
    print(f"== {a.engine}: {engine_version(engine.ctx)}")

    golden = [l for f in sorted((ROOT / "tests" / "golden").glob("*.txt")) for l in f.read_text(encoding="utf-8").split("\n")[:-1]]
    failures += compare(engine, "golden", golden, expected(a.bin, a.model, golden))
    dev = dev_lines(a.shared)
    if dev is None:
        message = f"{a.shared}/corpus/dev not found: the 10,000 dev lines are not checked"
        if os.environ.get("JATOPIC_REQUIRE_SHARED") == "1":
            failures.append(message + " (JATOPIC_REQUIRE_SHARED=1)")
        else:
            print(f"  SKIPPED: {message}")
    else:
        failures += compare(engine, "dev", dev, expected(a.bin, a.model, dev))

    report = engine.values("ja_selftest", [[]])[0]
    print(f"  ja_selftest: ok={report['ok']} features={report['wasm_features']} memory={report['wasm_memory_bytes']} init_ms={report['init_ms']}")
    if report["ok"] is not True or report["topics_ok"] is not True:
        failures.append(f"ja_selftest: {json.dumps(report, ensure_ascii=False)}")

    variants = variant_bundles(a.package, a.work / a.engine)
    damaged = error_of(variants["damaged"])
    print(f"  damaged library: {damaged[:160]}")
    if not damaged.startswith("jatopic: jatopic-tokenizer.js is damaged: its embedded WebAssembly module has SHA-256 "):
        failures.append(f"a damaged tokenizer library gave: {damaged}")
    lacking = error_of(variants["multi-value"])
    print(f"  module needing multi-value: {lacking[:160]}")
    has_multi_value = "multi-value" in report["wasm_features"]
    if not has_multi_value and not lacking.startswith("jatopic: this JavaScript engine is too old for jatopic-tokenizer.js: its WebAssembly lacks multi-value"):
        failures.append(f"an engine without multi-value, given a module that needs it, said: {lacking}")
    if has_multi_value and "jatopic-tokenizer.js" not in lacking:
        failures.append(f"a module that cannot instantiate gave an error without the file name: {lacking}")

    if a.readings_package is not None:
        failures += check_readings_package(a, golden, dev)
    if a.full_package is not None:
        failures += check_full_package(a, golden, dev)

    for f in failures:
        print(f"FAIL {a.engine}: {f}")
    print(f"== {a.engine}: {'FAILED' if failures else 'passed'} in {time.time() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        code = main()
    except Exception:  # noqa: BLE001 - reported, then the hard exit below
        import traceback
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    # mini-racer's V8 threads can keep a normal interpreter exit waiting forever.
    os._exit(code)
