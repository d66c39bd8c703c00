#!/usr/bin/env python3
"""Run jatopic's BigQuery SQL (sql/*.sql) for real, on an embedded DuckDB.

The .sql files are GoogleSQL meant for BigQuery. This module

* renders them: ``{{name}}`` placeholders are filled with identifiers that are
  validated first (``render``) -- nothing unchecked is ever pasted into SQL;
  numeric knobs stay BigQuery named query parameters (``@top_n``);
* transpiles them with sqlglot (read="bigquery", write="duckdb") plus a few
  documented post-processing steps where sqlglot's output is wrong or DuckDB
  lacks the BigQuery feature (see ``transpile``);
* evaluates the jatopic JavaScript UDFs with the BigQuery sandbox
  (``node js/bq-sandbox.mjs``), one process per function and statement with
  all distinct inputs (``udf_values``), or with a pure-Python stand-in
  (``fake_udf_values``) when no package is given;
* runs the whole pipeline (items -> item topics -> user topics ->
  recommendations, similar items, training-terms export, optionally topic
  labels and search boost) and writes every result as NDJSON;
* evaluates the recommendations offline (``evaluate_recommendations``).

CLI::

    build/venv-sql/bin/python scripts/sql_pipeline.py --package DIR \\
        --items items.ndjson --views views.ndjson --out OUTDIR \\
        [--half-life-days 7 --window-days 30 --top-n 10 --popularity-weight 0] \\
        [--topics topics.json] [--candidates candidates.ndjson] [--evaluate]
    build/venv-sql/bin/python scripts/sql_pipeline.py render sql/item_topics.sql \\
        --set dataset=my-project.jatopic --set items_table=my-project.shop.items \\
        --set item_topics_table=my-project.shop.item_topics

How the UDFs run on DuckDB
--------------------------
DuckDB cannot run JavaScript, and its Python UDFs need numpy. Instead each UDF
call ``ja_topics(<expr>)`` is rewritten into a lookup in a table of
precomputed values, ``(SELECT v FROM jatopic_udf.ja_topics WHERE a0 IS NOT
DISTINCT FROM <expr>)``, which DuckDB decorrelates into a hash join. Before
the statement runs, a *pre-pass* query ``SELECT DISTINCT <expr> FROM <the
FROM/JOINs/WHERE of the SELECT that contains the call>`` (with the CTEs it
needs) lists the inputs; the ones not yet in the table are evaluated in one
sandbox call per function and inserted. A UDF argument must therefore be a
row-level expression over its own SELECT's FROM clause (no aggregates, no
columns of an outer query) -- true of every file in sql/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import duckdb
import sqlglot
from sqlglot import exp

import vector_search_emulation as vse

REPO = Path(__file__).resolve().parent.parent
SQL_DIR = REPO / "sql"
SANDBOX = REPO / "js" / "bq-sandbox.mjs"

# --------------------------------------------------------------------------
# Identifier validation and rendering
# --------------------------------------------------------------------------

# BigQuery project ids: 6-30 characters, lowercase letters, digits and
# hyphens, starting with a letter and not ending with a hyphen; legacy
# domain-scoped projects are "example.com:project".
_PROJECT = r"(?:[a-z][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]"
# Dataset names: letters, digits, underscores, at most 1024 characters.
_DATASET = r"[A-Za-z0-9_]{1,1024}"
# Table names: BigQuery allows more Unicode categories; we accept the
# portable subset (letters, digits, underscores, hyphens), at most 1024.
_TABLE = r"[A-Za-z0-9_][A-Za-z0-9_-]{0,1023}"
_DATASET_PATH = re.compile(rf"(?:{_PROJECT}\.)?{_DATASET}")
_TABLE_PATH = re.compile(rf"(?:{_PROJECT}\.)?{_DATASET}\.{_TABLE}")
# gs://bucket/object: bucket names are 3-63 (222 with dots) lowercase letters,
# digits, '-', '_', '.'; we accept object names of a conservative character
# set, and EXPORT DATA needs exactly one '*' wildcard (checked per kind).
_GCS_URI = re.compile(r"gs://[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]/[A-Za-z0-9._/*=+-]{1,1000}")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class RenderError(ValueError):
    """A placeholder value is not a safe identifier, or a placeholder is unknown or missing."""


def identifier_kind(name: str) -> str:
    """The kind of value a placeholder takes, from its name."""
    if name == "dataset" or name.endswith("_dataset"):
        return "dataset"
    if name.endswith("_table"):
        return "table"
    if name.endswith("_uri"):
        return "gcs_uri"
    raise RenderError(
        f"placeholder {{{{{name}}}}}: unknown kind (names are 'dataset', '*_dataset', '*_table' or '*_uri')"
    )


def validate_identifier(name: str, value: Any) -> str:
    """Check one placeholder value against BigQuery's naming rules; return it."""
    kind = identifier_kind(name)
    if not isinstance(value, str):
        raise RenderError(f"{name}: expected a string, got {type(value).__name__}")
    if kind == "dataset":
        ok = _DATASET_PATH.fullmatch(value)
        what = "[project.]dataset"
    elif kind == "table":
        ok = _TABLE_PATH.fullmatch(value)
        what = "[project.]dataset.table"
    else:
        ok = _GCS_URI.fullmatch(value) and ".." not in value
        what = "gs://bucket/path"
    if not ok:
        raise RenderError(f"{name}: {value!r} is not a valid {what}")
    return value


def render(sql_text: str, identifiers: dict[str, str]) -> str:
    """Fill the ``{{name}}`` placeholders of a .sql file with validated values.

    Identifier placeholders (dataset, *_table) must stand alone between
    backticks, URI placeholders (*_uri) alone between single quotes, so a value
    can never end a quoted context; every placeholder needs a value, and
    values are checked with ``validate_identifier`` (extra keys are ignored).
    """
    for name, value in identifiers.items():
        validate_identifier(name, value)

    def substitute(m: re.Match) -> str:
        name = m.group(1)
        kind = identifier_kind(name)
        if name not in identifiers:
            raise RenderError(f"no value for placeholder {{{{{name}}}}}")
        quote = "'" if kind == "gcs_uri" else "`"
        before = sql_text[m.start() - 1 : m.start()]
        after = sql_text[m.end() : m.end() + 1]
        if before != quote or after != quote:
            raise RenderError(
                f"placeholder {{{{{name}}}}} must stand alone between {quote} quotes"
            )
        value = identifiers[name]
        if kind == "gcs_uri" and name == "gcs_uri" and value.count("*") != 1:
            raise RenderError(f"{name}: EXPORT DATA needs exactly one '*' wildcard in {value!r}")
        return value

    out = _PLACEHOLDER.sub(substitute, sql_text)
    if "{{" in out or "}}" in out:
        raise RenderError("malformed placeholder (stray '{{' or '}}')")
    return out


def placeholders(sql_text: str) -> list[str]:
    """Names of the placeholders of a .sql file, in order of first use."""
    seen: list[str] = []
    for m in _PLACEHOLDER.finditer(sql_text):
        if m.group(1) not in seen:
            seen.append(m.group(1))
    return seen


# --------------------------------------------------------------------------
# UDFs: signatures and evaluators
# --------------------------------------------------------------------------

# The UDF contract (names and BigQuery types), shared with `jatopic package`
# (src/bigquery/package.rs) and the sandbox (js/bq-sandbox.mjs).
CONTRACT_FILE = REPO / "src" / "bigquery" / "udf_contract.json"
CONTRACT = json.loads(CONTRACT_FILE.read_text(encoding="utf-8"))

_DUCKDB_SCALARS = {"STRING": "VARCHAR", "INT64": "BIGINT", "FLOAT64": "DOUBLE", "BOOL": "BOOLEAN"}


