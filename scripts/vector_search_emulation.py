"""Local stand-ins for BigQuery's VECTOR_SEARCH (used by scripts/sql_pipeline.py).

DuckDB has no VECTOR_SEARCH. The runner evaluates each call before its
statement runs and puts a table with BigQuery's output shape in its place:
one row per (query row, neighbour) with

    query     STRUCT of every column of the query table (or query)
    base      STRUCT of every column of the base table (or query)
    distance  FLOAT64, here always COSINE distance (1 - cosine similarity)

and at most ``top_k`` rows per query row. Two engines:

* **exact** (``exact_sql``): brute force inside DuckDB, every query row
  against every base row, the ``top_k`` smallest distances; equal distances
  go to the smaller base row (rows are numbered in the order of all their
  columns, so the base table's first column -- item_id -- decides). Quadratic:
  for tests and small tables. ``exact_numpy`` is the same ranking in numpy
  (float32, chunked), for the benchmark's recall reference.
* **approximate** (``approximate_scann``): what a TREE_AH index does,
  emulated with ScaNN (the library behind TreeAH): a k-means tree with one
  leaf per ``leaf_node_embedding_count`` (1000) rows, searching
  ``fraction_lists_to_search`` of the leaves with asymmetric hashing, then
  re-scoring the best ``30 * top_k`` exactly. Needs numpy and scann
  (scripts/requirements-scale.txt).

BigQuery uses an index only when the base is an indexed table with at least
``INDEX_MIN_BYTES`` of indexed data; below that (and with
``use_brute_force``) it searches exactly, and so does the runner.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field

# BigQuery leaves a vector index unpopulated on a table under 10 MB of indexed
# data; VECTOR_SEARCH then searches by brute force (docs/scale.md).
INDEX_MIN_BYTES = 10 * 1024 * 1024
# TreeAH's default leaf size (tree_ah_options.leaf_node_embedding_count).
TREE_AH_LEAF_SIZE = 1000
# fraction_lists_to_search when a call does not set it (docs/scale.md).
DEFAULT_FRACTION = 0.05
# Candidates ScaNN re-scores exactly, per neighbour asked for.
REORDER_FACTOR = 30
# Rows fetched from DuckDB per chunk when building numpy matrices.
CHUNK_ROWS = 50_000


class VectorSearchError(ValueError):
    """A VECTOR_SEARCH call the emulation cannot run (or BigQuery would refuse)."""


@dataclass
class SearchCall:
    """One evaluated VECTOR_SEARCH: what ran and how long it took."""

    engine: str  # "exact_sql", "exact_numpy" or "approximate_scann"
    base_rows: int
    query_rows: int
    top_k: int
    dimension: int
    seconds: float
    options: dict = field(default_factory=dict)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def number_rows(con, table: str, select_sql: str) -> list[str]:
    """CREATE TEMP TABLE ``table`` (_jq_row, columns of ``select_sql``), rows
    numbered from 0 in the order of all their columns; returns the column names."""
    cols = [d[0] for d in con.execute(f"SELECT * FROM ({select_sql}) LIMIT 0").description]
    if "_jq_row" in cols:
        raise VectorSearchError("a VECTOR_SEARCH input has a column named _jq_row")
    order = ", ".join(_quote(c) for c in cols)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT "
                f"row_number() OVER (ORDER BY {order}) - 1 AS _jq_row, * FROM ({select_sql})")
    return cols


def check_vectors(con, table: str, column: str, what: str) -> tuple[int, int]:
    """(rows, dimension) of a numbered table; refuses NULL, empty, all-zero or
    ragged vectors (cosine distance is undefined for them, and BigQuery's
    index requires one dimension)."""
    c = _quote(column)
    rows, dmin, dmax, bad = con.execute(
        f"SELECT count(*), min(len({c})), max(len({c})), "
        f"count(*) FILTER (WHERE {c} IS NULL OR len({c}) = 0 OR "
        f"list_dot_product({c}, {c}) = 0 OR list_has_any({c}, [NULL])) "
        f"FROM {table}").fetchone()
    if bad:
        raise VectorSearchError(f"VECTOR_SEARCH {what}: {bad} rows with a NULL, empty or all-zero "
                                f"'{column}' (COSINE distance is undefined for them: filter them out)")
    if rows and dmin != dmax:
        raise VectorSearchError(f"VECTOR_SEARCH {what}: '{column}' has dimensions {dmin}..{dmax}")
    return rows, (dmin or 0)


def _struct(alias: str, cols: list[str]) -> str:
    if not cols:  # the statement reads nothing of this side
        return "NULL"
    return "struct_pack(" + ", ".join(f"{_quote(c)} := {alias}.{_quote(c)}" for c in cols) + ")"


def materialise(con, out: str, qtab: str, qcols: list[str], btab: str, bcols: list[str],
                pairs_sql: str):
    """The output table from (qr, br, distance) pairs."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT {_struct('q', qcols)} AS query, "
        f"{_struct('b', bcols)} AS base, p.distance AS distance FROM ({pairs_sql}) AS p "
        f"JOIN {qtab} AS q ON q._jq_row = p.qr JOIN {btab} AS b ON b._jq_row = p.br")


