"""Tests of the catalogue-scale SQL (issue 15): VECTOR_SEARCH and its local
emulation, the candidate-based recommendations and similar items, the
personalised search boost, incremental item topics (MERGE), and a static check
that no query in sql/ joins two unbounded tables without a key.

Each query runs on hand-made tables (the fixtures of test_pipeline.py) and is
compared with an independent pure-Python implementation of its documented
logic, including the limits of fetching a fixed number of candidates.

    build/venv-sql/bin/python -m pytest tests/sql -q
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

import pytest
import sqlglot
from sqlglot import exp

from test_pipeline import (AS_OF, CANDIDATES, DAY, ITEM_VECS, ITEMS, REPO, TOPICS_BY_TEXT, VIEWS, FakeUDFs,
                           close, cosine, in_window, item_text, items_rows, nonzero, params, percent_rank,
                           ref_recommendations, ref_similar, ref_user_topics, sp, ts, utc)
from test_pipeline import fake, pipe  # noqa: F401 (the same pytest fixtures as the pipeline tests)

import vector_search_emulation as vse  # noqa: E402 (scripts/ is on sys.path via test_pipeline)

SQL_FILES = sorted((REPO / "sql").glob("*.sql"))


# ----------------------------------------------------------------------------
# References (plain Python)
# ----------------------------------------------------------------------------


def ref_nearest(query_vec, item_vecs, k, exclude=None):
    """The k items nearest to query_vec by cosine distance; equal distances by
    item_id (what the exact emulation documents)."""
    dist = {i: 1 - cosine(query_vec, v) for i, v in item_vecs.items() if nonzero(v) and i != exclude}
    return sorted(dist, key=lambda i: (dist[i], i))[:k]


def ref_recommendations_candidates(views, item_vecs, user_vecs, as_of, window_days, top_n, w, n_cand):
    """recommendations.sql as documented: candidates = the n_cand nearest items
    (plus the n_cand most popular when w > 0), minus the seen ones, re-ranked."""
    windowed = [v for v in views if in_window(as_of, utc(v["viewed_at"]), window_days)]
    usable = {i: vec for i, vec in item_vecs.items() if nonzero(vec)}
    counts = {i: sum(1 for v in windowed if v["item_id"] == i) for i in usable}
    pop = percent_rank(counts)
    popular = sorted(usable, key=lambda i: (-pop[i], i))[:n_cand] if w > 0 else []
    out = {}
    for user, u in user_vecs.items():
        if not nonzero(u["topics"]):
            continue
        seen = {v["item_id"] for v in windowed if v["user_id"] == user}
        cands = (set(ref_nearest(u["topics"], usable, n_cand)) | set(popular)) - seen
        scores = {i: (1 - w) * cosine(u["topics"], usable[i]) + w * pop[i] for i in cands}
        order = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:top_n]
        if order:
            out[user] = order
    return out


def recommendations(pipe, **kw):
    pipe.user_side(params(**kw))
    got = defaultdict(list)
    for r in pipe.r.table_rows("jatopic.recommendations", "user_id, rank"):
        got[r["user_id"]].append(r)
    return got


# ----------------------------------------------------------------------------
# VECTOR_SEARCH emulation
# ----------------------------------------------------------------------------


def test_exact_vector_search_matches_reference(pipe):
    pipe.item_topics()
    rows = pipe.r.run_sql(
        "SELECT query.item_id AS q, base.item_id AS b, distance FROM VECTOR_SEARCH("
        "TABLE `{{item_vectors_table}}`, 'topics', (SELECT item_id, topics FROM `{{item_vectors_table}}`), "
        "'topics', top_k => 3, distance_type => 'COSINE') ORDER BY q, distance, b", pipe.ids)
    usable = {i: v for i, v in ITEM_VECS.items() if nonzero(v)}
    got = defaultdict(list)
    for r in rows:
        got[r["q"]].append((r["b"], r["distance"]))
    assert set(got) == set(usable)  # H (empty) and Z (zero) are not in item_vectors
    for q, vec in usable.items():
        want = ref_nearest(vec, usable, 3)
        assert [b for b, _ in got[q]] == want, q
        assert close([d for _, d in got[q]], [1 - cosine(vec, usable[b]) for b in want])
    # A and E are twins: each is the other's (and its own) nearest at distance 0
    assert {b for b, _ in got["A"][:2]} == {"A", "E"}
    assert pipe.r.vector_search_calls[-1].engine == "exact_sql"


def test_vector_search_output_shape_and_defaults(pipe):
    pipe.item_topics()
    rows = pipe.r.run_sql(
        "SELECT query, base, distance FROM VECTOR_SEARCH(TABLE `{{item_vectors_table}}`, 'topics', "
        "(SELECT 'x' AS tag, [0.7, 0.2, 0.1] AS v), 'v', distance_type => 'COSINE')", pipe.ids)
    assert len(rows) == 7  # top_k defaults to 10; 7 usable items
    assert set(rows[0]["query"]) == {"tag", "v"}
    assert set(rows[0]["base"]) == {"item_id", "topics", "content_hash", "model_version"}


def test_vector_search_refuses_zero_vectors_and_other_distances(pipe):
    pipe.item_topics()
    with pytest.raises(vse.VectorSearchError, match="all-zero"):
        pipe.r.run_sql("SELECT base.item_id FROM VECTOR_SEARCH(TABLE `{{item_topics_table}}`, 'topics', "
                       "(SELECT [0.5, 0.5, 0.0] AS v), 'v', top_k => 2, distance_type => 'COSINE')", pipe.ids)
    with pytest.raises(sp.TranspileError, match="COSINE"):
        pipe.r.run_sql("SELECT base.item_id FROM VECTOR_SEARCH(TABLE `{{item_vectors_table}}`, 'topics', "
                       "(SELECT [0.5, 0.5, 0.0] AS v), 'v', top_k => 2)", pipe.ids)


def test_vector_index_is_registered_and_small_tables_stay_exact(pipe):
    pipe.r.vector_search = "index"
    pipe.item_topics()
    assert pipe.r.vector_indexes["jatopic.item_vectors"]["options"] == {
        "index_type": "TREE_AH", "distance_type": "COSINE"}
    pipe.r.run_file(sp.SQL_DIR / "similar_items.sql", pipe.ids, params())
    # 7 rows are far below BigQuery's 10 MB minimum: brute force, exact
    assert pipe.r.vector_search_calls[-1].engine == "exact_sql"


def test_numpy_engines_match_the_sql_engine(pipe):
    np = pytest.importorskip("numpy")
    pipe.item_topics()
    pipe.r.run_file(sp.SQL_DIR / "similar_items.sql", pipe.ids, params(top_n=3))
    want = pipe.r.table_rows("jatopic.similar_items", "item_id, rank")
    pipe.r.exact_engine = "numpy"
    pipe.r.run_file(sp.SQL_DIR / "similar_items.sql", pipe.ids, params(top_n=3))
    got = pipe.r.table_rows("jatopic.similar_items", "item_id, rank")
    assert [(r["item_id"], r["similar_item_id"]) for r in got] == [(r["item_id"], r["similar_item_id"]) for r in want]
    assert all(abs(a["score"] - b["score"]) < 1e-6 for a, b in zip(got, want))
    # the approximate engine on a table big enough to be indexed finds the true neighbours
    pytest.importorskip("scann")
    rng = np.random.default_rng(7)
    base = rng.dirichlet(np.full(16, 0.2), 3000).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    exact = vse.exact_numpy(base[:200], base, 10)
    approx = vse.approximate_scann(base[:200], base, 10, fraction=0.2, leaf_size=100)
    ex = defaultdict(set)
    for q, b in zip(*exact[:2]):
        ex[int(q)].add(int(b))
    hits = sum(int(b) in ex[int(q)] for q, b in zip(*approx[:2]))
    assert hits / (200 * 10) >= 0.9


def test_exact_search_on_a_query_sample_is_the_full_search_restricted(pipe):
    """The recall reference above --exact-max: the same rows as the full exact
    search for the sampled queries, the same sample on every run, and no more."""
    pipe.item_topics()
    pipe.r.run_file(sp.SQL_DIR / "similar_items.sql", pipe.ids, params(top_n=3))
    full = defaultdict(list)
    for r in pipe.r.table_rows("jatopic.similar_items", "item_id, rank"):
        full[r["item_id"]].append(r["similar_item_id"])
    samples = []
    for _ in range(2):
        pipe.r.exact_query_sample = 3
        pipe.r.run_file(sp.SQL_DIR / "similar_items.sql", pipe.ids, params(top_n=3))
        pipe.r.exact_query_sample = None
        got = defaultdict(list)
        for r in pipe.r.table_rows("jatopic.similar_items", "item_id, rank"):
            got[r["item_id"]].append(r["similar_item_id"])
        assert pipe.r.vector_search_calls[-1].query_rows == 3
        assert 0 < len(got) <= 3 < len(full)
        assert all(got[k] == full[k] for k in got)
        samples.append(sorted(got))
    assert samples[0] == samples[1]


# ----------------------------------------------------------------------------
# Recommendations and similar items on VECTOR_SEARCH
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("w,top_n,n_cand", [(0.0, 10, 100), (0.0, 2, 2), (0.0, 3, 4), (0.3, 3, 2),
                                             (1.0, 10, 3), (0.5, 2, 1)])
def test_recommendations_from_candidates(pipe, w, top_n, n_cand):
    pipe.item_topics()
    got = recommendations(pipe, popularity_weight=w, top_n=top_n, candidates=n_cand)
    users = ref_user_topics(VIEWS, ITEM_VECS, AS_OF, 30.0, 7.0)
    n_eff = max(n_cand, top_n)  # query_parameters never fetches fewer than top_n
    want = ref_recommendations_candidates(VIEWS, ITEM_VECS, users, AS_OF, 30.0, top_n, w, n_eff)
    assert set(got) == set(want)
    for u, recs in want.items():
        assert [r["item_id"] for r in got[u]] == [i for i, _ in recs], (u, got[u])
        assert [r["rank"] for r in got[u]] == list(range(1, len(recs) + 1))
        assert close([r["score"] for r in got[u]], [s for _, s in recs]), u
    if n_eff >= 7:  # every usable item is a candidate: the exact all-pairs ranking
        assert {u: [(r["item_id"]) for r in rs] for u, rs in got.items()} == {
            u: [i for i, _ in rs] for u, rs in
            ref_recommendations(VIEWS, ITEM_VECS, users, AS_OF, 30.0, top_n, w).items()}


def test_user_with_no_unseen_candidate_gets_nothing(fake, tmp_path):
    # u7 viewed A and E, the two items nearest to A: with 2 candidates none is left
    views = VIEWS + [{"user_id": "u7", "item_id": "A", "viewed_at": ts(1 * DAY)},
                     {"user_id": "u7", "item_id": "E", "viewed_at": ts(2 * DAY)}]
    runner = sp.Runner(fake, None, workdir=str(tmp_path))
    try:
        p = sp.Pipeline(runner)
        p.load_items(items_rows(), views)
        p.load_views(views)
        p.item_topics()
        got = recommendations(p, top_n=2, candidates=2)
        assert "u7" not in got and "u1" in got
        got = recommendations(p, top_n=2, candidates=4)  # fetching more finds unseen ones
        assert [r["item_id"] for r in got["u7"]] == ref_nearest(ITEM_VECS["A"], {
            i: v for i, v in ITEM_VECS.items() if i not in ("A", "E")}, 2)
    finally:
        runner.close()


@pytest.mark.parametrize("top_n,min_sim", [(10, 0.0), (1, 0.0), (2, 0.0), (3, 0.6)])
def test_similar_items_match_exact(pipe, top_n, min_sim):
    pipe.item_topics()
    pipe.r.run_file(sp.SQL_DIR / "similar_items.sql", pipe.ids, params(top_n=top_n, min_similarity=min_sim))
    got = defaultdict(list)
    for r in pipe.r.table_rows("jatopic.similar_items", "item_id, rank"):
        got[r["item_id"]].append((r["similar_item_id"], r["score"]))
    # top_k = top_n + 1 always includes the item itself or a twin at distance 0:
    # with exact search the result is the exact all-pairs one
    want = {i: v for i, v in ref_similar(ITEM_VECS, top_n, min_sim).items() if v}
    assert {i: [j for j, _ in v] for i, v in got.items()} == {i: [j for j, _ in v] for i, v in want.items()}
    for i in want:
        assert close([s for _, s in got[i]], [s for _, s in want[i]])


def test_queries_on_empty_tables(fake, tmp_path):
    runner = sp.Runner(fake, None, workdir=str(tmp_path))
    try:
        p = sp.Pipeline(runner)
        p.load_items([{"item_id": "A", "title": "t", "description": "d"}][:0] or
                     [{"item_id": "X", "title": None, "description": None}])
        runner.con.execute("DELETE FROM jatopic.items")  # an empty catalogue with its schema
        p.load_views([])
        p.item_topics()
        qp = params()
        p.user_side(qp)
        p.run_table("similar_items.sql", "similar_items_table", qp)
        for table in ("item_topics", "item_vectors", "user_topics", "recommendations", "similar_items"):
            assert p.count(f"{table}_table") == 0, table
    finally:
        runner.close()


# ----------------------------------------------------------------------------
# Personalised search boost
# ----------------------------------------------------------------------------

PERSONAL_CANDIDATES = [
    {**c, "user_id": {1: "u1", 2: "u3", 3: "u5"}.get(c["query_id"])} for c in CANDIDATES
] + [{"query_id": 4, "query_text": "マグカップ", "user_id": None, "item_id": "C", "base_score": 1.0},
     {"query_id": 4, "query_text": "マグカップ", "user_id": None, "item_id": "G", "base_score": 1.0}]


def ref_search_personal(candidates, item_vecs, user_vecs, boost_weight, p):
    texts = defaultdict(list)
    for c in candidates:
        texts[c["query_id"]].append(c["query_text"])
    qvec = {q: TOPICS_BY_TEXT[min(t)] for q, t in texts.items()}
    out = defaultdict(list)
    for c in candidates:
        q, iv = qvec[c["query_id"]], item_vecs.get(c["item_id"])
        qcos = cosine(q, iv) if q and iv and nonzero(q) and nonzero(iv) else 0.0
        u = user_vecs.get(c["user_id"])
        if u is not None and nonzero(u["topics"]):
            ucos = cosine(u["topics"], iv) if iv and nonzero(iv) else 0.0
            boost = p * ucos + (1 - p) * qcos
        else:
            boost = qcos
        out[c["query_id"]].append((c["item_id"], boost, c["base_score"] * (1 + boost_weight * boost)))
    return {q: sorted(rows, key=lambda r: (-r[2], r[0])) for q, rows in out.items()}


@pytest.mark.parametrize("boost_weight,p", [(0.5, 0.0), (0.5, 1.0), (2.0, 0.6)])
def test_personal_search_boost(pipe, boost_weight, p):
    pipe.item_topics()
    pipe.r.run_file(sp.SQL_DIR / "user_topics.sql", pipe.ids, params())
    pipe.load_candidates(PERSONAL_CANDIDATES)
    rows = pipe.r.run_file(sp.SQL_DIR / "search_boost.sql", pipe.ids,
                           params(boost_weight=boost_weight, personal_weight=p))
    users = ref_user_topics(VIEWS, ITEM_VECS, AS_OF, 30.0, 7.0)
    want = ref_search_personal(PERSONAL_CANDIDATES, ITEM_VECS, users, boost_weight, p)
    got = defaultdict(list)
    for r in rows:
        got[r["query_id"]].append(r)
    assert set(got) == set(want)
    for q, expected in want.items():
        assert [r["item_id"] for r in got[q]] == [i for i, _, _ in expected], q
        assert close([r["boost"] for r in got[q]], [b for _, b, _ in expected]), q
        assert close([r["final_score"] for r in got[q]], [s for _, _, s in expected]), q
    if p == 1.0:  # u1 (query 1) browsed A and B: B's boost is u1's cosine, not the query's
        b = next(r for r in got[1] if r["item_id"] == "B")
        assert close(b["boost"], cosine(users["u1"]["topics"], ITEM_VECS["B"]))
        # u3 (query 2) has no recent history: the query boost
        a = next(r for r in got[2] if r["item_id"] == "A")
        assert close(a["boost"], cosine(TOPICS_BY_TEXT["財布 革"], ITEM_VECS["A"]))


# ----------------------------------------------------------------------------
# Incremental item topics
# ----------------------------------------------------------------------------


def topics_calls(fake):
    return [sorted(r[0] for r in rows) for name, rows in fake.calls if name == "ja_topics"]


def item_tables(pipe):
    topics = {r["item_id"]: r for r in pipe.r.table_rows("jatopic.item_topics")}
    vectors = {r["item_id"]: r for r in pipe.r.table_rows("jatopic.item_vectors")}
    return topics, vectors


def test_merge_new_changed_deleted_and_model_change(fake, tmp_path):
    class Versioned(FakeUDFs):
        """ja_topics of model "v2" gives the reversed vectors."""

        version = "v1"

        def __call__(self, package_dir, name, rows):
            out = super().__call__(package_dir, name, rows)
            return [v[::-1] if self.version == "v2" and v else v for v in out]

    udfs = Versioned()
    runner = sp.Runner(udfs, None, workdir=str(tmp_path))
    try:
        p = sp.Pipeline(runner)
        p.model_version = "v1"
        rows = items_rows()
        p.load_items(rows)
        p.item_topics()
        topics, vectors = item_tables(p)
        assert set(topics) == {i for i, *_ in ITEMS}
        assert set(vectors) == {i for i, v in ITEM_VECS.items() if nonzero(v)}  # no H, no Z
        assert all(r["model_version"] == "v1" for r in topics.values())
        assert len(topics_calls(udfs)) == 1

        # nothing changed: no inference at all
        p.load_items(rows)
        p.item_topics()
        assert len(topics_calls(udfs)) == 1

        # B's text changes to C's (so its vector too), A is deleted, N is new (D's text)
        changed = [r for r in rows if r["item_id"] != "A"]
        b = next(r for r in changed if r["item_id"] == "B")
        c = next(r for r in changed if r["item_id"] == "C")
        b["title"], b["description"] = c["title"], c["description"]
        d = next(r for r in changed if r["item_id"] == "D")
        changed.append({**d, "item_id": "N"})
        p.load_items(changed)
        p.item_topics()
        # C's text is already in the lookup cache, so the evaluator sees only what is new to it
        topics, vectors = item_tables(p)
        assert "A" not in topics and "A" not in vectors
        assert close(topics["B"]["topics"], ITEM_VECS["C"]) and close(vectors["B"]["topics"], ITEM_VECS["C"])
        assert topics["B"]["content_hash"] == topics["C"]["content_hash"]
        assert close(topics["N"]["topics"], ITEM_VECS["D"]) and "N" in vectors
        assert close(topics["E"]["topics"], ITEM_VECS["E"])

        # a new model: every row recomputed and tagged, none of v1 left
        udfs.version = "v2"
        runner.cache.clear()  # the lookup cache is per model
        runner.con.execute(f"DELETE FROM {sp.UDF_SCHEMA}.ja_topics")
        p.model_version = "v2"
        p.item_topics()
        topics, vectors = item_tables(p)
        assert {r["model_version"] for r in topics.values()} == {"v2"}
        assert {r["model_version"] for r in vectors.values()} == {"v2"}
        assert sorted(topics_calls(udfs)[-1]) == sorted({item_text(r["title"], r["description"]) for r in changed})
        assert close(topics["E"]["topics"], ITEM_VECS["E"][::-1])
        assert close(vectors["G"]["topics"], ITEM_VECS["G"][::-1])
        want_top = max(ITEM_VECS["E"][::-1])
        assert topics["E"]["top_topic"] == ITEM_VECS["E"][::-1].index(want_top)
    finally:
        runner.close()


def test_package_model_version(tmp_path):
    (tmp_path / "manifest.json").write_text('{"files": [{"sha256": "ab"}, {"sha256": "cd"}]}')
    import hashlib

    assert sp.package_model_version(tmp_path) == hashlib.sha256(b"ab\ncd\n").hexdigest()
    (tmp_path / "manifest.json").write_text('{"files": 3}')
    with pytest.raises(ValueError, match="manifest.json"):
        sp.package_model_version(tmp_path)


# ----------------------------------------------------------------------------
# Static check: no join of two unbounded tables without a key
# ----------------------------------------------------------------------------


def _bounded(node: exp.Expression, ctes: dict[str, exp.Expression]) -> bool:
    """A join side whose size does not grow with the data: UNNEST (of the row's
    own array), or a CTE/subquery whose query ends in a LIMIT."""
    if isinstance(node, exp.Unnest):
        return True
    if isinstance(node, exp.Subquery):
        return node.this.args.get("limit") is not None
    if isinstance(node, exp.Table) and not node.args.get("db") and node.name in ctes:
        return ctes[node.name].args.get("limit") is not None
    return False


def keyless_joins(sql_text: str) -> list[str]:
    """Joins without a key (CROSS JOIN, comma join, ON TRUE or no condition)
    of which neither side is bounded."""
    bad = []
    for stmt in sp.parse_bigquery(sql_text):
        ctes = {c.alias_or_name: c.this for c in stmt.find_all(exp.CTE)}
        for select in stmt.find_all(exp.Select):
            from_ = select.args.get("from_")
            for join in select.args.get("joins") or []:
                on = join.args.get("on")
                keyless = (on is None and not join.args.get("using")) or (
                    isinstance(on, exp.Boolean) and on.this)
                if not keyless:
                    continue
                if _bounded(join.this, ctes) or (from_ is not None and _bounded(from_.this, ctes)):
                    continue
                bad.append(f"{from_.this.sql('bigquery') if from_ else '?'} x {join.this.sql('bigquery')}")
    return bad


@pytest.mark.parametrize("path", SQL_FILES, ids=[p.name for p in SQL_FILES])
def test_no_query_joins_unbounded_tables_without_a_key(path):
    text = path.read_text(encoding="utf-8")
    rendered = sp.render(text, {n: ("my-project.ds" if sp.identifier_kind(n) == "dataset" else
                                    "gs://bkt/x-*.json" if sp.identifier_kind(n) == "gcs_uri" else
                                    f"my-project.ds.{n}") for n in sp.placeholders(text)})
    assert keyless_joins(rendered) == []


def test_static_check_catches_quadratic_joins():
    old = ("WITH a AS (SELECT item_id FROM t), b AS (SELECT item_id FROM t LIMIT 5) "
           "SELECT * FROM a CROSS JOIN a AS a2")
    assert keyless_joins(old) == ["a x a AS a2"]
    assert keyless_joins("SELECT * FROM t, u") == ["t x u"]
    assert keyless_joins("SELECT * FROM t JOIN u ON TRUE") == ["t x u"]
    assert keyless_joins("SELECT * FROM t JOIN u ON t.k = u.k") == []
    assert keyless_joins("WITH b AS (SELECT 1 AS x FROM t LIMIT 5) SELECT * FROM t CROSS JOIN b") == []
    assert keyless_joins("SELECT * FROM t, UNNEST(t.v) AS x") == []
    # and the pre-VECTOR_SEARCH queries would fail it
    assert keyless_joins(OLD_SIMILAR) and keyless_joins(OLD_RECS)


OLD_SIMILAR = ("CREATE OR REPLACE TABLE `p.d.s` AS WITH vectors AS (SELECT item_id, topics FROM `p.d.t`) "
               "SELECT a.item_id, b.item_id FROM vectors AS a CROSS JOIN vectors AS b WHERE a.item_id != b.item_id")
OLD_RECS = ("CREATE OR REPLACE TABLE `p.d.r` AS WITH users AS (SELECT user_id, topics FROM `p.d.u`), "
            "candidates AS (SELECT item_id, topics FROM `p.d.t`) SELECT u.user_id, i.item_id FROM users AS u "
            "CROSS JOIN candidates AS i LEFT JOIN `p.d.s` AS s ON s.user_id = u.user_id AND s.item_id = i.item_id")


def test_every_scale_file_exists():
    names = {p.name for p in SQL_FILES}
    assert {"vector_index.sql", "item_topics.sql", "recommendations.sql", "similar_items.sql",
            "search_boost.sql"} <= names
    for name in ("recommendations.sql", "similar_items.sql"):
        assert "VECTOR_SEARCH(" in (REPO / "sql" / name).read_text(encoding="utf-8")
    assert re.search(r"MERGE\s", (REPO / "sql" / "item_topics.sql").read_text(encoding="utf-8"))
    assert math.isclose(vse.INDEX_MIN_BYTES, 10 * 1024 * 1024)


def test_parallel_sandbox_matches_one_sandbox(request, tmp_path):
    """ParallelSandbox (the benchmark's evaluator) gives exactly what one sandbox
    process gives, row for row, with several workers and more workers than rows."""
    package = request.config.getoption("--package")
    if not package:
        pytest.skip("no --package / JATOPIC_PACKAGE: real-sandbox test skipped")
    rows = [[item_text(t, d)] for _, t, d, _ in ITEMS] + [[None]]
    want = sp.udf_values(package, "ja_topics", rows)
    for workers in (3, 20):
        par = sp.ParallelSandbox(workers)
        assert par(package, "ja_topics", rows) == want
        stats = par.calls[-1]["workers"]
        assert sum(s["rows"] for s in stats) == len(rows) and all(s["seconds"] > 0 for s in stats)
