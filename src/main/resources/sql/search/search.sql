-- Full-text search over memories, conversation chunks and artifacts. app_search_query (V3)
-- reads anything a person types (websearch_to_tsquery) and widens each word to its word family
-- (decide -> decide | decision); hits ranked with ts_rank_cd; snippets (ts_headline) are made
-- for the returned hits only. Empty filters ('' or '[]') match everything.
-- The tsquery parameter is that query, computed by search_query.sql: a constant here, so the planner
-- estimates every branch with it and uses the GIN indexes (SearchPlanTest checks the plan).
-- Bounded: of each kind, only the newest 500 matches are ranked. Ranking every match of two
-- frequent words over a million chunks took hundreds of milliseconds; the newest 500 are found
-- by walking the primary key backwards (frequent words) or through the GIN index (rare ones).
-- Chunks, across all sessions: first among the newest chunks' vectors (recent_chunk_vectors, V5,
-- ids above chunk_floor), then, only if those held fewer than 500 matches (LIMIT over UNION ALL
-- stops there), among the older chunks. A session's own chunks are read through its index.
-- Chunks are ranked on their vectors alone; their text is read for the returned hits only.
-- Planned on every call: the best plan depends on how frequent the words are (SqlParameterCounts).
WITH ranked AS (
    SELECT 'memory' AS kind, m.session_id, m.key AS ref, m.type AS memory_type,
           CASE WHEN jsonb_typeof(m.content) = 'string' THEN m.content ->> 0 ELSE m.content::text END AS body,
           ts_rank_cd(m.search_vector, CAST(:#tsquery AS tsquery)) AS rank, m.updated_at AS at,
           CAST(NULL AS bigint) AS chunk_row
    FROM (SELECT * FROM memories m
          WHERE CAST(:#kinds AS jsonb) @> '["memories"]'
            AND m.search_vector @@ CAST(:#tsquery AS tsquery)
            AND m.deleted_at IS NULL
            AND (:#session_id = '' OR m.session_id = :#session_id)
            AND (CAST(:#types AS jsonb) = '[]'::jsonb
                 OR m.type = ANY (ARRAY(SELECT jsonb_array_elements_text(CAST(:#types AS jsonb)))))
          ORDER BY m.id DESC LIMIT 500) m
    UNION ALL
    SELECT 'chunk', NULL, NULL, NULL, NULL,
           ts_rank_cd(c.search_vector, CAST(:#tsquery AS tsquery)), c.created_at, c.id
    FROM ((SELECT r.id, r.created_at, r.search_vector FROM recent_chunk_vectors r
           WHERE CAST(:#kinds AS jsonb) @> '["chunks"]' AND CAST(:#types AS jsonb) = '[]'::jsonb
             AND :#session_id = '' AND r.id > CAST(:#chunk_floor AS bigint)
             AND r.search_vector @@ CAST(:#tsquery AS tsquery)
           ORDER BY r.id DESC LIMIT 500)
          UNION ALL
          (SELECT c.id, c.created_at, c.search_vector FROM conversation_chunks c
           WHERE CAST(:#kinds AS jsonb) @> '["chunks"]' AND CAST(:#types AS jsonb) = '[]'::jsonb
             AND CASE WHEN :#session_id = '' THEN c.id <= CAST(:#chunk_floor AS bigint)
                      ELSE c.session_id = :#session_id END
             AND c.search_vector @@ CAST(:#tsquery AS tsquery)
           ORDER BY c.id DESC LIMIT 500)
          LIMIT 500) c
    UNION ALL
    SELECT 'artifact', a.session_id, a.artifact_id, NULL, a.name || E'\n' || a.content,
           ts_rank_cd(a.search_vector, CAST(:#tsquery AS tsquery)), a.created_at, NULL
    FROM (SELECT * FROM artifacts a
          WHERE CAST(:#kinds AS jsonb) @> '["artifacts"]' AND CAST(:#types AS jsonb) = '[]'::jsonb
            AND a.search_vector @@ CAST(:#tsquery AS tsquery)
            AND (:#session_id = '' OR a.session_id = :#session_id)
          ORDER BY a.id DESC LIMIT 500) a
), top AS (
    SELECT t.kind, COALESCE(t.session_id, c.session_id) AS session_id, COALESCE(t.ref, c.chunk_id) AS ref,
           t.memory_type, COALESCE(t.body, c.content) AS body, t.rank, t.at
    FROM (SELECT * FROM ranked ORDER BY rank DESC, at DESC LIMIT :#limit) t
    LEFT JOIN conversation_chunks c ON c.id = t.chunk_row
)
SELECT json_build_object(
    'query', CAST(:#query AS text),
    'hits', COALESCE((SELECT json_agg(json_build_object(
                'kind', t.kind, 'session_id', t.session_id,
                'key', CASE WHEN t.kind = 'memory' THEN t.ref END,
                'id', CASE WHEN t.kind <> 'memory' THEN t.ref END,
                'memory_type', t.memory_type,
                'rank', round(t.rank::numeric, 4),
                'snippet', ts_headline(app_ts_config(), t.body, CAST(:#tsquery AS tsquery),
                                       'StartSel=**, StopSel=**, MaxWords=30, MinWords=10, MaxFragments=2'))
             ORDER BY t.rank DESC, t.at DESC)
             FROM top t), '[]'::json),
    'count', (SELECT count(*) FROM top)
)::text
