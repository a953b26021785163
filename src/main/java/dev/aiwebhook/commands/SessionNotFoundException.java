package dev.aiwebhook.commands;

/** Error code {@code session_not_found}; thrown from YAML routes with {@code throwException}. */
public class SessionNotFoundException extends CommandException {
    public SessionNotFoundException(String message) {
        super("session_not_found", "session_id", message);
    }
}
