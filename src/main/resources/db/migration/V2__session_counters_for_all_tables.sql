-- V1's session_counters() read NEW.deleted_at, which only memories have, so inserting a task,
-- chunk or artifact failed. A row counts unless it is a soft-deleted memory.
CREATE OR REPLACE FUNCTION session_counters() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta_old integer := 0;
    delta_new integer := 0;
    is_memory boolean := TG_TABLE_NAME = 'memories';
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.session_id IS NOT NULL THEN
        delta_old := CASE WHEN is_memory AND (to_jsonb(OLD) ->> 'deleted_at') IS NOT NULL THEN 0 ELSE 1 END;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.session_id IS NOT NULL THEN
        delta_new := CASE WHEN is_memory AND (to_jsonb(NEW) ->> 'deleted_at') IS NOT NULL THEN 0 ELSE 1 END;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.session_id IS NOT DISTINCT FROM NEW.session_id THEN
        IF NEW.session_id IS NOT NULL THEN
            UPDATE sessions SET
                memory_count  = memory_count + CASE WHEN is_memory THEN delta_new - delta_old ELSE 0 END,
                last_activity = now()
            WHERE session_id = NEW.session_id;
        END IF;
        RETURN NULL;
    END IF;
    IF delta_old <> 0 THEN
        UPDATE sessions SET
            memory_count             = memory_count             - CASE WHEN is_memory                          THEN 1 ELSE 0 END,
            conversation_chunk_count = conversation_chunk_count - CASE WHEN TG_TABLE_NAME = 'conversation_chunks' THEN 1 ELSE 0 END,
            task_count               = task_count               - CASE WHEN TG_TABLE_NAME = 'tasks'               THEN 1 ELSE 0 END,
            artifact_count           = artifact_count           - CASE WHEN TG_TABLE_NAME = 'artifacts'           THEN 1 ELSE 0 END,
            last_activity            = now()
        WHERE session_id = OLD.session_id;
    END IF;
    IF delta_new <> 0 THEN
        UPDATE sessions SET
            memory_count             = memory_count             + CASE WHEN is_memory                          THEN 1 ELSE 0 END,
            conversation_chunk_count = conversation_chunk_count + CASE WHEN TG_TABLE_NAME = 'conversation_chunks' THEN 1 ELSE 0 END,
            task_count               = task_count               + CASE WHEN TG_TABLE_NAME = 'tasks'               THEN 1 ELSE 0 END,
            artifact_count           = artifact_count           + CASE WHEN TG_TABLE_NAME = 'artifacts'           THEN 1 ELSE 0 END,
            last_activity            = now()
        WHERE session_id = NEW.session_id;
    END IF;
    RETURN NULL;
END $$;
