-- similar_items.sql: the @top_n most similar items of every item.
--
-- Identifiers (placeholders in double braces, filled in and validated by
-- `scripts/sql_pipeline.py render`):
--   item_topics_table    output of item_topics.sql
--   similar_items_table  project.dataset.table to create or replace
-- Query parameters (bq query --parameter=NAME:TYPE:VALUE):
--   @top_n           INT64    neighbours per item
--   @min_similarity  FLOAT64  keep pairs with cosine >= this (0 keeps every
--                             pair of topic vectors, which are non-negative)
-- Input:  item_topics_table (items with an empty or all-zero vector are skipped).
-- Output: similar_items_table, up to @top_n rows per item:
--   item_id, rank (INT64, 1 = most similar), similar_item_id, score (cosine
--   similarity of the two topic vectors); an item is never its own neighbour;
--   equal scores are ordered by similar_item_id ascending.
-- Cost: compares every pair of items (n^2); for catalogues beyond ~10^5 items
-- use a vector index (CREATE VECTOR INDEX + VECTOR_SEARCH) instead.
CREATE OR REPLACE TABLE `{{similar_items_table}}` AS
WITH vectors AS (
  SELECT item_id, topics
  FROM `{{item_topics_table}}`
  WHERE (SELECT SUM(x * x) FROM UNNEST(topics) AS x) > 0
),
pairs AS (
  SELECT
    a.item_id,
    b.item_id AS similar_item_id,
    1 - COSINE_DISTANCE(a.topics, b.topics) AS score
  FROM vectors AS a
  CROSS JOIN vectors AS b
  WHERE a.item_id != b.item_id
),
ranked AS (
  SELECT
    item_id,
    similar_item_id,
    score,
    ROW_NUMBER() OVER (PARTITION BY item_id ORDER BY score DESC, similar_item_id ASC) AS rank
  FROM pairs
  WHERE score >= @min_similarity
)
SELECT item_id, rank, similar_item_id, score
FROM ranked
WHERE rank <= @top_n;
