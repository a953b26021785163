SELECT json_build_object(
    'session_id',       s.session_id,
    'title',            s.title,
    'participants',     to_json(s.participants),
    'context',          s.context,
    'metadata',         s.metadata,
    'status',           s.status,
    'created',          s.created_at,
    'last_activity',    s.last_activity,
    'completed_at',     s.completed_at,
    'duration_minutes', round((extract(epoch FROM COALESCE(s.completed_at, now()) - s.created_at) / 60)::numeric, 1),
    'stats', json_build_object(
        'memories',            s.memory_count,
        'memories_by_type',    COALESCE((SELECT json_object_agg(type, n ORDER BY type)
                                         FROM (SELECT type, count(*) AS n FROM memories
                                               WHERE session_id = s.session_id AND deleted_at IS NULL
                                               GROUP BY type) t), '{}'::json),
        'conversation_chunks', s.conversation_chunk_count,
        'tasks',               s.task_count,
        'active_tasks',        (SELECT count(*) FROM tasks
                                WHERE session_id = s.session_id AND status IN ('pending', 'running')),
        'artifacts',           s.artifact_count)
)::text
FROM sessions s
WHERE s.session_id = :#session_id
