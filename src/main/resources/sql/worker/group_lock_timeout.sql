-- First in a group's transaction (worker/CommandGroups): how long any of its commands waits for a
-- lock (a session's row, held by a transaction outside the group) before it fails, so that the
-- group, and the commands waiting in it, are not held up by one of them: that command is then
-- applied alone, and the others together again. Local to the transaction.
SELECT set_config('lock_timeout', :#lock_timeout, true)
