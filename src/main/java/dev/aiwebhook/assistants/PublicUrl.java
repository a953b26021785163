package dev.aiwebhook.assistants;

import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The relay's address as the assistant must call it: PUBLIC_URL when set (behind a proxy or a
 * tunnel), otherwise the scheme and Host the request came with.
 */
@Component
public class PublicUrl {

    private final String configured;

    public PublicUrl(@Value("${app.public-url:}") String configured) {
        this.configured = configured == null ? "" : configured.trim().replaceAll("/+$", "");
    }

    public String of(Exchange exchange) {
        if (!configured.isEmpty()) {
            return configured;
        }
        String host = exchange.getMessage().getHeader("Host", String.class);
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.\\-:\\[\\]]{1,255}")) {
            host = "localhost:8080";
        }
        String proto = exchange.getMessage().getHeader("X-Forwarded-Proto", String.class);
        return ("https".equalsIgnoreCase(proto) ? "https" : "http") + "://" + host;
    }
}
