SELECT json_build_object('memory', json_build_object(
           'session_id', session_id, 'key', key, 'type', type, 'content', content, 'tags', to_json(tags),
           'version', version, 'source_chunk_id', source_chunk_id, 'created', created_at, 'updated', updated_at),
       'previous_versions', (SELECT count(*) FROM memory_versions v WHERE v.memory_id = m.id))::text
FROM memories m
WHERE session_id = :#session_id AND key = :#key AND deleted_at IS NULL
