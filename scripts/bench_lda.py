#!/usr/bin/env python3
"""LDA benchmark: jatopic's topic-model training against tomotopy and gensim.

    python3 scripts/bench_lda.py --jatopic target/release/jatopic --shared ../shared \
        [--corpora libreoffice,train] [--ks 50,100] [--iterations 200] [--threads 2] \
        [--max-docs N] [--quick]

What it does (details in the report it writes):
  * corpora: `libreoffice` = ../shared/topics/libreoffice_help.tsv (one document per
    row); `train` = ../shared/corpus/train/*.txt cut into documents of 20 consecutive
    non-empty lines. Every 10th document (index % 10 == 9) is held out.
  * shared preprocessing (not timed): `jatopic terms` once per corpus; after the first
    jatopic model, both splits are restricted to its vocabulary (`jatopic terms --model --known-only`).
  * per corpus x K: jatopic (Gibbs, --threads T), tomotopy LDAModel (Gibbs, workers=T),
    gensim LdaMulticore (online VB, workers=T-1 plus the master process). Each run is a
    separate child process: wall time from time.perf_counter, peak RSS from os.wait4.
  * every model is scored by the same evaluator, `jatopic eval` (tomotopy's and gensim's
    topic-word tables through --phi/--alpha): held-out log-likelihood per token
    (document completion), NPMI and diversity; NPMI/diversity are recomputed here
    from each model's top words as a cross-check.
  * jatopic is also trained at 10/20/50/100 iterations to find the time it needs to
    reach gensim's held-out log-likelihood.

Outputs: build/bench-lda/{report.md,results.json,<corpus>/...}; the report also goes to
stdout, progress to stderr. The script installs its Python dependencies into
build/venv-bench (scripts/requirements-bench.txt, exact pins) and re-executes itself
there. Without ../shared it prints "skipped" and exits 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "build" / "venv-bench"
REQUIREMENTS = ROOT / "scripts" / "requirements-bench.txt"
DOC_LINES = 20  # `train` corpus: non-empty lines per document
LADDER = (10, 20, 50, 100)  # extra jatopic iteration counts for time-to-gensim-LL
NPMI_TOP_N = 10  # as `jatopic eval --top-n` default
DIVERSITY_TOP_N = 25  # as jatopic's diversity
T0 = time.perf_counter()


def log(msg: str) -> None:
    print(f"[bench-lda {time.perf_counter() - T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- venv


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def ensure_venv_and_reexec() -> None:
    """Creates build/venv-bench (once), installs the pinned requirements (again only
    when scripts/requirements-bench.txt changed), then re-executes this script there."""
    py = VENV / "bin" / "python"
    stamp = VENV / ".requirements.sha256"
    want = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if not py.exists():
        log(f"creating venv {VENV.relative_to(ROOT)} with {sys.executable}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not stamp.exists() or stamp.read_text().strip() != want:
        log(f"installing {REQUIREMENTS.relative_to(ROOT)} into the venv (first time only; a few minutes)")
        subprocess.run([str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                        "-r", str(REQUIREMENTS)], check=True, stdout=sys.stderr)
        stamp.write_text(want + "\n")
    log("re-executing inside the venv")
    os.execv(str(py), [str(py), str(Path(__file__).resolve())] + sys.argv[1:])


# --------------------------------------------------------------------------- child processes


def _tree_pids(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def _tree_pss_kb(pid: int) -> int:
    total = 0
    for p in _tree_pids(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def _gnu_time() -> str | None:
    """/usr/bin/time if it is GNU time (supports -f/-o)."""
    exe = "/usr/bin/time"
    if not os.access(exe, os.X_OK):
        return None
    p = subprocess.run([exe, "-f", "%M", "-o", "/dev/null", "true"], capture_output=True)
    return exe if p.returncode == 0 else None


GNU_TIME = _gnu_time()


def run_measured(cmd: list[str], stdout_path: Path | None = None, sample_tree: bool = False) -> dict:
    """Runs `cmd` as its own child process. Wall time by time.perf_counter around it.
    Peak RSS: `/usr/bin/time -f %M` (ru_maxrss as GNU time's wait4 sees it) when present,
    else os.wait4 on the child directly. The launcher matters: Python starts children with
    vfork/fork, and Linux keeps the forked image's high-water mark across exec, so a child
    of this (large) Python process would report this process's RSS as its own peak; GNU
    time is a tiny launcher. For a child with children of its own (gensim), ru_maxrss is the
    largest single process; with sample_tree the summed PSS of the whole process tree is
    also sampled every 0.2 s."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    rss_file = None
    if GNU_TIME:
        fd, rss_file = tempfile.mkstemp(prefix="bench-lda-rss-")
        os.close(fd)
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_file, *cmd]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
    peak_tree = [0]
    done = threading.Event()

    def sampler() -> None:
        while not done.wait(0.2):
            peak_tree[0] = max(peak_tree[0], _tree_pss_kb(proc.pid))

    th = threading.Thread(target=sampler, daemon=True) if sample_tree else None
    if th:
        th.start()
    stderr = proc.stderr.read().decode("utf-8", "replace")
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    if th:
        th.join()
    if stdout_path:
        out.close()
    if proc.returncode != 0:
        sys.stderr.write(stderr)
        raise SystemExit(f"bench-lda: command failed ({proc.returncode}): {' '.join(map(str, cmd))}")
    peak_kb, method = ru.ru_maxrss, "os.wait4"
    if rss_file:
        with open(rss_file) as f:
            peak_kb, method = int(f.read().split()[-1]), "/usr/bin/time -f %M"
        os.unlink(rss_file)
    res = {"wall_s": wall, "peak_rss_mb": peak_kb / 1024.0, "peak_rss_method": method, "stderr": stderr}
    if sample_tree:
        res["tree_pss_peak_mb"] = peak_tree[0] / 1024.0
    return res


