-- Nothing is returned when the session id is taken.
INSERT INTO sessions (session_id, title, participants, context, metadata)
VALUES (:#session_id, :#title,
        ARRAY(SELECT jsonb_array_elements_text(CAST(:#participants AS jsonb))),
        :#context, CAST(:#metadata AS jsonb))
ON CONFLICT (session_id) DO NOTHING
RETURNING session_id
