-- item_topics.sql: the topic vector of every item, kept up to date incrementally.
--
-- Identifiers (placeholders in double braces, filled in and validated by
-- `scripts/sql_pipeline.py render`):
--   dataset             project.dataset that holds the jatopic UDFs (ja_topics)
--   items_table         project.dataset.table of items: item_id, title, description
--   item_topics_table   project.dataset.table kept in step with items_table
--   item_vectors_table  project.dataset.table of the usable vectors only: the
--                       base table of the vector index (vector_index.sql)
-- Query parameters (bq query --parameter=NAME:TYPE:VALUE):
--   @model_version  STRING  the model checksum of the package the UDFs come
--                           from (`model_sha256` in the package's manifest.json)
-- Input:  items_table.
-- Output: item_topics_table, one row per item of items_table:
--   item_id        as in items_table
--   topics         ARRAY<FLOAT64>, length K (the model's topics), sums to 1
--   top_topic      INT64, index (0-based) of the largest weight; the lowest
--                  index wins a tie; NULL when topics is empty
--   top_weight     FLOAT64, that weight
--   content_hash   STRING, hex MD5 of the text the vector was inferred from
--   model_version  STRING, @model_version of the run that inferred it
-- and item_vectors_table (item_id, topics, content_hash, model_version): the rows of
-- item_topics_table whose vector is non-empty and not all zero.
-- The text is title + newline + description (NULL parts as empty strings),
-- the same text export_training_terms.sql exports for training.
--
-- Incremental: ja_topics runs only for items that are new, whose text changed
-- (content_hash) or that were inferred by another model (model_version);
-- rows of items no longer in items_table are deleted. A run with a new
-- @model_version therefore recomputes every item, and no row of another model
-- survives it: the tables never mix topic spaces once the script has ended
-- (it is one transaction). See docs/bigquery.md, "Runbook".
-- This is a multi-statement script: run it as one `bq query` job.
CREATE TABLE IF NOT EXISTS `{{item_topics_table}}` AS
SELECT
  item_id,
  CAST([] AS ARRAY<FLOAT64>) AS topics,
  CAST(NULL AS INT64) AS top_topic,
  CAST(NULL AS FLOAT64) AS top_weight,
  CAST(NULL AS STRING) AS content_hash,
  CAST(NULL AS STRING) AS model_version
FROM `{{items_table}}`
WHERE FALSE;

CREATE TABLE IF NOT EXISTS `{{item_vectors_table}}` AS
SELECT item_id, topics, content_hash, model_version FROM `{{item_topics_table}}` WHERE FALSE;

-- DDL cannot run inside a transaction: the two tables exist from here on.
BEGIN TRANSACTION;

-- Items gone from the catalogue, and every row of another model.
DELETE FROM `{{item_topics_table}}` AS t
WHERE t.model_version IS NULL
  OR t.model_version != @model_version
  OR NOT EXISTS (SELECT 1 FROM `{{items_table}}` AS i WHERE i.item_id = t.item_id);

MERGE `{{item_topics_table}}` AS t
USING (
  SELECT item_id, topics, content_hash,
    (SELECT k FROM UNNEST(topics) AS w WITH OFFSET AS k ORDER BY w DESC, k ASC LIMIT 1) AS top_topic,
    (SELECT MAX(w) FROM UNNEST(topics) AS w) AS top_weight
  FROM (
    SELECT
      changed.item_id,
      changed.content_hash,
      `{{dataset}}`.ja_topics(changed.text) AS topics
    FROM (
      SELECT i.item_id, i.text, i.content_hash
      FROM (
        SELECT
          item_id,
          CONCAT(COALESCE(title, ''), '\n', COALESCE(description, '')) AS text,
          TO_HEX(MD5(CONCAT(COALESCE(title, ''), '\n', COALESCE(description, '')))) AS content_hash
        FROM `{{items_table}}`
      ) AS i
      LEFT JOIN `{{item_topics_table}}` AS old ON old.item_id = i.item_id
      WHERE old.item_id IS NULL OR old.content_hash != i.content_hash
    ) AS changed
  )
) AS s
ON t.item_id = s.item_id
WHEN MATCHED THEN UPDATE SET
  topics = s.topics, top_topic = s.top_topic, top_weight = s.top_weight,
  content_hash = s.content_hash, model_version = @model_version
WHEN NOT MATCHED THEN INSERT (item_id, topics, top_topic, top_weight, content_hash, model_version)
  VALUES (s.item_id, s.topics, s.top_topic, s.top_weight, s.content_hash, @model_version);

-- The index's base table follows item_topics_table row by row (a MERGE, not
-- CREATE OR REPLACE, so that the vector index on it is kept and refreshed).
MERGE `{{item_vectors_table}}` AS v
USING (
  SELECT item_id, topics, content_hash, model_version
  FROM `{{item_topics_table}}`
  WHERE top_weight > 0  -- weights are >= 0: non-empty and not all zero
) AS s
ON v.item_id = s.item_id
WHEN MATCHED AND (v.model_version != s.model_version OR v.content_hash != s.content_hash) THEN
  UPDATE SET topics = s.topics, content_hash = s.content_hash, model_version = s.model_version
WHEN NOT MATCHED THEN INSERT (item_id, topics, content_hash, model_version)
  VALUES (s.item_id, s.topics, s.content_hash, s.model_version)
WHEN NOT MATCHED BY SOURCE THEN DELETE;

COMMIT TRANSACTION;
