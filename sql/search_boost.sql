-- search_boost.sql: re-rank search candidates with a topic boost.
--
-- Identifiers (placeholders in double braces, filled in and validated by
-- `scripts/sql_pipeline.py render`):
--   dataset            project.dataset that holds the jatopic UDFs (ja_topics)
--   candidates_table   project.dataset.table of candidates from the search
--                      engine: query_id, query_text STRING, item_id, base_score FLOAT64
--   item_topics_table  output of item_topics.sql
-- Query parameters (bq query --parameter=NAME:TYPE:VALUE):
--   @boost_weight  FLOAT64  strength of the boost (0 = base ranking unchanged)
-- Inputs: candidates_table, item_topics_table.
-- boost = cosine similarity of ja_topics(query_text) and the item's topic
-- vector (each query text is analysed once; a query_id with several texts
-- uses the smallest); 0 when either vector is missing, empty or all zero.
-- Output (a query result; wrap it in CREATE TABLE ... AS to keep it), one row
-- per candidate:
--   query_id, item_id, base_score, boost,
--   final_score = base_score * (1 + @boost_weight * boost),
--   rank (INT64, 1 = best within the query; equal final scores by item_id)
WITH queries AS (
  SELECT query_id, `{{dataset}}`.ja_topics(query_text) AS topics
  FROM (
    SELECT query_id, MIN(query_text) AS query_text
    FROM `{{candidates_table}}`
    GROUP BY query_id
  )
),
boosted AS (
  SELECT
    c.query_id,
    c.item_id,
    c.base_score,
    IF(
      (SELECT SUM(x * x) FROM UNNEST(q.topics) AS x) > 0
        AND (SELECT SUM(x * x) FROM UNNEST(t.topics) AS x) > 0,
      1 - COSINE_DISTANCE(q.topics, t.topics),
      0
    ) AS boost
  FROM `{{candidates_table}}` AS c
  JOIN queries AS q ON q.query_id = c.query_id
  LEFT JOIN `{{item_topics_table}}` AS t ON t.item_id = c.item_id
),
scored AS (
  SELECT *, base_score * (1 + @boost_weight * boost) AS final_score
  FROM boosted
)
SELECT
  query_id,
  item_id,
  base_score,
  boost,
  final_score,
  ROW_NUMBER() OVER (PARTITION BY query_id ORDER BY final_score DESC, item_id ASC) AS rank
FROM scored
ORDER BY query_id, rank;
