package dev.aiwebhook.commands;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Turns a command envelope ({@code {command, session_id?, data}}) into the named parameters its
 * SQL uses, or refuses it with a {@link CommandException} naming the field. Called first in every
 * command route, so nothing reaches the database unchecked.
 */
@Component("commandInput")
public class CommandInput {

    static final int MAX_ID = 200;
    private static final SecureRandom RANDOM = new SecureRandom();

    public Map<String, Object> createSession(@Body JsonNode envelope) {
        DataFields data = DataFields.of(envelope);
        Map<String, Object> p = new HashMap<>();
        String id = SessionIds.optional(envelope);
        p.put("session_id", id != null ? id : generatedSessionId(data.optionalText("title", 500)));
        p.put("title", data.requiredText("title", 500));
        p.put("participants", data.stringList("participants", 50, 200));
        p.put("context", data.optionalText("context", DataFields.MAX_TEXT));
        p.put("metadata", data.object("metadata"));
        return p;
    }

    public Map<String, Object> session(@Body JsonNode envelope) {
        DataFields.of(envelope);
        Map<String, Object> p = new HashMap<>();
        p.put("session_id", SessionIds.required(envelope));
        return p;
    }

    public Map<String, Object> listSessions(@Body JsonNode envelope) {
        DataFields data = DataFields.of(envelope);
        DataFields filter = data.nested("filter");
        DataFields statusSource = data.has("status") ? data : filter;
        String status = statusSource.optionalText("status", 20);
        status = status == null ? "all" : status.toLowerCase(Locale.ROOT);
        if (!List.of("all", "active", "paused", "completed", "archived").contains(status)) {
            throw CommandException.invalid(statusSource.path("status"), "must be one of all, active, paused, completed, archived");
        }
        Map<String, Object> p = page(data);
        p.put("status", status);
        return p;
    }

    /**
     * store_memory's parameters; its session and type also as the exchange variables
     * {@code memorySession} and {@code memoryType}, for the route's messages: {@code ${body[type]}}
     * in a simple expression is an OGNL call, which copies the exchange and matches its index
     * with a regular expression each time (6.9 % of the app's CPU samples per sync store_memory,
     * JFR, session 20).
     */
    public Map<String, Object> storeMemory(@Body JsonNode envelope, Exchange exchange) {
        DataFields data = DataFields.of(envelope);
        Map<String, Object> p = new HashMap<>();
        String session = SessionIds.required(envelope);
        p.put("session_id", session);
        String type = MemoryTypes.check("data.type", data.requiredText("type", 40).toLowerCase(Locale.ROOT));
        p.put("type", type);
        String key = data.optionalId("key", MAX_ID);
        p.put("key", key == null ? "" : key);
        p.put("content", data.requiredContent("content"));
        p.put("tags", data.stringList("tags", 50, 100));
        exchange.setVariable("memorySession", session);
        exchange.setVariable("memoryType", type);
        return p;
    }

    public Map<String, Object> memoryKey(@Body JsonNode envelope) {
        DataFields data = DataFields.of(envelope);
        Map<String, Object> p = new HashMap<>();
        p.put("session_id", SessionIds.required(envelope));
        String key = data.optionalId("key", MAX_ID);
        if (key == null) {
            key = data.optionalId("memory_key", MAX_ID);
        }
        if (key == null) {
            throw CommandException.missing("data.key");
        }
        p.put("key", key);
        return p;
    }