def run(cmd: list[str], stdout_path: Path | None = None) -> str:
    """Untimed helper run; returns stdout when not redirected to a file."""
    if stdout_path:
        with open(stdout_path, "wb") as f:
            p = subprocess.run(cmd, stdout=f, stderr=subprocess.PIPE)
        out = ""
    else:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out = p.stdout.decode("utf-8")
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"bench-lda: command failed ({p.returncode}): {' '.join(map(str, cmd))}")
    return out


def best_of(runs: list[dict], key: str) -> dict:
    """With --repeat N: the run with the smallest `key`, all times and the largest peak RSS."""
    best = dict(min(runs, key=lambda r: r[key]))
    if len(runs) > 1:
        best[f"{key}_all"] = [r[key] for r in runs]
        best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    return best


# --------------------------------------------------------------------------- corpora


def write_docs(corpus: str, shared: Path, out: Path, max_docs: int | None) -> int:
    """build/bench-lda/<corpus>/docs.ndjson with {id, text}; returns the document count."""
    docs: list[dict] = []
    if corpus == "libreoffice":
        with open(shared / "topics" / "libreoffice_help.tsv", encoding="utf-8") as f:
            header = f.readline().rstrip("\n").split("\t")
            assert header == ["module", "file", "text"], header
            for i, line in enumerate(f):
                module, file, text = line.rstrip("\n").split("\t", 2)
                docs.append({"id": f"{i:05d}", "module": module, "file": file, "text": text})
    elif corpus == "train":
        for path in sorted((shared / "corpus" / "train").glob("*.txt")):
            with open(path, encoding="utf-8") as f:
                lines = [ln.strip() for ln in f]
            lines = [ln for ln in lines if ln]
            for j in range(0, len(lines), DOC_LINES):
                docs.append({"id": f"{path.stem}/{j // DOC_LINES:06d}",
                             "text": "\n".join(lines[j:j + DOC_LINES])})
    else:
        raise SystemExit(f"bench-lda: unknown corpus {corpus!r} (libreoffice, train)")
    if max_docs:
        docs = docs[:max_docs]
    with open(out, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    return len(docs)


def split_terms(all_terms: Path, n_docs: int, train: Path, heldout: Path) -> tuple[int, int]:
    """Splits `jatopic terms` output (one line per document, in input order):
    document index % 10 == 9 is held out."""
    n_train = n_held = 0
    with open(all_terms, encoding="utf-8") as f, open(train, "w", encoding="utf-8") as tr, \
            open(heldout, "w", encoding="utf-8") as ho:
        for i, line in enumerate(f):
            if i % 10 == 9:
                ho.write(line)
                n_held += 1
            else:
                tr.write(line)
                n_train += 1
    if n_train + n_held != n_docs:
        raise SystemExit(f"bench-lda: jatopic terms gave {n_train + n_held} documents for {n_docs}")
    return n_train, n_held


def read_terms(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["terms"] for line in f]


# --------------------------------------------------------------------------- workers (child Python)


def worker_main(argv: list[str]) -> None:
    """`bench_lda.py _worker TOOL ...`: trains one Python tool in this (isolated)
    process and writes PHI.tsv (jatopic vocabulary order), ALPHA.txt and a JSON summary."""
    ap = argparse.ArgumentParser(prog="bench_lda.py _worker")
    ap.add_argument("tool", choices=["tomotopy", "gensim"])
    ap.add_argument("--input", required=True)
    ap.add_argument("--vocab", required=True)
    ap.add_argument("--k", type=int, required=True)
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--passes", type=int, default=10)
    ap.add_argument("--eval-every", type=int, default=0)
    ap.add_argument("--optim-interval", type=int, default=10)
    ap.add_argument("--phi", required=True)
    ap.add_argument("--alpha", required=True)
    ap.add_argument("--summary", required=True)
    a = ap.parse_args(argv)
    import warnings

    import numpy as np

    warnings.filterwarnings("ignore", category=RuntimeWarning)  # tomotopy: "may differ ... workers != 1"
    with open(a.vocab, encoding="utf-8") as f:
        vocab = [ln.rstrip("\n") for ln in f]
    index = {w: i for i, w in enumerate(vocab)}
    summary: dict = {"tool": a.tool}
    if a.tool == "tomotopy":
        import tomotopy as tp
    else:
        import gensim
        from gensim.models import LdaMulticore
    t0 = time.perf_counter()  # imports excluded: the timed part reads the terms and trains
    if a.tool == "tomotopy":
        summary["version"] = tp.__version__
        summary["isa"] = tp.isa
        model = tp.LDAModel(k=a.k, alpha=0.1, eta=0.01, seed=1, min_cf=0, rm_top=0)
        model.optim_interval = a.optim_interval  # 10 = tomotopy's default (α optimised); 0 = fixed
        tokens = 0
        with open(a.input, encoding="utf-8") as f:
            for line in f:
                terms = json.loads(line)["terms"]
                if terms:  # an empty document adds nothing to a Gibbs sampler
                    model.add_doc(terms)
                    tokens += len(terms)
        t1 = time.perf_counter()
        model.train(a.iterations, workers=a.threads)
        t2 = time.perf_counter()
        used = list(model.used_vocabs)
        cols = np.array([index.get(w, -1) for w in used])
        if (cols < 0).any():
            raise SystemExit(f"tomotopy: {int((cols < 0).sum())} terms outside jatopic's vocabulary")
        phi = np.full((a.k, len(vocab)), 0.0)
        for t in range(a.k):
            phi[t, cols] = model.get_topic_word_dist(t)
        missing = len(vocab) - len(set(cols.tolist()))
        if missing:  # never trained on: give them the smoothing mass a Gibbs φ would
            phi[phi == 0.0] = 1e-9
        alpha = np.asarray(model.alpha, dtype=float)
        summary.update(ll_per_word=float(model.ll_per_word), num_words=int(model.num_words),
                       num_docs=len(model.docs), used_vocab=len(used), missing_vocab=missing,
                       parallel="default (tomotopy.ParallelScheme.DEFAULT)",
                       optim_interval=a.optim_interval)
    else:
        summary["version"] = gensim.__version__
        corpus = []
        tokens = 0
        with open(a.input, encoding="utf-8") as f:
            for line in f:
                ids = [index[w] for w in json.loads(line)["terms"]]
                if ids:
                    corpus.append(sorted(Counter(ids).items()))
                    tokens += len(ids)
        id2word = dict(enumerate(vocab))  # gensim ids = jatopic ids: get_topics() columns in vocab order
        t1 = time.perf_counter()
        workers = max(1, a.threads - 1)
        model = LdaMulticore(corpus, id2word=id2word, num_topics=a.k, workers=workers, passes=a.passes,
                             chunksize=2000, alpha="symmetric", eta=None, random_state=1,
                             eval_every=a.eval_every or None)
        t2 = time.perf_counter()
        phi = model.get_topics()
        assert phi.shape == (a.k, len(vocab)), phi.shape
        alpha = np.asarray(model.alpha, dtype=float)
        summary.update(num_docs=len(corpus), workers=workers, passes=a.passes, chunksize=2000,
                       eval_every=a.eval_every or None)
    summary.update(tokens=tokens, load_s=t1 - t0, train_s=t2 - t1, timed_s=t2 - t0,
                   alpha_min=float(alpha.min()), alpha_max=float(alpha.max()),
                   alpha_sum=float(alpha.sum()))
    np.savetxt(a.phi, phi, fmt="%.7g", delimiter="\t")
    with open(a.alpha, "w") as f:
        f.write("\n".join(f"{x:.9g}" for x in alpha) + "\n")
    with open(a.summary, "w") as f:
        json.dump(summary, f)


# --------------------------------------------------------------------------- evaluation helpers


def top_words(phi, n: int) -> list[list[int]]:
    """Ids of each topic's n most probable words (phi: K x V array); ties by id (as jatopic)."""
    import numpy as np

    ids = np.arange(phi.shape[1])
    return [np.lexsort((ids, -row))[:n].tolist() for row in phi]


def npmi_diversity(tops: list[list[int]], tops25: list[list[int]], docs: list[list[int]]) -> tuple[float, float]:
    """Mirror of jatopic's lda_eval: NPMI over document co-occurrence in `docs`
    (the held-out split), -1 for pairs never together, mean over topics; diversity =
    unique fraction among all topics' top 25."""
    wanted = {w for t in tops for w in t}
    df: Counter = Counter()
    co: Counter = Counter()
    for d in docs:
        present = sorted({w for w in d if w in wanted})
        for i, a in enumerate(present):
            df[a] += 1
            for b in present[i + 1:]:
                co[(a, b)] += 1
    import math

    n = max(1, len(docs))
    per_topic = []
    for words in tops:
        s, pairs = 0.0, 0
        for i in range(len(words)):
            for j in range(i + 1, len(words)):
                a, b = min(words[i], words[j]), max(words[i], words[j])
                joint = co[(a, b)] / n
                if joint == 0.0:
                    s += -1.0
                elif joint >= 1.0:
                    s += 1.0
                else:
                    s += math.log(joint / ((df[a] / n) * (df[b] / n))) / -math.log(joint)
                pairs += 1
        per_topic.append(s / max(1, pairs))
    flat = [w for t in tops25 for w in t]
    return sum(per_topic) / len(tops), len(set(flat)) / max(1, len(flat))


def read_phi_tsv(path: Path):
    import numpy as np

    return np.loadtxt(path, delimiter="\t", ndmin=2)


# --------------------------------------------------------------------------- benchmark


def fmt(x, spec: str = ".3f", none: str = "–") -> str:
    return none if x is None else format(x, spec)


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.a = args
        self.j = args.jatopic
        self.out = args.out
        self.results: dict = {}

    def jt(self, *args: str) -> list[str]:
        return [self.j, *args]

    TERMS_IN = ("--input-format", "ndjson", "--terms-field", "terms", "--id-field", "id")

    # ---- jatopic
    def train_jatopic(self, kdir: Path, train_terms: Path, k: int, iters: int) -> dict:
        model = kdir / f"jatopic-i{iters}.jtm"
        log(f"  jatopic train K={k} iterations={iters} threads={self.a.threads}")
        cmd = self.jt("train", "--k", str(k), "--out", str(model), "--iterations", str(iters),
                      "--threads", str(self.a.threads), "--seed", "1", "--min-df", "2",
                      "--max-df", "0.5", "--keep-n", "0", "--log-every", str(max(iters, 1)),
                      *self.TERMS_IN, str(train_terms))
        r = best_of([run_measured(cmd) for _ in range(self.a.repeat)], "wall_s")
        err = r.pop("stderr")
        m = re.search(r"(\d+) tokens, vocabulary (\d+) terms", err)
        s = re.search(r"sampling ([\d.]+) s, ([\d.]+)([kM]?) tokens/s", err)
        ll = re.findall(r"log-likelihood per token (-?[\d.]+)", err)
        r.update(model=str(model), iterations=iters,
                 reported_tokens=int(m.group(1)) if m else None, vocab=int(m.group(2)) if m else None,
                 sampling_s=float(s.group(1)) if s else None,
                 train_ll_per_token=float(ll[-1]) if ll else None)
        if s:
            r["reported_tokens_per_s"] = float(s.group(2)) * {"": 1, "k": 1e3, "M": 1e6}[s.group(3)]
        log(f"    {r['wall_s']:.2f} s wall, peak RSS {r['peak_rss_mb']:.0f} MB; {err.strip().splitlines()[-1]}")
        return r

    def evaluate(self, model: Path, heldout: Path, phi: Path | None = None, alpha: Path | None = None) -> dict:
        cmd = self.jt("eval", "--model", str(model), "--input", str(heldout), *self.TERMS_IN)
        if phi:
            cmd += ["--phi", str(phi), "--alpha", str(alpha)]
        return json.loads(run(cmd))

    # ---- python tools
    def train_python(self, tool: str, kdir: Path, restricted: Path, vocab: Path, k: int) -> dict:
        phi, alpha, summ = kdir / f"{tool}_phi.tsv", kdir / f"{tool}_alpha.txt", kdir / f"{tool}_summary.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "_worker", tool, "--input", str(restricted),
               "--vocab", str(vocab), "--k", str(k), "--iterations", str(self.a.iterations),
               "--threads", str(self.a.threads), "--passes", str(self.a.gensim_passes),
               "--eval-every", str(self.a.gensim_eval_every),
               "--optim-interval", str(self.a.tomotopy_optim_interval),
               "--phi", str(phi), "--alpha", str(alpha), "--summary", str(summ)]
        what = (f"{self.a.iterations} iterations, workers={self.a.threads}" if tool == "tomotopy" else
                f"{self.a.gensim_passes} passes, workers={max(1, self.a.threads - 1)} + master")
        log(f"  {tool} K={k} ({what})")
        reps = []
        for _ in range(self.a.repeat):  # the φ/α scored are the last run's (same settings and seed)
            r = run_measured(cmd, sample_tree=(tool == "gensim"))
            r.pop("stderr")
            r.update(json.loads(summ.read_text()), phi=str(phi), alpha=str(alpha))
            reps.append(r)
        r = best_of(reps, "timed_s")
        r["process_wall_s"] = r.pop("wall_s")
        log(f"    load {r['load_s']:.2f} s + train {r['train_s']:.2f} s (process {r['process_wall_s']:.2f} s), "
            f"peak RSS {r['peak_rss_mb']:.0f} MB")
        return r

    # ---- one corpus
    def corpus(self, name: str) -> dict:
        cdir = self.out / name
        cdir.mkdir(parents=True, exist_ok=True)
        docs = cdir / "docs.ndjson"
        log(f"{name}: writing {docs.relative_to(ROOT) if docs.is_relative_to(ROOT) else docs}")
        n_docs = write_docs(name, self.a.shared, docs, self.a.max_docs)
        log(f"{name}: {n_docs} documents; tokenizing with jatopic terms (shared preprocessing, not timed)")
        t = time.perf_counter()
        all_terms = cdir / "all_terms.ndjson"
        run(self.jt("terms", "--input-format", "ndjson", "--text-field", "text", "--id-field", "id", str(docs)), all_terms)
        tok_s = time.perf_counter() - t
        train_terms, heldout_terms = cdir / "train_terms.ndjson", cdir / "heldout_terms.ndjson"
        n_train, n_held = split_terms(all_terms, n_docs, train_terms, heldout_terms)
        all_terms.unlink()
        log(f"{name}: tokenized in {tok_s:.1f} s; {n_train} training / {n_held} held-out documents")
        cres = {"documents": n_docs, "train_documents": n_train, "heldout_documents": n_held,
                "tokenize_s": tok_s, "ks": {}}
        restricted: dict = {}  # vocab hash -> (train restricted, heldout restricted, tokens, vocab path, V)
        for k in self.a.ks:
            kdir = cdir / f"k{k}"
            kdir.mkdir(exist_ok=True)
            log(f"{name} K={k}")
            ladder = [n for n in self.a.ladder if n < self.a.iterations] + [self.a.iterations]
            runs = {self.a.iterations: self.train_jatopic(kdir, train_terms, k, self.a.iterations)}
            full = runs[self.a.iterations]
            model = Path(full["model"])
            vocab_txt = run(self.jt("vocab", "--model", str(model)))
            key = hashlib.sha256(vocab_txt.encode()).hexdigest()
            if key not in restricted:
                vpath = cdir / f"vocab-{key[:12]}.txt"
                vpath.write_text(vocab_txt, encoding="utf-8")
                rtrain, rheld = cdir / f"train_restricted-{key[:12]}.ndjson", cdir / f"heldout_restricted-{key[:12]}.ndjson"
                log(f"  restricting both splits to the model's vocabulary (jatopic terms --model --known-only)")
                run(self.jt("terms", "--model", str(model), "--known-only", *self.TERMS_IN, str(train_terms)), rtrain)
                run(self.jt("terms", "--model", str(model), "--known-only", *self.TERMS_IN, str(heldout_terms)), rheld)
                with open(rtrain, encoding="utf-8") as f:
                    tokens = sum(len(json.loads(line)["terms"]) for line in f)
                restricted[key] = (rtrain, rheld, tokens, vpath, len(vocab_txt.splitlines()))
            rtrain, rheld, tokens, vpath, V = restricted[key]
            if full.get("reported_tokens") not in (None, tokens):
                log(f"  note: jatopic train reported {full['reported_tokens']} tokens, restricted terms count {tokens}")
            vocab = vpath.read_text(encoding="utf-8").splitlines()
            vindex = {w: i for i, w in enumerate(vocab)}
            held_ids = [[vindex[w] for w in d] for d in read_terms(rheld)]
            log(f"  {tokens} training tokens after vocabulary filtering, V = {V}")

            tools: dict = {}
            # jatopic: full run evaluated
            log("  jatopic eval")
            ev = self.evaluate(model, rheld)
            topics = [json.loads(ln) for ln in run(self.jt("topics", "--model", str(model), "--output", "json",
                                                           "--n", str(DIVERSITY_TOP_N))).splitlines() if ln.strip()]
            t25 = [[vindex[w["word"]] for w in t["words"]] for t in topics]
            npmi, div = npmi_diversity([t[:NPMI_TOP_N] for t in t25], t25, held_ids)
            tools["jatopic"] = self.tool_row(full, ev, npmi, div, tokens, self.a.iterations, full["wall_s"])
            tools["jatopic"]["alpha"] = "0.1 (symmetric, fixed)"
            # python tools
            for tool in self.a.tools:
                if tool == "jatopic":
                    continue
                r = self.train_python(tool, kdir, rtrain, vpath, k)
                log(f"  {tool} eval (jatopic eval --phi --alpha)")
                ev = self.evaluate(model, rheld, Path(r["phi"]), Path(r["alpha"]))
                phi_rows = read_phi_tsv(Path(r["phi"]))
                t25 = top_words(phi_rows, DIVERSITY_TOP_N)
                npmi, div = npmi_diversity([t[:NPMI_TOP_N] for t in t25], t25, held_ids)
                mult = self.a.iterations if tool == "tomotopy" else self.a.gensim_passes
                tools[tool] = self.tool_row(r, ev, npmi, div, tokens, mult, r["timed_s"])
                if r["alpha_min"] == r["alpha_max"]:
                    tools[tool]["alpha"] = f"{r['alpha_min']:.4g} (symmetric)"
                else:
                    tools[tool]["alpha"] = f"{r['alpha_min']:.3g}…{r['alpha_max']:.3g} (optimised, sum {r['alpha_sum']:.3g})"
            # ladder for time-to-gensim-LL
            ladder_rows = []
            for n in ladder:
                if n not in runs:
                    runs[n] = self.train_jatopic(kdir, train_terms, k, n)
                ll = tools["jatopic"]["heldout_ll"] if n == self.a.iterations else \
                    self.evaluate(Path(runs[n]["model"]), rheld)["heldout_log_likelihood"]
                ladder_rows.append({"iterations": n, "wall_s": runs[n]["wall_s"], "heldout_ll": ll,
                                    "peak_rss_mb": runs[n]["peak_rss_mb"]})
                log(f"    ladder: {n} iterations -> held-out LL {ll:.5f} ({runs[n]['wall_s']:.2f} s)")
            cres["ks"][str(k)] = {"K": k, "tokens": tokens, "vocab": V, "tools": tools,
                                  "jatopic_ladder": ladder_rows,
                                  "ratios": self.ratios(tools, ladder_rows, tokens, V, k)}
            self.results.setdefault("corpora", {})[name] = cres
            self.write_outputs()  # partial results survive an interrupted long run
        return cres

    @staticmethod
    def tool_row(r: dict, ev: dict, npmi: float, div: float, tokens: int, mult: int, seconds: float) -> dict:
        row = {"wall_s": seconds, "tokens_per_s": tokens * mult / seconds if seconds > 0 else None,
               "peak_rss_mb": r["peak_rss_mb"], "heldout_ll": ev["heldout_log_likelihood"],
               "mean_npmi": ev["mean_npmi"], "diversity": ev["diversity"],
               "mean_npmi_recomputed": npmi, "diversity_recomputed": div,
               "eval": {k: v for k, v in ev.items() if k != "npmi"}, "run": r}
        if "tree_pss_peak_mb" in r:
            row["tree_pss_peak_mb"] = r["tree_pss_peak_mb"]
        return row

    def ratios(self, tools: dict, ladder: list, tokens: int, V: int, k: int) -> dict:
        j = tools["jatopic"]
        out: dict = {}
        bound_mb = (2 * (8 * tokens + 4 * V * k)) / 2**20 + 200
        out["memory_bound_mb"] = bound_mb
        out["memory_ok"] = j["peak_rss_mb"] <= bound_mb
        if "tomotopy" in tools:
            t = tools["tomotopy"]
            out["jatopic_over_tomotopy_time"] = j["wall_s"] / t["wall_s"]
            out["time_ok"] = out["jatopic_over_tomotopy_time"] <= 1.0
            out["ll_vs_tomotopy_pct"] = 100 * (j["heldout_ll"] - t["heldout_ll"]) / abs(t["heldout_ll"])
            out["ll_ok"] = j["heldout_ll"] >= t["heldout_ll"] - 0.005 * abs(t["heldout_ll"])
        if "gensim" in tools:
            g = tools["gensim"]
            out["ll_vs_gensim_pct"] = 100 * (j["heldout_ll"] - g["heldout_ll"]) / abs(g["heldout_ll"])
            out["ll_vs_gensim_diff"] = j["heldout_ll"] - g["heldout_ll"]
            reach = next((r for r in ladder if r["heldout_ll"] >= g["heldout_ll"]), None)
            out["time_to_gensim_ll"] = reach and {"iterations": reach["iterations"], "wall_s": reach["wall_s"]}
            out["gensim_over_time_to_gensim_ll"] = g["wall_s"] / reach["wall_s"] if reach else None
            out["speed_ok"] = bool(reach) and out["gensim_over_time_to_gensim_ll"] >= 10
        # jatopic eval --phi must rank a table's top words by that table; flag when the
        # evaluator's NPMI disagrees with the recomputation from the exported φ.
        out["npmi_mismatch"] = [n for n, r in tools.items()
                                if abs(r["mean_npmi"] - r["mean_npmi_recomputed"]) > 1e-3]
        return out

    # ---- outputs
    def write_outputs(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "results.json").write_text(json.dumps(self.results, indent=2, ensure_ascii=False) + "\n")
        (self.out / "report.md").write_text(self.report(), encoding="utf-8")

    def report(self) -> str:
        m = self.results["machine"]
        a = self.results["settings"]
        L = ["# LDA benchmark: jatopic vs tomotopy vs gensim", "",
             f"All figures from one run on this machine ({m['cpus']} cores, {m['cpu']}); absolute times are "
             f"machine-dependent"
             + (f"; each timed training run {a['repeat']} times, fastest kept" if a.get("repeat", 1) > 1 else "")
             + f". Load average at start {m['loadavg_start']}"
             + (f", at end {m['loadavg_end']}" if m.get("loadavg_end") else "") + ".", "",
             f"- Date {self.results['date']}; jatopic {self.results['jatopic']['git']} (binary built "
             f"{self.results['jatopic'].get('built')}, sha256 {self.results['jatopic'].get('sha256', '')[:12]}); tomotopy "
             f"{self.results['versions'].get('tomotopy')} ({self.results['versions'].get('tomotopy_isa')}), gensim "
             f"{self.results['versions'].get('gensim')}, numpy {self.results['versions'].get('numpy')}, "
             f"Python {platform.python_version()}.",
             f"- Command: `{a['command']}`",
             f"- jatopic: `train --iterations {a['iterations']} --threads {a['threads']} --seed 1 --min-df 2 "
             f"--max-df 0.5 --keep-n 0` (α=0.1, β=0.01 fixed). Wall = the whole `jatopic train` process "
             f"(reads the terms, builds the vocabulary, samples, writes the model).",
             f"- tomotopy: `LDAModel(k=K, alpha=0.1, eta=0.01, seed=1, min_cf=0, rm_top=0)` "
             + (f"(optim_interval={a['tomotopy_optim_interval']}: tomotopy's default, which optimises α every "
                f"{a['tomotopy_optim_interval']} iterations)" if a['tomotopy_optim_interval'] else
                "(optim_interval=0: α fixed at 0.1, as jatopic's)")
             + f", `train({a['iterations']}, workers={a['threads']})`, "
             f"default parallel scheme. Time = reading the restricted terms + add_doc + train, in the child "
             f"process (interpreter start, imports and φ export excluded).",
             f"- gensim: `LdaMulticore(corpus, id2word, num_topics=K, workers={max(1, a['threads'] - 1)}, "
             f"passes={a['gensim_passes']}, chunksize=2000, alpha='symmetric', eta=None, random_state=1, "
             f"eval_every={a['gensim_eval_every'] or None})` — {a['threads']} cores = "
             f"{max(1, a['threads'] - 1)} worker process + the master. Time = reading + bag-of-words + training "
             f"(same exclusions as tomotopy). eval_every=None skips gensim's perplexity logging, which is not "
             f"training work (gensim's default, 10, would add it to gensim's time).",
             "- Same documents for all three: the training split restricted to jatopic's vocabulary "
             "(`jatopic terms --model --known-only`); tokens = those terms. Every 10th document is held out.",
             "- Scores: one evaluator for all, `jatopic eval` on the restricted held-out split "
             "(tomotopy's and gensim's φ and α through `--phi/--alpha`): held-out log-likelihood per token by "
             "document completion (θ from even-position tokens, odd-position tokens scored), mean NPMI of the "
             f"top {NPMI_TOP_N} words over held-out document co-occurrence, diversity of the top {DIVERSITY_TOP_N}.",
             "- tokens/s = tokens × iterations ÷ seconds (Gibbs); tokens × passes ÷ seconds (gensim). "
             "Peak RSS = ru_maxrss of the tool's own child process, "
             + ("started by `/usr/bin/time -f %M` (a small launcher: a child forked from this Python process "
                "would carry its high-water mark)" if GNU_TIME else
                "from os.wait4 (no GNU time here: includes the high-water mark of this Python process, "
                "forked to start the child — an overestimate)")
             + "; for gensim the largest single process, with the sampled PSS sum of its process tree "
               "alongside.", ""]
        for cname, c in self.results.get("corpora", {}).items():
            L += [f"## {cname}", "",
                  f"{c['documents']} documents ({c['train_documents']} training, {c['heldout_documents']} held out); "
                  f"tokenization (shared, untimed) {c['tokenize_s']:.1f} s.", ""]
            for kk, r in c["ks"].items():
                t = r["tools"]
                L += [f"### {cname}, K = {kk}", "",
                      f"{r['tokens']:,} training tokens, V = {r['vocab']:,}.", "",
                      "| tool | wall s | tokens/s | peak RSS MB | held-out LL/token | mean NPMI | diversity | α |",
                      "|---|---:|---:|---:|---:|---:|---:|---|"]
                for name, row in t.items():
                    rss = fmt(row["peak_rss_mb"], ".0f")
                    if "tree_pss_peak_mb" in row:
                        rss += f" (tree PSS {row['tree_pss_peak_mb']:.0f})"
                    npmi = fmt(row["mean_npmi"], ".4f")
                    div = fmt(row["diversity"], ".3f")
                    if abs(row["mean_npmi"] - row["mean_npmi_recomputed"]) > 1e-3:
                        npmi += f" (φ: {row['mean_npmi_recomputed']:.4f})"
                    if abs(row["diversity"] - row["diversity_recomputed"]) > 1e-3:
                        div += f" (φ: {row['diversity_recomputed']:.3f})"
                    L.append(f"| {name} | {row['wall_s']:.2f} | {row['tokens_per_s']:,.0f} | {rss} | "
                             f"{row['heldout_ll']:.5f} | {npmi} | {div} | {row['alpha']} |")
                q = r["ratios"]
                L += ["", "| check | value | target | met |", "|---|---:|---:|:---:|"]
                yes = lambda b: "yes" if b else "**no**"  # noqa: E731
                if "jatopic_over_tomotopy_time" in q:
                    L.append(f"| jatopic ÷ tomotopy time | {q['jatopic_over_tomotopy_time']:.2f} | ≤ 1.0 | {yes(q['time_ok'])} |")
                    L.append(f"| jatopic LL vs tomotopy LL | {q['ll_vs_tomotopy_pct']:+.2f} % | ≥ −0.5 % | {yes(q['ll_ok'])} |")
                if "ll_vs_gensim_pct" in q:
                    L.append(f"| jatopic LL vs gensim LL | {q['ll_vs_gensim_pct']:+.2f} % ({q['ll_vs_gensim_diff']:+.4f}) | – | – |")
                    reach = q["time_to_gensim_ll"]
                    val = (f"{q['gensim_over_time_to_gensim_ll']:.1f}× ({reach['iterations']} iterations, "
                           f"{reach['wall_s']:.2f} s)") if reach else "not reached"
                    L.append(f"| gensim time ÷ jatopic time to gensim's LL | {val} | ≥ 10 | {yes(q['speed_ok'])} |")
                L.append(f"| jatopic peak RSS ≤ 2×(8×tokens + 4×V×K) B + 200 MB | "
                         f"{t['jatopic']['peak_rss_mb']:.0f} MB ≤ {q['memory_bound_mb']:.0f} MB | bound | {yes(q['memory_ok'])} |")
                L += ["", "jatopic by iterations (time to reach gensim's held-out LL):", "",
                      "| iterations | wall s | held-out LL/token | ≥ gensim |", "|---:|---:|---:|:---:|"]
                g = t.get("gensim", {}).get("heldout_ll")
                for lr in r["jatopic_ladder"]:
                    L.append(f"| {lr['iterations']} | {lr['wall_s']:.2f} | {lr['heldout_ll']:.5f} | "
                             f"{'–' if g is None else ('yes' if lr['heldout_ll'] >= g else 'no')} |")
                if q["npmi_mismatch"]:
                    L += ["", f"Note: `jatopic eval`'s NPMI/diversity differ from the recomputation from the "
                              f"exported φ for {', '.join(q['npmi_mismatch'])} (shown as “φ: …”): the evaluator "
                              f"does not rank those tables' top words by their φ."]
                L.append("")
        return "\n".join(L) + "\n"

    def main(self) -> None:
        import gensim
        import numpy
        import tomotopy

        cpu = "unknown"
        try:
            for line in open("/proc/cpuinfo"):
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        git = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                             capture_output=True, text=True).stdout.strip() or "unknown"
        self.results = {
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": {"cpus": os.cpu_count(), "cpu": cpu, "platform": platform.platform(),
                        "loadavg_start": [round(x, 2) for x in os.getloadavg()]},
            "jatopic": {"binary": self.j, "git": git,
                        "sha256": hashlib.sha256(Path(self.j).read_bytes()).hexdigest(),
                        "built": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(Path(self.j).stat().st_mtime))},
            "versions": {"tomotopy": tomotopy.__version__, "tomotopy_isa": tomotopy.isa,
                         "gensim": gensim.__version__, "numpy": numpy.__version__,
                         "python": platform.python_version()},
            "settings": {"command": self.a.command, "corpora": self.a.corpora, "ks": self.a.ks,
                         "iterations": self.a.iterations, "threads": self.a.threads, "max_docs": self.a.max_docs,
                         "repeat": self.a.repeat, "ladder": self.a.ladder,
                         "quick": self.a.quick, "gensim_passes": self.a.gensim_passes,
                         "gensim_eval_every": self.a.gensim_eval_every,
                         "tomotopy_optim_interval": self.a.tomotopy_optim_interval,
                         "heldout": "document index % 10 == 9", "train_doc_lines": DOC_LINES},
        }
        for c in self.a.corpora:
            self.corpus(c)
        self.results["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        self.results["elapsed_s"] = time.perf_counter() - T0
        self.write_outputs()
        sys.stdout.write(self.report())
        log(f"done in {time.perf_counter() - T0:.0f} s; wrote {self.out / 'report.md'} and {self.out / 'results.json'}")


def parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jatopic", default=str(ROOT / "target" / "release" / "jatopic"))
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--corpora", default="libreoffice,train", help="comma-separated: libreoffice, train")
    ap.add_argument("--ks", default="50,100", help="comma-separated topic counts")
    ap.add_argument("--iterations", type=int, default=200, help="Gibbs iterations (jatopic, tomotopy)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-docs", type=int, default=None, help="cap on documents per corpus")
    ap.add_argument("--quick", action="store_true", help="smoke test: libreoffice, K=20, 50 iterations")
    ap.add_argument("--ladder", default=",".join(map(str, LADDER)),
                    help="extra jatopic iteration counts for time-to-gensim-LL (below --iterations)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run each timed training N times and keep the fastest (default 1: one run)")
    ap.add_argument("--tools", default="jatopic,tomotopy,gensim")
    ap.add_argument("--gensim-passes", type=int, default=10)
    ap.add_argument("--gensim-eval-every", type=int, default=0,
                    help="gensim's eval_every (0 = None: no perplexity logging during training)")
    ap.add_argument("--tomotopy-optim-interval", type=int, default=10,
                    help="tomotopy's optim_interval (10 = its default; 0 = keep α fixed at 0.1)")
    ap.add_argument("--out", default=str(ROOT / "build" / "bench-lda"))
    a = ap.parse_args(argv)
    a.command = "python3 scripts/bench_lda.py " + " ".join(argv)
    if a.quick:
        a.corpora, a.ks, a.iterations = "libreoffice", "20", 50
    a.corpora = [c for c in a.corpora.split(",") if c]
    a.ks = [int(k) for k in a.ks.split(",") if k]
    a.tools = [t for t in a.tools.split(",") if t]
    a.ladder = sorted({int(n) for n in a.ladder.split(",") if n})
    if "jatopic" not in a.tools:
        a.tools.insert(0, "jatopic")
    for c in a.corpora:
        if c not in ("libreoffice", "train"):
            ap.error(f"unknown corpus {c!r}")
    for t in a.tools:
        if t not in ("jatopic", "tomotopy", "gensim"):
            ap.error(f"unknown tool {t!r}")
    a.shared = Path(a.shared).resolve()
    a.out = Path(a.out).resolve()
    a.jatopic = str(Path(a.jatopic).resolve())
    return a


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_worker":
        worker_main(sys.argv[2:])
        return
    a = parse_args(sys.argv[1:])
    need = [a.shared / "topics" / "libreoffice_help.tsv" if c == "libreoffice" else a.shared / "corpus" / "train"
            for c in a.corpora]
    if not a.shared.is_dir() or not all(p.exists() for p in need):
        print(f"bench-lda: skipped — {a.shared} (the shared corpora) is not present", file=sys.stderr)
        print(f"LDA benchmark skipped: {a.shared} not found.")
        sys.exit(0)
    if not os.access(a.jatopic, os.X_OK):
        sys.exit(f"bench-lda: {a.jatopic} not found or not executable (build it: cargo build --release)")
    if not in_venv():
        ensure_venv_and_reexec()
    Bench(a).main()


if __name__ == "__main__":
    main()
