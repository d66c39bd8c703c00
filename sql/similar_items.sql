-- similar_items.sql: the @top_n most similar items of every item.
--
-- Identifiers (placeholders in double braces, filled in and validated by
-- `scripts/sql_pipeline.py render`):
--   item_vectors_table   output of item_topics.sql (the vector index's table)
--   similar_items_table  project.dataset.table to create or replace
-- Query parameters (bq query --parameter=NAME:TYPE:VALUE):
--   @top_n               INT64  neighbours per item
--   @similar_candidates  INT64  neighbours fetched per item before the
--                               re-rank (the pipeline passes at least
--                               @top_n + 1; 30 by default, see Cost)
--   @min_similarity      FLOAT64  keep pairs with cosine >= this (0 keeps
--                                 every pair of topic vectors, which are
--                                 non-negative)
-- Input:  item_vectors_table (items with an empty or all-zero vector are not
--         in it: they have no neighbours and are nobody's neighbour).
-- Output: similar_items_table, up to @top_n rows per item:
--   item_id, rank (INT64, 1 = most similar), similar_item_id, score (cosine
--   similarity of the two topic vectors); an item is never its own neighbour;
--   equal scores are ordered by similar_item_id ascending.
-- Cost: one VECTOR_SEARCH of every item against the vector index
-- (vector_index.sql) with top_k = @similar_candidates, then the exact
-- cosine re-ranks them: linear in the catalogue for a fixed
-- fraction_lists_to_search. Over-fetching is what keeps the approximate
-- search's recall: its quantised scores misorder near-ties, so the true top
-- 10 are among its top 30 far more often than among its top 11 (recall@10 at
-- 10^6 items, docs/scale.md: 0.93 with top_k 11, 0.98 with 30). Against the
-- exact all-pairs ranking (docs/scale.md): with the index, a neighbour the
-- approximate search misses is replaced by the next one found;
-- without it (brute force, small tables) the result is the same except that
-- among items tied at the @top_n-th score BigQuery may fetch any of them
-- (the local emulation and the old query take the smallest item_id).
CREATE OR REPLACE TABLE `{{similar_items_table}}` AS
WITH neighbours AS (
  SELECT
    query.item_id AS item_id,
    base.item_id AS similar_item_id,
    1 - distance AS score
  FROM VECTOR_SEARCH(
    TABLE `{{item_vectors_table}}`, 'topics',
    (SELECT item_id, topics FROM `{{item_vectors_table}}`), 'topics',
    top_k => @similar_candidates,
    distance_type => 'COSINE',
    options => '{"fraction_lists_to_search": 0.05}'
  )
  WHERE query.item_id != base.item_id
),
ranked AS (
  SELECT
    item_id,
    similar_item_id,
    score,
    ROW_NUMBER() OVER (PARTITION BY item_id ORDER BY score DESC, similar_item_id ASC) AS rank
  FROM neighbours
  WHERE score >= @min_similarity
)
SELECT item_id, rank, similar_item_id, score
FROM ranked
WHERE rank <= @top_n;
