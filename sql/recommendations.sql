-- recommendations.sql: the top @top_n unseen items per user.
--
-- Identifiers (placeholders in double braces, filled in and validated by
-- `scripts/sql_pipeline.py render`):
--   views_table            project.dataset.table of views: user_id, item_id, viewed_at TIMESTAMP
--   item_vectors_table     output of item_topics.sql (the vector index's table)
--   user_topics_table      output of user_topics.sql (run with the same @as_of, @window_days)
--   recommendations_table  project.dataset.table to create or replace
-- Query parameters (bq query --parameter=NAME:TYPE:VALUE):
--   @as_of              TIMESTAMP  end of the window (as for user_topics.sql)
--   @window_days        FLOAT64    window length in days (as for user_topics.sql)
--   @top_n              INT64      recommendations per user
--   @popularity_weight  FLOAT64    w in [0, 1]: score = (1 - w) * cosine + w * popularity;
--                                  0 = pure topic similarity (the default to pass)
--   @candidates         INT64      items fetched per user before the seen ones
--                                  are dropped and the rest re-ranked (>= @top_n;
--                                  100 is what docs/scale.md measures)
-- Inputs: views_table, item_vectors_table, user_topics_table.
-- Candidates of a user, all items with a non-zero topic vector that the user
-- did not view in the window (0 <= age_days < @window_days, age_days as in
-- user_topics.sql), drawn from:
--   * the @candidates items nearest to the user's topic vector (VECTOR_SEARCH,
--     cosine, through the vector index of vector_index.sql);
--   * when @popularity_weight > 0, also the @candidates most viewed items
--     (so that the blend can still rank a popular item that is not among the
--     nearest; equal popularity by item_id).
-- cosine: cosine similarity of the user's and the item's topic vectors.
-- popularity: PERCENT_RANK() of the item's number of views in the window (all
-- users) among all items of item_vectors_table: 0 for the least viewed, 1 for
-- the most viewed, equal counts share a value; items nobody viewed count 0.
-- Output: recommendations_table, up to @top_n rows per user of user_topics_table:
--   user_id, rank (INT64, 1 = best), item_id, score (FLOAT64)
-- Ordered by score descending; equal scores by item_id ascending.
-- Against the exact all-pairs ranking (the query before VECTOR_SEARCH; see
-- docs/scale.md for the measured effect):
--   * a user who viewed more than @candidates - @top_n of their nearest items
--     gets fewer than @top_n recommendations (none if they viewed all of them),
--     where the exact ranking would go further down the catalogue;
--   * with the index, a near item the approximate search misses is replaced by
--     the next one (recall@10 in docs/scale.md);
--   * with the blend, an item that is neither among the user's @candidates
--     nearest nor among the @candidates most viewed is never recommended, even
--     when its blended score would have ranked it;
--   * among items tied at the @candidates-th distance BigQuery may fetch any.
-- Cost: one VECTOR_SEARCH of every user (top_k = @candidates) plus at most
-- users x @candidates popular pairs: linear in users, sublinear in items.
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
popularity AS (
  SELECT
    v.item_id,
    PERCENT_RANK() OVER (ORDER BY COALESCE(c.n, 0)) AS popularity
  FROM `{{item_vectors_table}}` AS v
  LEFT JOIN view_counts AS c ON c.item_id = v.item_id
),
users AS (
  SELECT user_id, topics
  FROM `{{user_topics_table}}`
  WHERE (SELECT SUM(x * x) FROM UNNEST(topics) AS x) > 0
),
nearest AS (
  SELECT query.user_id AS user_id, base.item_id AS item_id, 1 - distance AS cosine
  FROM VECTOR_SEARCH(
    TABLE `{{item_vectors_table}}`, 'topics',
    (
      SELECT user_id, topics
      FROM `{{user_topics_table}}`
      WHERE (SELECT SUM(x * x) FROM UNNEST(topics) AS x) > 0
    ), 'topics',
    top_k => @candidates,
    distance_type => 'COSINE',
    options => '{"fraction_lists_to_search": 0.05}'
  )
),
popular AS (
  -- At most @candidates rows: the cross join below stays linear in users.
  SELECT p.item_id, v.topics
  FROM popularity AS p
  JOIN `{{item_vectors_table}}` AS v ON v.item_id = p.item_id
  WHERE @popularity_weight > 0
  ORDER BY p.popularity DESC, p.item_id ASC
  LIMIT @candidates
),
popular_pairs AS (
  SELECT u.user_id, p.item_id, 1 - COSINE_DISTANCE(u.topics, p.topics) AS cosine
  FROM users AS u
  CROSS JOIN popular AS p
),
candidates AS (
  SELECT user_id, item_id, MAX(cosine) AS cosine
  FROM (
    SELECT user_id, item_id, cosine FROM nearest
    UNION ALL
    SELECT user_id, item_id, cosine FROM popular_pairs
  )
  GROUP BY user_id, item_id
),
scored AS (
  SELECT
    c.user_id,
    c.item_id,
    (1 - @popularity_weight) * c.cosine + @popularity_weight * p.popularity AS score
  FROM candidates AS c
  JOIN popularity AS p ON p.item_id = c.item_id
  LEFT JOIN seen AS s ON s.user_id = c.user_id AND s.item_id = c.item_id
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
