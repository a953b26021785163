-- Everything memory_keeper's report needs about one session (null: no such session).
SELECT json_build_object(
    'session', json_build_object('session_id', s.session_id, 'title', s.title, 'status', s.status,
                                 'participants', to_json(s.participants), 'created', s.created_at,
                                 'last_activity', s.last_activity),
    'memories', COALESCE((SELECT json_agg(json_build_object('key', m.key, 'type', m.type, 'content', m.content,
                                                            'tags', to_json(m.tags), 'updated', m.updated_at)
                                          ORDER BY m.updated_at)
                          FROM memories m WHERE m.session_id = s.session_id AND m.deleted_at IS NULL), '[]'::json)
)::text
FROM sessions s WHERE s.session_id = :#session_id