def duckdb_type(bigquery_type: str) -> str:
    """A BigQuery type of the contract as DuckDB spells it:
    ``ARRAY<STRUCT<topic INT64, weight FLOAT64>>`` -> ``STRUCT(topic BIGINT, weight DOUBLE)[]``."""
    tokens = re.findall(r"[A-Za-z_][A-Za-z0-9_]*|[<>,]", bigquery_type)
    pos = 0

    def take(expected: str | None = None) -> str:
        nonlocal pos
        if pos >= len(tokens) or (expected is not None and tokens[pos] != expected):
            raise ValueError(f"{CONTRACT_FILE}: cannot read the type {bigquery_type!r}")
        pos += 1
        return tokens[pos - 1]

    def parse() -> str:
        word = take().upper()
        if word == "ARRAY":
            take("<")
            element = parse()
            take(">")
            return f"{element}[]"
        if word == "STRUCT":
            take("<")
            fields = []
            while True:
                name = take()
                fields.append(f"{name} {parse()}")
                if take() == ">":
                    return f"STRUCT({', '.join(fields)})"
        if word not in _DUCKDB_SCALARS:
            raise ValueError(f"{CONTRACT_FILE}: type {word} has no DuckDB counterpart here")
        return _DUCKDB_SCALARS[word]

    out = parse()
    if pos != len(tokens):
        raise ValueError(f"{CONTRACT_FILE}: cannot read the type {bigquery_type!r}")
    return out


# Function name without prefix -> (DuckDB argument types, DuckDB return type).
UDF_SIGNATURES: dict[str, tuple[list[str], str]] = {
    f["name"]: ([duckdb_type(a["type"]) for a in f["arguments"]], duckdb_type(f["returns"]))
    for f in CONTRACT["functions"]
}
DEFAULT_PREFIX = "ja_"
# The readings library file of `jatopic package --readings`, and per function
# (name without prefix) how it uses it: "none", "optional" (readings in its
# result when the package has them, NULL otherwise) or "required" (only in
# packages with readings).
READINGS_FILE: str = CONTRACT["readings_file"]
UDF_READINGS: dict[str, str] = {f["name"]: f.get("readings", "none") for f in CONTRACT["functions"]}


def package_has_readings(package_dir) -> bool:
    """Whether a `jatopic package` directory holds the readings library file
    (its manifest.json lists it), so that its functions with readings
    "required" exist."""
    manifest = Path(package_dir) / "manifest.json"
    try:
        files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        return any(f["path"] == READINGS_FILE for f in files)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ValueError(f"{manifest}: cannot read the files: {e}") from e

Evaluator = Callable[[Any, str, list], list]


class UDFError(RuntimeError):
    """The sandbox failed or answered something unexpected."""


def udf_values(package_dir, name: str, rows: Sequence[Sequence[Any]], *,
               node: str | None = None, sandbox: Path | str = SANDBOX,
               extra_args: Sequence[str] = ()) -> list:
    """Evaluate UDF ``name`` of a `jatopic package` directory on ``rows``.

    One ``node js/bq-sandbox.mjs`` process for all rows: each row is the list
    of argument values (JSON), the result is the list of return values (None
    for NULL), in the same order.
    """
    if not rows:
        return []
    node = node or os.environ.get("NODE", "node")
    with tempfile.NamedTemporaryFile("w", suffix=".ndjson", encoding="utf-8", delete=False) as f:
        for row in rows:
            f.write(json.dumps(list(row), ensure_ascii=False) + "\n")
        input_path = f.name
    try:
        cmd = [node, str(sandbox), "--package", str(package_dir), "--function", name,
               "--input", input_path, *extra_args]
        proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8")
    finally:
        os.unlink(input_path)
    if proc.returncode != 0:
        raise UDFError(f"{name}: sandbox exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    lines = [line for line in proc.stdout.split("\n") if line.strip()]
    if len(lines) != len(rows):
        raise UDFError(f"{name}: sandbox gave {len(lines)} results for {len(rows)} rows")
    return [json.loads(line) for line in lines]


def _fake_reading(text: str) -> str:
    # The text without whitespace, hiragana shifted to katakana.
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" or c in "\u309d\u309e" else c
                   for c in text if not c.isspace())


def _fake_terms(text: str) -> list[str]:
    # Latin/digit words, and character bigrams of other non-space runs.
    terms: list[str] = []
    for run in re.findall(r"[^\s\W_]+", text.lower()):
        if run.isascii():
            terms.append(run)
        elif len(run) == 1:
            terms.append(run)
        else:
            terms.extend(run[i : i + 2] for i in range(len(run) - 1))
    return terms


FAKE_K = 8


def _fake_topics(terms: Sequence[str]) -> list[float]:
    counts = [0.1] * FAKE_K
    for t in terms:
        counts[zlib.crc32(t.encode("utf-8")) % FAKE_K] += 1.0
    total = sum(counts)
    return [c / total for c in counts]


def fake_udf_values(package_dir, name: str, rows: Sequence[Sequence[Any]]) -> list:
    """A deterministic pure-Python stand-in for the sandbox (no model).

    Terms are character bigrams, a term's topic is its CRC-32 mod 8, and a
    text's vector is its smoothed topic histogram: enough to exercise the SQL.
    """
    base = name[len(DEFAULT_PREFIX):] if name.startswith(DEFAULT_PREFIX) else name
    out = []
    for row in rows:
        arg = row[0]
        if arg is None:
            out.append(None)
        elif base in ("tokenize", "tokenize_search", "terms"):
            out.append(_fake_terms(arg) if base == "terms" else arg.split())
        elif base == "topics":
            out.append(_fake_topics(_fake_terms(arg)))
        elif base == "reading":
            out.append(_fake_reading(arg))
        elif base == "topics_from_terms":
            out.append(_fake_topics(arg))
        elif base == "top_topics":
            n = int(row[1]) if row[1] is not None else 0
            v = _fake_topics(_fake_terms(arg))
            order = sorted(range(len(v)), key=lambda k: (-v[k], k))[: max(n, 0)]
            out.append([{"topic": k, "weight": v[k]} for k in order])
        else:
            raise UDFError(f"fake evaluator: {name} is not supported")
    return out


# --------------------------------------------------------------------------
# Transpiling BigQuery -> DuckDB
# --------------------------------------------------------------------------


class TranspileError(ValueError):
    """A statement sqlglot cannot parse or we cannot run on DuckDB."""


@dataclass
class Statement:
    """One statement of a .sql file, ready for DuckDB."""

    kind: str  # "query" (SELECT / CREATE ... AS), "export" or "load"
    bigquery: exp.Expression  # as parsed (GoogleSQL)
    duckdb: exp.Expression | None = None  # query/export: the query to run on DuckDB
    # kind == "export": options of EXPORT DATA
    options: dict = field(default_factory=dict)
    # kind == "load": target table, columns [(name, duckdb type)], uris, overwrite
    table: str | None = None
    columns: list = field(default_factory=list)
    uris: list = field(default_factory=list)
    overwrite: bool = False


# CREATE VECTOR INDEX, which sqlglot only passes through as a command.
_VECTOR_INDEX = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?VECTOR\s+INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>\w+)\s+"
    r"ON\s+`(?P<table>[^`]+)`\s*\(\s*(?P<column>\w+)\s*\)\s*"
    r"(?:STORING\s*\((?P<storing>[^)]*)\)\s*)?OPTIONS\s*\((?P<options>.*)\)\s*;?\s*$",
    re.IGNORECASE | re.DOTALL)
_OPTION = re.compile(r"(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[\w.]+)")


def parse_vector_index(text: str) -> dict | None:
    """``CREATE VECTOR INDEX ... ON `table`(column) OPTIONS(...)`` -> its parts, else None."""
    m = _VECTOR_INDEX.match(text.strip())
    if not m:
        return None
    options = {k.lower(): v[1:-1] if v[:1] in "'\"" else v for k, v in _OPTION.findall(m.group("options"))}
    return {"name": m.group("name"), "table": m.group("table"), "column": m.group("column"),
            "storing": [c.strip() for c in (m.group("storing") or "").split(",") if c.strip()],
            "options": options}


def parse_bigquery(sql_text: str) -> list[exp.Expression]:
    """Parse a rendered file as GoogleSQL; refuse statements sqlglot only passes
    through, except CREATE VECTOR INDEX (kept as a command, see ``transpile``)."""
    import logging

    sqlglot_log = logging.getLogger("sqlglot")
    level = sqlglot_log.level
    sqlglot_log.setLevel(logging.ERROR)  # its "falling back to a Command" warning: handled below
    try:
        stmts = [s for s in sqlglot.parse(sql_text, read="bigquery") if s is not None]
    except sqlglot.errors.ParseError as e:
        raise TranspileError(f"sqlglot cannot parse the SQL as BigQuery: {e}") from e
    finally:
        sqlglot_log.setLevel(level)
    for s in stmts:
        if isinstance(s, exp.Command) and parse_vector_index(s.sql("bigquery", comments=False)) is None:
            raise TranspileError(f"sqlglot does not understand: {s.sql('bigquery')[:200]}")
    return stmts


