-- A task's id, for the three statements that record one (tasks/start_task.sql,
-- tasks/record_refusal.sql, agents/delegate_task.sql): the id asked for, or that id with a
-- random suffix when a task has it already or another transaction holds it right now (a task
-- being recorded or running: the lock is transaction-scoped, released by its commit). Without
-- the lock a second task with the same id waited for the first to end, then failed on the
-- unique key.
-- VOLATILE, and the lock taken by a query of its own: under READ COMMITTED the check that
-- follows it reads with a snapshot taken after the lock, so it sees a task that committed this
-- id just before releasing the lock (in one statement, the check would read with the
-- statement's older snapshot and miss it).
CREATE FUNCTION app_task_id(wanted text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    locked boolean;
BEGIN
    locked := pg_try_advisory_xact_lock(hashtext('tasks.task_id'), hashtext(wanted));
    IF locked AND NOT EXISTS (SELECT 1 FROM tasks WHERE task_id = wanted) THEN
        RETURN wanted;
    END IF;
    RETURN wanted || '-' || substr(md5(random()::text), 1, 6);
END
$$;
