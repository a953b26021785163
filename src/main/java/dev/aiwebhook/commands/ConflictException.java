package dev.aiwebhook.commands;

/** Error code {@code conflict}; thrown from YAML routes with {@code throwException}. */
public class ConflictException extends CommandException {
    public ConflictException(String message) {
        super("conflict", null, message);
    }
}
