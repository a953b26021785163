package dev.aiwebhook.commands;

/**
 * A command that cannot be applied, with the spec's error code and the field at fault.
 * Thrown inside the worker's transaction, it rolls the whole webhook back and becomes the
 * webhook's error result; it is never retried.
 */
public class CommandException extends RuntimeException {

    private final String code;
    private final String field;

    public CommandException(String code, String field, String message) {
        super(message, null, false, false);
        this.code = code;
        this.field = field;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }

    public static CommandException missing(String field) {
        return new CommandException("missing_field", field, "The field '" + field + "' is required.");
    }

    public static CommandException invalid(String field, String why) {
        return new CommandException("invalid_field", field, "The field '" + field + "' " + why + ".");
    }

    /** Finds the command failure in an exception chain (Camel wraps it, e.g. in a split). */
    public static CommandException in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CommandException ce) {
                return ce;
            }
        }
        return null;
    }
}
