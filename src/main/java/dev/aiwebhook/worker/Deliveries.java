package dev.aiwebhook.worker;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aiwebhook.config.AppProperties;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One claimed webhook on its way through the worker: opened into routing headers, then its
 * outcome reported back to the relay (completed, failed, or retry later).
 */
@Component("deliveries")
public class Deliveries {

    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);

    private final ObjectMapper json = new ObjectMapper();
    private final String workerId;
    private final int maxAttempts;
    private final HandOff handOff;

    public Deliveries(AppProperties props, HandOff handOff) {
        this.workerId = props.worker().id();
        this.maxAttempts = props.relay().maxAttempts();
        this.handOff = handOff;
    }

    /** {@code {"id","payload","attempts"}} → headers webhookId, webhookType, command; body = payload. */
    public void open(Exchange exchange) {
        JsonNode item = exchange.getMessage().getBody(JsonNode.class);
        JsonNode payload = item.get("payload");
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader("webhookId", item.path("id").asText());
        exchange.getMessage().setHeader("attempts", item.path("attempts").asInt());
        exchange.getMessage().setHeader("webhookType", payload.path("type").asText(""));
        exchange.getMessage().setHeader("command", payload.path("command").asText(""));
        exchange.getMessage().setHeader("clientId", item.path("client_id").asText("unknown"));
        exchange.setProperty("payload", payload);
        exchange.getMessage().setBody(payload);
    }

    /** The result to save in worker_processed, as JSON text in the resultJson header. */
    public void keep(Exchange exchange) throws Exception {
        exchange.getMessage().setHeader("resultJson", json.writeValueAsString(exchange.getMessage().getBody()));
    }

    /** A result already applied by an earlier delivery: report it again, do nothing twice. */
    public Object previous(Exchange exchange) throws Exception {
        Map<?, ?> row = exchange.getMessage().getHeader("previous", Map.class);
        Object result = row.get("result");
        return result == null ? null : json.readTree(String.valueOf(result));
    }

    /** Body (a result) → the report the relay expects. */
    public String report(Exchange exchange) throws Exception {
        JsonNode node = resultOf(exchange);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("id", exchange.getMessage().getHeader("webhookId"));
        report.put("worker_id", workerId);
        report.put("outcome", outcomeOf(node));
        report.put("result", node);
        return json.writeValueAsString(report);
    }

    /**
     * In process, inside the worker's transaction: body (a result, already kept as the resultJson
     * header) → the parameters of {@code sql/relay/record_result.sql}, as the relay would read the report.
     */
    public Map<String, Object> completion(Exchange exchange) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", exchange.getMessage().getHeader("webhookId"));
        p.put("outcome", outcomeOf(resultOf(exchange)));
        p.put("result", exchange.getMessage().getHeader("resultJson"));
        p.put("error", null);
        p.put("max_attempts", maxAttempts);
        return p;
    }

    /**
     * For a webhook run on its caller's thread (HandOff.runInline), last in the
     * transaction that applied it: the parameters of {@code sql/worker/store_applied_webhook.sql},
     * the relay's row (as the intake would have stored it) with the outcome and result.
     */
    public Map<String, Object> appliedInline(Exchange exchange) {
        Map<String, Object> p = completion(exchange);
        Map<?, ?> row = exchange.getProperty(HandOff.RELAY_ROW, Map.class);
        p.put("client_id", row.get("client_id"));
        p.put("payload", row.get("payload"));
        return p;
    }

    private JsonNode resultOf(Exchange exchange) {
        Object result = exchange.getMessage().getBody();
        return result instanceof JsonNode n ? n : json.valueToTree(result);
    }

    private static String outcomeOf(JsonNode result) {
        return "error".equals(result.path("status").asText()) ? "failed" : "completed";
    }

    /**
     * After a failure that is not a CommandException: when PostgreSQL refused a value (SQLSTATE
     * class 22 data exception, 23 constraint, 54 limit exceeded) retrying cannot help, so the
     * webhook fails with invalid_field; anything else (database down, a bug) is retried.
     * Sets the outcome header, and for a refusal the error result as the body.
     */
    public void classify(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && java.util.Set.of("22", "23", "54").contains(sql.getSQLState().substring(0, 2))) {
                String reason = String.valueOf(sql.getMessage()).split("\n")[0].replaceFirst("^ERROR: ", "");
                exchange.getMessage().setHeader("outcome", "failed");
                exchange.getMessage().setBody(dev.aiwebhook.relay.ErrorBodies.map(
                        exchange.getMessage().getHeader("command", String.class), "invalid_field", null,
                        "The database refused a value of this command: " + reason + "."));
                return;
            }
        }
        exchange.getMessage().setHeader("outcome", "retry");
    }

    /** Something failed that is not the command's fault (database down, a bug): let the relay retry. */
    public String retryLater(Exchange exchange) throws Exception {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Throwable root = e;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = e == null ? "unknown" : e.getClass().getSimpleName()
                + (root != e ? " caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() : ": " + e.getMessage());
        log.warn("Webhook {} attempt {} failed, the relay will retry it: {}",
                exchange.getMessage().getHeader("webhookId"), exchange.getMessage().getHeader("attempts"), reason);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("id", exchange.getMessage().getHeader("webhookId"));
        report.put("worker_id", workerId);
        report.put("outcome", "retry");
        report.put("error", reason.length() > 500 ? reason.substring(0, 500) : reason);
        return json.writeValueAsString(report);
    }

    /** The claim request the poller sends: as many webhooks as it has free slots. */
    public String claimRequest(@org.apache.camel.Header(WorkerSlots.CLAIM_MAX) int max) throws Exception {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("worker_id", workerId);
        req.put("max", max);
        req.put("wait_ms", handOff.claimWaitMillis());
        return json.writeValueAsString(req);
    }
}
