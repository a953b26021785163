package dev.aiwebhook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With DATABASE_URL set (in the postgresql://user:pass@host:port/db form people write), the app
 * uses that server and starts no embedded one. The "external" server here is a separate
 * PostgreSQL process with a password-protected user.
 */
class ExternalDatabaseTest {

    @Test
    void theAppUsesTheServerNamedByDatabaseUrl() throws Exception {
        try (EmbeddedPostgres server = EmbeddedPostgres.builder().start()) {
            JdbcTemplate admin = new JdbcTemplate(server.getPostgresDatabase());
            admin.execute("CREATE ROLE webhook_user LOGIN PASSWORD 's3cret:/@'");
            admin.execute("CREATE DATABASE ai_webhook OWNER webhook_user");
            String url = "postgresql://webhook_user:s3cret%3A%2F%40@localhost:" + server.getPort() + "/ai_webhook";
            Path dataDir = Files.createTempDirectory(Path.of("target"), "external-");
            try (ConfigurableApplicationContext app = new SpringApplicationBuilder(Application.class).run(
                    "--app.database-url=" + url, "--app.data-dir=" + dataDir, "--server.port=0",
                    "--app.api-key=" + TestClient.API_KEY, "--camel.main.name=external-db-test",
                    "--app.worker.claim-wait=1s")) {
                TestClient client = new TestClient(((WebServerApplicationContext) app).getWebServer().getPort());
                var reply = client.command("create_session", "external-1", Map.of("title", "on the external server"));
                assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            }
            JdbcTemplate db = new JdbcTemplate(server.getDatabase("postgres", "ai_webhook"));
            assertThat(db.queryForObject("SELECT title FROM sessions WHERE session_id = 'external-1'", String.class))
                    .isEqualTo("on the external server");
            assertThat(dataDir.resolve("postgres")).doesNotExist();
        }
    }
}
