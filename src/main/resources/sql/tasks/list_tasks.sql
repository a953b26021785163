-- Newest first; optional filters by session, status and kind ('' = any). Output is left out: get_task has it.
WITH page AS (
    SELECT t.*, row_number() OVER (ORDER BY t.id DESC) AS n
    FROM (SELECT * FROM tasks
          WHERE (:#session_id = '' OR session_id = :#session_id)
            AND (:#status = '' OR status = :#status)
            AND (:#kind = '' OR kind = :#kind)
            AND id < COALESCE(CAST(NULLIF(:#cursor, '') AS bigint), 9223372036854775807)
          ORDER BY id DESC
          LIMIT :#limit + 1) t
)
SELECT json_build_object(
    'tasks', COALESCE((SELECT json_agg(json_build_object(
                 'task_id', task_id, 'session_id', session_id, 'kind', kind, 'agent', agent,
                 'task_type', task_type, 'input', input, 'status', status, 'exit_code', exit_code,
                 'error', error, 'requested_by', requested_by, 'created', created_at,
                 'completed_at', completed_at) ORDER BY n)
              FROM page WHERE n <= :#limit), '[]'::json),
    'count', (SELECT count(*) FROM page WHERE n <= :#limit),
    'next_cursor', (SELECT id::text FROM page WHERE n = :#limit AND EXISTS (SELECT 1 FROM page WHERE n > :#limit))
)::text
