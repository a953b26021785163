package dev.aiwebhook.config;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns {@code APP_ROLE} into the two switches the routes read ({@code app.relay-enabled},
 * {@code app.worker-enabled}) and the worker's default relay URL, so a YAML route can say
 * {@code autoStartup: "{{app.relay-enabled}}"}.
 */
public class RoleEnvironment implements EnvironmentPostProcessor {

    private static final Set<String> ROLES = Set.of("all", "relay", "worker");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        String role = env.getProperty("app.role", "all").trim().toLowerCase(Locale.ROOT);
        if (!ROLES.contains(role)) {
            throw new IllegalStateException("APP_ROLE must be one of all, relay, worker; got '" + role + "'");
        }
        String relayUrl = env.getProperty("app.relay-url", "");
        // all-in-one with no RELAY_URL: the worker calls the relay's claim and result routes in
        // process (same code, same SQL, no HTTP hop); otherwise over HTTP with the worker token
        boolean inProcess = role.equals("all") && relayUrl.isBlank();
        if (relayUrl.isBlank()) {
            // resolved when the routes start, after the web server has its (maybe random) port
            relayUrl = "http://localhost:${local.server.port:${server.port:8080}}";
        }
        relayUrl = relayUrl.replaceAll("/+$", "");
        env.getPropertySources().addFirst(new MapPropertySource("app-role", Map.of(
                "app.role", role,
                "app.worker.in-process", String.valueOf(inProcess),
                "app.relay-enabled", String.valueOf(!role.equals("worker")),
                "app.worker-enabled", String.valueOf(!role.equals("relay")),
                "app.relay-url", relayUrl,
                "app.worker.claim-uri", inProcess ? "direct:relay-claim" : relayUrl + "/relay/claim?httpMethod=POST",
                "app.worker.results-uri", inProcess ? "direct:relay-results" : relayUrl + "/relay/results?httpMethod=POST")));
    }
}
