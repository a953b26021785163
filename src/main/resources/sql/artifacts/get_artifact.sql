SELECT json_build_object('artifact', json_build_object(
    'artifact_id', artifact_id, 'session_id', session_id, 'task_id', task_id, 'name', name,
    'artifact_type', artifact_type, 'format', format, 'content', content, 'metadata', metadata,
    'created', created_at))::text
FROM artifacts WHERE artifact_id = :#artifact_id
