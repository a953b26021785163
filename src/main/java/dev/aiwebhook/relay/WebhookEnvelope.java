package dev.aiwebhook.relay;

import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.aiwebhook.config.AppProperties;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * What the relay checks before it queues a webhook (SPEC §3): a JSON object, a known
 * {@code type}, a {@code command} on session commands, one {@code session_id}, text that
 * PostgreSQL can store. Returns the parameters of {@code sql/relay/enqueue_batch.sql}'s
 * webhooks (relay/IntakeBatches).
 */
@Component("webhookEnvelope")
public class WebhookEnvelope {

    public static final Set<String> TYPES = Set.of("collaborative_session_command", "task_command");

    private final ObjectMapper json;
    private final AppProperties props;

    public WebhookEnvelope(AppProperties props) {
        this.props = props;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
                .build();
        this.json = JsonMapper.builder(factory)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .nodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
                .build();
    }

    public Map<String, Object> accept(@Body byte[] body,
                                      @Header(RequestGate.CLIENT_HEADER) String clientId,
                                      @Header("Idempotency-Key") String idempotencyKey,
                                      @Header("webhook-id") String webhookIdHeader,
                                      @Header("wait") String waitParam) {
        String text = text(body);
        JsonNode root = parse(text);
        if (!root.isObject()) {
            throw new RejectedRequest(400, "invalid_json", null, "The body must be one JSON object.");
        }
        checkText(root, "");
        JsonNode type = root.get("type");
        if (type == null || type.isNull()) {
            throw new RejectedRequest(400, "missing_field", "type",
                    "The field 'type' is required: one of " + String.join(", ", TYPES.stream().sorted().toList()) + ".");
        }
        if (!type.isTextual() || !TYPES.contains(type.asText())) {
            throw new RejectedRequest(400, "unknown_type", "type", "Unknown webhook type " + type
                    + "; use one of " + String.join(", ", TYPES.stream().sorted().toList()) + ".");
        }
        JsonNode command = root.get("command");
        if ("collaborative_session_command".equals(type.asText())) {
            if (command == null || command.isNull() || (command.isTextual() && command.asText().isBlank())) {
                throw new RejectedRequest(400, "missing_field", "command",
                        "The field 'command' is required for a collaborative_session_command.");
            }
            if (!command.isTextual()) {
                throw new RejectedRequest(400, "invalid_field", "command", "The field 'command' must be a string.");
            }
        }
        JsonNode data = root.get("data");
        if (data != null && !data.isNull() && !data.isObject()) {
            throw new RejectedRequest(400, "invalid_field", "data", "The field 'data' must be an object.");
        }
        JsonNode top = root.get("session_id");
        JsonNode inner = data != null && data.isObject() ? data.get("session_id") : null;
        if (top != null && inner != null && !top.isNull() && !inner.isNull() && !top.equals(inner)) {
            throw new RejectedRequest(400, "invalid_field", "session_id",
                    "session_id is given at the top level and in data with different values.");
        }
        JsonNode sync = root.get("sync");
        if (sync != null && !sync.isNull() && !sync.isBoolean()) {
            throw new RejectedRequest(400, "invalid_field", "sync", "The field 'sync' must be true or false.");
        }

        String key = idempotencyKey != null ? idempotencyKey : webhookIdHeader;
        if (key != null && (key.isBlank() || key.length() > 200)) {
            throw new RejectedRequest(400, "invalid_field", "Idempotency-Key",
                    "The Idempotency-Key header must be 1 to 200 characters.");
        }
        Map<String, Object> p = new HashMap<>();
        p.put("id", UUID.randomUUID().toString());
        p.put("client_id", clientId);
        p.put("idempotency_key", key);
        // the text as sent: checked above through its tree, and stored as jsonb, which keeps the
        // values, not their spelling; writing the tree out again gave the same values, at a cost
        p.put("payload", text);
        p.put("type", type.asText());
        p.put("wait_ms", waitMillis(sync != null && sync.asBoolean(), waitParam));
        return p;
    }

