SELECT json_build_object('task', json_build_object(
    'task_id', task_id, 'session_id', session_id, 'kind', kind, 'agent', agent, 'task_type', task_type,
    'input', input, 'status', status, 'exit_code', exit_code, 'output', output, 'error', error,
    'requested_by', requested_by, 'created', created_at, 'started_at', started_at, 'completed_at', completed_at))::text
FROM tasks WHERE task_id = :#task_id