def _udf_name_set(prefix: str) -> set[str]:
    return {prefix + n for n in UDF_SIGNATURES}


def _strip_udf_qualifiers(tree: exp.Expression, udfs: set[str]) -> exp.Expression:
    """``"proj.ds".ja_topics(x)`` -> ``ja_topics(x)``: the UDFs are local lookups."""

    def fix(node):
        if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Anonymous) \
                and node.expression.name.lower() in udfs:
            return node.expression
        return node

    return tree.transform(fix)


def _fix_unnest_offsets(tree: exp.Expression) -> exp.Expression:
    """sqlglot quirk: BigQuery's 0-based ``UNNEST(a) AS x WITH OFFSET AS o`` becomes
    DuckDB's 1-based ``UNNEST(a) WITH ORDINALITY AS _t0(x, o)`` with no
    correction (every ``o`` would be off by one). Rewrite it into the derived
    table ``(SELECT _u.x AS x, _u.o - 1 AS o FROM UNNEST(a) WITH ORDINALITY AS
    _u(x, o)) AS _t0`` (DuckDB joins it laterally)."""
    counter = [0]

    def fix(node):
        if not isinstance(node, exp.Unnest) or not node.args.get("offset"):
            return node
        if not isinstance(node.parent, (exp.From, exp.Join)):
            return node
        alias = node.args.get("alias")
        cols = list(alias.columns) if alias else []
        if len(cols) != 1:
            raise TranspileError(f"UNNEST ... WITH OFFSET needs a value alias: {node.sql('duckdb')}")
        offset = node.args["offset"]
        off_name = offset.name if isinstance(offset, exp.Expression) else "offset"
        counter[0] += 1
        inner = f"_jq_ord{counter[0]}"
        value = cols[0].name
        inner_unnest = exp.Unnest(
            expressions=[e.copy() for e in node.expressions],
            alias=exp.TableAlias(this=exp.to_identifier(inner),
                                 columns=[exp.to_identifier(value)]),
            offset=exp.to_identifier(off_name),
        )
        select = exp.select(
            exp.column(value, table=inner).as_(value),
            exp.Sub(this=exp.column(off_name, table=inner), expression=exp.Literal.number(1)).as_(off_name),
        ).from_(inner_unnest)
        outer = alias.this.name if alias and alias.this else f"_jq_unnest{counter[0]}"
        return exp.Subquery(this=select, alias=exp.TableAlias(this=exp.to_identifier(outer)))

    return tree.transform(fix)


# Alias marking ``(SELECT * FROM t AS _jq_whole_table)``, the form a
# ``VECTOR_SEARCH(TABLE t, ...)`` input takes locally (sqlglot's DuckDB output
# of ``TABLE t`` inside VECTOR_SEARCH does not parse back).
WHOLE_TABLE = "_jq_whole_table"


def _vector_search_table_inputs(tree: exp.Expression) -> exp.Expression:
    for vs in list(tree.find_all(exp.VectorSearch)):
        for key in ("this", "query_table"):
            node = vs.args.get(key)
            if isinstance(node, exp.Table):
                table = node.copy()
                table.set("alias", exp.TableAlias(this=exp.to_identifier(WHOLE_TABLE)))
                vs.set(key, exp.Subquery(this=exp.select("*").from_(table)))
    return tree


def _to_duckdb(tree: exp.Expression, udfs: set[str]) -> exp.Expression:
    tree = _vector_search_table_inputs(_strip_udf_qualifiers(tree.copy(), udfs))
    sql = tree.sql("duckdb", comments=False)
    try:
        duck = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as e:  # pragma: no cover - sqlglot round trip
        raise TranspileError(f"sqlglot's DuckDB output does not parse back: {e}\n{sql}") from e
    return _fix_unnest_offsets(duck)


def _literal_value(node: exp.Expression):
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Literal):
        return node.this if node.is_string else float(node.this)
    if isinstance(node, exp.Array):
        return [_literal_value(e) for e in node.expressions]
    return node.sql("bigquery")


def _properties(props: exp.Expression | None) -> dict:
    out = {}
    for p in (props.expressions if props else []):
        if isinstance(p, exp.FileFormatProperty):
            out["format"] = _literal_value(p.this)
        else:
            out[p.name.lower()] = _literal_value(p.args["value"])
    return out


def transpile(sql_text: str, prefix: str = DEFAULT_PREFIX) -> list[Statement]:
    """Rendered GoogleSQL -> statements for DuckDB.

    Post-processing of sqlglot's output (sqlglot 30.30.0, DuckDB 2.0.1):

    1. comments are dropped (sqlglot moves them around statements);
    2. ``` `proj.ds`.ja_topics(x) ``` loses its dataset (the UDF becomes a
       lookup of precomputed values, see the module docstring);
    3. ``UNNEST ... WITH OFFSET`` is 0-based again (``_fix_unnest_offsets``):
       sqlglot emits DuckDB's 1-based ``WITH ORDINALITY`` unchanged;
    4. ``EXPORT DATA OPTIONS(...) AS SELECT`` keeps only its SELECT, which the
       harness runs and writes to a local file (sqlglot's DuckDB output drops
       the OPTIONS and DuckDB has no EXPORT DATA);
    5. ``LOAD DATA ... FROM FILES(...)`` is done by the harness with
       ``read_json`` and the declared column types (DuckDB has no LOAD DATA);
    6. ``CREATE VECTOR INDEX`` registers the index with the runner (which
       decides per VECTOR_SEARCH whether BigQuery would use it), and each
       ``VECTOR_SEARCH(...)`` is evaluated before its statement and replaced
       by a table of its output (``Runner.prepare_vector_searches``).
    """
    udfs = _udf_name_set(prefix)
    out: list[Statement] = []
    for stmt in parse_bigquery(sql_text):
        if isinstance(stmt, exp.Command):
            out.append(Statement("vector_index", stmt,
                                 options=parse_vector_index(stmt.sql("bigquery", comments=False))))
        elif isinstance(stmt, exp.Export):
            out.append(Statement("export", stmt, _to_duckdb(stmt.this, udfs),
                                 options=_properties(stmt.args.get("options"))))
        elif isinstance(stmt, exp.LoadData):
            schema = stmt.this
            table = schema.this if isinstance(schema, exp.Schema) else schema
            cols = [(c.name, c.args["kind"].sql("duckdb")) for c in
                    (schema.expressions if isinstance(schema, exp.Schema) else [])]
            files = _properties(stmt.args.get("files"))
            out.append(Statement("load", stmt, table=table.sql("duckdb"), columns=cols,
                                 uris=list(files.get("uris") or []), options=files,
                                 overwrite=bool(stmt.args.get("overwrite"))))
        else:
            out.append(Statement("query", stmt, _to_duckdb(stmt, udfs)))
    return out


# --------------------------------------------------------------------------
# Running on DuckDB
# --------------------------------------------------------------------------

UDF_SCHEMA = "jatopic_udf"
_ARG = "_jq_arg{}"
_VALUE = "_jq_value"


def _param_names(tree: exp.Expression) -> set[str]:
    names = set()
    for node in tree.find_all(exp.Placeholder, exp.Parameter):
        name = node.name
        if name:
            names.add(name)
    return names


def _json_default(value):
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds" if value.microsecond else "seconds") + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "__float__"):  # Decimal
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _clean(value):
    """NaN/inf -> None (JSON has no NaN), recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def to_json_line(record: dict) -> str:
    return json.dumps(_clean(record), ensure_ascii=False, default=_json_default)


def parse_timestamp(value) -> dt.datetime | None:
    """RFC 3339 -> naive UTC datetime (how TIMESTAMP columns are stored here)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        t = value
    else:
        s = str(value).strip().replace(" UTC", "Z")
        t = dt.datetime.fromisoformat(s.replace("z", "Z").replace("Z", "+00:00"))
    if t.tzinfo is not None:
        t = t.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return t


