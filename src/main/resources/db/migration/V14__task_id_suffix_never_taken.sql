-- app_task_id (V13) gave a random six-hex-digit suffix without checking it: an id an assistant
-- reuses thousands of times ("t1") would sooner or later draw a suffix already taken, and the
-- task was answered conflict (a delegated task failed on the unique key). Each candidate suffix
-- is now held and checked as the id asked for is (a transaction-scoped advisory lock, then a
-- query of its own), and another is drawn while one is taken or held. After 20 draws, all
-- taken, the last is returned and the caller answers conflict as before: with a million tasks
-- of one id, 20 draws all taken has a chance of (1/16.7)^20, about 10^-24.
CREATE OR REPLACE FUNCTION app_task_id(wanted text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    candidate text := wanted;
BEGIN
    FOR attempt IN 0..20 LOOP
        IF attempt > 0 THEN
            candidate := wanted || '-' || substr(md5(random()::text), 1, 6);
        END IF;
        IF pg_try_advisory_xact_lock(hashtext('tasks.task_id'), hashtext(candidate))
           AND NOT EXISTS (SELECT 1 FROM tasks WHERE task_id = candidate) THEN
            RETURN candidate;
        END IF;
    END LOOP;
    RETURN candidate;
END
$$;
