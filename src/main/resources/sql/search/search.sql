-- Full-text search over memories, conversation chunks and artifacts: app_search (V9) returns the
-- reply's JSON. It reads anything a person types (websearch_to_tsquery), widens each word to its
-- word family (app_search_query, V3), ranks at most the newest 500 matches of each kind with ts_rank_cd
-- and makes snippets (ts_headline) for the returned hits only. Empty filters ('' or '[]') match
-- everything. Each kind's candidates are planned inside it for the call's words.
SELECT app_search(CAST(:#query AS text), CAST(:#kinds AS jsonb), CAST(:#types AS jsonb),
                  CAST(:#session_id AS text), CAST(:#limit AS integer))
