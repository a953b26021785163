-- One runner takes the next pending delegated task; concurrent runners skip the locked ones.
UPDATE tasks SET status = 'running', started_at = now()
WHERE id = (SELECT id FROM tasks WHERE status = 'pending' AND kind = 'delegated'
            ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING id, task_id, session_id, agent, task_type, input::text AS input
