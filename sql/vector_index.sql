-- vector_index.sql: the approximate nearest-neighbour index that
-- recommendations.sql and similar_items.sql search (VECTOR_SEARCH).
--
-- Identifiers (placeholders in double braces, filled in and validated by
-- `scripts/sql_pipeline.py render`):
--   item_vectors_table  output of item_topics.sql (usable vectors only)
-- Query parameters: none.
-- Input:  item_vectors_table.
-- Output: the vector index item_vectors_index on its topics column.
-- Run once after the first item_topics.sql; BigQuery then refreshes the index
-- by itself as item_topics.sql merges rows into the table (IF NOT EXISTS makes
-- re-running it harmless). Why these choices (docs/scale.md):
--   TREE_AH    the searches are large batches (every user, every item per
--              run), for which BigQuery prefers TreeAH (ScaNN) over IVF;
--   COSINE     the searches use cosine distance: an index built for another
--              distance type is not used by them;
--   defaults   leaf_node_embedding_count 1000 and normalization: the searches
--              set fraction_lists_to_search themselves.
-- Below BigQuery's minimum table size for vector indexes (10 MB of indexed
-- data, about 12,000 items at K = 100) the index stays empty and
-- VECTOR_SEARCH searches by brute force, exactly.
CREATE VECTOR INDEX IF NOT EXISTS item_vectors_index
ON `{{item_vectors_table}}`(topics)
OPTIONS (index_type = 'TREE_AH', distance_type = 'COSINE');
