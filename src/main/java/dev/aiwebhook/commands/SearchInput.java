package dev.aiwebhook.commands;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Body;
import org.springframework.stereotype.Component;

/** The parameters of {@code search} ({@code sql/search/search.sql}). */
@Component("searchInput")
public class SearchInput {

    /** query, scope, kinds, memory types, limit. */
    public Map<String, Object> search(@Body JsonNode envelope) {
        DataFields data = DataFields.of(envelope);
        Map<String, Object> p = new HashMap<>();
        String query = data.requiredText("query", 20_000);
        p.put("query", query);
        String sessionId = SessionIds.optional(envelope);
        String scope = data.optionalText("scope", 20);
        scope = scope == null ? (sessionId == null ? "all" : "session") : scope.toLowerCase(Locale.ROOT);
        if (!scope.equals("all") && !scope.equals("session")) {
            throw CommandException.invalid("data.scope", "must be session or all");
        }
        if (scope.equals("session") && sessionId == null) {
            throw CommandException.missing("session_id");
        }
        p.put("session_id", scope.equals("session") ? sessionId : "");
        List<String> kinds = data.strings("kinds", 3, 20);
        for (String k : kinds) {
            if (!List.of("memories", "chunks", "artifacts").contains(k)) {
                throw CommandException.invalid("data.kinds", "may hold memories, chunks and artifacts");
            }
        }
        p.put("kinds", DataFields.toJson(kinds.isEmpty() ? List.of("memories", "chunks", "artifacts") : kinds));
        List<String> types = new ArrayList<>();
        for (String f : List.of("type", "types")) {
            for (String t : data.strings(f, 9, 40)) {
                types.add(MemoryTypes.check(data.path(f), t.toLowerCase(Locale.ROOT)));
            }
        }
        p.put("types", DataFields.toJson(types));
        p.put("limit", data.intInRange("limit", 1, 100, 10));
        return p;
    }
}
