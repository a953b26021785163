-- V14 took each candidate's lock and checked it in one IF condition: PL/pgSQL evaluates that as
-- one query, with one snapshot taken before the lock was granted, so a task that committed the
-- id and released its lock just before could be missed (the race V13 closed, reopened: a
-- conflict, or delegate_task failing on the unique key). The lock is taken by a statement of its
-- own again, so the check that follows reads with a snapshot taken after it.
CREATE OR REPLACE FUNCTION app_task_id(wanted text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    candidate text := wanted;
    locked boolean;
BEGIN
    FOR attempt IN 0..20 LOOP
        IF attempt > 0 THEN
            candidate := wanted || '-' || substr(md5(random()::text), 1, 6);
        END IF;
        locked := pg_try_advisory_xact_lock(hashtext('tasks.task_id'), hashtext(candidate));
        IF locked AND NOT EXISTS (SELECT 1 FROM tasks WHERE task_id = candidate) THEN
            RETURN candidate;
        END IF;
    END LOOP;
    RETURN candidate;
END
$$;
