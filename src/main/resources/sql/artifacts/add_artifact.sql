INSERT INTO artifacts (artifact_id, session_id, task_id, name, artifact_type, format, content, metadata)
VALUES (:#artifact_id, :#session_id, :#task_id, :#name, :#artifact_type, :#format, :#content, CAST(:#metadata AS jsonb))
ON CONFLICT (artifact_id) DO NOTHING
RETURNING json_build_object('artifact_id', artifact_id, 'session_id', session_id, 'name', name,
                            'size', length(content), 'created', created_at)::text
