-- The session a read-only command is about (null: no such session).
SELECT session_id, status FROM sessions WHERE session_id = :#session_id
