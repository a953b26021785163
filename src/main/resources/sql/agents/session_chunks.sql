SELECT session_id, chunk_id, content FROM conversation_chunks WHERE session_id = :#session_id ORDER BY id
