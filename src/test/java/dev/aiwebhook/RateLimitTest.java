package dev.aiwebhook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-key rate limiting: 429 rate_limited with Retry-After, nothing queued, other keys unaffected. */
class RateLimitTest {

    @Test
    void aKeyOverItsLimitGets429AndNothingIsQueued() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "ratelimit-");
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(Application.class).run(
                "--app.data-dir=" + dataDir, "--server.port=0", "--camel.main.name=rate-limit-test",
                "--app.api-key=" + TestClient.API_KEY + "," + TestClient.OTHER_KEY,
                "--app.relay.rate-limit-per-minute=5", "--app.worker.claim-wait=1s")) {
            TestClient client = new TestClient(((WebServerApplicationContext) app).getWebServer().getPort());
            String body = TestClient.json(Map.of("type", "collaborative_session_command", "command", "list_agents"));
            for (int i = 0; i < 5; i++) {
                assertThat(client.post("/webhook", body, Map.of("X-API-Key", TestClient.API_KEY)).status()).isEqualTo(202);
            }
            var limited = client.post("/webhook", body, Map.of("X-API-Key", TestClient.API_KEY));
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.code()).isEqualTo("rate_limited");
            assertThat(Long.parseLong(limited.raw().headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
            assertThat(client.post("/webhook", body, Map.of("X-API-Key", TestClient.OTHER_KEY)).status()).isEqualTo(202);
            assertThat(client.get("/health", Map.of()).status()).isEqualTo(200);
            JdbcTemplate db = app.getBean(JdbcTemplate.class);
            assertThat(db.queryForObject("SELECT count(*) FROM relay_webhooks", Integer.class)).isEqualTo(6);
        }
    }
}
