"""Tests of sql/*.sql run on DuckDB by scripts/sql_pipeline.py.

Every query runs on small hand-made tables (fixed timestamps, hand-chosen
topic vectors served by a fake UDF evaluator) and its output is compared with
an independent pure-Python implementation of the documented logic, to 1e-9.

    build/venv-sql/bin/python -m pytest tests/sql -q
    build/venv-sql/bin/python -m pytest tests/sql -q --package build/package   # + real sandbox
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

REPO = Path(__file__).resolve().parents[2]
# The UDF contract: the 7-bit text coding and its container in library files.
CONTRACT = json.loads((REPO / "src/bigquery/udf_contract.json").read_text())
sys.path.insert(0, str(REPO / "scripts"))
import sql_pipeline as sp  # noqa: E402

SQL_FILES = sorted((REPO / "sql").glob("*.sql"))
EPS = 1e-9
UTC = dt.timezone.utc
AS_OF = dt.datetime(2025, 3, 1, 0, 0, 0)  # naive UTC, as stored
DAY = dt.timedelta(days=1)

# ----------------------------------------------------------------------------
# Fixture data: items with hand-chosen K=3 topic vectors
# ----------------------------------------------------------------------------

ITEMS = [
    # item_id, title, description, topics (what the fake ja_topics returns)
    ("A", "陶器のマグカップ", "手作りの陶器です", [0.7, 0.2, 0.1]),
    ("B", "革の財布", "丈夫な革", [0.1, 0.8, 0.1]),
    ("C", "ガラスの花瓶", "青いガラス", [0.1, 0.1, 0.8]),
    ("D", "木のスプーン", None, [0.4, 0.4, 0.2]),  # tie for the top topic; NULL description
    ("E", "陶器の茶碗", "手作りの茶碗", [0.7, 0.2, 0.1]),  # same vector as A: score ties
    ("F", "布のバッグ", "帆布", [0.2, 0.3, 0.5]),  # nobody views it
    ("G", "北欧の皿", "白い皿", [0.5, 0.25, 0.25]),
    ("H", "謎の品", "", []),  # empty vector: skipped everywhere
    ("Z", "ゼロ", "ゼロ", [0.0, 0.0, 0.0]),  # all-zero vector
]


def item_text(title, description):
    return (title or "") + "\n" + (description or "")


TOPICS_BY_TEXT = {item_text(t, d): v for _, t, d, v in ITEMS}
QUERIES = {"マグカップ": [0.6, 0.3, 0.1], "財布 革": [0.05, 0.9, 0.05], "謎": None}
TOPICS_BY_TEXT.update({q: v for q, v in QUERIES.items()})
TERMS_BY_TEXT = {item_text(t, d): ([] if i == "H" else [f"{i}1", f"{i}2"]) for i, t, d, _ in ITEMS}


def items_rows():
    return [{"item_id": i, "category": "c", "title": t, "description": d, "price_yen": 1000,
             "synthetic": True} for i, t, d, _ in ITEMS]


def ts(delta: dt.timedelta, fmt: str = "z") -> str:
    t = AS_OF - delta
    if fmt == "+09":
        return (t.replace(tzinfo=UTC).astimezone(dt.timezone(dt.timedelta(hours=9)))).isoformat()
    return t.isoformat() + "Z"


VIEWS = [
    # u1: recent A, B (with +09:00 offset), older repeat A, C outside window, B in the future
    {"user_id": "u1", "item_id": "A", "viewed_at": ts(1 * DAY)},
    {"user_id": "u1", "item_id": "B", "viewed_at": ts(3.5 * DAY, "+09")},
    {"user_id": "u1", "item_id": "A", "viewed_at": ts(10 * DAY)},
    {"user_id": "u1", "item_id": "C", "viewed_at": ts(40 * DAY)},
    {"user_id": "u1", "item_id": "B", "viewed_at": ts(-1 * dt.timedelta(hours=1))},
    # u2: C exactly at as_of (in), D exactly 30 days old (out), G just inside
    {"user_id": "u2", "item_id": "C", "viewed_at": ts(dt.timedelta(0))},
    {"user_id": "u2", "item_id": "D", "viewed_at": ts(30 * DAY)},
    {"user_id": "u2", "item_id": "G", "viewed_at": ts(30 * DAY - dt.timedelta(microseconds=1))},
    # u3: only views outside the window: no profile
    {"user_id": "u3", "item_id": "A", "viewed_at": ts(31 * DAY)},
    {"user_id": "u3", "item_id": "B", "viewed_at": ts(45 * DAY)},
    # u4: an unknown item and the empty-vector item: no profile
    {"user_id": "u4", "item_id": "NOPE", "viewed_at": ts(2 * DAY)},
    {"user_id": "u4", "item_id": "H", "viewed_at": ts(2 * DAY)},
    # u5: fractional days down to the microsecond, and a view of G
    {"user_id": "u5", "item_id": "A", "viewed_at": ts(dt.timedelta(days=2, hours=11, microseconds=123457))},
    {"user_id": "u5", "item_id": "G", "viewed_at": ts(dt.timedelta(days=6, seconds=1))},
    {"user_id": "u5", "item_id": "C", "viewed_at": ts(dt.timedelta(days=20))},
    # u6: only the all-zero item: counted views but no vector
    {"user_id": "u6", "item_id": "Z", "viewed_at": ts(1 * DAY)},
]

CANDIDATES = [
    {"query_id": 1, "query_text": "マグカップ", "item_id": "A", "base_score": 2.0},
    {"query_id": 1, "query_text": "マグカップ", "item_id": "B", "base_score": 2.5},
    {"query_id": 1, "query_text": "マグカップ", "item_id": "E", "base_score": 2.0},
    {"query_id": 1, "query_text": "マグカップ", "item_id": "H", "base_score": 1.0},
    {"query_id": 1, "query_text": "マグカップ", "item_id": "NOPE", "base_score": 3.0},
    {"query_id": 2, "query_text": "財布 革", "item_id": "A", "base_score": 1.0},
    {"query_id": 2, "query_text": "財布 革", "item_id": "B", "base_score": 1.0},
    {"query_id": 2, "query_text": "財布 革", "item_id": "C", "base_score": 0.5},
    {"query_id": 3, "query_text": "謎", "item_id": "A", "base_score": 1.5},
    {"query_id": 3, "query_text": "謎", "item_id": "C", "base_score": 1.5},
]


class FakeUDFs:
    """The UDF evaluator stand-in: hand-chosen values, and a record of calls."""

    def __init__(self):
        self.calls = []

    def __call__(self, package_dir, name, rows):
        self.calls.append((name, [list(r) for r in rows]))
        out = []
        for row in rows:
            text = row[0]
            if text is None:
                out.append(None)
            elif name == "ja_topics":
                out.append(TOPICS_BY_TEXT[text])
            elif name == "ja_terms":
                out.append(TERMS_BY_TEXT[text])
            elif name == "ja_top_topics":
                v = TOPICS_BY_TEXT[text]
                order = sorted(range(len(v)), key=lambda k: (-v[k], k))[: int(row[1])]
                out.append([{"topic": k, "weight": v[k]} for k in order])
            else:
                raise AssertionError(f"unexpected UDF {name}")
        return out


# ----------------------------------------------------------------------------
# Independent reference implementations (plain Python)
# ----------------------------------------------------------------------------


def utc(s: str) -> dt.datetime:
    t = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    return t.astimezone(UTC).replace(tzinfo=None)


def age_days(as_of: dt.datetime, t: dt.datetime) -> float:
    micros = (as_of - t) // dt.timedelta(microseconds=1)
    return micros / 86_400_000_000


def in_window(as_of, t, window_days):
    a = age_days(as_of, t)
    return 0 <= a < window_days


def ref_item_topics(items):
    out = {}
    for item_id, title, desc, _ in items:
        v = TOPICS_BY_TEXT[item_text(title, desc)]
        if v:
            top = max(v)
            k = min(i for i, x in enumerate(v) if x == top)
            out[item_id] = {"topics": v, "top_topic": k, "top_weight": top}
        else:
            out[item_id] = {"topics": v, "top_topic": None, "top_weight": None}
    return out


def ref_user_topics(views, item_vecs, as_of, window_days, half_life):
    acc = {}
    for v in views:
        t = utc(v["viewed_at"])
        vec = item_vecs.get(v["item_id"])
        if not in_window(as_of, t, window_days) or not vec:
            continue
        w = 0.5 ** (age_days(as_of, t) / half_life)
        a = acc.setdefault(v["user_id"], {"sum": [0.0] * len(vec), "n": 0, "last": t})
        a["sum"] = [s + w * x for s, x in zip(a["sum"], vec)]
        a["n"] += 1
        a["last"] = max(a["last"], t)
    out = {}
    for user, a in acc.items():
        total = sum(a["sum"])
        if total > 0:
            out[user] = {"topics": [s / total for s in a["sum"]], "n_views": a["n"], "last_viewed_at": a["last"]}
    return out


def cosine(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def nonzero(v):
    return bool(v) and sum(x * x for x in v) > 0


def ranked(scores: dict, n: int):
    """[(key, score)] by score descending, key ascending; refuses near-ties
    that are not exact (they would make the expected order ambiguous)."""
    order = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    vals = [s for _, s in order]
    for x, y in zip(vals, vals[1:]):
        assert x == y or x - y > 1e-12, "ambiguous test data: near-tie"
    return order[:n]


def percent_rank(counts: dict):
    n = len(counts)
    return {k: (sum(1 for c in counts.values() if c < counts[k]) / (n - 1) if n > 1 else 0.0)
            for k in counts}


def ref_recommendations(views, item_vecs, user_vecs, as_of, window_days, top_n, w):
    windowed = [v for v in views if in_window(as_of, utc(v["viewed_at"]), window_days)]
    cands = {i: vec for i, vec in item_vecs.items() if nonzero(vec)}
    counts = {i: sum(1 for v in windowed if v["item_id"] == i) for i in cands}
    pop = percent_rank(counts)
    out = {}
    for user, u in user_vecs.items():
        if not nonzero(u["topics"]):
            continue
        seen = {v["item_id"] for v in windowed if v["user_id"] == user}
        scores = {i: (1 - w) * cosine(u["topics"], vec) + w * pop[i]
                  for i, vec in cands.items() if i not in seen}
        out[user] = ranked(scores, top_n)
    return out


def ref_similar(item_vecs, top_n, min_sim):
    vecs = {i: v for i, v in item_vecs.items() if nonzero(v)}
    out = {}
    for i, a in vecs.items():
        scores = {j: cosine(a, b) for j, b in vecs.items() if j != i}
        scores = {j: s for j, s in scores.items() if s >= min_sim}
        out[i] = ranked(scores, top_n)
    return out


def ref_search(candidates, item_vecs, boost_weight):
    texts = defaultdict(list)
    for c in candidates:
        texts[c["query_id"]].append(c["query_text"])
    qvec = {q: TOPICS_BY_TEXT[min(t)] for q, t in texts.items()}
    rows = []
    for c in candidates:
        q, iv = qvec[c["query_id"]], item_vecs.get(c["item_id"])
        boost = cosine(q, iv) if q and iv and nonzero(q) and nonzero(iv) else 0.0
        rows.append({**c, "boost": boost, "final_score": c["base_score"] * (1 + boost_weight * boost)})
    out = {}
    for q in texts:
        scores = {r["item_id"]: r["final_score"] for r in rows if r["query_id"] == q}
        out[q] = [(item, s, next(r["boost"] for r in rows if r["query_id"] == q and r["item_id"] == item))
                  for item, s in ranked(scores, len(scores))]
    return out


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------


@pytest.fixture
def fake():
    return FakeUDFs()


@pytest.fixture
def pipe(fake, tmp_path):
    runner = sp.Runner(fake, None, workdir=str(tmp_path))
    p = sp.Pipeline(runner)
    p.load_items(items_rows(), VIEWS, CANDIDATES)
    p.load_views(VIEWS)
    yield p
    runner.close()


def params(**kw):
    base = dict(half_life_days=7.0, window_days=30.0, top_n=10, popularity_weight=0.0,
                min_similarity=0.0, boost_weight=0.5)
    base.update(kw)
    return sp.Params(**base).query_parameters(AS_OF)


def close(a, b):
    if a is None or b is None:
        return a is b
    if isinstance(a, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    return abs(a - b) <= EPS


ITEM_VECS = {i: v for i, _, _, v in ITEMS}


# ----------------------------------------------------------------------------
# Rendering and parsing
# ----------------------------------------------------------------------------


def test_validate_identifiers_accepts_bigquery_names():
    assert sp.validate_identifier("dataset", "my-project.jatopic") == "my-project.jatopic"
    assert sp.validate_identifier("dataset", "jatopic_udfs")
    assert sp.validate_identifier("items_table", "my-project.shop.items")
    assert sp.validate_identifier("items_table", "shop.items-2025")
    assert sp.validate_identifier("items_table", "example.com:my-project.shop.items")
    assert sp.validate_identifier("gcs_uri", "gs://my-bucket/jatopic/terms-*.json")


@pytest.mark.parametrize("name,value", [
    ("dataset", "ds`; DROP TABLE x; --"),
    ("dataset", "ds`"),
    ("dataset", "proj.ds.extra"),
    ("dataset", "my proj.ds"),
    ("dataset", ""),
    ("dataset", "ds\n"),
    ("dataset", "Project.ds"),  # project ids are lowercase
    ("items_table", "ds"),  # needs dataset.table
    ("items_table", "ds.t;"),
    ("items_table", "ds.t` UNION SELECT 1 --"),
    ("items_table", "a.b.c.d"),
    ("items_table", "ds.t/*"),
    ("items_table", "ds.ｔ"),  # full-width letter
    ("gcs_uri", "gs://bucket/x-*.json' OR '1'='1"),
    ("gcs_uri", "s3://bucket/x-*.json"),
    ("gcs_uri", "gs://bucket/../x-*.json"),
    ("gcs_uri", "gs://bucket/x y-*.json"),
    ("items_table", 42),
])
def test_validate_identifiers_rejects_injection(name, value):
    with pytest.raises(sp.RenderError):
        sp.validate_identifier(name, value)


def test_render_checks_every_placeholder():
    sql = "SELECT * FROM `{{items_table}}` WHERE uri = '{{gcs_uri}}'"
    out = sp.render(sql, {"items_table": "p-roject.ds.items", "gcs_uri": "gs://bk1/x-*.json"})
    assert out == "SELECT * FROM `p-roject.ds.items` WHERE uri = 'gs://bk1/x-*.json'"
    with pytest.raises(sp.RenderError, match="no value"):
        sp.render(sql, {"items_table": "ds.items"})
    with pytest.raises(sp.RenderError):  # a bad value, even an unused one
        sp.render("SELECT 1", {"items_table": "ds`.x"})
    with pytest.raises(sp.RenderError, match="alone between"):  # not inside backticks
        sp.render("SELECT * FROM {{items_table}}", {"items_table": "ds.items"})
    with pytest.raises(sp.RenderError, match="alone between"):
        sp.render("SELECT * FROM `x.{{items_table}}`", {"items_table": "ds.items"})
    with pytest.raises(sp.RenderError, match="unknown kind"):
        sp.render("SELECT `{{whatever}}`", {"whatever": "x"})
    with pytest.raises(sp.RenderError, match="wildcard"):
        sp.render("EXPORT DATA OPTIONS(uri='{{gcs_uri}}') AS SELECT 1", {"gcs_uri": "gs://bk1/x.json"})
    with pytest.raises(sp.RenderError, match="stray"):
        sp.render("SELECT `{{items_table}` ", {"items_table": "ds.items"})


def test_render_cli(capsys):
    rc = sp.main(["render", str(REPO / "sql" / "item_topics.sql"), "--set", "dataset=my-project.udfs",
                  "--set", "items_table=my-project.shop.items", "--set", "item_topics_table=my-project.shop.it",
                  "--set", "item_vectors_table=my-project.shop.iv"])
    assert rc == 0
    out = capsys.readouterr().out
    assert "`my-project.udfs`.ja_topics(" in out and "{{" not in out
    assert sp.main(["render", str(REPO / "sql" / "item_topics.sql"), "--set", "dataset=x`;DROP"]) == 2


def sample_identifiers(text):
    ids = {}
    for name in sp.placeholders(text):
        kind = sp.identifier_kind(name)
        ids[name] = {"dataset": "my-project.jatopic", "table": f"my-project.shop.{name[:-6]}",
                     "gcs_uri": "gs://my-bucket/jatopic/out-*.json"}[kind]
    return ids


@pytest.mark.parametrize("path", SQL_FILES, ids=[p.name for p in SQL_FILES])
def test_sql_file_parses_as_bigquery_and_is_documented(path):
    text = path.read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines() if line.startswith("--"))
    for word in ("Identifiers", "Query parameters"):
        assert word in header, f"{path.name}: header lacks {word!r}"
    assert re.search(r"Inputs?:", header) and re.search(r"Outputs?", header)
    rendered = sp.render(text, sample_identifiers(text))
    stmts = sp.parse_bigquery(rendered)  # raises on parse errors and pass-through Commands
    assert stmts
    params = {p.name for s in stmts for p in s.find_all(exp.Parameter, exp.Placeholder)}
    for name in params:
        assert f"@{name}" in header, f"{path.name}: @{name} is not documented in the header"
    for name in sp.placeholders(text):
        assert name in header, f"{path.name}: placeholder {name} is not documented"
    # and it transpiles, the local harness's way
    assert sp.transpile(rendered)
    # round trip through sqlglot's BigQuery generator parses again
    for s in stmts:
        sqlglot.parse_one(s.sql("bigquery"), read="bigquery")


def test_every_expected_file_exists():
    names = {p.name for p in SQL_FILES}
    assert {"export_training_terms.sql", "item_topics.sql", "user_topics.sql", "recommendations.sql",
            "similar_items.sql", "search_boost.sql", "topic_labels.sql"} <= names


def test_unnest_with_offset_is_zero_based(tmp_path):
    # the sqlglot quirk that _fix_unnest_offsets corrects
    r = sp.Runner(FakeUDFs(), workdir=str(tmp_path))
    try:
        rows = r.run_sql(
            "SELECT x, o FROM UNNEST(['a', 'b', 'c']) AS x WITH OFFSET AS o ORDER BY o", {})
        assert [(row["x"], row["o"]) for row in rows] == [("a", 0), ("b", 1), ("c", 2)]
        rows = r.run_sql(
            "SELECT t.id, (SELECT o FROM UNNEST(t.v) AS x WITH OFFSET o WHERE x = 'b') AS pos "
            "FROM (SELECT 1 AS id, ['a', 'b'] AS v) AS t, UNNEST(t.v) AS y WITH OFFSET AS oy "
            "WHERE oy = 0", {})
        assert rows == [{"id": 1, "pos": 1}]
    finally:
        r.close()


# ----------------------------------------------------------------------------
# The queries against the reference
# ----------------------------------------------------------------------------


def test_item_topics(pipe, fake):
    n = pipe.item_topics()
    assert n == len(ITEMS)
    got = {r["item_id"]: r for r in pipe.r.table_rows("jatopic.item_topics")}
    want = ref_item_topics(ITEMS)
    assert set(got) == set(want)
    for i, w in want.items():
        assert close(got[i]["topics"], w["topics"]), i
        assert got[i]["top_topic"] == w["top_topic"], i
        assert close(got[i]["top_weight"], w["top_weight"]), i
    assert got["D"]["top_topic"] == 0  # tie 0.4/0.4: the lowest index
    # one sandbox call for ja_topics, with each distinct text once
    topic_calls = [rows for name, rows in fake.calls if name == "ja_topics"]
    assert len(topic_calls) == 1
    assert sorted(r[0] for r in topic_calls[0]) == sorted({item_text(t, d) for _, t, d, _ in ITEMS})


def test_udf_values_are_cached_and_batched(pipe, fake):
    pipe.item_topics()
    pipe.item_topics()  # second run: everything cached, no new evaluator call
    assert [name for name, _ in fake.calls] == ["ja_topics"]
    # duplicates inside one statement reach the evaluator once
    rows = pipe.r.run_sql(
        "SELECT `jatopic`.ja_top_topics(t, 2) AS top FROM UNNEST(['マグカップ', 'マグカップ', '財布 革', "
        "CAST(NULL AS STRING)]) AS t WITH OFFSET o ORDER BY o", sp.LOCAL_IDENTIFIERS)
    name, inputs = fake.calls[-1]
    assert name == "ja_top_topics" and sorted(map(str, inputs)) == sorted(
        map(str, [["マグカップ", 2], ["財布 革", 2], [None, 2]]))
    assert rows[0]["top"] == [{"topic": 0, "weight": 0.6}, {"topic": 1, "weight": 0.3}]
    assert rows[1]["top"] == rows[0]["top"] and rows[3]["top"] is None


@pytest.mark.parametrize("half_life,window", [(7.0, 30.0), (2.5, 12.0), (100.0, 60.0)])
def test_user_topics(pipe, half_life, window):
    pipe.item_topics()
    pipe.r.run_file(sp.SQL_DIR / "user_topics.sql", pipe.ids, params(half_life_days=half_life, window_days=window))
    got = {r["user_id"]: r for r in pipe.r.table_rows("jatopic.user_topics")}
    want = ref_user_topics(VIEWS, ITEM_VECS, AS_OF, window, half_life)
    assert set(got) == set(want)
    for u, w in want.items():
        assert close(got[u]["topics"], w["topics"]), (u, got[u]["topics"], w["topics"])
        assert abs(sum(got[u]["topics"]) - 1) <= EPS
        assert got[u]["n_views"] == w["n_views"], u
        assert got[u]["last_viewed_at"] == w["last_viewed_at"], u


def test_user_topics_fixture_covers_the_edges(pipe):
    pipe.item_topics()
    pipe.r.run_file(sp.SQL_DIR / "user_topics.sql", pipe.ids, params())
    got = {r["user_id"]: r for r in pipe.r.table_rows("jatopic.user_topics")}
    assert set(got) == {"u1", "u2", "u5"}  # u3 outside, u4 unknown/empty, u6 zero vector
    assert got["u1"]["n_views"] == 3  # C too old, B in the future
    assert got["u2"]["n_views"] == 2  # C at as_of in, D at exactly 30 days out, G in
    # u1 by hand: weights 0.5^(1/7) for A, 0.5^(3.5/7) for B, 0.5^(10/7) for A
    wa, wb, wa2 = 0.5 ** (1 / 7), 0.5 ** 0.5, 0.5 ** (10 / 7)
    s = [(wa + wa2) * a + wb * b for a, b in zip(ITEM_VECS["A"], ITEM_VECS["B"])]
    assert close(got["u1"]["topics"], [x / sum(s) for x in s])


@pytest.mark.parametrize("w,top_n", [(0.0, 10), (0.0, 2), (0.3, 3), (1.0, 10)])
def test_recommendations(pipe, w, top_n):
    pipe.item_topics()
    qp = params(popularity_weight=w, top_n=top_n)
    pipe.user_side(qp)
    got = defaultdict(list)
    for r in pipe.r.table_rows("jatopic.recommendations", "user_id, rank"):
        got[r["user_id"]].append(r)
    users = ref_user_topics(VIEWS, ITEM_VECS, AS_OF, 30.0, 7.0)
    want = ref_recommendations(VIEWS, ITEM_VECS, users, AS_OF, 30.0, top_n, w)
    assert set(got) == set(want)
    for u, recs in want.items():
        assert [r["item_id"] for r in got[u]] == [i for i, _ in recs], u
        assert [r["rank"] for r in got[u]] == list(range(1, len(recs) + 1))
        assert close([r["score"] for r in got[u]], [s for _, s in recs]), u


def test_recommendations_exclude_seen_and_break_ties(pipe):
    pipe.item_topics()
    pipe.user_side(params())
    recs = defaultdict(list)
    for r in pipe.r.table_rows("jatopic.recommendations", "user_id, rank"):
        recs[r["user_id"]].append(r["item_id"])
    assert "A" not in recs["u1"] and "B" not in recs["u1"]
    assert "C" in recs["u1"]  # viewed only outside the window: not seen
    assert not {"H", "Z"} & set(recs["u2"])  # empty / zero vectors are no candidates
    u2 = recs["u2"]  # A and E have the same vector: A first
    assert u2.index("A") + 1 == u2.index("E")


@pytest.mark.parametrize("top_n,min_sim", [(10, 0.0), (2, 0.0), (3, 0.6)])
def test_similar_items(pipe, top_n, min_sim):
    pipe.item_topics()
    pipe.r.run_file(sp.SQL_DIR / "similar_items.sql", pipe.ids, params(top_n=top_n, min_similarity=min_sim))
    got = defaultdict(list)
    for r in pipe.r.table_rows("jatopic.similar_items", "item_id, rank"):
        got[r["item_id"]].append(r)
    want = {i: v for i, v in ref_similar(ITEM_VECS, top_n, min_sim).items() if v}
    assert set(got) == set(want)
    for i, sims in want.items():
        assert [r["similar_item_id"] for r in got[i]] == [j for j, _ in sims], i
        assert [r["rank"] for r in got[i]] == list(range(1, len(sims) + 1))
        assert close([r["score"] for r in got[i]], [s for _, s in sims]), i
    if top_n >= 2 and min_sim == 0.0:
        assert [r["similar_item_id"] for r in got["A"]][:1] == ["E"]  # identical vector, score 1


@pytest.mark.parametrize("boost_weight", [0.0, 0.5, 2.0])
def test_search_boost(pipe, boost_weight):
    pipe.item_topics()
    pipe.r.run_file(sp.SQL_DIR / "user_topics.sql", pipe.ids, params())
    pipe.load_candidates(CANDIDATES)
    rows = pipe.r.run_file(sp.SQL_DIR / "search_boost.sql", pipe.ids, params(boost_weight=boost_weight))
    want = ref_search(CANDIDATES, ITEM_VECS, boost_weight)
    got = defaultdict(list)
    for r in rows:
        got[r["query_id"]].append(r)
    assert set(got) == set(want)
    for q, expected in want.items():
        assert [r["item_id"] for r in got[q]] == [i for i, _, _ in expected], q
        assert [r["rank"] for r in got[q]] == list(range(1, len(expected) + 1))
        assert close([r["final_score"] for r in got[q]], [s for _, s, _ in expected])
        assert close([r["boost"] for r in got[q]], [b for _, _, b in expected])
    assert all(r["boost"] == 0 for r in got[3])  # NULL query vector: no boost


def test_topic_labels(tmp_path, fake):
    # the exact shape `jatopic topics --output json` prints (src/topic/commands.rs run_topics)
    lines = [
        '{"topic":0,"share":0.5,"alpha":0.1,"words":[{"word":"陶器","weight":0.2},{"word":"マグ","weight":0.1},'
        '{"word":"手作り","weight":0.05},{"word":"釉薬","weight":0.01}]}',
        '{"topic":1,"share":0.3,"alpha":1,"words":[{"word":"革","weight":0.3},{"word":"財布","weight":0.2}]}',
        '{"topic":2,"share":0.2,"alpha":0.1,"words":[]}',
    ]
    path = tmp_path / "topics.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = sp.Runner(fake, workdir=str(tmp_path), files={sp.LOCAL_IDENTIFIERS["topics_uri"]: str(path)})
    try:
        r.run_file(sp.SQL_DIR / "topic_labels.sql", sp.LOCAL_IDENTIFIERS)
        got = r.table_rows("jatopic.topic_labels", "topic")
    finally:
        r.close()
    for row, line in zip(got, lines):
        src = json.loads(line)
        words = [w["word"] for w in src["words"]]
        assert row["topic"] == src["topic"]
        assert row["label"] == " / ".join(words[:3])
        assert row["top_words"] == words
        assert close(row["weights"], [w["weight"] for w in src["words"]])
        assert close(row["share"], src["share"]) and close(row["alpha"], float(src["alpha"]))
    assert got[0]["label"] == "陶器 / マグ / 手作り"


def test_export_training_terms(pipe, tmp_path):
    target = tmp_path / "terms.ndjson"
    pipe.r.run_file(sp.SQL_DIR / "export_training_terms.sql", pipe.ids, {},
                    {pipe.ids["gcs_uri"]: str(target)})
    got = {r["id"]: r["terms"] for r in map(json.loads, target.read_text(encoding="utf-8").splitlines())}
    want = {i: TERMS_BY_TEXT[item_text(t, d)] for i, t, d, _ in ITEMS if TERMS_BY_TEXT[item_text(t, d)]}
    assert got == want  # H has no terms: not exported


# ----------------------------------------------------------------------------
# Evaluation and CLI
# ----------------------------------------------------------------------------


def test_evaluate_recommendations(fake, tmp_path):
    # a log where every user has >= 2 views, last views after the others
    views = [
        {"user_id": "a", "item_id": "A", "viewed_at": ts(5 * DAY)},
        {"user_id": "a", "item_id": "E", "viewed_at": ts(1 * DAY)},  # held out; E ~ A: hit
        {"user_id": "b", "item_id": "B", "viewed_at": ts(4 * DAY)},
        {"user_id": "b", "item_id": "C", "viewed_at": ts(3 * DAY)},
        {"user_id": "b", "item_id": "F", "viewed_at": ts(2 * DAY)},  # held out
        {"user_id": "c", "item_id": "C", "viewed_at": ts(6 * DAY)},
        {"user_id": "c", "item_id": "B", "viewed_at": ts(6 * DAY)},  # same time, later line: held out
        {"user_id": "d", "item_id": "G", "viewed_at": ts(9 * DAY)},  # one view: not evaluated
    ]
    runner = sp.Runner(fake, workdir=str(tmp_path))
    try:
        report = sp.evaluate_recommendations(sp.Pipeline(runner), items_rows(), views, sp.Params(), k=2)
    finally:
        runner.close()
    # reference
    held = {"a": "E", "b": "F", "c": "B"}
    train = [v for i, v in enumerate(views) if i not in (1, 4, 6)]
    as_of = max(utc(v["viewed_at"]) for v in train)
    users = ref_user_topics(train, ITEM_VECS, as_of, 30.0, 7.0)
    recs = ref_recommendations(train, ITEM_VECS, users, as_of, 30.0, 2, 0.0)
    counts = defaultdict(int)
    for v in train:
        counts[v["item_id"]] += 1
    popular = sorted(counts, key=lambda i: (-counts[i], i))
    hits = sum(held[u] in [i for i, _ in recs.get(u, [])] for u in held)
    base = sum(held[u] in [i for i in popular if i not in {v["item_id"] for v in train if v["user_id"] == u}][:2]
               for u in held)
    assert report["users"] == 3 and report["k"] == 2
    assert report["hits_sql"] == hits and report["hits_popular"] == base
    assert close(report["hit_rate_sql"], hits / 3) and close(report["hit_rate_popular"], base / 3)
    assert report["ratio"] == (hits / base if base else None)
    assert report["as_of"] == as_of.isoformat() + "Z"
    assert hits >= 1  # user a: E is A's twin


def test_cli_end_to_end(tmp_path, capsys):
    items = tmp_path / "items.ndjson"
    views = tmp_path / "views.ndjson"
    cands = tmp_path / "cands.ndjson"
    items.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in items_rows()), encoding="utf-8")
    views.write_text("".join(json.dumps(v) + "\n" for v in VIEWS), encoding="utf-8")
    cands.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in CANDIDATES), encoding="utf-8")
    out = tmp_path / "out"
    rc = sp.main(["--items", str(items), "--views", str(views), "--out", str(out), "--candidates", str(cands),
                  "--as-of", "2025-03-01T00:00:00Z", "--top-n", "3", "--evaluate"])
    assert rc == 0
    printed = capsys.readouterr().out
    assert re.search(r"^== item topics: 9 items, [0-9.]+ s$", printed, re.M)
    for name in ("item_topics", "user_topics", "recommendations", "similar_items", "training_terms",
                 "search_boost"):
        assert (out / f"{name}.ndjson").stat().st_size > 0, name
    recs = [json.loads(line) for line in (out / "recommendations.ndjson").read_text().splitlines()]
    # the CLI's fake evaluator gives H and Z real vectors too: only u3 (no view in the window) is missing
    assert {r["user_id"] for r in recs} == {"u1", "u2", "u4", "u5", "u6"}
    assert max(r["rank"] for r in recs) == 3
    ut = [json.loads(line) for line in (out / "user_topics.ndjson").read_text().splitlines()]
    assert ut[0]["last_viewed_at"].endswith("Z")
    report = json.loads((out / "evaluation.json").read_text())
    assert set(report) >= {"hit_rate_sql", "hit_rate_popular", "ratio"}


# ----------------------------------------------------------------------------
# The real sandbox (only with --package / $JATOPIC_PACKAGE)
# ----------------------------------------------------------------------------


def _decode7(data: str) -> bytes:
    """The inverse of the packager's 7-bit text encoding (src/bigquery/package.rs
    encode7; the contract's text_coding_about): 7 bits per character below
    U+0080; above, an escaped value (index + 1, times 128) and the next 7 bits."""
    escaped = CONTRACT["text_coding_escaped"]
    acc = bits = 0
    out = bytearray()
    for ch in data:
        c = ord(ch)
        if c < 128:
            acc, bits = (acc << 7) | c, bits + 7
        else:
            acc, bits = (acc << 14) | (escaped[(c >> 7) - 1] << 7) | (c & 127), bits + 14
        while bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
        acc &= (1 << bits) - 1
    return bytes(out)


def _model_of_package(package: Path) -> bytes:
    """The .jtm model inside a package, read from its jatopic-model-N.js parts."""
    parts = {}
    for f in package.glob("jatopic-model-*.js"):
        call = f.read_text(encoding="utf-8").rstrip("\n").split("\n")[-1]
        m = re.fullmatch(
            r"jatopic\.addModelPart\((\d+), (\d+), (\d+), "
            + re.escape(CONTRACT["text_container_open"])
            + "(.*)"
            + re.escape(CONTRACT["text_container_close"])
            + r"\);",
            call,
        )
        assert m, f"{f}: unexpected model part"
        parts[int(m.group(1))] = _decode7(m.group(4))[: int(m.group(3))]
    assert parts and sorted(parts) == list(range(len(parts))), f"{package}: model parts {sorted(parts)}"
    return b"".join(parts[i] for i in sorted(parts))


def _jatopic_binary() -> Path:
    for profile in ("release", "debug"):
        b = REPO / "target" / profile / "jatopic"
        if b.exists():
            return b
    pytest.fail("no target/release/jatopic or target/debug/jatopic (cargo build)")


def test_real_sandbox_item_topics(request, tmp_path):
    """item_topics through SQL -> DuckDB -> the sandbox's ja_topics (wasm), against
    the native CLI's `jatopic infer` with the package's model: another code path."""
    package = request.config.getoption("--package")
    if not package:
        pytest.skip("no --package / JATOPIC_PACKAGE: real-sandbox test skipped")
    runner = sp.Runner(sp.udf_values, package, workdir=str(tmp_path))
    try:
        p = sp.Pipeline(runner)
        p.load_items(items_rows())
        p.item_topics()
        got = {r["item_id"]: r for r in runner.table_rows("jatopic.item_topics")}
    finally:
        runner.close()
    model = tmp_path / "package-model.jtm"
    model.write_bytes(_model_of_package(Path(package)))
    texts = [item_text(t, d) for _, t, d, _ in ITEMS]
    docs = "".join(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts))
    proc = subprocess.run([str(_jatopic_binary()), "infer", "--input-format", "ndjson", "--model", str(model), "-"],
                          input=docs, capture_output=True, text=True, encoding="utf-8", check=True)
    native = [json.loads(line)["topics"] for line in proc.stdout.splitlines() if line.strip()]
    assert len(native) == len(texts)
    ks = set()
    for (item_id, *_), v in zip(ITEMS, native):
        row = got[item_id]
        assert close(row["topics"], v), item_id
        assert abs(sum(row["topics"]) - 1) <= 1e-6
        ks.add(len(row["topics"]))
        top = max(row["topics"])
        assert row["top_topic"] == row["topics"].index(top) and close(row["top_weight"], top)
    assert len(ks) == 1 and ks.pop() > 1


# ----------------------------------------------------------------------------
# Readings (jatopic package --readings): the contract as this reader sees it
# ----------------------------------------------------------------------------


def test_contract_readings_reach_the_signatures():
    assert sp.READINGS_FILE == "jatopic-readings.js"
    assert sp.UDF_SIGNATURES["reading"] == (["VARCHAR"], "VARCHAR")
    for name in ("analyze", "analyze_search"):
        assert sp.UDF_READINGS[name] == "optional"
        assert sp.UDF_SIGNATURES[name][1].endswith(
            "known BOOLEAN, reading VARCHAR, pronunciation VARCHAR)[]"), sp.UDF_SIGNATURES[name]
    assert sp.UDF_READINGS["reading"] == "required"
    assert sp.UDF_READINGS["tokenize"] == "none" and sp.UDF_READINGS["topics"] == "none"


def test_package_has_readings(tmp_path):
    def manifest(paths):
        (tmp_path / "manifest.json").write_text(json.dumps({"files": [{"path": p} for p in paths]}))
    manifest(["jatopic-tokenizer.js", "jatopic-model-1.js"])
    assert not sp.package_has_readings(tmp_path)
    manifest(["jatopic-tokenizer.js", "jatopic-readings.js", "jatopic-model-1.js"])
    assert sp.package_has_readings(tmp_path)
    (tmp_path / "manifest.json").write_text("{")
    with pytest.raises(ValueError, match="manifest.json: cannot read the files"):
        sp.package_has_readings(tmp_path)


def test_fake_reading_through_sql(tmp_path):
    # The pipeline's stand-in evaluator (no sandbox) knows ja_reading too.
    r = sp.Runner(sp.fake_udf_values, workdir=str(tmp_path))
    try:
        rows = r.run_sql("SELECT `jatopic`.ja_reading(t) AS k FROM UNNEST(['がま口 ポーチ', CAST(NULL AS STRING)]) AS t "
                         "WITH OFFSET o ORDER BY o", sp.LOCAL_IDENTIFIERS)
    finally:
        r.close()
    assert [row["k"] for row in rows] == ["ガマ口ポーチ", None]


def test_real_sandbox_reading_and_analyze(request):
    """ja_reading and ja_analyze's readings from a `jatopic package --readings`
    package in the sandbox (wasm), against `jatopic tokenize --output json`."""
    package = request.config.getoption("--readings-package")
    if not package:
        pytest.skip("no --readings-package / JATOPIC_READINGS_PACKAGE: real-sandbox readings test skipped")
    assert sp.package_has_readings(package)
    texts = [item_text(t, d) for _, t, d, _ in ITEMS] + ["東京都に行った", "ハーバリウムのがま口ポーチ"]
    proc = subprocess.run([str(_jatopic_binary()), "tokenize", "--output", "json"],
                          input="".join(t.replace("\n", " ") + "\n" for t in texts),
                          capture_output=True, text=True, encoding="utf-8", check=True)
    native = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert len(native) == len(texts)

    def katakana(s):
        return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" or c in "\u309d\u309e" else c for c in s)

    want = ["".join(t["reading"] if t["known"] and t["reading"] != "*" else katakana(t["surface"]) for t in ts)
            for ts in native]
    rows = [[t.replace("\n", " ")] for t in texts]
    assert sp.udf_values(package, "ja_reading", rows) == want
    analyzed = sp.udf_values(package, "ja_analyze", rows)
    for got, ts in zip(analyzed, native):
        assert [(a["reading"], a["pronunciation"]) for a in got] == [(t["reading"], t["pronunciation"]) for t in ts]
    assert any(t["pronunciation"] != t["reading"] for ts in native for t in ts)
