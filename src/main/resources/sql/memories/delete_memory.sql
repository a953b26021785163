-- Soft delete: gone from queries, kept (with every earlier version) in memory_versions.
UPDATE memories SET deleted_at = now()
WHERE session_id = :#session_id AND key = :#key AND deleted_at IS NULL
RETURNING json_build_object('session_id', session_id, 'key', key, 'deleted', true, 'version', version)::text
