-- export_training_terms.sql: export the model terms of every item to Cloud
-- Storage as NDJSON, the training input of `jatopic train`.
--
-- Identifiers (placeholders in double braces, filled in and validated by
-- `scripts/sql_pipeline.py render`; never edit them in by hand):
--   dataset      project.dataset that holds the jatopic UDFs (ja_terms)
--   items_table  project.dataset.table of items: item_id, title, description
--   gcs_uri      gs://bucket/path/terms-*.json  (exactly one '*' wildcard)
-- Query parameters: none.
-- Input:  items_table.
-- Output: NDJSON files {"id": item_id, "terms": [STRING, ...]}, one line per
--         item that has at least one term (BigQuery writes an empty array as
--         a missing field, and such a document adds nothing to training).
--         Train with:
--           gcloud storage cat 'gs://bucket/path/terms-*.json' > terms.ndjson
--           jatopic train --terms-field terms --id-field id ... terms.ndjson
-- The text is title + newline + description (NULL parts as empty strings),
-- exactly the text item_topics.sql passes to ja_topics, so training and
-- inference see the same documents.
EXPORT DATA OPTIONS (
  uri = '{{gcs_uri}}',
  format = 'JSON',
  overwrite = true
) AS
SELECT id, terms
FROM (
  SELECT
    item_id AS id,
    `{{dataset}}`.ja_terms(CONCAT(COALESCE(title, ''), '\n', COALESCE(description, ''))) AS terms
  FROM `{{items_table}}`
)
WHERE ARRAY_LENGTH(terms) > 0;
