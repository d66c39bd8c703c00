"""Smoke test of the end-to-end demo (scripts/demo.py --smoke) and of the
determinism of `jatopic sample`. Needs `make build wasm` (the release binary
and build/jatopic-tokenizer.js) and js/node_modules; runs in seconds.

    build/venv-sql/bin/python -m pytest tests/demo -q
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
JATOPIC = REPO / "target" / "release" / "jatopic"
DEMO = REPO / "scripts" / "demo.py"
BUDGET = 1_000_000

needs_build = pytest.mark.skipif(
    not JATOPIC.exists() or not (REPO / "build" / "jatopic-tokenizer.js").exists(),
    reason="run `make build wasm` first (target/release/jatopic, build/jatopic-tokenizer.js)",
)


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    web = out / "web"
    proc = subprocess.run(
        [sys.executable, str(DEMO), "--smoke", "--out", str(out), "--web", str(web)],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=300,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return out, web, proc


@needs_build
def test_smoke_demo_completes(smoke_run):
    out, web, proc = smoke_run
    assert proc.returncode == 0, f"demo failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    for n in range(1, 9):
        assert f"== [{n}/8]" in proc.stdout
    assert "SYNTHETIC" in proc.stdout
    assert "deploy.sh" in proc.stdout
    assert (out / "report.html").stat().st_size > 10_000
    assert (web / "index.html").exists()


@needs_build
def test_summary_has_every_figure(smoke_run):
    out, _, proc = smoke_run
    assert proc.returncode == 0, proc.stderr[-4000:]
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s["synthetic"] is True and s["data"]["synthetic"] is True
    assert s["settings"]["smoke"] is True
    ev = s["evaluation"]
    for key in ("heldout_log_likelihood", "mean_npmi", "diversity", "nmi", "purity", "documents"):
        assert isinstance(ev[key], (int, float)), key
    assert 0 <= ev["nmi"] <= 1 and 0 <= ev["purity"] <= 1
    model = s["model"]
    assert model["k"] == 8 and model["iterations"] == 50
    assert len(model["curve"]) >= 10 and model["curve"][-1][0] == 50
    rec = s["recommendations"]
    for key in ("hit_rate_similarity", "hit_rate_chosen", "hit_rate_popular", "popularity_weight"):
        assert isinstance(rec[key], (int, float)), key
    for key in ("ratio_similarity", "ratio_chosen"):
        assert key in rec
    assert rec["users"] > 0 and len(rec["validation"]) >= 2
    assert s["pipeline"]["item_topics"] == s["data"]["items"]
    assert s["pipeline"]["recommendations"] > 0 and s["pipeline"]["similar_items"] > 0
    assert s["web"]["transfer_bytes"] <= 2_000_000
    names = " | ".join(t["name"] for t in s["targets"])
    for needle in ("NMI", "pure topic similarity", "chosen setting", "library file", "run time"):
        assert needle in names
    assert all(isinstance(t["met"], bool) for t in s["targets"])
    for step in range(1, 9):
        assert any(k.startswith(f"{step}.") for k in s["timings_s"]), step
    for key, rel in s["artifacts"].items():
        path = Path(rel) if Path(rel).is_absolute() else REPO / rel
        assert path.exists(), f"{key}: {path}"


@needs_build
def test_package_files_within_budget(smoke_run):
    out, _, proc = smoke_run
    assert proc.returncode == 0, proc.stderr[-4000:]
    manifest = json.loads((out / "package" / "manifest.json").read_text(encoding="utf-8"))
    files = [f["path"] for f in manifest["files"]]
    assert any("model" in f for f in files) and any("tokenizer" in f for f in files)
    for f in files:
        size = (out / "package" / f).stat().st_size
        assert size <= BUDGET, f"{f}: {size} bytes"
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s["package"]["all_within_budget"] is True
    assert s["package"]["max_library_bytes"] <= BUDGET


@needs_build
def test_report_is_self_contained(smoke_run):
    out, _, proc = smoke_run
    assert proc.returncode == 0, proc.stderr[-4000:]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "SYNTHETIC" in html
    assert "<script" not in html.lower()
    assert "http://" not in html.replace("http://127.0.0.1", "").replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
    assert html.count("<svg") >= 6


def _sample(out: Path, seed: int) -> dict[str, bytes]:
    subprocess.run([str(JATOPIC), "sample", "--out", str(out), "--seed", str(seed), "--items", "200",
                    "--users", "40"], check=True, capture_output=True)
    return {name: (out / name).read_bytes() for name in ("items.ndjson", "views.ndjson", "README.txt")}


@needs_build
def test_sample_is_deterministic_per_seed(tmp_path):
    a = _sample(tmp_path / "a", 7)
    b = _sample(tmp_path / "b", 7)
    c = _sample(tmp_path / "c", 8)
    assert a == b
    assert a["items.ndjson"] != c["items.ndjson"]
    assert a["views.ndjson"] != c["views.ndjson"]
    first = json.loads(a["items.ndjson"].splitlines()[0])
    assert first["synthetic"] is True
