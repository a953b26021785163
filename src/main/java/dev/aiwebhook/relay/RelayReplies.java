package dev.aiwebhook.relay;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Every HTTP reply of the relay. Request headers are dropped first, so nothing a caller sent
 * (or a route set) leaks back as a response header.
 */
@Component("relayReplies")
public class RelayReplies {

    /** Bodies up to this many characters go with their Content-Length; longer ones in chunks. */
    static final int WHOLE_REPLY_MAX = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(RelayReplies.class);

    private final ObjectMapper json = new ObjectMapper();

    /** The reply to POST /webhook: the result (sync, or an idempotent retry of a finished one) or 202. */
    public void intake(Exchange exchange) throws JsonProcessingException {
        Map<?, ?> webhook = exchange.getMessage().getHeader("webhook", Map.class);
        if (webhook == null) {
            throw new IllegalStateException("webhook neither stored nor found");
        }
        String id = String.valueOf(webhook.get("id"));
        boolean created = Boolean.TRUE.equals(webhook.get("created"));
        String result = exchange.getProperty(ResultWaiters.RESULT_PROPERTY, String.class);
        if (result == null && !created && webhook.get("result") != null) {
            result = String.valueOf(webhook.get("result"));
        }
        if (result != null) {
            ObjectNode node = ordered((ObjectNode) json.readTree(result));
            node.put("id", id);
            if (!created) {
                node.put("idempotent_replay", true);
            }
            reply(exchange, statusOf(node), node);
            return;
        }
        Map<?, ?> params = exchange.getMessage().getBody(Map.class);
        boolean waited = params != null && params.get("wait_ms") instanceof Number n && n.longValue() > 0;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", !created ? String.valueOf(webhook.get("status")) : waited ? "processing" : "queued");
        body.put("id", id);
        body.put("status_url", "/webhook/" + id);
        if (!created) {
            body.put("idempotent_replay", true);
        }
        reply(exchange, 202, body);
    }

    /** The reply to GET /webhook/{id}. */
    public void status(Exchange exchange) throws JsonProcessingException {
        Map<?, ?> row = exchange.getMessage().getBody(Map.class);
        if (row == null) {
            reply(exchange, 404, ErrorBodies.map(null, "not_found", "id", "No webhook with that id."));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", row.get("id"));
        body.put("status", row.get("status"));
        body.put("received_at", iso(row.get("received_at")));
        body.put("completed_at", iso(row.get("completed_at")));
        body.put("attempts", row.get("attempts"));
        body.put("result", row.get("result") == null ? null : json.readTree(String.valueOf(row.get("result"))));
        if (row.get("last_error") != null) {
            body.put("last_error", row.get("last_error"));
        }
        reply(exchange, 200, body);
    }

    /** The reply to POST /webhook/{id}/replay: 202 when queued again, 409 when not dead, 404 when unknown. */
    public void replayed(Exchange exchange) throws JsonProcessingException {
        Map<?, ?> current = exchange.getMessage().getHeader("current", Map.class);
        if (current == null) {
            reply(exchange, 404, ErrorBodies.map(null, "not_found", "id", "No webhook with that id."));
            return;
        }
        String id = String.valueOf(current.get("id"));
        if (exchange.getMessage().getHeader("replayed") == null) {
            reply(exchange, 409, ErrorBodies.map(null, "conflict", "id",
                    "Only a dead webhook can be replayed; this one is " + current.get("status") + "."));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "queued");
        body.put("id", id);
        body.put("status_url", "/webhook/" + id);
        reply(exchange, 202, body);
    }

    /** A JSON text built by SQL (the worker protocol), sent as it is. */
    public void rawJson(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        setJson(exchange.getMessage(), body);
    }

    public void rejected(Exchange exchange) throws JsonProcessingException {
        RejectedRequest e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, RejectedRequest.class);
        reply(exchange, e.status(), ErrorBodies.map(null, e.code(), e.field(), e.getMessage()));
    }

