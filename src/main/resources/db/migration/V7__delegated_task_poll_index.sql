-- The agent runners poll for delegated work (sql/agents/claim_task.sql) every poll interval,
-- twice a second per runner by default, even when there is none. Both parts of that statement
-- (tasks given up, and the next task to claim) filter on kind and status, which no index
-- covered: every poll read the whole tasks table, where every local task (each git status an
-- assistant runs) stays recorded. With 4,509 local tasks a poll took 5.22 ms (mean execution,
-- pg_stat_statements on a probe), and PostgreSQL spent 2% of a core on it while the app sat
-- idle, growing with every task ever run. This index holds only the delegated tasks still open,
-- so a poll reads those and nothing else (0.038 ms with the same 4,509 local tasks).
-- AgentPollPlanTest checks the plan.
CREATE INDEX tasks_delegated_open_idx ON tasks (priority DESC, id)
    WHERE kind = 'delegated' AND status IN ('pending', 'running');