def exact_sql(con, qtab: str, qcol: str, btab: str, bcol: str, top_k: int) -> str:
    """SQL of the exact pairs: every query row against every base row."""
    return (f"SELECT q._jq_row AS qr, b._jq_row AS br, "
            f"list_cosine_distance(q.{_quote(qcol)}, b.{_quote(bcol)}) AS distance "
            f"FROM {qtab} AS q CROSS JOIN {btab} AS b "
            f"QUALIFY row_number() OVER (PARTITION BY q._jq_row ORDER BY distance, b._jq_row) <= {int(top_k)}")


def fetch_matrix(con, table: str, column: str, rows: int, dim: int):
    """The vectors of a numbered table as a float32 numpy matrix, row i = _jq_row i."""
    import numpy as np

    out = np.empty((rows, dim), dtype=np.float32)
    c = _quote(column)
    for start in range(0, rows, CHUNK_ROWS):
        stop = min(rows, start + CHUNK_ROWS)
        flat = con.execute(f"SELECT flatten(list({c} ORDER BY _jq_row)) AS v FROM {table} "
                           f"WHERE _jq_row >= {start} AND _jq_row < {stop}").fetchnumpy()["v"][0]
        out[start:stop] = np.asarray(flat, dtype=np.float32).reshape(stop - start, dim)
    return out


def _normalise(m):
    import numpy as np

    m /= np.linalg.norm(m, axis=1, keepdims=True)
    return m