    /** A body read as strictly as a webhook's, that must be one JSON object (POST /commands, MCP). */
    public com.fasterxml.jackson.databind.node.ObjectNode readObject(byte[] body) {
        JsonNode root = parse(text(body));
        if (!root.isObject()) {
            throw new RejectedRequest(400, "invalid_json", null, "The body must be one JSON object.");
        }
        return (com.fasterxml.jackson.databind.node.ObjectNode) root;
    }

    private long waitMillis(boolean sync, String waitParam) {
        if (waitParam != null) {
            long seconds;
            try {
                seconds = Long.parseLong(waitParam.trim());
            } catch (NumberFormatException e) {
                throw new RejectedRequest(400, "invalid_field", "wait", "The wait parameter must be whole seconds.");
            }
            if (seconds < 0) {
                throw new RejectedRequest(400, "invalid_field", "wait", "The wait parameter must not be negative.");
            }
            return Math.min(seconds * 1000, props.relay().syncWaitMax().toMillis());
        }
        return sync ? props.relay().syncWaitDefault().toMillis() : 0;
    }

    /** The body as text; one leading byte order mark is forgiven. */
    private static String text(byte[] body) {
        if (body == null || body.length == 0) {
            throw new RejectedRequest(400, "invalid_json", null, "The body is empty; send one JSON object.");
        }
        // parsed as text, not bytes: Jackson would otherwise guess UTF-16 or UTF-32 from the bytes (the gate
        // has checked they are UTF-8) and skip a second byte order mark; one leading BOM is forgiven
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private JsonNode parse(String text) {
        try {
            JsonNode node = json.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new RejectedRequest(400, "invalid_json", null, "The body is empty; send one JSON object.");
            }
            return node;
        } catch (IOException e) {
            String reason = e.getMessage() == null ? "" : e.getMessage().split("\n")[0];
            if (reason.length() > 160) {
                reason = reason.substring(0, 160);
            }
            throw new RejectedRequest(400, "invalid_json", null, "The body is not valid JSON: " + reason);
        }
    }

    /** PostgreSQL cannot store the NUL character in text or jsonb: refuse it here, naming where. */
    private static void checkText(JsonNode node, String path) {
        if (node.isTextual()) {
            if (node.asText().indexOf('\u0000') >= 0) {
                throw new RejectedRequest(400, "invalid_field", path.isEmpty() ? null : path,
                        "The field '" + path + "' contains the NUL character (\\u0000), which cannot be stored.");
            }
            if (hasLoneSurrogate(node.asText())) {
                throw new RejectedRequest(400, "invalid_field", path.isEmpty() ? null : path,
                        "The field '" + path + "' contains half of a surrogate pair (a \\uD800-\\uDFFF escape alone),"
                                + " which is not a character.");
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (e.getKey().indexOf('\u0000') >= 0 || hasLoneSurrogate(e.getKey())) {
                    throw new RejectedRequest(400, "invalid_field", path.isEmpty() ? null : path,
                            "A field name under '" + path + "' contains the NUL character or half of a surrogate pair.");
                }
                checkText(e.getValue(), child);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkText(node.get(i), path + "[" + i + "]");
            }
        } else if (node.isBigDecimal() || node.isBigInteger()) {
            // PostgreSQL's numeric: at most 131072 digits before the point and 16383 after
            java.math.BigDecimal n = node.decimalValue();
            if (n.precision() - n.scale() > 131072 || n.scale() > 16383) {
                throw new RejectedRequest(400, "invalid_field", path.isEmpty() ? null : path,
                        "The number at '" + path + "' is too large or too precise to be stored.");
            }
        }
    }

    /** Escapes such as "\\uD800" alone decode to half a character, which UTF-8 (and PostgreSQL) cannot hold. */
    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