    /** PostgreSQL refused a value of the body (a check the envelope does not make): nothing was stored. */
    public void refusedValue(Exchange exchange) throws JsonProcessingException {
        reply(exchange, 400, ErrorBodies.map(null, "invalid_field", null,
                "A value in the body cannot be stored; nothing was queued."));
    }

    public void unavailable(Exchange exchange) throws JsonProcessingException {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        log.warn("Database unavailable: {}", e == null ? "?" : e.getClass().getSimpleName());
        replyUnavailable(exchange, ErrorBodies.map(null, "unavailable", null,
                "The database is unavailable; nothing was stored. Retry in a few seconds."));
    }

    /** A sync session command whose transaction failed as it ended: it may have been stored. */
    public void unconfirmed(Exchange exchange) throws JsonProcessingException {
        UnconfirmedWebhook e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, UnconfirmedWebhook.class);
        Throwable cause = e.reason();
        log.warn("Webhook {}: its transaction failed as it ended ({}); it may have been stored", e.id(),
                cause == null ? "?" : cause.getClass().getSimpleName());
        Map<String, Object> body = ErrorBodies.map(null, "unavailable", null,
                "The database failed as this webhook's transaction ended, so it may have been stored. "
                        + "Look it up at status_url before sending it again: 404 there means it was not stored.");
        body.put("id", e.id());
        body.put("status_url", "/webhook/" + e.id());
        replyUnavailable(exchange, body);
    }

    private void replyUnavailable(Exchange exchange, Map<String, Object> body) throws JsonProcessingException {
        reply(exchange, 503, body);
        exchange.getMessage().setHeader("Retry-After", "5");
    }

    public void internalError(Exchange exchange) throws JsonProcessingException {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        log.error("Internal error in route {}", exchange.getFromRouteId(), e);
        reply(exchange, 500, ErrorBodies.map(null, "internal_error", null,
                "Something went wrong on our side; nothing half-stored. Retry later."));
    }

    /** 200 for a success; for a failed command, the HTTP status that fits its error code. */
    static int statusOf(JsonNode result) {
        if (!"error".equals(result.path("status").asText())) {
            return 200;
        }
        String code = result.path("error").path("code").asText();
        if (code.endsWith("_not_found")) {
            return 404; // session_, memory_, task_, agent_ and our artifact_not_found
        }
        return switch (code) {
            case "session_exists", "conflict" -> 409;
            case "task_rejected" -> 403;
            case "task_timeout" -> 408;
            case "rate_limited" -> 429;
            case "internal_error" -> 500;
            default -> 400;
        };
    }

    /** The result's keys in the spec's order (a result read back from jsonb has them sorted). */
    private ObjectNode ordered(ObjectNode result) {
        ObjectNode out = json.createObjectNode();
        for (String key : new String[] {"status", "command", "message", "data", "error"}) {
            if (result.has(key)) {
                out.set(key, result.get(key));
            }
        }
        out.setAll(result);
        return out;
    }

    private void reply(Exchange exchange, int status, Object body) throws JsonProcessingException {
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        setJson(exchange.getMessage(), json.writeValueAsString(body));
    }

    /**
     * A reply's JSON text, sent with its Content-Length when it is small (almost every reply):
     * platform-http otherwise streams a body in chunks, and the web server then sends the last,
     * empty chunk by a write of its own after the rest, a second TCP segment the client must
     * wake up for. A long one (a claim of many webhooks, a listing) stays chunked: to know its
     * length, platform-http would first copy it whole into a buffer of its own.
     */
    public static void setJson(Message message, String body) {
        message.setHeader(Exchange.HTTP_CHUNKED, body == null || body.length() > WHOLE_REPLY_MAX);
        message.setBody(body);
    }

    private static Object iso(Object value) {
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant().toString();
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant().toString();
        }
        return value;
    }
}
