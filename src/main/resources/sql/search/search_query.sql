-- What a person typed, as the tsquery search.sql runs: websearch syntax, widened by the word
-- families (app_search_query, V3). Computed once, then passed to search.sql as a constant, so
-- the planner estimates each branch with the real query and picks the GIN index.
-- chunk_floor: the chunks above it are searched among the newest chunks' vectors (V5).
SELECT CAST(app_search_query(:#query) AS text) AS tsquery, app_recent_chunks_floor() AS chunk_floor
