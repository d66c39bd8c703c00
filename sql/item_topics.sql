-- item_topics.sql: the topic vector of every item.
--
-- Identifiers (placeholders in double braces, filled in and validated by
-- `scripts/sql_pipeline.py render`):
--   dataset            project.dataset that holds the jatopic UDFs (ja_topics)
--   items_table        project.dataset.table of items: item_id, title, description
--   item_topics_table  project.dataset.table to create or replace
-- Query parameters: none.
-- Input:  items_table.
-- Output: item_topics_table, one row per item:
--   item_id     as in items_table
--   topics      ARRAY<FLOAT64>, length K (the model's topics), sums to 1
--   top_topic   INT64, index (0-based) of the largest weight; the lowest index
--               wins a tie; NULL when topics is empty
--   top_weight  FLOAT64, that weight
-- The text is title + newline + description (NULL parts as empty strings),
-- the same text export_training_terms.sql exports for training.
CREATE OR REPLACE TABLE `{{item_topics_table}}` AS
WITH scored AS (
  SELECT
    item_id,
    `{{dataset}}`.ja_topics(CONCAT(COALESCE(title, ''), '\n', COALESCE(description, ''))) AS topics
  FROM `{{items_table}}`
)
SELECT
  item_id,
  topics,
  (SELECT k FROM UNNEST(topics) AS w WITH OFFSET AS k ORDER BY w DESC, k ASC LIMIT 1) AS top_topic,
  (SELECT MAX(w) FROM UNNEST(topics) AS w) AS top_weight
FROM scored;
