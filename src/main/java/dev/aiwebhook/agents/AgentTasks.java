package dev.aiwebhook.agents;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aiwebhook.commands.CommandException;
import dev.aiwebhook.commands.DataFields;
import dev.aiwebhook.commands.SessionIds;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * delegate_task's input, and the bookkeeping of an agent's run: what it claimed, what it
 * produced, why it failed.
 */
@Component("agentTasks")
public class AgentTasks {

    private final ObjectMapper json = new ObjectMapper();

    public Map<String, Object> delegate(@Body JsonNode envelope) throws Exception {
        JsonNode data = envelope.path("data");
        if (!data.isObject()) {
            throw CommandException.missing("data.agent");
        }
        Map<String, Object> p = new HashMap<>();
        p.put("agent", DataFields.of(envelope).requiredText("agent", 100));
        String taskType = DataFields.of(envelope).optionalText("task_type", 100);
        p.put("task_type", taskType == null ? "default" : taskType);
        JsonNode input = data.get("input");
        if (input != null && !input.isNull() && !input.isObject()) {
            throw CommandException.invalid("data.input", "must be an object");
        }
        p.put("input", input == null || input.isNull() ? "{}" : json.writeValueAsString(input));
        JsonNode priority = data.get("priority");
        if (priority != null && !priority.isNull() && !priority.canConvertToInt()) {
            throw CommandException.invalid("data.priority", "must be a whole number");
        }
        p.put("priority", priority == null || priority.isNull() ? 0 : priority.asInt());
        String sessionId = SessionIds.optional(envelope);
        p.put("session_id", sessionId);
        String taskId = DataFields.of(envelope).optionalId("task_id", 200);
        p.put("task_id", taskId == null ? "task-" + java.util.UUID.randomUUID().toString().substring(0, 8) : taskId);
        return p;
    }

    /** A claimed task's failure, for {@code sql/agents/fail_task.sql}. */
    public Map<String, Object> failure(Exchange exchange) {
        Map<?, ?> task = exchange.getMessage().getHeader("agentTask", Map.class);
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Map<String, Object> p = new HashMap<>();
        p.put("id", task.get("id"));
        p.put("error", e == null ? "failed" : e.getMessage());
        return p;
    }

    /** The task's output after its work, for {@code sql/agents/complete_task.sql}. */
    public Map<String, Object> completed(@Body Object result, Exchange exchange) throws Exception {
        Map<?, ?> task = exchange.getMessage().getHeader("agentTask", Map.class);
        Map<String, Object> p = new HashMap<>();
        p.put("id", task.get("id"));
        p.put("output", result instanceof String s ? s : json.writeValueAsString(result));
        return p;
    }

    /** Counters shared by the split's sub-exchanges (they share the property's object). */
    public Map<String, java.util.concurrent.atomic.AtomicInteger> newExtraction() {
        return Map.of("chunks", new java.util.concurrent.atomic.AtomicInteger(),
                "memories_created", new java.util.concurrent.atomic.AtomicInteger());
    }

    /** After one extracted item: its key when it was new, null when it existed already. */
    public void countExtracted(@Body Object key, Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, java.util.concurrent.atomic.AtomicInteger> counts = exchange.getProperty("extraction", Map.class);
        if (key != null) {
            counts.get("memories_created").incrementAndGet();
        }
    }

    public Map<String, Object> extractionOutput(@Body List<?> chunks, Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, java.util.concurrent.atomic.AtomicInteger> counts = exchange.getProperty("extraction", Map.class);
        return Map.of("chunks", chunks.size(), "memories_created", counts.get("memories_created").get());
    }

    public List<Integer> runners(int n) {
        return java.util.stream.IntStream.range(0, n).boxed().toList();
    }
}
