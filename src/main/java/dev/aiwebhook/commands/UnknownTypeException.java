package dev.aiwebhook.commands;

/** Error code {@code unknown_type}; thrown from YAML routes with {@code throwException}. */
public class UnknownTypeException extends CommandException {
    public UnknownTypeException(String message) {
        super("unknown_type", "type", message);
    }
}
