package dev.aiwebhook.commands;

/** Error code {@code memory_not_found}; thrown from YAML routes with {@code throwException}. */
public class MemoryNotFoundException extends CommandException {
    public MemoryNotFoundException(String message) {
        super("memory_not_found", "key", message);
    }
}
