-- Every version of one memory, newest first: the live one and those kept in memory_versions.
SELECT json_build_object(
    'key', m.key,
    'deleted', m.deleted_at IS NOT NULL,
    'versions', (SELECT json_agg(v ORDER BY v.version DESC) FROM (
        SELECT m.version, m.type, m.content, to_json(m.tags) AS tags, m.updated_at AS valid_from,
               NULL::timestamptz AS valid_to, m.deleted_at IS NOT NULL AS deleted
        UNION ALL
        SELECT h.version, h.type, h.content, to_json(h.tags), h.valid_from, h.valid_to, h.deleted
        FROM memory_versions h WHERE h.memory_id = m.id) v))::text
FROM memories m
WHERE m.session_id = :#session_id AND m.key = :#key
