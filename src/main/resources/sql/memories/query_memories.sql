-- Newest change first. Empty filters ('' or '[]') match everything; without a session_id the
-- query spans all sessions. The cursor is the change_seq of the last memory of the previous page.
WITH wanted AS (
    SELECT ARRAY(SELECT jsonb_array_elements_text(CAST(:#types AS jsonb))) AS types,
           ARRAY(SELECT jsonb_array_elements_text(CAST(:#tags AS jsonb)))  AS tags,
           CASE WHEN :#text = '' THEN NULL ELSE websearch_to_tsquery(app_ts_config(), :#text) END AS query
), page AS (
    SELECT m.*, row_number() OVER (ORDER BY m.change_seq DESC) AS n
    FROM (SELECT m.* FROM memories m, wanted w
          WHERE m.deleted_at IS NULL
            AND (:#session_id = '' OR m.session_id = :#session_id)
            AND (cardinality(w.types) = 0 OR m.type = ANY (w.types))
            AND (cardinality(w.tags) = 0
                 OR (:#tags_mode = 'all' AND m.tags @> w.tags)
                 OR (:#tags_mode = 'any' AND m.tags && w.tags))
            AND (w.query IS NULL OR m.search_vector @@ w.query)
            AND m.change_seq < COALESCE(CAST(NULLIF(:#cursor, '') AS bigint), 9223372036854775807)
          ORDER BY m.change_seq DESC
          LIMIT :#limit + 1) m
)
SELECT json_build_object(
    'memories', COALESCE((SELECT json_agg(json_build_object(
                    'session_id', session_id, 'key', key, 'type', type, 'content', content,
                    'tags', to_json(tags), 'version', version, 'source_chunk_id', source_chunk_id,
                    'created', created_at, 'updated', updated_at) ORDER BY n)
                 FROM page WHERE n <= :#limit), '[]'::json),
    'count', (SELECT count(*) FROM page WHERE n <= :#limit),
    'next_cursor', (SELECT change_seq::text FROM page WHERE n = :#limit AND EXISTS (SELECT 1 FROM page WHERE n > :#limit))
)::text
