package dev.aiwebhook.relay;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/** Parameters of {@code GET /webhooks}: status (dead by default) and limit (1..200, 50). */
@Component("webhookListing")
public class WebhookListing {

    private static final Set<String> STATUSES = Set.of("queued", "processing", "completed", "failed", "dead");

    public Map<String, Object> params(@Header(RequestGate.CLIENT_HEADER) String clientId,
                                      @Header("status") String status, @Header("limit") String limit) {
        String s = status == null ? "dead" : status;
        if (!STATUSES.contains(s)) {
            throw new RejectedRequest(400, "invalid_field", "status",
                    "status must be one of queued, processing, completed, failed, dead.");
        }
        int n = 50;
        if (limit != null) {
            try {
                n = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > 200) {
                throw new RejectedRequest(400, "invalid_field", "limit", "limit must be a whole number from 1 to 200.");
            }
        }
        Map<String, Object> p = new HashMap<>();
        p.put("clientId", clientId);
        p.put("status", s);
        p.put("limit", n);
        return p;
    }
}
