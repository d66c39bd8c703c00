#!/usr/bin/env python3
"""Scale benchmark of the serving SQL (issue 15): `make bench-scale`.

For each catalogue size N (users = N / 10) it makes a `jatopic sample`
catalogue and runs the whole pipeline on this machine, each stage timed with
its peak memory:

  sample           jatopic sample (child process: its own peak RSS)
  load             items and views into DuckDB
  item_topics      item_topics.sql (MERGE) + vector_index.sql, ja_topics in
                   --workers sandbox processes at once (docs/s per worker)
  user_topics      user_topics.sql
  recommendations  recommendations.sql (VECTOR_SEARCH; the TreeAH stand-in,
                   ScaNN, where BigQuery would use the index)
  similar_items    similar_items.sql (likewise)
  search_boost     search_boost.sql on N/100 synthetic searches of 20
                   candidates, half of them by a known user

then, where it is affordable, the exact VECTOR_SEARCH (numpy brute force)
for recall@10 of the approximate one, and the pre-VECTOR_SEARCH cross-join
queries (from git) side by side. It fits the growth exponent of every stage
(least squares of log time on log N over the sizes >= 10^4) and writes
results.json, results.md and scale.png (log-log) into --out.

Peak memory of the in-process stages is the largest VmRSS of this process
sampled every 50 ms during the stage (DuckDB runs inside it); the sample
and sandbox stages report their child processes' own peaks.

    build/venv-scale/bin/python scripts/bench_scale.py --sizes 10000,100000,1000000
    build/venv-scale/bin/python scripts/bench_scale.py --smoke     # 10^3 items, seconds
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import sql_pipeline as sp  # noqa: E402
import vector_search_emulation as vse  # noqa: E402

# The queries before VECTOR_SEARCH, for the side-by-side timing.
OLD_COMMIT = "0d082d3"
OLD_QUERIES = {"recommendations": "sql/recommendations.sql", "similar_items": "sql/similar_items.sql"}
STAGES = ["sample", "load", "item_topics", "user_topics", "recommendations", "similar_items", "search_boost"]


class PeakRSS:
    """The largest VmRSS of this process while the block runs (50 ms sampling)."""

    def __init__(self):
        self.peak_kb = 0
        self._stop = threading.Event()

    @staticmethod
    def now_kb() -> int:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def _run(self):
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, self.now_kb())
            self._stop.wait(0.05)

    def __enter__(self):
        self.peak_kb = self.now_kb()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak_kb = max(self.peak_kb, self.now_kb())


def timed(record: dict, stage: str, fn, log):
    with PeakRSS() as rss:
        t0 = time.perf_counter()
        value = fn()
        seconds = time.perf_counter() - t0
    record[stage] = {"seconds": seconds, "peak_rss_mb": rss.peak_kb / 1024}
    log(f"   {stage}: {seconds:.1f} s, peak RSS {rss.peak_kb / 1024:.0f} MB")
    return value


def run_child(cmd: list[str]) -> tuple[float, float]:
    """Run a command; (seconds, its peak RSS in MB)."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".rss") as report:
        t0 = time.perf_counter()
        p = subprocess.Popen(sp.peak_rss_command(cmd, report.name), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        _, status, usage = os.wait4(p.pid, 0)
        seconds = time.perf_counter() - t0
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {err[-2000:]}")
        return seconds, sp.peak_rss_kb(report.name, usage) / 1024


def make_model(jatopic: str, out: Path, k: int, iterations: int, log) -> Path:
    """A package with a model trained on a 10^4-item sample (one for every size)."""
    pkg = out / "package"
    if (pkg / "manifest.json").exists():
        return pkg
    sample = out / "model-sample"
    subprocess.run([jatopic, "sample", "--out", str(sample), "--items", "10000", "--users", "1000",
                    "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
    model = out / "model.jtm"
    log(f"== training the benchmark model (K={k}, {iterations} iterations, 10^4 sample descriptions)")
    subprocess.run([jatopic, "train", "--k", str(k), "--iterations", str(iterations), "--text-field",
                    "description", "--log-every", "1000", "--out", str(model), str(sample / "items.ndjson")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([jatopic, "package", "--out", str(pkg), "--gcs-prefix", "gs://jatopic-bench/scale",
                    "--dataset", "jatopic-bench.jatopic", "--model", str(model)],
                   check=True, stdout=subprocess.DEVNULL)
    return pkg


def load_sample(runner: sp.Runner, pipe: sp.Pipeline, sample: Path):
    con = runner.con
    con.execute("CREATE SCHEMA IF NOT EXISTS jatopic")
    con.execute(f"CREATE OR REPLACE TABLE jatopic.items AS SELECT item_id, title, description FROM read_json("
                f"'{sample / 'items.ndjson'}', format = 'newline_delimited', "
                f"columns = {{'item_id': 'VARCHAR', 'title': 'VARCHAR', 'description': 'VARCHAR'}})")
    con.execute(f"CREATE OR REPLACE TABLE jatopic.views AS SELECT user_id, item_id, "
                f"CAST(viewed_at AS TIMESTAMP) AS viewed_at FROM read_json('{sample / 'views.ndjson'}', "
                f"format = 'newline_delimited', columns = {{'user_id': 'VARCHAR', 'item_id': 'VARCHAR', "
                f"'viewed_at': 'TIMESTAMPTZ'}})")
    pipe.item_id_type = pipe.user_id_type = "VARCHAR"
    return con.execute("SELECT max(viewed_at) FROM jatopic.views").fetchone()[0]


def make_search_candidates(con, n_items: int, n_users: int, seed: int):
    """N/100 searches of 20 candidates: the text is the start of a random
    item's title, half of the searches by a known user."""
    rng = random.Random(seed)
    n_queries = max(10, n_items // 100)
    titles = con.execute(f"SELECT title FROM jatopic.items USING SAMPLE {n_queries} ROWS "
                         f"(reservoir, {seed})").fetchall()
    ids = [r[0] for r in con.execute("SELECT item_id FROM jatopic.items").fetchall()]
    users = [r[0] for r in con.execute("SELECT DISTINCT user_id FROM jatopic.views ORDER BY 1").fetchall()]
    rows = []
    for q, (title,) in enumerate(titles):
        text = (title or "")[: rng.randint(4, 12)]
        user = rng.choice(users) if users and rng.random() < 0.5 else None
        for item in rng.sample(ids, min(20, len(ids))):
            rows.append({"query_id": q, "query_text": text, "user_id": user, "item_id": item,
                         "base_score": round(rng.uniform(1, 10), 3)})
    return rows


def recall_at(con, approx: str, exact: str, key: str, value: str) -> float:
    """Mean over keys of |approx top-10 ∩ exact top-10| / |exact top-10|."""
    row = con.execute(
        f"WITH e AS (SELECT {key} AS k, {value} AS v FROM {exact} WHERE rank <= 10), "
        f"a AS (SELECT {key} AS k, {value} AS v FROM {approx} WHERE rank <= 10), "
        f"per AS (SELECT e.k, count(a.v) * 1.0 / count(*) AS r FROM e LEFT JOIN a ON a.k = e.k AND a.v = e.v "
        f"GROUP BY e.k) SELECT avg(r), count(*) FROM per").fetchone()
    return float(row[0]) if row[1] else float("nan")


def old_query(name: str) -> str | None:
    try:
        return subprocess.run(["git", "-C", str(REPO), "show", f"{OLD_COMMIT}:{OLD_QUERIES[name]}"],
                              check=True, capture_output=True, text=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None


def bench_size(n: int, a, pkg: Path, out: Path, log) -> dict:
    users = max(1, n // 10)
    rec: dict = {"items": n, "users": users, "stages": {}}
    st = rec["stages"]
    sample = out / f"sample-{n}"
    log(f"== {n} items, {users} users")
    seconds, rss = run_child([a.jatopic, "sample", "--out", str(sample), "--items", str(n), "--users", str(users)])
    st["sample"] = {"seconds": seconds, "peak_rss_mb": rss}
    log(f"   sample: {seconds:.1f} s, peak RSS {rss:.0f} MB")
    sandbox = sp.ParallelSandbox(a.workers)
    runner = sp.Runner(sandbox, str(pkg), vector_search="index", exact_engine="numpy", workdir=str(out))
    runner.con.execute(f"SET memory_limit = '{a.duckdb_memory}'")
    try:
        pipe = sp.Pipeline(runner)
        as_of = timed(st, "load", lambda: load_sample(runner, pipe, sample), log)
        rec["views"] = runner.con.execute("SELECT count(*) FROM jatopic.views").fetchone()[0]
        qp = sp.Params(top_n=10, candidates=a.candidates, similar_candidates=a.similar_candidates,
                       personal_weight=0.5).query_parameters(as_of)
        timed(st, "item_topics", pipe.item_topics, log)
        call = sandbox.calls[-1]
        rec["sandbox"] = {"workers": call["workers"], "docs": call["rows"],
                          "docs_per_s_per_worker": [w["rows"] / w["seconds"] for w in call["workers"]],
                          "docs_per_s_total": call["rows"] / st["item_topics"]["seconds"]}
        log(f"   ja_topics: {call['rows']} docs, per worker "
            + ", ".join(f"{w['rows'] / w['seconds']:.0f} docs/s (peak {w['max_rss_kb'] / 1024:.0f} MB)"
                        for w in call["workers"]))
        timed(st, "user_topics", lambda: pipe.run_table("user_topics.sql", "user_topics_table", qp), log)
        timed(st, "recommendations", lambda: pipe.run_table("recommendations.sql", "recommendations_table", qp),
              log)
        rec["recommendations_search"] = runner.vector_search_calls[-1].__dict__
        timed(st, "similar_items", lambda: pipe.run_table("similar_items.sql", "similar_items_table", qp), log)
        rec["similar_items_search"] = runner.vector_search_calls[-1].__dict__
        cands = make_search_candidates(runner.con, n, users, seed=n)
        pipe.load_candidates(cands)
        rows = timed(st, "search_boost", lambda: runner.run_file(sp.SQL_DIR / "search_boost.sql", pipe.ids, qp), log)
        rec["search_candidates"] = len(rows)
        rec["rows"] = {k: pipe.count(f"{k}_table") for k in
                       ("item_topics", "item_vectors", "user_topics", "recommendations", "similar_items")}

        if n <= a.exact_max or a.recall_sample > 0:
            con = runner.con
            sample_queries = None if n <= a.exact_max else a.recall_sample
            log("   recall@10 of the approximate search against exact"
                + (f" (exact on a sample of {sample_queries} queries):" if sample_queries else ":"))
            saved = {}
            # The approximate engine also where BigQuery would still search exactly (small tables).
            runner.index_min_bytes = 0
            for name in ("recommendations", "similar_items"):
                t0 = time.perf_counter()
                pipe.run_table(f"{name}.sql", f"{name}_table", qp)
                saved[name] = {"approx_seconds": time.perf_counter() - t0,
                               "engine": runner.vector_search_calls[-1].engine}
                con.execute(f"CREATE OR REPLACE TABLE jatopic.{name}_approx AS SELECT * FROM jatopic.{name}")
            runner.vector_search, runner.exact_query_sample = "exact", sample_queries
            for name in ("recommendations", "similar_items"):
                t0 = time.perf_counter()
                pipe.run_table(f"{name}.sql", f"{name}_table", qp)
                saved[name]["exact_seconds"] = time.perf_counter() - t0
            runner.vector_search, runner.index_min_bytes = "index", vse.INDEX_MIN_BYTES
            runner.exact_query_sample = None
            saved["recommendations"]["recall_at_10"] = recall_at(
                con, "jatopic.recommendations_approx", "jatopic.recommendations", "user_id", "item_id")
            saved["similar_items"]["recall_at_10"] = recall_at(
                con, "jatopic.similar_items_approx", "jatopic.similar_items", "item_id", "similar_item_id")
            for name in saved:
                saved[name]["exact_queries"] = "all" if sample_queries is None else sample_queries
            rec["recall"] = saved
            for name, s in saved.items():
                log(f"     {name}: {s['recall_at_10']:.4f} (approximate {s['approx_seconds']:.1f} s, "
                    f"exact {s['exact_seconds']:.1f} s)")

        if n <= a.old_max:
            rec["old_cross_join"] = {}
            for name in ("recommendations", "similar_items"):
                text = old_query(name)
                if text is None:
                    log(f"   old {name}: not in git ({OLD_COMMIT}), skipped")
                    continue
                with PeakRSS() as rss:
                    t0 = time.perf_counter()
                    runner.run_sql(text, pipe.ids, qp)
                    seconds = time.perf_counter() - t0
                rec["old_cross_join"][name] = {"seconds": seconds, "peak_rss_mb": rss.peak_kb / 1024}
                log(f"   old cross-join {name}: {seconds:.1f} s, peak RSS {rss.peak_kb / 1024:.0f} MB")
    finally:
        runner.close()
        if not a.keep_samples:
            import shutil

            shutil.rmtree(sample, ignore_errors=True)
    rec["total_seconds"] = sum(s["seconds"] for s in st.values())
    log(f"   total {rec['total_seconds']:.1f} s")
    return rec


def fit_exponent(sizes: list[int], seconds: list[float]) -> float | None:
    pts = [(math.log(n), math.log(max(s, 1e-3))) for n, s in zip(sizes, seconds)]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sxx if sxx else None


def report(results: list[dict], out: Path, min_fit: int) -> dict:
    fit_sizes = [r for r in results if r["items"] >= min_fit]
    exponents = {s: fit_exponent([r["items"] for r in fit_sizes], [r["stages"][s]["seconds"] for r in fit_sizes])
                 for s in STAGES}
    lines = ["| stage | " + " | ".join(f"{r['items']:,} items / {r['users']:,} users" for r in results)
             + " | exponent |", "|---|" + "---:|" * (len(results) + 1)]
    for s in STAGES:
        cells = [f"{r['stages'][s]['seconds']:.1f} s, {r['stages'][s]['peak_rss_mb']:.0f} MB" for r in results]
        e = exponents[s]
        lines.append(f"| {s} | " + " | ".join(cells) + f" | {'' if e is None else f'{e:.2f}'} |")
    lines.append("| **total** | " + " | ".join(f"{r['total_seconds']:.1f} s" for r in results) + " | |")
    old = ["", "| old cross-join query | " + " | ".join(f"{r['items']:,}" for r in results) + " |",
           "|---|" + "---:|" * len(results)]
    for name in ("recommendations", "similar_items"):
        old.append(f"| {name} | " + " | ".join(
            f"{r['old_cross_join'][name]['seconds']:.1f} s" if name in r.get("old_cross_join", {}) else "not run"
            for r in results) + " |")
    rc = ["", "| recall@10 approximate vs exact | " + " | ".join(f"{r['items']:,}" for r in results) + " |",
          "|---|" + "---:|" * len(results)]
    for name in ("recommendations", "similar_items"):
        rc.append(f"| {name} | " + " | ".join(
            (f"{r['recall'][name]['recall_at_10']:.4f}"
             + ("" if r["recall"][name].get("exact_queries", "all") == "all"
                else f" ({r['recall'][name]['exact_queries']:,} sampled queries)"))
            if "recall" in r else "exact not run" for r in results) + " |")
    rc.append("| search engine of the pipeline run | " + " | ".join(
        "exact (below the index minimum)" if r["recommendations_search"]["engine"].startswith("exact")
        else "index (approximate)" for r in results) + " |")
    sb = ["", "| ja_topics sandbox | " + " | ".join(f"{r['items']:,}" for r in results) + " |",
          "|---|" + "---:|" * len(results),
          "| docs/s per worker | " + " | ".join(
              ", ".join(f"{x:.0f}" for x in r["sandbox"]["docs_per_s_per_worker"]) for r in results) + " |",
          "| docs/s all workers | " + " | ".join(f"{r['sandbox']['docs_per_s_total']:.0f}" for r in results) + " |"]
    md = "\n".join(lines + old + rc + sb) + "\n"
    (out / "results.md").write_text(md, encoding="utf-8")
    summary = {"results": results, "exponents": exponents, "fit_min_items": min_fit}
    (out / "results.json").write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 5))
        ns = [r["items"] for r in results]
        for s in STAGES:
            e = exponents[s]
            ax.plot(ns, [r["stages"][s]["seconds"] for r in results], marker="o",
                    label=f"{s} (slope {e:.2f})" if e is not None else s)
        for name, style in (("recommendations", "--"), ("similar_items", ":")):
            pts = [(r["items"], r["old_cross_join"][name]["seconds"]) for r in results
                   if name in r.get("old_cross_join", {})]
            if pts:
                ax.plot(*zip(*pts), style, marker="x", color="black", label=f"old cross-join {name}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("items (users = items / 10)")
        ax.set_ylabel("seconds")
        ax.set_title("jatopic serving pipeline on DuckDB, 2 cores")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(out / "scale.png", dpi=110)
    except ImportError:
        pass
    return summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000", help="catalogue sizes (items)")
    ap.add_argument("--smoke", action="store_true", help="10^3 items only, a tiny model (seconds)")
    ap.add_argument("--workers", type=int, default=2, help="sandbox workers running ja_topics at once")
    ap.add_argument("--candidates", type=int, default=sp.Params.candidates, help="recommendations.sql @candidates")
    ap.add_argument("--similar-candidates", type=int, default=sp.Params.similar_candidates,
                    help="similar_items.sql @similar_candidates")
    ap.add_argument("--exact-max", type=int, default=100_000,
                    help="largest size whose recall reference searches every query exactly")
    ap.add_argument("--recall-sample", type=int, default=2_000,
                    help="above --exact-max, the exact reference searches this many query rows "
                         "(users, items) chosen pseudo-randomly; 0 = no recall there")
    ap.add_argument("--old-max", type=int, default=10_000, help="largest size with the old cross joins")
    ap.add_argument("--k", type=int, default=64, help="topics of the benchmark model")
    ap.add_argument("--out", default=str(REPO / "build" / "bench-scale"))
    ap.add_argument("--jatopic", default=str(REPO / "target" / "release" / "jatopic"))
    ap.add_argument("--keep-samples", action="store_true")
    ap.add_argument("--duckdb-memory", default="8GB", help="DuckDB memory_limit (it spills beyond)")
    a = ap.parse_args(argv)
    out = Path(a.out)
    if a.smoke:
        sizes, out, k, iters = [1000], out / "smoke", 16, 30
    else:
        sizes, k, iters = [int(x) for x in a.sizes.split(",")], a.k, 100
    out.mkdir(parents=True, exist_ok=True)

    def log(line):
        print(line, flush=True)

    pkg = make_model(a.jatopic, out, k, iters, log)
    results = []
    for n in sizes:
        results.append(bench_size(n, a, pkg, out, log))
        report(results, out, min_fit=1 if a.smoke else 10_000)  # after every size: partial results survive
    summary = report(results, out, min_fit=1 if a.smoke else 10_000)
    print((out / "results.md").read_text(encoding="utf-8"))
    if a.smoke:
        r = results[0]
        problems = []
        if r["rows"]["recommendations"] == 0 or r["rows"]["similar_items"] == 0:
            problems.append("no recommendations or similar items")
        for name in ("recommendations", "similar_items"):
            if not r.get("recall", {}).get(name, {}).get("recall_at_10", 0) > 0.5:
                problems.append(f"{name}: recall@10 {r.get('recall', {}).get(name)}")
        if set(r.get("old_cross_join", {})) != {"recommendations", "similar_items"}:
            problems.append("the old cross-join queries did not run")
        if problems:
            print("bench-scale smoke FAILED: " + "; ".join(problems), file=sys.stderr)
            return 1
        print("== bench-scale smoke passed")
    print(f"== results in {out}/results.md, results.json" + (", scale.png" if (out / "scale.png").exists() else ""))
    return 0 if summary else 1


if __name__ == "__main__":
    sys.exit(main())
