-- One runner takes the next delegated task; concurrent runners skip the locked ones. A task
-- 'running' for longer than :staleSeconds lost its runner (the app stopped mid-run: its work
-- was rolled back with its transaction) and is taken again.
UPDATE tasks SET status = 'running', started_at = now()
WHERE id = (SELECT id FROM tasks
            WHERE kind = 'delegated'
              AND (status = 'pending'
                   OR (status = 'running' AND started_at < now() - make_interval(secs => CAST(:#staleSeconds AS double precision))))
            ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING id, task_id, session_id, agent, task_type, input::text AS input
