-- recommendations.sql: the top @top_n unseen items per user.
--
-- Identifiers (placeholders in double braces, filled in and validated by
-- `scripts/sql_pipeline.py render`):
--   views_table            project.dataset.table of views: user_id, item_id, viewed_at TIMESTAMP
--   item_topics_table      output of item_topics.sql
--   user_topics_table      output of user_topics.sql (run with the same @as_of, @window_days)
--   recommendations_table  project.dataset.table to create or replace
-- Query parameters (bq query --parameter=NAME:TYPE:VALUE):
--   @as_of              TIMESTAMP  end of the window (as for user_topics.sql)
--   @window_days        FLOAT64    window length in days (as for user_topics.sql)
--   @top_n              INT64      recommendations per user
--   @popularity_weight  FLOAT64    w in [0, 1]: score = (1 - w) * cosine + w * popularity;
--                                  0 = pure topic similarity (the default to pass)
-- Inputs: views_table, item_topics_table, user_topics_table.
-- Candidates: every item with a non-zero topic vector that the user did not
-- view in the window (0 <= age_days < @window_days, age_days as in
-- user_topics.sql).
-- cosine: cosine similarity of the user's and the item's topic vectors.
-- popularity: PERCENT_RANK() of the item's number of views in the window (all
-- users) among all candidate items: 0 for the least viewed, 1 for the most
-- viewed, equal counts share a value; items nobody viewed count 0 views.
-- Output: recommendations_table, up to @top_n rows per user of user_topics_table:
--   user_id, rank (INT64, 1 = best), item_id, score (FLOAT64)
-- Ordered by score descending; equal scores by item_id ascending.
CREATE OR REPLACE TABLE `{{recommendations_table}}` AS
WITH windowed AS (
  SELECT user_id, item_id
  FROM (
    SELECT
      user_id,
      item_id,
      TIMESTAMP_DIFF(@as_of, viewed_at, MICROSECOND) / 86400000000 AS age_days
    FROM `{{views_table}}`
  )
  WHERE age_days >= 0 AND age_days < @window_days
),
seen AS (
  SELECT DISTINCT user_id, item_id FROM windowed
),
view_counts AS (
  SELECT item_id, COUNT(*) AS n FROM windowed GROUP BY item_id
),
candidates AS (
  SELECT
    t.item_id,
    t.topics,
    PERCENT_RANK() OVER (ORDER BY COALESCE(c.n, 0)) AS popularity
  FROM `{{item_topics_table}}` AS t
  LEFT JOIN view_counts AS c ON c.item_id = t.item_id
  WHERE (SELECT SUM(x * x) FROM UNNEST(t.topics) AS x) > 0
),
users AS (
  SELECT user_id, topics
  FROM `{{user_topics_table}}`
  WHERE (SELECT SUM(x * x) FROM UNNEST(topics) AS x) > 0
),
scored AS (
  SELECT
    u.user_id,
    i.item_id,
    (1 - @popularity_weight) * (1 - COSINE_DISTANCE(u.topics, i.topics))
      + @popularity_weight * i.popularity AS score
  FROM users AS u
  CROSS JOIN candidates AS i
  LEFT JOIN seen AS s ON s.user_id = u.user_id AND s.item_id = i.item_id
  WHERE s.item_id IS NULL
),
ranked AS (
  SELECT
    user_id,
    item_id,
    score,
    ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY score DESC, item_id ASC) AS rank
  FROM scored
)
SELECT user_id, rank, item_id, score
FROM ranked
WHERE rank <= @top_n;
