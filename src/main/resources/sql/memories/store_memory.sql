-- Insert, or update the memory with this key (the trigger keeps the previous version in
-- memory_versions and bumps version). Without a key: <type>_<n>, n one above the highest used
-- (app_next_memory_key, an index probe; require-session holds the session's lock, so no two
-- stores can pick the same n).
INSERT INTO memories (session_id, key, type, content, tags)
SELECT :#session_id,
       COALESCE(NULLIF(:#key, ''), app_next_memory_key(:#session_id, :#type)),
       :#type,
       CAST(:#content AS jsonb),
       ARRAY(SELECT jsonb_array_elements_text(CAST(:#tags AS jsonb)))
ON CONFLICT (session_id, key) DO UPDATE SET
    type = EXCLUDED.type, content = EXCLUDED.content, tags = EXCLUDED.tags, deleted_at = NULL
RETURNING json_build_object('session_id', session_id, 'key', key, 'type', type, 'version', version,
                            'action', CASE WHEN version = 1 THEN 'created' ELSE 'updated' END,
                            'created', created_at, 'updated', updated_at)::text
