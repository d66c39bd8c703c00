-- user_topics.sql: each user's topic preferences from the browsing log.
--
-- Identifiers (placeholders in double braces, filled in and validated by
-- `scripts/sql_pipeline.py render`):
--   views_table        project.dataset.table of views: user_id, item_id, viewed_at TIMESTAMP
--   item_topics_table  output of item_topics.sql
--   user_topics_table  project.dataset.table to create or replace
-- Query parameters (bq query --parameter=NAME:TYPE:VALUE):
--   @as_of           TIMESTAMP  end of the window, e.g. as_of:TIMESTAMP:'2025-01-31 00:00:00 UTC'
--   @window_days     FLOAT64    window length in days (INT64 works too)
--   @half_life_days  FLOAT64    a view this many days old counts half as much as one at @as_of
-- Inputs: views_table, item_topics_table.
-- Window: views with 0 <= age_days < @window_days, where
--   age_days = TIMESTAMP_DIFF(@as_of, viewed_at, MICROSECOND) / 86400000000
-- (fractional days; a view at exactly @as_of is in, one exactly @window_days
-- old is out, later views are out). Views of items missing from
-- item_topics_table, or whose topic vector is empty, are ignored.
-- Output: user_topics_table, one row per user with at least one such view:
--   user_id         as in views_table
--   topics          ARRAY<FLOAT64>, length K: the recency-weighted mean of the
--                   viewed items' topic vectors, weight = 0.5^(age_days / @half_life_days)
--                   per view (repeat views count again), normalised to sum 1
--                   (equal to the weighted mean when item vectors sum to 1)
--   n_views         INT64, views counted
--   last_viewed_at  TIMESTAMP, the latest of them
CREATE OR REPLACE TABLE `{{user_topics_table}}` AS
WITH aged AS (
  SELECT
    user_id,
    item_id,
    viewed_at,
    TIMESTAMP_DIFF(@as_of, viewed_at, MICROSECOND) / 86400000000 AS age_days
  FROM `{{views_table}}`
),
weighted AS (
  SELECT
    a.user_id,
    a.viewed_at,
    POW(0.5, a.age_days / @half_life_days) AS weight,
    t.topics
  FROM aged AS a
  JOIN `{{item_topics_table}}` AS t ON t.item_id = a.item_id
  WHERE a.age_days >= 0
    AND a.age_days < @window_days
    AND ARRAY_LENGTH(t.topics) > 0
),
per_user AS (
  SELECT user_id, COUNT(*) AS n_views, MAX(viewed_at) AS last_viewed_at
  FROM weighted
  GROUP BY user_id
),
sums AS (
  SELECT w.user_id, k, SUM(w.weight * x) AS s
  FROM weighted AS w, UNNEST(w.topics) AS x WITH OFFSET AS k
  GROUP BY w.user_id, k
),
totals AS (
  SELECT user_id, k, s, SUM(s) OVER (PARTITION BY user_id) AS total
  FROM sums
),
vectors AS (
  SELECT user_id, ARRAY_AGG(s / total ORDER BY k) AS topics
  FROM totals
  WHERE total > 0
  GROUP BY user_id
)
SELECT p.user_id, v.topics, p.n_views, p.last_viewed_at
FROM per_user AS p
JOIN vectors AS v ON v.user_id = p.user_id;
