package dev.aiwebhook.commands;

import java.util.List;

/** The nine kinds of memory (SPEC §4). */
public final class MemoryTypes {
    public static final List<String> ALL = List.of(
            "idea", "decision", "question", "action_item", "context", "preference", "fact", "risk", "note");

    private MemoryTypes() {
    }

    public static String check(String field, String type) {
        if (!ALL.contains(type)) {
            throw new CommandException("invalid_field", field,
                    "Unknown memory type '" + type + "'; use one of " + String.join(", ", ALL) + ".");
        }
        return type;
    }
}
