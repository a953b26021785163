package dev.aiwebhook.tasks;

import dev.aiwebhook.commands.CommandException;

/** A task refused by the safety rules (error code {@code task_rejected}). */
public class TaskRejectedException extends CommandException {
    public TaskRejectedException(String field, String message) {
        super("task_rejected", field, message);
    }
}
