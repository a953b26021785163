package dev.aiwebhook.commands;

/** One command of a batch failed: the whole batch is rolled back, and the reply names the index. */
public class BatchElementException extends CommandException {

    private final int index;
    private final String elementCommand;

    public BatchElementException(int index, String elementCommand, CommandException cause) {
        super(cause.code(), prefixed(index, cause.field()),
                "Command " + index + " (" + elementCommand + ") of the batch failed, so none was applied: "
                        + cause.getMessage());
        this.index = index;
        this.elementCommand = elementCommand;
    }

    private static String prefixed(int index, String field) {
        return "commands[" + index + "]" + (field == null ? "" : "." + field);
    }

    public int index() {
        return index;
    }

    public String elementCommand() {
        return elementCommand;
    }
}
