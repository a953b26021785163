package dev.aiwebhook.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.aiwebhook.commands.CommandException;

/**
 * Checks a command's data against its catalog schema: the JSON Schema keywords the catalog
 * uses (type, required, properties, items, enum, minLength, maxLength, maxItems, minimum, maximum). The
 * first failure becomes the spec's error, naming the field ({@code data.tags[2]}). A null
 * counts as absent, and so does a blank required string (unless it declares minLength: an id
 * given empty is invalid); enums are matched case-insensitively,
 * as the commands read them.
 */
final class DataSchema {

    private DataSchema() {
    }

    static void check(JsonNode value, JsonNode schema, String path) {
        JsonNode type = schema.get("type");
        if (type != null && !matchesAny(value, type)) {
            throw CommandException.invalid(path, "must be " + describe(type));
        }
        if (value.isObject()) {
            for (JsonNode required : schema.path("required")) {
                JsonNode field = value.get(required.asText());
                boolean blank = field != null && field.isTextual() && field.asText().isBlank()
                        && !schema.path("properties").path(required.asText()).has("minLength");
                if (field == null || field.isNull() || blank) {
                    throw CommandException.missing(path + "." + required.asText());
                }
            }
            for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
                JsonNode field = value.get(property.getKey());
                if (field != null && !field.isNull()) {
                    check(field, property.getValue(), path + "." + property.getKey());
                }
            }
        } else if (value.isArray()) {
            JsonNode maxItems = schema.get("maxItems");
            if (maxItems != null && value.size() > maxItems.asInt()) {
                throw CommandException.invalid(path, "has more than " + maxItems.asInt() + " items");
            }
            JsonNode items = schema.get("items");
            if (items != null) {
                // each item's type and length first (named by index), then the allowed values (named by the list)
                JsonNode shape = items.deepCopy();
                ((com.fasterxml.jackson.databind.node.ObjectNode) shape).remove("enum");
                for (int i = 0; i < value.size(); i++) {
                    check(value.get(i), shape, path + "[" + i + "]");
                }
                JsonNode allowed = items.get("enum");
                if (allowed != null) {
                    for (JsonNode item : value) {
                        if (!allowedValue(item.asText(), allowed)) {
                            throw CommandException.invalid(path, "may hold only " + names(allowed));
                        }
                    }
                }
            }
        } else if (value.isTextual()) {
            JsonNode minLength = schema.get("minLength");
            if (minLength != null && value.asText().length() < minLength.asInt()) {
                throw CommandException.invalid(path, "must not be empty");
            }
            JsonNode maxLength = schema.get("maxLength");
            if (maxLength != null && value.asText().length() > maxLength.asInt()) {
                throw CommandException.invalid(path, "is longer than " + maxLength.asInt() + " characters");
            }
            JsonNode allowed = schema.get("enum");
            if (allowed != null && !allowedValue(value.asText(), allowed)) {
                throw CommandException.invalid(path, "must be one of " + names(allowed));
            }
        } else if (value.isNumber()) {
            JsonNode min = schema.get("minimum");
            JsonNode max = schema.get("maximum");
            if ((min != null && value.decimalValue().compareTo(min.decimalValue()) < 0)
                    || (max != null && value.decimalValue().compareTo(max.decimalValue()) > 0)) {
                throw CommandException.invalid(path, "must be a whole number"
                        + (min != null ? " from " + min.asText() : "") + (max != null ? " to " + max.asText() : ""));
            }
        }
    }

    private static String names(JsonNode allowed) {
        List<String> names = new ArrayList<>();
        allowed.forEach(a -> names.add(a.asText()));
        return String.join(", ", names);
    }

    private static boolean allowedValue(String text, JsonNode allowed) {
        for (JsonNode a : allowed) {
            if (a.asText().equals(text.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAny(JsonNode value, JsonNode type) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (matches(value, t.asText())) {
                    return true;
                }
            }
            return false;
        }
        return matches(value, type.asText());
    }

    private static boolean matches(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber()
                    || (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0);
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> true;
        };
    }

    private static String describe(JsonNode type) {
        List<String> names = new ArrayList<>();
        (type.isArray() ? type : List.of(type)).forEach(t -> names.add(switch (t.asText()) {
            case "object" -> "an object";
            case "array" -> "a list";
            case "string" -> "a string";
            case "integer" -> "a whole number";
            case "number" -> "a number";
            case "boolean" -> "true or false";
            default -> t.asText();
        }));
        names.remove("null");
        return String.join(" or ", names);
    }
}
