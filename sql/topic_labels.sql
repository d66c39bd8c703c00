-- topic_labels.sql: load the topic descriptions of a model as a table.
--
-- Produce the file with
--   jatopic topics --model MODEL --output json --n 10 > topics.json
--   gcloud storage cp topics.json gs://bucket/path/topics.json
-- It has one JSON object per line:
--   {"topic": 0, "share": 0.04, "alpha": 0.1, "words": [{"word": "...", "weight": 0.03}, ...]}
-- with the words in decreasing weight.
--
-- Identifiers (placeholders in double braces, filled in and validated by
-- `scripts/sql_pipeline.py render`):
--   topics_uri          gs:// URI of that file
--   topics_raw_table    project.dataset.table the file is loaded into (overwritten)
--   topic_labels_table  project.dataset.table to create or replace
-- Query parameters: none.
-- Input:  the file at topics_uri.
-- Outputs: topics_raw_table (the file as it is), and topic_labels_table:
--   topic      INT64, the topic index of topics in item_topics / user_topics
--   label      STRING, the top 3 words joined with ' / '
--   top_words  ARRAY<STRING>, all words of the file, by decreasing weight
--   weights    ARRAY<FLOAT64>, their weights
--   share      FLOAT64, the topic's share of the training tokens
--   alpha      FLOAT64, the topic's Dirichlet prior
-- This is a multi-statement script: run it as one `bq query` job.
LOAD DATA OVERWRITE `{{topics_raw_table}}` (
  topic INT64,
  share FLOAT64,
  alpha FLOAT64,
  words ARRAY<STRUCT<word STRING, weight FLOAT64>>
)
FROM FILES (
  format = 'JSON',
  uris = ['{{topics_uri}}'],
  ignore_unknown_values = true
);

CREATE OR REPLACE TABLE `{{topic_labels_table}}` AS
SELECT
  topic,
  ARRAY_TO_STRING(
    ARRAY(SELECT w.word FROM UNNEST(words) AS w WITH OFFSET AS o WHERE o < 3 ORDER BY o),
    ' / '
  ) AS label,
  ARRAY(SELECT w.word FROM UNNEST(words) AS w WITH OFFSET AS o ORDER BY o) AS top_words,
  ARRAY(SELECT w.weight FROM UNNEST(words) AS w WITH OFFSET AS o ORDER BY o) AS weights,
  share,
  alpha
FROM `{{topics_raw_table}}`;
