package dev.aiwebhook.commands;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Typed, validated reads of a command's {@code data} object. Every failure names the field
 * ({@code data.title}, {@code data.tags[2]}, ...) so the caller can fix it.
 */
public final class DataFields {

    static final int MAX_TEXT = 100_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode data;
    private final String prefix;

    private DataFields(JsonNode data, String prefix) {
        this.data = data;
        this.prefix = prefix;
    }

    /** The {@code data} of a command envelope; absent means empty, anything but an object is an error. */
    public static DataFields of(JsonNode envelope) {
        JsonNode data = envelope.get("data");
        if (data == null || data.isNull()) {
            return new DataFields(JsonNodeFactory.instance.objectNode(), "data.");
        }
        if (!data.isObject()) {
            throw CommandException.invalid("data", "must be an object");
        }
        return new DataFields(data, "data.");
    }

    /** A nested object such as {@code data.filter}, read with the same rules. */
    public DataFields nested(String name) {
        JsonNode node = data.get(name);
        if (node == null || node.isNull()) {
            return new DataFields(JsonNodeFactory.instance.objectNode(), prefix + name + ".");
        }
        if (!node.isObject()) {
            throw CommandException.invalid(prefix + name, "must be an object");
        }
        return new DataFields(node, prefix + name + ".");
    }

    public boolean has(String name) {
        JsonNode node = data.get(name);
        return node != null && !node.isNull();
    }

    public String path(String name) {
        return prefix + name;
    }

    public String requiredText(String name, int max) {
        String value = optionalText(name, max);
        if (value == null || value.isBlank()) {
            throw CommandException.missing(path(name));
        }
        return value;
    }

    public String optionalText(String name, int max) {
        JsonNode node = data.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw CommandException.invalid(path(name), "must be a string");
        }
        String value = node.asText();
        if (value.length() > max) {
            throw CommandException.invalid(path(name), "is longer than " + max + " characters");
        }
        return value;
    }

    /** An identifier-like string: no control characters, 1..max characters. */
    public String optionalId(String name, int max) {
        String value = optionalText(name, max);
        if (value == null) {
            return null;
        }
        checkId(path(name), value, max);
        return value;
    }

    public static String checkId(String field, String value, int max) {
        if (value.isBlank()) {
            throw CommandException.invalid(field, "must not be empty");
        }
        if (value.length() > max) {
            throw CommandException.invalid(field, "is longer than " + max + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw CommandException.invalid(field, "must not contain control characters");
            }
        }
        return value;
    }

    /** A list of short strings; a single string is taken as a list of one. Returned as JSON text. */
    public String stringList(String name, int maxItems, int maxLength) {
        return toJson(strings(name, maxItems, maxLength));
    }

    public List<String> strings(String name, int maxItems, int maxLength) {
        JsonNode node = data.get(name);
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (node.isTextual()) {
            out.add(checkId(path(name), node.asText(), maxLength));
            return out;
        }
        if (!node.isArray()) {
            throw CommandException.invalid(path(name), "must be a list of strings");
        }
        if (node.size() > maxItems) {
            throw CommandException.invalid(path(name), "has more than " + maxItems + " items");
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isTextual()) {
                throw CommandException.invalid(path(name) + "[" + i + "]", "must be a string");
            }
            String value = checkId(path(name) + "[" + i + "]", item.asText(), maxLength);
            if (!out.contains(value)) {
                out.add(value);
            }
        }
        return out;
    }

    /** A JSON object (as JSON text), empty object when absent. */
    public String object(String name) {
        JsonNode node = data.get(name);
        if (node == null || node.isNull()) {
            return "{}";
        }
        if (!node.isObject()) {
            throw CommandException.invalid(path(name), "must be an object");
        }
        return toJson(node);
    }

    /** Content that may be an object or a string (stored as a JSON string). */
    public String requiredContent(String name) {
        JsonNode node = data.get(name);
        if (node == null || node.isNull() || (node.isTextual() && node.asText().isBlank())
                || (node.isObject() && node.isEmpty())) {
            throw CommandException.missing(path(name));
        }
        if (!node.isObject() && !node.isTextual()) {
            throw CommandException.invalid(path(name), "must be an object or a string");
        }
        String json = toJson(node);
        if (json.length() > MAX_TEXT) {
            throw CommandException.invalid(path(name), "is larger than " + MAX_TEXT + " characters");
        }
        return json;
    }

    public int intInRange(String name, int min, int max, int fallback) {
        JsonNode node = data.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        int value;
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            value = node.asInt();
        } else if (node.isTextual() && node.asText().matches("-?\\d{1,9}")) {
            value = Integer.parseInt(node.asText());
        } else {
            throw CommandException.invalid(path(name), "must be a whole number from " + min + " to " + max);
        }
        if (value < min || value > max) {
            throw CommandException.invalid(path(name), "must be a whole number from " + min + " to " + max);
        }
        return value;
    }

    public ObjectNode raw() {
        return data.isObject() ? (ObjectNode) data : JsonNodeFactory.instance.objectNode();
    }

    static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
