-- Full-text search over memories, conversation chunks and artifacts: websearch_to_tsquery
-- accepts anything a person types; hits ranked with ts_rank_cd; snippets (ts_headline) are
-- made for the returned hits only. Empty filters ('' or '[]') match everything.
WITH params AS (
    SELECT websearch_to_tsquery(app_ts_config(), :#query) AS query,
           ARRAY(SELECT jsonb_array_elements_text(CAST(:#kinds AS jsonb))) AS kinds,
           ARRAY(SELECT jsonb_array_elements_text(CAST(:#types AS jsonb))) AS types
), ranked AS (
    SELECT 'memory' AS kind, m.session_id, m.key AS ref, m.type AS memory_type,
           CASE WHEN jsonb_typeof(m.content) = 'string' THEN m.content ->> 0 ELSE m.content::text END AS body,
           ts_rank_cd(m.search_vector, p.query) AS rank, m.updated_at AS at
    FROM memories m, params p
    WHERE 'memories' = ANY (p.kinds) AND m.deleted_at IS NULL AND m.search_vector @@ p.query
      AND (:#session_id = '' OR m.session_id = :#session_id)
      AND (cardinality(p.types) = 0 OR m.type = ANY (p.types))
    UNION ALL
    SELECT 'chunk', c.session_id, c.chunk_id, NULL, c.content, ts_rank_cd(c.search_vector, p.query), c.created_at
    FROM conversation_chunks c, params p
    WHERE 'chunks' = ANY (p.kinds) AND cardinality(p.types) = 0 AND c.search_vector @@ p.query
      AND (:#session_id = '' OR c.session_id = :#session_id)
    UNION ALL
    SELECT 'artifact', a.session_id, a.artifact_id, NULL, a.name || E'\n' || a.content,
           ts_rank_cd(a.search_vector, p.query), a.created_at
    FROM artifacts a, params p
    WHERE 'artifacts' = ANY (p.kinds) AND cardinality(p.types) = 0 AND a.search_vector @@ p.query
      AND (:#session_id = '' OR a.session_id = :#session_id)
), top AS (
    SELECT * FROM ranked ORDER BY rank DESC, at DESC LIMIT :#limit
)
SELECT json_build_object(
    'query', CAST(:#query AS text),
    'hits', COALESCE((SELECT json_agg(json_build_object(
                'kind', t.kind, 'session_id', t.session_id,
                'key', CASE WHEN t.kind = 'memory' THEN t.ref END,
                'id', CASE WHEN t.kind <> 'memory' THEN t.ref END,
                'memory_type', t.memory_type,
                'rank', round(t.rank::numeric, 4),
                'snippet', ts_headline(app_ts_config(), t.body, p.query,
                                       'StartSel=**, StopSel=**, MaxWords=30, MinWords=10, MaxFragments=2'))
             ORDER BY t.rank DESC, t.at DESC)
             FROM top t, params p), '[]'::json),
    'count', (SELECT count(*) FROM top)
)::text