def exact_numpy(q, b, top_k: int):
    """Exact top-k cosine neighbours of each row of q among the rows of b
    (both L2-normalised float32): (qr, br, distance) arrays, ties by br."""
    import numpy as np

    k = min(top_k, b.shape[0])
    qr_parts, br_parts, d_parts = [], [], []
    step = max(1, min(2048, 50_000_000 // max(1, b.shape[0])))
    for start in range(0, q.shape[0], step):
        sims = q[start:start + step] @ b.T
        if k < b.shape[0]:
            # Take a margin past k so that ties at the k-th value are all seen.
            part = np.argpartition(-sims, min(k + 8, b.shape[0] - 1), axis=1)[:, : min(k + 8, b.shape[0])]
        else:
            part = np.broadcast_to(np.arange(b.shape[0]), sims.shape)
        for i in range(sims.shape[0]):
            idx = part[i]
            s = sims[i, idx]
            order = np.lexsort((idx, -s))[:k]
            qr_parts.append(np.full(len(order), start + i, dtype=np.int64))
            br_parts.append(idx[order].astype(np.int64))
            d_parts.append(1.0 - s[order].astype(np.float64))
    if not qr_parts:
        return (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))
    return np.concatenate(qr_parts), np.concatenate(br_parts), np.concatenate(d_parts)


SCANN_QUERY_BATCH = 50_000


def approximate_scann(q, b, top_k: int, fraction: float, leaf_size: int = TREE_AH_LEAF_SIZE):
    """TreeAH-like approximate top-k with ScaNN; (qr, br, distance) arrays."""
    import numpy as np
    import scann

    n = b.shape[0]
    k = min(top_k, n)
    leaves = max(2, round(n / leaf_size))
    to_search = max(1, math.ceil(fraction * leaves))
    builder = scann.scann_ops_pybind.builder(b, k, "dot_product")
    searcher = (builder.tree(num_leaves=leaves, num_leaves_to_search=to_search,
                             training_sample_size=min(n, 250_000))
                .score_ah(2, anisotropic_quantization_threshold=0.2)
                .reorder(REORDER_FACTOR * k).build())
    # In batches: ScaNN keeps every query's re-scoring candidates of a batch
    # (REORDER_FACTOR x k each), ~7 GB for 10^6 queries at top_k 30 at once.
    idx = np.concatenate([searcher.search_batched(q[start:start + SCANN_QUERY_BATCH], final_num_neighbors=k)[0]
                          for start in range(0, q.shape[0], SCANN_QUERY_BATCH)]).astype(np.int64)
    valid = idx >= 0
    qr = np.repeat(np.arange(q.shape[0], dtype=np.int64), k).reshape(-1, k)[valid]
    br = idx[valid]
    dist = np.empty(len(br), dtype=np.float64)
    for start in range(0, len(br), 1_000_000):
        sl = slice(start, start + 1_000_000)
        dist[sl] = 1.0 - np.einsum("ij,ij->i", q[qr[sl]], b[br[sl]]).astype(np.float64)
    return qr, br, dist


def parse_options(text) -> dict:
    if text is None:
        return {}
    try:
        opts = json.loads(text)
    except json.JSONDecodeError as e:
        raise VectorSearchError(f"VECTOR_SEARCH options are not JSON: {text!r}: {e}") from e
    if not isinstance(opts, dict):
        raise VectorSearchError(f"VECTOR_SEARCH options must be a JSON object: {text!r}")
    unknown = set(opts) - {"fraction_lists_to_search", "use_brute_force"}
    if unknown:
        raise VectorSearchError(f"VECTOR_SEARCH options: unknown {sorted(unknown)}")
    return opts


def run_search(con, out: str, base_sql: str, base_col: str, query_sql: str, query_col: str,
               top_k: int, *, indexed: dict | None, mode: str, options: dict,
               exact_engine: str = "sql", index_min_bytes: int = INDEX_MIN_BYTES,
               query_sample: int | None = None, base_fields: set | None = None,
               query_fields: set | None = None) -> SearchCall:
    """Evaluate one VECTOR_SEARCH into the temp table ``out``.

    ``indexed``: the options of CREATE VECTOR INDEX on the base table (None if
    none); ``mode``: "exact" (always brute force) or "index" (the index when
    BigQuery would use it); ``exact_engine``: "sql" or "numpy";
    ``index_min_bytes``: the indexed data below which the search is exact
    (BigQuery's 10 MB; 0 forces the approximate engine, for measuring recall);
    ``query_sample``: search only this many query rows, a fixed pseudo-random
    choice (exact recall references where all-pairs brute force is too slow).
    ``base_fields``/``query_fields``: the columns the statement reads from the
    output's ``base``/``query`` STRUCT (None: all). The vector column is read
    for the search but left out of the STRUCT when the statement does not use
    it: at 10^6 queries x top_k 30 the vectors alone would be ~30 GB.
    """
    t0 = time.perf_counter()
    if top_k is None or top_k < 1:
        raise VectorSearchError(f"VECTOR_SEARCH top_k must be >= 1, got {top_k}")
    btab, qtab = f"{out}_b", f"{out}_q"
    bcols = number_rows(con, btab, base_sql)
    qcols = number_rows(con, qtab, query_sql)
    if query_sample is not None:
        # The same rows for the same input (hash of the row number), renumbered from 0.
        con.execute(f"CREATE OR REPLACE TEMP TABLE {qtab}_s AS SELECT row_number() OVER (ORDER BY _jq_row) - 1 "
                    f"AS _jq_row, * EXCLUDE (_jq_row) FROM (SELECT * FROM {qtab} ORDER BY hash(_jq_row), _jq_row "
                    f"LIMIT {int(query_sample)})")
        con.execute(f"DROP TABLE {qtab}")
        con.execute(f"ALTER TABLE {qtab}_s RENAME TO {qtab}")
    for cols, col, what in ((bcols, base_col, "base"), (qcols, query_col, "query")):
        if col not in cols:
            raise VectorSearchError(f"VECTOR_SEARCH {what}: no column '{col}' (has {cols})")
    n_b, dim_b = check_vectors(con, btab, base_col, "base")
    n_q, dim_q = check_vectors(con, qtab, query_col, "query")
    if n_b and n_q and dim_b != dim_q:
        raise VectorSearchError(f"VECTOR_SEARCH: base dimension {dim_b} != query dimension {dim_q}")
    if base_fields is not None:
        bcols = [c for c in bcols if c in base_fields]
    if query_fields is not None:
        qcols = [c for c in qcols if c in query_fields]
    use_index = (mode == "index" and indexed is not None and not options.get("use_brute_force")
                 and n_b * dim_b * 8 >= index_min_bytes)
    if use_index:
        engine = "approximate_scann"
    else:
        engine = "exact_numpy" if exact_engine == "numpy" else "exact_sql"
    if n_b == 0 or n_q == 0:
        materialise(con, out, qtab, qcols, btab, bcols,
                    "SELECT 0::BIGINT AS qr, 0::BIGINT AS br, 0.0::DOUBLE AS distance WHERE FALSE")
    elif engine == "exact_sql":
        materialise(con, out, qtab, qcols, btab, bcols,
                    exact_sql(con, qtab, query_col, btab, base_col, top_k))
    else:
        q = _normalise(fetch_matrix(con, qtab, query_col, n_q, dim_q))
        b = _normalise(fetch_matrix(con, btab, base_col, n_b, dim_b))
        if engine == "exact_numpy":
            qr, br, dist = exact_numpy(q, b, top_k)
        else:
            fraction = float(options.get("fraction_lists_to_search", DEFAULT_FRACTION))
            qr, br, dist = approximate_scann(q, b, top_k, fraction)
        del q, b
        pairs = {"qr": qr, "br": br, "distance": dist}  # noqa: F841 (DuckDB scans it by name)
        con.register(f"{out}_pairs", pairs)
        materialise(con, out, qtab, qcols, btab, bcols, f"SELECT qr, br, distance FROM {out}_pairs")
        con.unregister(f"{out}_pairs")
    con.execute(f"DROP TABLE {btab}")
    con.execute(f"DROP TABLE {qtab}")
    return SearchCall(engine, n_b, n_q, int(top_k), dim_b, time.perf_counter() - t0, dict(options))
