package dev.aiwebhook.commands;

/** Error code {@code agent_not_found}; thrown from YAML routes with {@code throwException}. */
public class AgentNotFoundException extends CommandException {
    public AgentNotFoundException(String message) {
        super("agent_not_found", "agent", message);
    }
}
