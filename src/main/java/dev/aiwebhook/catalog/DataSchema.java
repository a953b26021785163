package dev.aiwebhook.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.aiwebhook.commands.CommandException;

/**
 * Checks a command's data against its catalog schema: the JSON Schema keywords the catalog
 * uses (type, required, properties, items, enum, maxLength, maxItems, minimum, maximum). The
 * first failure becomes the spec's error, naming the field ({@code data.tags[2]}). A null
 * counts as absent; enums are matched case-insensitively, as the commands read them.
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
                if (field == null || field.isNull()) {
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
                for (int i = 0; i < value.size(); i++) {
                    if (!value.get(i).isNull() || items.has("type")) {
                        check(value.get(i), items, path + "[" + i + "]");
                    }
                }
            }
        } else if (value.isTextual()) {
            JsonNode maxLength = schema.get("maxLength");
            if (maxLength != null && value.asText().length() > maxLength.asInt()) {
                throw CommandException.invalid(path, "is longer than " + maxLength.asInt() + " characters");
            }
            JsonNode allowed = schema.get("enum");
            if (allowed != null && !allowedValue(value.asText(), allowed)) {
                List<String> names = new ArrayList<>();
                allowed.forEach(a -> names.add(a.asText()));
                throw CommandException.invalid(path, "must be one of " + String.join(", ", names));
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
