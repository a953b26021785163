INSERT INTO agents (name, description, capabilities, status, instance, last_heartbeat)
VALUES (:#name, :#description, string_to_array(:#capabilities, ','), 'active', :#instance, now())
ON CONFLICT (name) DO UPDATE SET
    description = EXCLUDED.description, capabilities = EXCLUDED.capabilities,
    status = 'active', instance = EXCLUDED.instance, last_heartbeat = now()
