-- A small hand-written package in the form `jatopic package` writes.
CREATE OR REPLACE FUNCTION `proj.ds.ja_tokenize`(text STRING)
RETURNS ARRAY<STRING>
LANGUAGE js
OPTIONS (library = ["gs://bucket/web/jatopic-tokenizer.js"])
AS r"""
return jatopic.sql.ja_tokenize(text);
""";

CREATE TEMP FUNCTION IF NOT EXISTS top(text STRING, n FLOAT64)
RETURNS ARRAY<STRUCT<topic INT64, weight FLOAT64>> NOT DETERMINISTIC
LANGUAGE js OPTIONS (library = "gs://bucket/web/jatopic-model-1.js", description = 'x')
AS 'return [{topic: 1, weight: 0.5}]; // \x41 \u00e9 \101';
