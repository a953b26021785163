-- Newest first, without the content (get_artifact has it).
WITH page AS (
    SELECT a.*, row_number() OVER (ORDER BY a.id DESC) AS n
    FROM (SELECT * FROM artifacts
          WHERE (:#session_id = '' OR session_id = :#session_id)
            AND (:#artifact_type = '' OR artifact_type = :#artifact_type)
            AND id < COALESCE(CAST(NULLIF(:#cursor, '') AS bigint), 9223372036854775807)
          ORDER BY id DESC LIMIT :#limit + 1) a
)
SELECT json_build_object(
    'artifacts', COALESCE((SELECT json_agg(json_build_object(
                     'artifact_id', artifact_id, 'session_id', session_id, 'task_id', task_id, 'name', name,
                     'artifact_type', artifact_type, 'format', format, 'size', length(content),
                     'created', created_at) ORDER BY n) FROM page WHERE n <= :#limit), '[]'::json),
    'count', (SELECT count(*) FROM page WHERE n <= :#limit),
    'next_cursor', (SELECT id::text FROM page WHERE n = :#limit AND EXISTS (SELECT 1 FROM page WHERE n > :#limit))
)::text
