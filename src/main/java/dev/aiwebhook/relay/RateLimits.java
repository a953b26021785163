package dev.aiwebhook.relay;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.aiwebhook.config.AppProperties;
import org.springframework.stereotype.Component;

/**
 * Per-API-key token buckets: {@code RATE_LIMIT_PER_MINUTE} requests a minute, the same number
 * as burst; 0 turns limiting off. In memory, per relay process.
 */
@Component
public class RateLimits {

    private final int perMinute;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimits(AppProperties props) {
        this.perMinute = props.relay().rateLimitPerMinute();
    }

    /** 0 when the request may pass, else the seconds to wait before the next one will. */
    public long acquire(String clientId) {
        if (perMinute <= 0) {
            return 0;
        }
        return buckets.computeIfAbsent(clientId, k -> new Bucket(perMinute)).take(perMinute);
    }

    private static final class Bucket {
        private double tokens;
        private long last = System.nanoTime();

        Bucket(int capacity) {
            this.tokens = capacity;
        }

        synchronized long take(int perMinute) {
            long now = System.nanoTime();
            tokens = Math.min(perMinute, tokens + (now - last) / 60e9 * perMinute);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) * 60.0 / perMinute));
        }
    }
}