def read_ndjson(path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{n}: {e}") from e
    return rows


def infer_type(values: Iterable[Any]) -> str:
    """DuckDB type of a JSON column: BOOLEAN, BIGINT, DOUBLE, VARCHAR or JSON."""
    kinds = set()
    for v in values:
        if v is None:
            continue
        if isinstance(v, bool):
            kinds.add("BOOLEAN")
        elif isinstance(v, int):
            kinds.add("BIGINT")
        elif isinstance(v, float):
            kinds.add("DOUBLE")
        elif isinstance(v, str):
            kinds.add("VARCHAR")
        else:
            kinds.add("JSON")
    if not kinds:
        return "VARCHAR"
    if len(kinds) == 1:
        return kinds.pop()
    if kinds <= {"BIGINT", "DOUBLE"}:
        return "DOUBLE"
    if "JSON" in kinds:
        return "JSON"
    return "VARCHAR"


def _digest(args) -> bytes:
    import hashlib

    return hashlib.blake2b(json.dumps(list(args), ensure_ascii=False, default=_json_default)
                           .encode("utf-8"), digest_size=16).digest()


def lookup_record(args, n_args: int, value_json: str) -> str:
    """One line of a UDF lookup table: the arguments and the value (already JSON)."""
    head = json.dumps({_ARG.format(i): args[i] for i in range(n_args)}, ensure_ascii=False,
                      default=_json_default)
    return head[:-1] + f', "{_VALUE}": {value_json}}}'


TIME = "/usr/bin/time"


def peak_rss_command(cmd: list[str], report: str) -> list[str]:
    """``cmd`` under GNU time writing its peak RSS (kB) to ``report``, when
    there is one: a child forked from a large process inherits that process's
    resident size in ru_maxrss until it execs, so wait4's figure can be wrong."""
    return [TIME, "-f", "%M", "-o", report, *cmd] if os.access(TIME, os.X_OK) else cmd


def peak_rss_kb(report: str, usage) -> int:
    try:
        return int(Path(report).read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        return usage.ru_maxrss


class ParallelSandbox:
    """The UDFs in ``workers`` sandbox processes at once, each on a contiguous
    share of the rows (as BigQuery spreads a UDF over slots); values are
    streamed from the workers' output files into the lookup file, never held
    as Python objects. ``calls`` records, per evaluation, each worker's rows,
    seconds and peak RSS (docs/s per worker in scripts/bench_scale.py)."""

    def __init__(self, workers: int, node: str | None = None, sandbox: Path | str = SANDBOX):
        if workers < 1:
            raise ValueError("workers must be >= 1")
        self.workers = workers
        self.node = node or os.environ.get("NODE", "node")
        self.sandbox = str(sandbox)
        self.calls: list[dict] = []

    def write_values(self, package_dir, name: str, rows: Sequence[Sequence[Any]], path: str, n_args: int):
        tmp = tempfile.mkdtemp(prefix="jatopic-sandbox-")
        try:
            n = len(rows)
            bounds = [(n * w // self.workers, n * (w + 1) // self.workers) for w in range(self.workers)]
            bounds = [b for b in bounds if b[1] > b[0]]
            procs = {}
            for w, (lo, hi) in enumerate(bounds):
                inp, out = os.path.join(tmp, f"in{w}.ndjson"), os.path.join(tmp, f"out{w}.ndjson")
                with open(inp, "w", encoding="utf-8") as f:
                    for row in rows[lo:hi]:
                        f.write(json.dumps(list(row), ensure_ascii=False, default=_json_default) + "\n")
                err = open(os.path.join(tmp, f"err{w}.txt"), "w")
                cmd = [self.node, self.sandbox, "--package", str(package_dir), "--function", name,
                       "--input", inp, "--output", out]
                p = subprocess.Popen(peak_rss_command(cmd, os.path.join(tmp, f"rss{w}.txt")),
                                     stdout=subprocess.DEVNULL, stderr=err)
                err.close()
                procs[p.pid] = (w, lo, hi, out, time.perf_counter())
            stats = [None] * len(bounds)
            while procs:
                pid, status, usage = os.wait4(-1, 0)
                if pid not in procs:
                    continue
                w, lo, hi, out, t0 = procs.pop(pid)
                code = os.waitstatus_to_exitcode(status)
                if code != 0:
                    msg = Path(tmp, f"err{w}.txt").read_text(errors="replace")[-2000:]
                    for other in procs:
                        os.kill(other, 15)
                    raise UDFError(f"{name}: sandbox worker {w} exited {code}: {msg}")
                stats[w] = {"rows": hi - lo, "seconds": time.perf_counter() - t0,
                            "max_rss_kb": peak_rss_kb(os.path.join(tmp, f"rss{w}.txt"), usage)}
            with open(path, "w", encoding="utf-8") as f:
                for w, (lo, hi) in enumerate(bounds):
                    with open(os.path.join(tmp, f"out{w}.ndjson"), encoding="utf-8") as values:
                        count = 0
                        for row, line in zip(rows[lo:hi], values):
                            f.write(lookup_record(row, n_args, line.rstrip("\n")) + "\n")
                            count += 1
                    if count != hi - lo:
                        raise UDFError(f"{name}: sandbox worker {w} gave {count} results for {hi - lo} rows")
            self.calls.append({"function": name, "rows": n, "workers": stats})
        finally:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)

    def __call__(self, package_dir, name: str, rows: Sequence[Sequence[Any]]) -> list:
        with tempfile.NamedTemporaryFile("r", suffix=".ndjson", encoding="utf-8") as f:
            self.write_values(package_dir, name, rows, f.name, len(rows[0]) if rows else 0)
            return [json.loads(line)[_VALUE] for line in f]


class Runner:
    """An embedded DuckDB with the jatopic UDFs available as lookups.

    ``evaluator(package_dir, function_name, rows) -> values`` computes UDF
    values (``udf_values`` for the real sandbox, ``fake_udf_values`` or a
    test double otherwise); it is called at most once per function per
    statement, with the distinct inputs that are not cached yet.
    """

    def __init__(self, evaluator: Evaluator = fake_udf_values, package_dir=None, *,
                 database: str = ":memory:", prefix: str = DEFAULT_PREFIX,
                 files: dict[str, str] | None = None, workdir: str | None = None,
                 vector_search: str = "exact", exact_engine: str = "sql"):
        if vector_search not in ("exact", "index"):
            raise ValueError(f"vector_search: 'exact' or 'index', not {vector_search!r}")
        if exact_engine not in ("sql", "numpy"):
            raise ValueError(f"exact_engine: 'sql' or 'numpy', not {exact_engine!r}")
        # VECTOR_SEARCH emulation (scripts/vector_search_emulation.py): "exact"
        # always searches by brute force; "index" uses the approximate engine
        # where BigQuery would use the vector index.
        self.vector_search = vector_search
        self.exact_engine = exact_engine
        self.vector_indexes: dict[str, dict] = {}  # "dataset.table" -> CREATE VECTOR INDEX parts
        self.index_min_bytes = vse.INDEX_MIN_BYTES
        self.vector_search_calls: list[vse.SearchCall] = []
        # Exact searches only: search this many query rows (recall references at sizes
        # where all-pairs brute force is too slow; None = every row).
        self.exact_query_sample: int | None = None
        self._vs_counter = 0
        self.evaluator = evaluator
        self.package_dir = package_dir
        self.prefix = prefix
        self.udfs = _udf_name_set(prefix)
        self.con = duckdb.connect(database)
        self.con.execute("SET TimeZone = 'UTC'")
        self.files: dict[str, str] = dict(files or {})  # gs:// URI -> local path
        self._tmp = tempfile.TemporaryDirectory(prefix="jatopic-sql-", dir=workdir)
        # function -> digests of the argument lists already in its lookup table
        # (digests, not values: a million ja_topics vectors would not fit as objects)
        self.cache: dict[str, set[bytes]] = defaultdict(set)
        self.evaluator_calls: list[tuple[str, int]] = []  # (function, rows) per call
        self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {UDF_SCHEMA}")

    def close(self):
        self.con.close()
        self._tmp.cleanup()

    # ---- loading data ---------------------------------------------------

    def _tmp_path(self, name: str) -> str:
        return os.path.join(self._tmp.name, name)

    def load_rows(self, table: str, rows: list[dict], types: dict[str, str] | None = None,
                  timestamps: Iterable[str] = ()) -> dict[str, str]:
        """Create (or replace) ``table`` from JSON objects; returns its column types.

        Column types are inferred (``infer_type``) unless given; columns named
        in ``timestamps`` are RFC 3339 strings stored as (UTC) TIMESTAMP.
        """
        types = dict(types or {})
        timestamps = set(timestamps)
        columns: list[str] = []
        for row in rows:
            for k in row:
                if k not in columns:
                    columns.append(k)
        for k in timestamps:
            if k not in columns:
                columns.append(k)
            types[k] = "TIMESTAMP"
        for k in columns:
            if k not in types:
                types[k] = infer_type(r.get(k) for r in rows)
        if not columns:
            raise ValueError(f"{table}: no rows or columns")
        path = self._tmp_path(f"load-{table}.ndjson")
        with open(path, "w", encoding="utf-8") as f:
            for row in rows:
                rec = {}
                for k in columns:
                    v = row.get(k)
                    if v is not None:
                        if types[k] == "TIMESTAMP":
                            v = parse_timestamp(v).isoformat(sep=" ")
                        elif types[k] == "VARCHAR" and not isinstance(v, str):
                            v = json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else str(v)
                    rec[k] = v
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self._create_from_json(table, path, [(k, types[k]) for k in columns])
        return {k: types[k] for k in columns}

    def load_ndjson(self, table: str, path, **kw) -> dict[str, str]:
        return self.load_rows(table, read_ndjson(path), **kw)

    def _create_from_json(self, table: str, path: str, columns: list[tuple[str, str]],
                          replace: bool = True):
        spec = "{" + ", ".join(f"{_sql_str(n)}: {_sql_str(t)}" for n, t in columns) + "}"
        select = (f"SELECT {', '.join(_quote(n) for n, _ in columns)} FROM read_json("
                  f"{_sql_str(path)}, format = 'newline_delimited', columns = {spec})")
        schema = table.rsplit(".", 1)[0] if "." in table else None
        if schema:
            self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        if replace:
            self.con.execute(f"CREATE OR REPLACE TABLE {table} AS {select}")
        else:
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS {select} LIMIT 0")
            self.con.execute(f"INSERT INTO {table} {select}")

    # ---- UDF lookups ----------------------------------------------------

    def _lookup_table(self, fn: str) -> str:
        return f"{UDF_SCHEMA}.{fn}"

    def _ensure_lookup_table(self, fn: str):
        args, ret = UDF_SIGNATURES[fn[len(self.prefix):]]
        cols = ", ".join(f"{_ARG.format(i)} {t}" for i, t in enumerate(args))
        self.con.execute(f"CREATE TABLE IF NOT EXISTS {self._lookup_table(fn)} ({cols}, {_VALUE} {ret})")

    def udf_inputs_to_values(self, fn: str, inputs: list[tuple]) -> None:
        """Make sure every input tuple of ``fn`` has a value in its lookup table."""
        self._ensure_lookup_table(fn)
        cache = self.cache[fn]
        missing, keys = [], set()
        for args in inputs:
            key = _digest(args)
            if key not in cache and key not in keys:
                keys.add(key)
                missing.append(list(args))
        if not missing:
            return
        self.evaluator_calls.append((fn, len(missing)))
        n_args = len(UDF_SIGNATURES[fn[len(self.prefix):]][0])
        path = self._tmp_path(f"udf-{fn}.ndjson")
        if hasattr(self.evaluator, "write_values"):  # streams its values to the file itself
            self.evaluator.write_values(self.package_dir, fn, missing, path, n_args)
        else:
            values = self.evaluator(self.package_dir, fn, missing)
            if len(values) != len(missing):
                raise UDFError(f"{fn}: {len(values)} values for {len(missing)} inputs")
            with open(path, "w", encoding="utf-8") as f:
                for args, value in zip(missing, values):
                    f.write(lookup_record(args, n_args, json.dumps(value, ensure_ascii=False)) + "\n")
        args_t, ret_t = UDF_SIGNATURES[fn[len(self.prefix):]]
        cols = [(_ARG.format(i), t) for i, t in enumerate(args_t)] + [(_VALUE, ret_t)]
        self._create_from_json(self._lookup_table(fn), path, cols, replace=False)
        os.unlink(path)
        cache.update(keys)

    def _udf_calls(self, tree: exp.Expression) -> list[exp.Anonymous]:
        return [n for n in tree.find_all(exp.Anonymous) if n.name.lower() in self.udfs]

    @staticmethod
    def _visible_ctes(node: exp.Expression) -> list[exp.CTE]:
        """The CTEs a node can see: those of enclosing WITH clauses that come
        before the CTE holding it (and its own SELECT's)."""
        ctes: list[exp.CTE] = []
        child, parent = node, node.parent
        while parent is not None:
            if isinstance(parent, exp.With):
                visible = []
                for cte in parent.expressions:
                    if cte is child:
                        break
                    visible.append(cte)
                ctes = visible + ctes
            else:
                with_ = parent.args.get("with_")
                if isinstance(with_, exp.With) and with_ is not child:
                    ctes = list(with_.expressions) + ctes
            child, parent = parent, parent.parent
        return ctes

    def _with_visible_ctes(self, select: exp.Expression, anchor: exp.Expression) -> exp.Expression:
        ctes = self._visible_ctes(anchor)
        if ctes:
            needed = _referenced_ctes(select, {c.alias_or_name: c for c in ctes})
            kept = [c.copy() for c in ctes if c.alias_or_name in needed]
            if kept:
                select.set("with_", exp.With(expressions=kept))
        return select

    def _vector_search_input(self, anchor: exp.VectorSearch, node: exp.Expression) -> tuple[str, str | None]:
        """(DuckDB SQL selecting the rows of a VECTOR_SEARCH input, "dataset.table" if it is a table)."""
        if isinstance(node, exp.Subquery):
            table = node.this.args.get("from_")
            table = table.this if table is not None else None
            if isinstance(table, exp.Table) and table.alias == WHOLE_TABLE:  # TABLE t
                bare = table.copy()
                bare.set("alias", None)
                return f"SELECT * FROM {bare.sql('duckdb')}", ".".join(p.name for p in bare.parts)
            select = node.this.copy()
            return self._with_visible_ctes(select, anchor).sql("duckdb"), None
        raise TranspileError(f"VECTOR_SEARCH input must be TABLE t or (SELECT ...): {node.sql('duckdb')[:200]}")

    def prepare_vector_searches(self, tree: exp.Expression, params: dict) -> tuple[exp.Expression, list[str]]:
        """Evaluate every VECTOR_SEARCH of a statement into a temp table and
        select from that instead; returns the tree and the temp tables.

        Only the fields of ``query``/``base`` the statement reads are kept
        (all of them when it reads a whole struct): the output would otherwise
        carry every vector once per neighbour."""
        calls = list(tree.find_all(exp.VectorSearch))
        if not calls:
            return tree, []
        fields: dict[str, set[str] | None] = {"query": set(), "base": set()}
        for col in tree.find_all(exp.Column):
            parts = [p.name for p in col.parts]
            if parts and parts[0].lower() in fields and len(parts) >= 2:
                if fields[parts[0].lower()] is not None:
                    fields[parts[0].lower()].add(parts[1])
            elif len(parts) == 1 and parts[0].lower() in fields:
                fields[parts[0].lower()] = None
        temps = []
        for vs in calls:
            base_sql, base_table = self._vector_search_input(vs, vs.this)
            query_sql, _ = self._vector_search_input(vs, vs.args["query_table"])
            base_col = vs.args["column_to_search"].name
            q_arg = vs.args.get("query_column_to_search")
            query_col = q_arg.name if q_arg is not None else base_col
            # Named arguments by their names (sqlglot fills its slots in order).
            kw = {"top_k": None, "distance_type": None, "options": None}
            for key in kw:
                arg = vs.args.get(key)
                if arg is not None and not isinstance(arg, exp.Kwarg):
                    kw[key] = arg
            for arg in vs.args.values():
                if isinstance(arg, exp.Kwarg):
                    name = arg.this.name.lower()
                    if name not in kw:
                        raise TranspileError(f"VECTOR_SEARCH: unknown argument {name}")
                    kw[name] = arg.expression
            top_k = 10 if kw["top_k"] is None else self._execute(
                exp.select(kw["top_k"].copy().as_("k")), params).fetchone()[0]
            distance = kw["distance_type"].name.upper() if kw["distance_type"] is not None else "EUCLIDEAN"
            if distance != "COSINE":
                raise TranspileError(f"VECTOR_SEARCH: only distance_type => 'COSINE' is emulated, not {distance}")
            options = vse.parse_options(kw["options"].name if kw["options"] is not None else None)
            keep = {}
            for side, sql_text, col in (("base", base_sql, base_col), ("query", query_sql, query_col)):
                wanted = fields[side]
                if wanted is not None:
                    sql_text = (f"SELECT {', '.join(_quote(f) for f in sorted(wanted | {col}))} "
                                f"FROM ({sql_text})")
                keep[side] = sql_text
            self._vs_counter += 1
            out = f"_jq_vs{self._vs_counter}"
            index = self.vector_indexes.get(base_table) if base_table else None
            if index is not None and index["column"] != base_col:
                index = None
            call = vse.run_search(self.con, out, keep["base"], base_col, keep["query"], query_col,
                                  int(top_k), indexed=index, mode=self.vector_search, options=options,
                                  exact_engine=self.exact_engine, index_min_bytes=self.index_min_bytes,
                                  query_sample=self.exact_query_sample if self.vector_search == "exact" else None)
            self.vector_search_calls.append(call)
            temps.append(out)
            holder = vs.parent
            replacement = exp.to_table(out)
            if isinstance(holder, exp.Table):
                if holder.args.get("alias"):
                    replacement.set("alias", holder.args["alias"].copy())
                holder.replace(replacement)
            else:
                vs.replace(replacement)
        return tree, temps

    def _prepass(self, call: exp.Anonymous) -> exp.Select:
        """SELECT DISTINCT <call's arguments> over the FROM of the SELECT holding it."""
        holder = call.find_ancestor(exp.Select)
        select = exp.select(*[a.copy().as_(f"a{i}") for i, a in enumerate(call.expressions)]).distinct()
        if holder is not None:
            if holder.args.get("from_") is not None:
                select.set("from_", holder.args["from_"].copy())
            if holder.args.get("joins"):
                select.set("joins", [j.copy() for j in holder.args["joins"]])
            where = holder.args.get("where")
            if where is not None and not self._udf_calls(where):
                select.set("where", where.copy())
        # The CTEs the call can see (those before the CTE holding it, and the holder's own).
        return self._with_visible_ctes(select, call)

    def prepare_udfs(self, tree: exp.Expression, params: dict) -> exp.Expression:
        """Evaluate every UDF call's inputs, then rewrite the calls into lookups."""
        tree = tree.copy()
        pending = self._udf_calls(tree)
        while pending:
            ready = [c for c in pending if not self._udf_calls(self._prepass(c))]
            if not ready:
                raise TranspileError("UDF calls whose inputs depend on each other in a cycle")
            inputs: dict[str, list[tuple]] = defaultdict(list)
            for call in ready:
                fn = call.name.lower()
                expected = len(UDF_SIGNATURES[fn[len(self.prefix):]][0])
                if len(call.expressions) != expected:
                    raise TranspileError(f"{fn} takes {expected} arguments, got {len(call.expressions)}")
                q = self._prepass(call)
                try:
                    rows = self._execute(q, params).fetchall()
                except duckdb.Error as e:
                    raise TranspileError(
                        f"cannot list the inputs of {fn} (a UDF argument must be a row-level "
                        f"expression over its own FROM clause): {e}\n{q.sql('duckdb')}") from e
                inputs[fn].extend(rows)
            for fn, rows in inputs.items():
                self.udf_inputs_to_values(fn, rows)
            for call in ready:
                call.replace(self._lookup(call))
            pending = [c for c in pending if c not in ready]
        return tree

    def _lookup(self, call: exp.Anonymous) -> exp.Expression:
        fn = call.name.lower()
        cond = None
        for i, a in enumerate(call.expressions):
            eq = exp.NullSafeEQ(this=exp.column(_ARG.format(i), table="_jq_l"), expression=a.copy())
            cond = eq if cond is None else exp.and_(cond, eq)
        select = exp.select(exp.column(_VALUE, table="_jq_l")).from_(
            exp.to_table(self._lookup_table(fn)).as_("_jq_l")).where(cond)
        return exp.Subquery(this=select)

    # ---- executing ------------------------------------------------------

    def _execute(self, tree: exp.Expression, params: dict):
        names = _param_names(tree)
        missing = names - set(params)
        if missing:
            raise KeyError(f"missing query parameters: {', '.join('@' + n for n in sorted(missing))}")
        sql = tree.sql("duckdb")
        return self.con.execute(sql, {n: params[n] for n in names}) if names else self.con.execute(sql)

    def run_sql(self, sql_text: str, identifiers: dict[str, str], params: dict | None = None,
                exports: dict[str, str] | None = None) -> list[dict] | None:
        """Render, transpile and run a .sql file; returns the rows of its last
        statement when that is a query (SELECT), else None.

        ``exports`` maps EXPORT DATA uris to local NDJSON paths;
        ``self.files`` maps LOAD DATA uris to local files.
        """
        params = dict(params or {})
        result = None
        for stmt in transpile(render(sql_text, identifiers), self.prefix):
            result = None
            if stmt.kind == "load":
                paths = []
                for uri in stmt.uris:
                    if uri not in self.files:
                        raise KeyError(f"LOAD DATA: no local file for {uri}")
                    paths.append(self.files[uri])
                if not stmt.columns:
                    raise TranspileError("LOAD DATA without a column list cannot run locally")
                for i, path in enumerate(paths):
                    self._create_from_json(stmt.table, path, stmt.columns,
                                           replace=stmt.overwrite and i == 0)
                continue
            if stmt.kind == "vector_index":
                spec = stmt.options
                self.vector_indexes[spec["table"]] = spec
                continue
            tree = self.prepare_udfs(stmt.duckdb, params)
            tree, temps = self.prepare_vector_searches(tree, params)
            try:
                result = self._run_statement(stmt, tree, params, exports)
            finally:
                for t in temps:
                    self.con.execute(f"DROP TABLE IF EXISTS {t}")
        return result

    def _run_statement(self, stmt: Statement, tree: exp.Expression, params: dict,
                       exports: dict[str, str] | None) -> list[dict] | None:
        cur = self._execute(tree, params)
        if stmt.kind == "export":
            uri = stmt.options.get("uri")
            target = (exports or {}).get(uri)
            if target is None:
                raise KeyError(f"EXPORT DATA: no local file for {uri}")
            names = [d[0] for d in cur.description]
            with open(target, "w", encoding="utf-8") as f:
                for row in cur.fetchall():
                    f.write(to_json_line(dict(zip(names, row))) + "\n")
        elif isinstance(stmt.bigquery, exp.Query):  # SELECT, UNION...: a result
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]
        return None

    def run_file(self, path, identifiers, params=None, exports=None):
        return self.run_sql(Path(path).read_text(encoding="utf-8"), identifiers, params, exports)

    def table_rows(self, table: str, order_by: str | None = None) -> list[dict]:
        cur = self.con.execute(f"SELECT * FROM {table}" + (f" ORDER BY {order_by}" if order_by else ""))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def write_table(self, table: str, path, order_by: str | None = None) -> int:
        rows = self.table_rows(table, order_by)
        write_ndjson(path, rows)
        return len(rows)


def write_ndjson(path, rows: Iterable[dict]):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(to_json_line(row) + "\n")


def _referenced_ctes(select: exp.Expression, ctes: dict[str, exp.CTE]) -> set[str]:
    needed: set[str] = set()
    todo = [select]
    while todo:
        node = todo.pop()
        for t in node.find_all(exp.Table):
            name = t.name
            if not t.args.get("db") and name in ctes and name not in needed:
                needed.add(name)
                todo.append(ctes[name].this)
    return needed


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --------------------------------------------------------------------------
# The pipeline
# --------------------------------------------------------------------------

LOCAL_DATASET = "jatopic"
LOCAL_IDENTIFIERS = {
    "dataset": LOCAL_DATASET,
    "items_table": f"{LOCAL_DATASET}.items",
    "views_table": f"{LOCAL_DATASET}.views",
    "item_topics_table": f"{LOCAL_DATASET}.item_topics",
    "item_vectors_table": f"{LOCAL_DATASET}.item_vectors",
    "user_topics_table": f"{LOCAL_DATASET}.user_topics",
    "recommendations_table": f"{LOCAL_DATASET}.recommendations",
    "similar_items_table": f"{LOCAL_DATASET}.similar_items",
    "candidates_table": f"{LOCAL_DATASET}.candidates",
    "topics_raw_table": f"{LOCAL_DATASET}.topics_raw",
    "topic_labels_table": f"{LOCAL_DATASET}.topic_labels",
    "gcs_uri": "gs://jatopic-local/training_terms-*.json",
    "topics_uri": "gs://jatopic-local/topics.json",
}


@dataclass
class Params:
    half_life_days: float = 7.0
    window_days: float = 30.0
    top_n: int = 10
    popularity_weight: float = 0.0
    min_similarity: float = 0.0
    boost_weight: float = 0.5
    personal_weight: float = 0.0
    candidates: int = 100  # items fetched per user by recommendations.sql (docs/scale.md)
    similar_candidates: int = 30  # neighbours fetched per item by similar_items.sql (docs/scale.md)
    as_of: dt.datetime | None = None  # default: the latest view of the log

    def query_parameters(self, as_of: dt.datetime) -> dict:
        return {"as_of": as_of, "half_life_days": float(self.half_life_days),
                "window_days": float(self.window_days), "top_n": int(self.top_n),
                "popularity_weight": float(self.popularity_weight),
                "min_similarity": float(self.min_similarity),
                "boost_weight": float(self.boost_weight),
                "personal_weight": float(self.personal_weight),
                "candidates": max(int(self.candidates), int(self.top_n)),
                # The item itself is among its own neighbours: one more than top_n.
                "similar_candidates": max(int(self.similar_candidates), int(self.top_n) + 1)}


def package_model_version(package_dir) -> str:
    """The @model_version of a `jatopic package` directory: the SHA-256 of its
    files' SHA-256 digests (manifest.json, in order, one per line), so a new
    model or tokenizer gives a new version. By hand:
    ``jq -r '.files[].sha256' manifest.json | sha256sum``."""
    import hashlib

    manifest = Path(package_dir) / "manifest.json"
    try:
        files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        digests = "".join(f["sha256"] + "\n" for f in files)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ValueError(f"{manifest}: cannot read the files' sha256: {e}") from e
    return hashlib.sha256(digests.encode("ascii")).hexdigest()


def _id_type(*columns: Iterable[Any]) -> str:
    values = [v for col in columns for v in col if v is not None]
    return "BIGINT" if values and all(isinstance(v, int) and not isinstance(v, bool)
                                       for v in values) else "VARCHAR"


class Pipeline:
    """The sql/ files run in order on a Runner, with progress lines."""

    def __init__(self, runner: Runner, sql_dir=SQL_DIR, log: Callable[[str], None] | None = None):
        self.r = runner
        self.sql_dir = Path(sql_dir)
        self.ids = dict(LOCAL_IDENTIFIERS)
        self.log = log or (lambda s: None)
        self.item_id_type = "VARCHAR"
        self.user_id_type = "VARCHAR"
        # @model_version of item_topics.sql: the package's, or "local" for the fake UDFs.
        self.model_version = (package_model_version(runner.package_dir)
                              if runner.package_dir else "local")

    def _file(self, name: str) -> Path:
        return self.sql_dir / name

    def _timed(self, label: str, fn, unit: Callable[[Any], str]):
        t0 = time.perf_counter()
        value = fn()
        self.log(f"== {label}: {unit(value)}, {time.perf_counter() - t0:.1f} s")
        return value

    def load_items(self, items: list[dict], views: list[dict] = (), candidates: list[dict] = ()):
        self.item_id_type = _id_type((r.get("item_id") for r in items),
                                     (r.get("item_id") for r in views),
                                     (r.get("item_id") for r in candidates))
        self.r.load_rows(self.ids["items_table"], items, types={"item_id": self.item_id_type})

    def load_views(self, views: list[dict]):
        if not views:
            self.r.con.execute(f"CREATE OR REPLACE TABLE {self.ids['views_table']} "
                               f"(user_id VARCHAR, item_id {self.item_id_type}, viewed_at TIMESTAMP)")
            return
        self.user_id_type = _id_type(r.get("user_id") for r in views)
        self.r.load_rows(self.ids["views_table"], views,
                         types={"item_id": self.item_id_type, "user_id": self.user_id_type},
                         timestamps=["viewed_at"])

    def load_candidates(self, candidates: list[dict]):
        """Search candidates; a missing user_id is an anonymous search (NULL)."""
        rows = [{**c, "user_id": c.get("user_id")} for c in candidates]
        self.r.load_rows(self.ids["candidates_table"], rows,
                         types={"item_id": self.item_id_type, "user_id": self.user_id_type})

    def item_topics(self) -> int:
        """item_topics.sql (incremental) then vector_index.sql; the number of items."""
        n = self.run_table("item_topics.sql", "item_topics_table", {"model_version": self.model_version})
        self.r.run_file(self._file("vector_index.sql"), self.ids)
        return n

    def user_side(self, params: dict) -> tuple[int, int]:
        """user_topics.sql then recommendations.sql; (users, recommendations)."""
        return (self.run_table("user_topics.sql", "user_topics_table", params),
                self.run_table("recommendations.sql", "recommendations_table", params))

    def count(self, key: str) -> int:
        return self.r.con.execute(f"SELECT COUNT(*) FROM {self.ids[key]}").fetchone()[0]

    def run_table(self, file: str, key: str, params: dict | None = None) -> int:
        """Run a sql/ file that creates table ``self.ids[key]``; its row count."""
        self.r.run_file(self._file(file), self.ids, params)
        return self.count(key)

    def run(self, items: list[dict], views: list[dict], out_dir, params: Params,
            topics_path=None, candidates: list[dict] | None = None,
            export: bool = True) -> dict:
        """Every sql/ file in order; results as NDJSON in ``out_dir``; a summary."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        ids = self.ids
        self.load_items(items, views, candidates or ())
        self.load_views(views)
        as_of = params.as_of or max((parse_timestamp(v["viewed_at"]) for v in views), default=None)
        if as_of is None:
            raise ValueError("no views and no --as-of")
        qp = params.query_parameters(as_of)
        self.log(f"== loaded {len(items)} items, {len(views)} views; as_of {_json_default(as_of)}")
        summary: dict[str, Any] = {"as_of": _json_default(as_of)}

        if export:
            target = out / "training_terms.ndjson"

            def export_terms():
                self.r.run_file(self._file("export_training_terms.sql"), ids, {},
                                {ids["gcs_uri"]: str(target)})
                with open(target, encoding="utf-8") as f:
                    return sum(1 for _ in f)

            summary["training_terms"] = self._timed(
                "training terms (EXPORT DATA)", export_terms, lambda n: f"{n} documents")
        self._timed("item topics", self.item_topics, lambda n: f"{n} items")
        summary["item_topics"] = self.r.write_table(ids["item_topics_table"], out / "item_topics.ndjson", "item_id")
        self._timed("user topics + recommendations", lambda: self.user_side(qp),
                    lambda v: f"{v[0]} users, {v[1]} recommendations")
        summary["user_topics"] = self.r.write_table(ids["user_topics_table"], out / "user_topics.ndjson", "user_id")
        summary["recommendations"] = self.r.write_table(
            ids["recommendations_table"], out / "recommendations.ndjson", "user_id, rank")
        self._timed("similar items", lambda: self.run_table("similar_items.sql", "similar_items_table", qp),
                    lambda n: f"{n} pairs")
        summary["similar_items"] = self.r.write_table(
            ids["similar_items_table"], out / "similar_items.ndjson", "item_id, rank")
        if topics_path:
            self.r.files[ids["topics_uri"]] = str(topics_path)
            self._timed("topic labels", lambda: self.run_table("topic_labels.sql", "topic_labels_table"),
                        lambda n: f"{n} topics")
            summary["topic_labels"] = self.r.write_table(
                ids["topic_labels_table"], out / "topic_labels.ndjson", "topic")
        if candidates:
            self.load_candidates(candidates)
            rows = self._timed("search boost", lambda: self.r.run_file(self._file("search_boost.sql"), ids, qp),
                               lambda rows: f"{len(rows)} candidates")
            write_ndjson(out / "search_boost.ndjson", rows)
            summary["search_boost"] = len(rows)
        return summary


# --------------------------------------------------------------------------
# Offline evaluation
# --------------------------------------------------------------------------


def split_last_view(views: list[dict]) -> tuple[list[dict], dict[Any, dict]]:
    """Hold out each user's last view (latest viewed_at; among equal times the
    later line of the log) for users with at least two views. Returns the
    training log and {user_id: held-out view}."""
    by_user: dict[Any, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for i, v in enumerate(views):
        by_user[v["user_id"]].append((parse_timestamp(v["viewed_at"]), i))
    held: dict[Any, dict] = {}
    held_lines = set()
    for user, seq in by_user.items():
        if len(seq) >= 2:
            _, i = max(seq)
            held[user] = views[i]
            held_lines.add(i)
    train = [v for i, v in enumerate(views) if i not in held_lines]
    return train, held


def popularity_baseline(train: list[dict], k: int) -> dict[Any, list]:
    """Per user: the k most viewed items of the training log (ties by item_id)
    that the user has not viewed in it."""
    counts: dict[Any, int] = defaultdict(int)
    seen: dict[Any, set] = defaultdict(set)
    for v in train:
        counts[v["item_id"]] += 1
        seen[v["user_id"]].add(v["item_id"])
    ranked = sorted(counts, key=lambda item: (-counts[item], str(item)))
    out = {}
    for user, s in seen.items():
        out[user] = [item for item in ranked if item not in s][:k]
    return out


def evaluate_recommendations(pipeline: Pipeline, items: list[dict], views: list[dict],
                             params: Params, k: int = 10) -> dict:
    """Leave-last-out hit rate@k of the SQL recommendations vs most-popular.

    Each user with at least two views has their last view held out; the
    pipeline (item topics, user topics, recommendations with top_n = k) runs
    on the log without the held-out views, with @as_of = the latest view of
    that training log (so every training view counts and no held-out view is
    seen). A user scores a hit when the held-out item is among their k
    recommendations; the baseline recommends the k most viewed items of the
    training log the user has not viewed. Users without recommendations
    (e.g. no training view in the window) count as misses.
    """
    train, held = split_last_view(views)
    if not held:
        raise ValueError("no user has two views: nothing to evaluate")
    as_of = max(parse_timestamp(v["viewed_at"]) for v in train)
    pipeline.load_items(items, views)
    pipeline.load_views(train)
    pipeline.item_topics()
    eval_params = Params(**{**params.__dict__, "top_n": k, "as_of": as_of})
    pipeline.user_side(eval_params.query_parameters(as_of))
    recs: dict[Any, list] = defaultdict(list)
    for row in pipeline.r.table_rows(pipeline.ids["recommendations_table"], "user_id, rank"):
        recs[row["user_id"]].append(row["item_id"])
    baseline = popularity_baseline(train, k)
    hits = sum(1 for u, v in held.items() if v["item_id"] in recs.get(u, [])[:k])
    base_hits = sum(1 for u, v in held.items() if v["item_id"] in baseline.get(u, [])[:k])
    n = len(held)
    rate, base_rate = hits / n, base_hits / n
    return {
        "k": k,
        "users": n,
        "users_with_recommendations": sum(1 for u in held if recs.get(u)),
        "as_of": _json_default(as_of),
        "hit_rate_sql": rate,
        "hit_rate_popular": base_rate,
        "ratio": rate / base_rate if base_rate > 0 else None,
        "hits_sql": hits,
        "hits_popular": base_hits,
        "params": {"half_life_days": params.half_life_days, "window_days": params.window_days,
                   "popularity_weight": params.popularity_weight},
    }


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------


def _render_main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="sql_pipeline.py render",
                                 description="Print a sql/ file with its placeholders filled in (validated).")
    ap.add_argument("file")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a placeholder value, e.g. dataset=my-project.jatopic")
    a = ap.parse_args(argv)
    values = {}
    for s in a.set:
        name, sep, value = s.partition("=")
        if not sep:
            ap.error(f"--set {s!r}: expected NAME=VALUE")
        values[name.strip()] = value
    text = Path(a.file).read_text(encoding="utf-8")
    try:
        sys.stdout.write(render(text, values))
    except RenderError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "render":
        return _render_main(argv[1:])
    if argv and argv[0] == "model-version":  # the @model_version of item_topics.sql
        if len(argv) != 2:
            print("usage: sql_pipeline.py model-version PACKAGE_DIR", file=sys.stderr)
            return 2
        try:
            print(package_model_version(argv[1]))
        except ValueError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        return 0
    ap = argparse.ArgumentParser(description="Run jatopic's BigQuery SQL pipeline on DuckDB.")
    ap.add_argument("--package", help="`jatopic package` directory (UDFs run in js/bq-sandbox.mjs); "
                    "without it a fake pure-Python evaluator stands in")
    ap.add_argument("--items", required=True, help="items NDJSON")
    ap.add_argument("--views", required=True, help="views NDJSON (user_id, item_id, viewed_at)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--half-life-days", type=float, default=7.0)
    ap.add_argument("--window-days", type=float, default=30.0)
    ap.add_argument("--top-n", type=int, default=10)
    ap.add_argument("--popularity-weight", type=float, default=0.0)
    ap.add_argument("--min-similarity", type=float, default=0.0)
    ap.add_argument("--boost-weight", type=float, default=0.5)
    ap.add_argument("--personal-weight", type=float, default=0.0,
                    help="search_boost.sql: share of the user's topics in the boost")
    ap.add_argument("--recommendation-candidates", type=int, default=Params.candidates,
                    help="recommendations.sql @candidates: nearest items fetched per user")
    ap.add_argument("--similar-candidates", type=int, default=Params.similar_candidates,
                    help="similar_items.sql @similar_candidates: nearest items fetched per item "
                    "(at least --top-n + 1)")
    ap.add_argument("--vector-search", choices=("exact", "index"), default="exact",
                    help="VECTOR_SEARCH emulation: exact brute force, or the approximate "
                    "TreeAH stand-in (ScaNN) where BigQuery would use the index")
    ap.add_argument("--exact-engine", choices=("sql", "numpy"), default="sql",
                    help="exact VECTOR_SEARCH inside DuckDB or in numpy")
    ap.add_argument("--as-of", help="RFC 3339 end of the window (default: the latest view)")
    ap.add_argument("--topics", help="`jatopic topics --output json` file: also run topic_labels.sql")
    ap.add_argument("--candidates", help="search candidates NDJSON (query_id, query_text, item_id, "
                    "base_score): also run search_boost.sql")
    ap.add_argument("--evaluate", action="store_true",
                    help="also evaluate leave-last-out hit rate@10 vs most-popular (evaluation.json)")
    ap.add_argument("--no-export", action="store_true", help="skip export_training_terms.sql")
    ap.add_argument("--db", default=":memory:", help="DuckDB database file (default in memory)")
    ap.add_argument("--sql-dir", default=str(SQL_DIR))
    ap.add_argument("--node", default=None, help="node binary (default $NODE or node)")
    a = ap.parse_args(argv)

    if a.package:
        def evaluator(pkg, name, rows):
            return udf_values(pkg, name, rows, node=a.node)
    else:
        print("note: no --package, UDFs are the fake pure-Python evaluator", file=sys.stderr)
        evaluator = fake_udf_values
    params = Params(half_life_days=a.half_life_days, window_days=a.window_days, top_n=a.top_n,
                    popularity_weight=a.popularity_weight, min_similarity=a.min_similarity,
                    boost_weight=a.boost_weight, personal_weight=a.personal_weight,
                    candidates=a.recommendation_candidates, similar_candidates=a.similar_candidates,
                    as_of=parse_timestamp(a.as_of) if a.as_of else None)
    items, views = read_ndjson(a.items), read_ndjson(a.views)
    candidates = read_ndjson(a.candidates) if a.candidates else None

    def log(line):
        print(line, flush=True)

    t0 = time.perf_counter()
    runner = Runner(evaluator, a.package, database=a.db, vector_search=a.vector_search,
                    exact_engine=a.exact_engine)
    try:
        pipe = Pipeline(runner, a.sql_dir, log)
        summary = pipe.run(items, views, a.out, params, topics_path=a.topics,
                           candidates=candidates, export=not a.no_export)
        if a.evaluate:
            report = pipe._timed("evaluation (leave last view out)",
                                 lambda: evaluate_recommendations(pipe, items, views, params),
                                 lambda r: f"{r['users']} users")
            Path(a.out, "evaluation.json").write_text(json.dumps(report, indent=2) + "\n")
            print(json.dumps(report, indent=2))
            summary["evaluation"] = report
        calls = ", ".join(f"{fn} x{n}" for fn, n in runner.evaluator_calls)
        log(f"== done in {time.perf_counter() - t0:.1f} s; UDF evaluations: {calls or 'none'}")
    finally:
        runner.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
