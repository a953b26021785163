package dev.aiwebhook.commands;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The session a command is about: {@code session_id} at the top level or inside {@code data}
 * (both shapes are in use). Both present and different is an {@code invalid_field} error.
 */
public final class SessionIds {

    private SessionIds() {
    }

    public static String required(JsonNode envelope) {
        String id = optional(envelope);
        if (id == null) {
            throw CommandException.missing("session_id");
        }
        return id;
    }

    public static String optional(JsonNode envelope) {
        String top = read(envelope.get("session_id"), "session_id");
        JsonNode data = envelope.get("data");
        String inner = data != null && data.isObject() ? read(data.get("session_id"), "data.session_id") : null;
        if (top != null && inner != null && !top.equals(inner)) {
            throw CommandException.invalid("session_id",
                    "is given twice with different values ('" + top + "' and data.session_id '" + inner + "')");
        }
        return top != null ? top : inner;
    }

    private static String read(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw CommandException.invalid(field, "must be a string");
        }
        return DataFields.checkId(field, node.asText(), CommandInput.MAX_ID);
    }
}