    /**
     * Filters for query_memories, from {@code data.*} or {@code data.filter.*}. Without a
     * session_id the query spans every session.
     */
    public Map<String, Object> queryMemories(@Body JsonNode envelope) {
        DataFields data = DataFields.of(envelope);
        DataFields filter = data.nested("filter");
        Map<String, Object> p = page(data);
        String sessionId = SessionIds.optional(envelope);
        p.put("session_id", sessionId == null ? "" : sessionId);

        List<String> types = new java.util.ArrayList<>();
        for (DataFields source : List.of(data, filter)) {
            for (String field : List.of("type", "types")) {
                for (String t : source.strings(field, 9, 40)) {
                    String type = MemoryTypes.check(source.path(field), t.toLowerCase(Locale.ROOT));
                    if (!types.contains(type)) {
                        types.add(type);
                    }
                }
            }
        }
        p.put("types", DataFields.toJson(types));

        DataFields tagSource = data.has("tags") ? data : filter;
        p.put("tags", tagSource.stringList("tags", 50, 100));
        DataFields modeSource = data.has("tags_mode") ? data : filter;
        String mode = modeSource.optionalText("tags_mode", 10);
        mode = mode == null ? "any" : mode.toLowerCase(Locale.ROOT);
        if (!mode.equals("any") && !mode.equals("all")) {
            throw CommandException.invalid(modeSource.path("tags_mode"), "must be 'any' or 'all'");
        }
        p.put("tags_mode", mode);
        String text = data.has("text") ? data.optionalText("text", 1000) : filter.optionalText("text", 1000);
        p.put("text", text == null ? "" : text.strip());
        return p;
    }

    public Map<String, Object> listMemories(@Body JsonNode envelope) {
        DataFields data = DataFields.of(envelope);
        Map<String, Object> p = page(data);
        String sessionId = SessionIds.optional(envelope);
        p.put("session_id", sessionId == null ? "" : sessionId);
        p.put("types", "[]");
        p.put("tags", "[]");
        p.put("tags_mode", "any");
        p.put("text", "");
        return p;
    }

    public Map<String, Object> taskId(@Body JsonNode envelope) {
        DataFields data = DataFields.of(envelope);
        Map<String, Object> p = new HashMap<>();
        String id = data.optionalId("task_id", MAX_ID);
        if (id == null) {
            throw CommandException.missing("data.task_id");
        }
        p.put("task_id", id);
        return p;
    }

    public Map<String, Object> listTasks(@Body JsonNode envelope) {
        DataFields data = DataFields.of(envelope);
        Map<String, Object> p = page(data);
        String sessionId = SessionIds.optional(envelope);
        p.put("session_id", sessionId == null ? "" : sessionId);
        String status = data.optionalText("status", 20);
        if (status != null && !List.of("pending", "running", "completed", "failed", "rejected", "timeout").contains(status)) {
            throw CommandException.invalid("data.status", "must be one of pending, running, completed, failed, rejected, timeout");
        }
        p.put("status", status == null ? "" : status);
        String kind = data.optionalText("kind", 20);
        if (kind != null && !List.of("delegated", "local").contains(kind)) {
            throw CommandException.invalid("data.kind", "must be delegated or local");
        }
        p.put("kind", kind == null ? "" : kind);
        return p;
    }

    public Map<String, Object> none(@Body JsonNode envelope) {
        DataFields.of(envelope);
        return new HashMap<>();
    }

    /** limit (1..200, default 20) and an opaque cursor from a previous page. */
    static Map<String, Object> page(DataFields data) {
        Map<String, Object> p = new HashMap<>();
        p.put("limit", data.intInRange("limit", 1, 200, 20));
        String cursor = data.optionalText("cursor", 40);
        if (cursor != null && !cursor.isEmpty() && !cursor.matches("\\d{1,18}")) {
            throw CommandException.invalid("data.cursor", "is not a cursor returned by a previous page");
        }
        p.put("cursor", cursor == null ? "" : cursor);
        return p;
    }

    private static String generatedSessionId(String title) {
        String slug = title == null ? "" : title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-+|-+$)", "");
        if (slug.length() > 40) {
            slug = slug.substring(0, 40).replaceAll("-+$", "");
        }
        String suffix = Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
        suffix = suffix.substring(0, Math.min(6, suffix.length()));
        return (slug.isEmpty() ? "session" : slug) + "-" + suffix;
    }
}
