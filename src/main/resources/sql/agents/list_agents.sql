SELECT json_build_object('agents', COALESCE(json_agg(json_build_object(
           'name', name, 'description', description, 'capabilities', to_json(capabilities),
           'status', CASE WHEN last_heartbeat > now() - interval '2 minutes' THEN status ELSE 'stale' END,
           'last_heartbeat', last_heartbeat, 'registered_at', registered_at) ORDER BY name), '[]'),
       'count', count(*))::text
FROM agents
