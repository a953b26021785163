-- The session a command writes to, locked for the rest of the transaction (null: no such session).
SELECT session_id, status FROM sessions WHERE session_id = :#session_id FOR UPDATE
