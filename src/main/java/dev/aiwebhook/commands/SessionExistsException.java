package dev.aiwebhook.commands;

/** Error code {@code session_exists}; thrown from YAML routes with {@code throwException}. */
public class SessionExistsException extends CommandException {
    public SessionExistsException(String message) {
        super("session_exists", "session_id", message);
    }
}
