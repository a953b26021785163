-- Queue work for a registered agent; nothing is returned when the agent is unknown. The
-- task_id as in tasks/start_task.sql: a suffix when it was used before or another transaction
-- is recording it right now (without the lock, this would wait for it, then fail on the key).
INSERT INTO tasks (task_id, session_id, kind, agent, task_type, input, priority, status, requested_by)
SELECT CASE WHEN NOT pg_try_advisory_xact_lock(hashtext('tasks.task_id'), hashtext(:#task_id))
                 OR EXISTS (SELECT 1 FROM tasks WHERE task_id = :#task_id)
            THEN :#task_id || '-' || substr(md5(random()::text), 1, 6) ELSE :#task_id END,
       :#session_id, 'delegated', a.name, :#task_type, CAST(:#input AS jsonb), :#priority, 'pending', :#clientId
FROM agents a WHERE a.name = :#agent
RETURNING json_build_object('task_id', task_id, 'agent', agent, 'task_type', task_type, 'status', status)::text
