package dev.aiwebhook.commands;

/** Error code {@code unknown_command}; thrown from YAML routes with {@code throwException}. */
public class UnknownCommandException extends CommandException {
    public UnknownCommandException(String message) {
        super("unknown_command", "command", message);
    }
}
