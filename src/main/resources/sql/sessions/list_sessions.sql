-- Newest first. 'all' lists every session but archived ones; the cursor is the last row seen.
WITH page AS (
    SELECT s.*, row_number() OVER (ORDER BY s.row_id DESC) AS n
    FROM (SELECT * FROM sessions
          WHERE ((:#status = 'all' AND status <> 'archived') OR status = :#status)
            AND row_id < COALESCE(CAST(NULLIF(:#cursor, '') AS bigint), 9223372036854775807)
          ORDER BY row_id DESC
          LIMIT :#limit + 1) s
)
SELECT json_build_object(
    'sessions', COALESCE((SELECT json_agg(json_build_object(
                    'session_id', session_id, 'title', title, 'status', status,
                    'participants', to_json(participants), 'created', created_at,
                    'last_activity', last_activity, 'completed_at', completed_at,
                    'memories', memory_count, 'conversation_chunks', conversation_chunk_count,
                    'tasks', task_count, 'artifacts', artifact_count) ORDER BY n)
                 FROM page WHERE n <= :#limit), '[]'::json),
    'count', (SELECT count(*) FROM page WHERE n <= :#limit),
    'next_cursor', (SELECT row_id::text FROM page WHERE n = :#limit AND EXISTS (SELECT 1 FROM page WHERE n > :#limit))
)::text
