-- Queue work for a registered agent; nothing is returned when the agent is unknown. The
-- task_id is chosen by app_task_id (V13–V15), as for a local task.
INSERT INTO tasks (task_id, session_id, kind, agent, task_type, input, priority, status, requested_by)
SELECT app_task_id(:#task_id),
       :#session_id, 'delegated', a.name, :#task_type, CAST(:#input AS jsonb), :#priority, 'pending', :#clientId
FROM agents a WHERE a.name = :#agent
RETURNING json_build_object('task_id', task_id, 'agent', agent, 'task_type', task_type, 'status', status)::text
