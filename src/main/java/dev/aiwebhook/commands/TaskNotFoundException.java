package dev.aiwebhook.commands;

/** Error code {@code task_not_found}; thrown from YAML routes with {@code throwException}. */
public class TaskNotFoundException extends CommandException {
    public TaskNotFoundException(String message) {
        super("task_not_found", "task_id", message);
    }
}
