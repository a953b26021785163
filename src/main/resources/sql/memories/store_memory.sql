-- Insert, or update the memory with this key (the trigger keeps the previous version in
-- memory_versions and bumps version). Without a key: <type>_<n>, n one above the highest used.
INSERT INTO memories (session_id, key, type, content, tags)
SELECT :#session_id,
       COALESCE(NULLIF(:#key, ''), :#type || '_' || (
           SELECT COALESCE(max(substring(key FROM '^' || :#type || '_([0-9]+)$')::numeric), 0) + 1
           FROM memories WHERE session_id = :#session_id)),
       :#type,
       CAST(:#content AS jsonb),
       ARRAY(SELECT jsonb_array_elements_text(CAST(:#tags AS jsonb)))
ON CONFLICT (session_id, key) DO UPDATE SET
    type = EXCLUDED.type, content = EXCLUDED.content, tags = EXCLUDED.tags, deleted_at = NULL
RETURNING json_build_object('session_id', session_id, 'key', key, 'type', type, 'version', version,
                            'action', CASE WHEN version = 1 THEN 'created' ELSE 'updated' END,
                            'created', created_at, 'updated', updated_at)::text
