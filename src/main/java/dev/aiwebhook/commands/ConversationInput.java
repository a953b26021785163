package dev.aiwebhook.commands;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.camel.Body;
import org.springframework.stereotype.Component;

/**
 * A conversation chunk (also sent as {@code append_conversation}, and in the older shape
 * {@code data.conversation_chunk{content,…}}), and the memories to extract from it: the
 * {@code extracted_items} the LLM sent, or else lines such as "Decision: …", "TODO: …",
 * "Idea: …" and questions ending in "?".
 */
@Component("conversationInput")
public class ConversationInput {

    /** characters of a chunk or artifact (a tsvector holds at most 1 MB; an hour of speech is ~50,000) */
    static final int MAX_CHUNK = 200_000;
    /**
     * memories one chunk may create: more in extracted_items is an invalid_field; lines beyond it are
     * not extracted (each memory is a row, its version and its search vector, in one transaction)
     */
    static final int MAX_EXTRACTED = 500;
    private static final Map<String, String> ITEM_TYPES = Map.ofEntries(
            Map.entry("ideas", "idea"), Map.entry("decisions", "decision"), Map.entry("questions", "question"),
            Map.entry("action_items", "action_item"), Map.entry("facts", "fact"), Map.entry("risks", "risk"),
            Map.entry("notes", "note"), Map.entry("context", "context"), Map.entry("preferences", "preference"));
    private static final Pattern LINE = Pattern.compile(
            "^\\s*(?:[-*•]\\s*)?(?:\\[[ xX]?]\\s*)?(decision|decided|todo|to do|action item|action|idea|question|fact|risk|note)\\s*[:\\-–]\\s*(.+?)\\s*$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SPEAKER = Pattern.compile("^\\s*[\\p{L}][\\p{L}0-9 ._'-]{0,40}:\\s+(.+)$");

    public Map<String, Object> chunk(@Body JsonNode envelope) {
        DataFields data = DataFields.of(envelope);
        DataFields source = data.has("conversation_chunk") ? data.nested("conversation_chunk") : data;
        Map<String, Object> p = new HashMap<>();
        String sessionId = SessionIds.required(envelope);
        p.put("session_id", sessionId);
        String content = source.requiredText("content", MAX_CHUNK);
        p.put("content", content);
        String format = source.optionalText("format", 20);
        format = format == null ? "dialogue" : format.toLowerCase(Locale.ROOT);
        if (!List.of("dialogue", "summary", "transcript").contains(format)) {
            throw CommandException.invalid(source.path("format"), "must be dialogue, summary or transcript");
        }
        p.put("format", format);
        String chunkId = source.optionalId("chunk_id", CommandInput.MAX_ID);
        p.put("chunk_id", chunkId != null ? chunkId : "chunk-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        p.put("participants", source.stringList("participants", 50, 200));
        p.put("start_time", time(source, "start_time"));
        p.put("end_time", time(source, "end_time"));
        p.put("metadata", source.object("metadata"));

        JsonNode items = source.has("extracted_items") ? source.raw().get("extracted_items")
                : data.has("extracted_items") ? data.raw().get("extracted_items") : null;
        List<Map<String, Object>> memories = items != null
                ? fromItems(items, source.path("extracted_items"))
                : fromLines(content);
        for (Map<String, Object> m : memories) {
            m.put("session_id", sessionId);
            m.put("source_chunk_id", p.get("chunk_id"));
        }
        p.put("extracted", memories);
        p.put("content_size", content.length());
        return p;
    }

    private static List<Map<String, Object>> fromItems(JsonNode items, String field) {
        if (!items.isObject()) {
            throw CommandException.invalid(field, "must be an object of lists (ideas, decisions, questions, action_items, …)");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (var it = items.fields(); it.hasNext(); ) {
            var e = it.next();
            String type = ITEM_TYPES.get(e.getKey());
            if (type == null) {
                type = MemoryTypes.ALL.contains(e.getKey()) ? e.getKey() : null;
            }
            if (type == null) {
                throw CommandException.invalid(field + "." + e.getKey(), "is not a kind of item; use "
                        + String.join(", ", ITEM_TYPES.keySet().stream().sorted().toList()));
            }
            if (!e.getValue().isArray()) {
                throw CommandException.invalid(field + "." + e.getKey(), "must be a list");
            }
            if (out.size() + e.getValue().size() > MAX_EXTRACTED) {
                throw CommandException.invalid(field, "holds more than " + MAX_EXTRACTED + " items");
            }
            for (int i = 0; i < e.getValue().size(); i++) {
                JsonNode item = e.getValue().get(i);
                if (!(item.isTextual() && !item.asText().isBlank()) && !(item.isObject() && !item.isEmpty())) {
                    throw CommandException.invalid(field + "." + e.getKey() + "[" + i + "]", "must be a text or an object");
                }
                out.add(memory(type, item));
            }
        }
        return out;
    }

    /** Lines such as "Decision: …", "- TODO: …", "Alice: Idea: …", or a question ending in "?". */
    static List<Map<String, Object>> fromLines(String content) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String raw : content.split("\\R")) {
            if (out.size() == MAX_EXTRACTED) {
                break;
            }
            String line = raw.strip();
            if (line.isEmpty() || line.length() > 2000) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                Matcher speaker = SPEAKER.matcher(line);
                if (speaker.matches()) {
                    line = speaker.group(1).strip();
                    m = LINE.matcher(line);
                }
            }
            if (m.matches()) {
                String type = switch (m.group(1).toLowerCase(Locale.ROOT)) {
                    case "decision", "decided" -> "decision";
                    case "todo", "to do", "action item", "action" -> "action_item";
                    case "idea" -> "idea";
                    case "question" -> "question";
                    case "fact" -> "fact";
                    case "risk" -> "risk";
                    default -> "note";
                };
                out.add(memory(type, JsonNodeFactory.instance.textNode(m.group(2))));
            } else if (line.endsWith("?") && line.length() > 3) {
                out.add(memory("question", JsonNodeFactory.instance.textNode(line)));
            }
        }
        return out;
    }

    private static Map<String, Object> memory(String type, JsonNode content) {
        Map<String, Object> m = new HashMap<>();
        m.put("type", type);
        m.put("content", DataFields.toJson(content));
        m.put("tags", "[\"extracted\"]");
        return m;
    }

    private static String time(DataFields source, String name) {
        String value = source.optionalText(name, 60);
        if (value == null) {
            return null;
        }
        try {
            OffsetDateTime time = OffsetDateTime.parse(value);
            if (time.getYear() < 1 || time.getYear() > 9999) {
                throw CommandException.invalid(source.path(name), "must be a time between the years 1 and 9999");
            }
            return time.toString();
        } catch (DateTimeParseException e) {
            throw CommandException.invalid(source.path(name), "must be an ISO-8601 time with offset, e.g. 2026-11-26T09:00:00Z");
        }
    }

    /** Memories to extract from a stored chunk (conversation_processor's "extract" task). */
    public List<Map<String, Object>> reextract(@Body Map<String, Object> chunk) {
        List<Map<String, Object>> memories = fromLines(String.valueOf(chunk.get("content")));
        for (Map<String, Object> m : memories) {
            m.put("session_id", chunk.get("session_id"));
            m.put("source_chunk_id", chunk.get("chunk_id"));
        }
        return memories;
    }

    /** The chunk command's result data. */
    public Map<String, Object> summary(@Body Object body, org.apache.camel.Exchange exchange) {
        // the split leaves the chunk's parameters in the body when nothing was extracted
        List<?> stored = body instanceof List<?> list ? list : null;
        Map<?, ?> chunk = exchange.getProperty("chunk", Map.class);
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("session_id", chunk.get("session_id"));
        data.put("chunk_id", chunk.get("chunk_id"));
        data.put("content_size", chunk.get("content_size"));
        data.put("memories_created", stored == null ? 0 : stored.size());
        data.put("memory_keys", stored == null ? List.of() : stored);
        return data;
    }
}
