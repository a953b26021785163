-- Nothing is returned when the session has a chunk with this id already.
INSERT INTO conversation_chunks (session_id, chunk_id, format, content, participants, start_time, end_time, metadata)
VALUES (:#session_id, :#chunk_id, :#format, :#content,
        ARRAY(SELECT jsonb_array_elements_text(CAST(:#participants AS jsonb))),
        CAST(:#start_time AS timestamptz), CAST(:#end_time AS timestamptz), CAST(:#metadata AS jsonb))
ON CONFLICT (session_id, chunk_id) DO NOTHING
RETURNING chunk_id
