-- search_boost.sql: re-rank search candidates with a personalised topic boost.
--
-- Identifiers (placeholders in double braces, filled in and validated by
-- `scripts/sql_pipeline.py render`):
--   dataset            project.dataset that holds the jatopic UDFs (ja_topics)
--   candidates_table   project.dataset.table of candidates from the search
--                      engine: query_id, query_text STRING, user_id (NULL for
--                      an anonymous search), item_id, base_score FLOAT64
--   item_topics_table  output of item_topics.sql
--   user_topics_table  output of user_topics.sql (recent browsing, half-life weighted)
-- Query parameters (bq query --parameter=NAME:TYPE:VALUE):
--   @boost_weight     FLOAT64  strength of the boost (0 = base ranking unchanged)
--   @personal_weight  FLOAT64  p in [0, 1]: share of the user's topics in the
--                              boost; 0 = the query's topics only (as before)
-- Inputs: candidates_table, item_topics_table, user_topics_table.
-- query_cosine = cosine similarity of ja_topics(query_text) and the item's
-- topic vector (each query text is analysed once; a query_id with several
-- texts uses the smallest); user_cosine = that of the user's topic vector and
-- the item's. Each is 0 when either vector is missing, empty or all zero.
-- boost = p * user_cosine + (1 - p) * query_cosine for a candidate whose
-- user has a non-zero topic vector in user_topics_table; query_cosine for
-- every other candidate (anonymous, or a user without recent history).
-- Output (a query result; wrap it in CREATE TABLE ... AS to keep it), one row
-- per candidate:
--   query_id, item_id, base_score, boost,
--   final_score = base_score * (1 + @boost_weight * boost),
--   rank (INT64, 1 = best within the query; equal final scores by item_id)
-- Cost: linear in the candidates (every join has a key).
WITH queries AS (
  SELECT query_id, `{{dataset}}`.ja_topics(query_text) AS topics
  FROM (
    SELECT query_id, MIN(query_text) AS query_text
    FROM `{{candidates_table}}`
    GROUP BY query_id
  )
),
users AS (
  SELECT user_id, topics
  FROM `{{user_topics_table}}`
  WHERE (SELECT SUM(x * x) FROM UNNEST(topics) AS x) > 0
),
cosines AS (
  SELECT
    c.query_id,
    c.item_id,
    c.base_score,
    u.user_id IS NOT NULL AS personal,
    IF(
      (SELECT SUM(x * x) FROM UNNEST(q.topics) AS x) > 0
        AND (SELECT SUM(x * x) FROM UNNEST(t.topics) AS x) > 0,
      1 - COSINE_DISTANCE(q.topics, t.topics),
      0
    ) AS query_cosine,
    IF(
      u.user_id IS NOT NULL AND (SELECT SUM(x * x) FROM UNNEST(t.topics) AS x) > 0,
      1 - COSINE_DISTANCE(u.topics, t.topics),
      0
    ) AS user_cosine
  FROM `{{candidates_table}}` AS c
  JOIN queries AS q ON q.query_id = c.query_id
  LEFT JOIN `{{item_topics_table}}` AS t ON t.item_id = c.item_id
  LEFT JOIN users AS u ON u.user_id = c.user_id
),
boosted AS (
  SELECT
    query_id,
    item_id,
    base_score,
    IF(personal, @personal_weight * user_cosine + (1 - @personal_weight) * query_cosine, query_cosine)
      AS boost
  FROM cosines
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
