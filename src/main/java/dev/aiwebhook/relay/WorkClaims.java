package dev.aiwebhook.relay;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aiwebhook.config.AppProperties;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The relay side of the worker protocol: reads a claim ({@code {"worker_id","max","wait_ms"}})
 * and a result ({@code {"id","worker_id","outcome","result","error"}}) into SQL parameters.
 */
@Component("workClaims")
public class WorkClaims {

    static final String DEADLINE = "claimDeadline";

    private final ObjectMapper json = new ObjectMapper();
    private final AppProperties props;

    public WorkClaims(AppProperties props) {
        this.props = props;
    }

    public Map<String, Object> claim(Exchange exchange) throws Exception {
        JsonNode req = read(exchange);
        String worker = text(req, "worker_id", "worker");
        int max = Math.max(1, Math.min(64, req.path("max").asInt(1)));
        long waitMs = Math.max(0, Math.min(props.relay().claimWaitMax().toMillis(), req.path("wait_ms").asLong(0)));
        exchange.setProperty(DEADLINE, System.currentTimeMillis() + waitMs);
        Map<String, Object> p = new HashMap<>();
        p.put("worker_id", worker);
        p.put("max", max);
        p.put("lease_seconds", props.relay().lease().toSeconds());
        p.put("max_attempts", props.relay().maxAttempts());
        return p;
    }

    public Map<String, Object> result(Exchange exchange) throws Exception {
        JsonNode req = read(exchange);
        String id = text(req, "id", null);
        String outcome = text(req, "outcome", null);
        if (id == null || outcome == null || !(outcome.equals("completed") || outcome.equals("failed")
                || outcome.equals("retry"))) {
            throw new RejectedRequest(400, "invalid_field", "outcome",
                    "A result needs an id and an outcome of completed, failed or retry.");
        }
        Map<String, Object> p = new HashMap<>();
        p.put("id", id);
        p.put("worker_id", text(req, "worker_id", "worker"));
        p.put("outcome", outcome);
        p.put("result", req.hasNonNull("result") ? req.get("result").toString() : null);
        String error = text(req, "error", null);
        p.put("error", error == null ? null : error.substring(0, Math.min(error.length(), 2000)));
        p.put("max_attempts", props.relay().maxAttempts());
        return p;
    }

    private JsonNode read(Exchange exchange) throws Exception {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null || body.length == 0) {
            return json.createObjectNode();
        }
        try {
            return json.readTree(body);
        } catch (Exception e) {
            throw new RejectedRequest(400, "invalid_json", null, "The body is not valid JSON.");
        }
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : fallback;
    }
}
