package dev.aiwebhook.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Everything a user configures (SPEC §2). Each field is bound from an environment variable
 * in application.yml ({@code PORT}, {@code APP_ROLE}, {@code API_KEY}, ...).
 */
@ConfigurationProperties(prefix = "app")
public record AppProperties(
        String role,
        String apiKey,
        String workerToken,
        String relayUrl,
        String databaseUrl,
        String dataDir,
        Relay relay,
        Worker worker) {

    public record Relay(
            /** largest accepted webhook body, in bytes */
            int maxBodyBytes,
            /** how long a sync caller waits for the result before getting a 202 */
            Duration syncWaitDefault,
            /** the longest wait a caller may ask for with ?wait=N */
            Duration syncWaitMax,
            /** how long a claimed webhook stays leased to a worker before it is redelivered */
            Duration lease,
            /** attempts before a webhook is marked dead */
            int maxAttempts,
            /** the longest a worker's claim is held open when nothing is queued */
            Duration claimWaitMax,
            /** requests a minute per API key (and as burst); 0: no limit */
            int rateLimitPerMinute) {
    }

    public record Worker(
            /** an identifier for this worker in leases and logs */
            String id,
            /** webhooks claimed and processed in parallel by this worker */
            int concurrency,
            /** session commands applied at once (0: as many as the machine has cores); tasks are not counted */
            int applyConcurrency,
            /** how long a session command waits for one of those before it goes ahead without one */
            Duration applyWait,
            /** the most session commands a permit's holder applies in one transaction (1: each in its own) */
            int applyGroup,
            /** how long the holder of the last free permit waits for more commands to join its small group (0: never) */
            Duration applyLinger,
            /** all-in-one: how long the poller waits before it claims while the intake takes the cores (0: never; nor is a webhook queued for that) */
            Duration yieldMax,
            /** how long a claim waits at the relay for work (long-poll) */
            Duration claimWait) {
    }

    public boolean relayEnabled() {
        return "all".equals(role) || "relay".equals(role);
    }

    public boolean workerEnabled() {
        return "all".equals(role) || "worker".equals(role);
    }
}
