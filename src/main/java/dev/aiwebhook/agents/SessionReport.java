package dev.aiwebhook.agents;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * memory_keeper's session_report: a Markdown document a person can read, with the session's
 * decisions (and their rationale), open questions, action items, ideas, facts and risks,
 * grouped and dated. Input: the JSON of {@code sql/agents/session_report_data.sql}.
 */
@Component("sessionReport")
public class SessionReport {

    private static final Map<String, String> SECTIONS = new LinkedHashMap<>();

    static {
        SECTIONS.put("decision", "Decisions");
        SECTIONS.put("question", "Open questions");
        SECTIONS.put("action_item", "Action items");
        SECTIONS.put("idea", "Ideas");
        SECTIONS.put("fact", "Facts");
        SECTIONS.put("risk", "Risks");
        SECTIONS.put("context", "Context");
        SECTIONS.put("preference", "Preferences");
        SECTIONS.put("note", "Notes");
    }

    private final ObjectMapper json = new ObjectMapper();

    /** Returns the parameters of {@code sql/artifacts/add_artifact.sql}. */
    public Map<String, Object> build(@Body String reportJson, @Header("agentTask") Map<String, Object> task) throws Exception {
        JsonNode data = json.readTree(reportJson);
        JsonNode session = data.path("session");
        StringBuilder md = new StringBuilder();
        md.append("# Session report: ").append(session.path("title").asText()).append("\n\n");
        md.append("- Session: `").append(session.path("session_id").asText()).append("`\n");
        md.append("- Status: ").append(session.path("status").asText()).append("\n");
        md.append("- Started: ").append(day(session.path("created"))).append("; last activity: ")
                .append(day(session.path("last_activity"))).append("\n");
        if (!session.path("participants").isEmpty()) {
            md.append("- Participants: ").append(String.join(", ",
                    json.convertValue(session.path("participants"), String[].class))).append("\n");
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, String> section : SECTIONS.entrySet()) {
            List<JsonNode> items = new java.util.ArrayList<>();
            data.path("memories").forEach(m -> {
                if (m.path("type").asText().equals(section.getKey())) {
                    items.add(m);
                }
            });
            counts.put(section.getKey(), items.size());
            if (items.isEmpty()) {
                continue;
            }
            md.append("\n## ").append(section.getValue()).append(" (").append(items.size()).append(")\n\n");
            for (JsonNode m : items) {
                md.append("- ").append(text(m.path("content"))).append(" — _").append(day(m.path("updated")))
                        .append("_, `").append(m.path("key").asText()).append("`");
                if (!m.path("tags").isEmpty()) {
                    md.append(" [").append(String.join(", ", json.convertValue(m.path("tags"), String[].class))).append("]");
                }
                md.append("\n");
                JsonNode rationale = m.path("content").path("rationale");
                if (rationale.isTextual()) {
                    md.append("  - Rationale: ").append(rationale.asText()).append("\n");
                }
            }
        }
        if (data.path("memories").isEmpty()) {
            md.append("\n_No memories stored in this session yet._\n");
        }
        Map<String, Object> p = new java.util.HashMap<>();
        p.put("artifact_id", "report-" + task.get("task_id"));
        p.put("session_id", session.path("session_id").asText());
        p.put("task_id", task.get("task_id"));
        p.put("name", "Session report: " + session.path("title").asText());
        p.put("artifact_type", "report");
        p.put("format", "markdown");
        p.put("content", md.toString());
        p.put("metadata", json.writeValueAsString(Map.of("generated_by", "memory_keeper", "counts", counts)));
        return p;
    }

    /** The main text of a memory's content: a string, or its decision/idea/question/task/text field. */
    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        for (String f : List.of("decision", "idea", "question", "task", "action", "fact", "risk", "text", "note", "summary")) {
            if (content.path(f).isTextual()) {
                return content.path(f).asText();
            }
        }
        return content.toString();
    }

    private static String day(JsonNode time) {
        String t = time.asText("");
        return t.length() >= 10 ? t.substring(0, 10) : t;
    }
}
