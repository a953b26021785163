package dev.aiwebhook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/** docker compose cannot run here: the file is checked by reading it (SPEC §9). */
class DeploymentFilesTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void composeRunsPostgres16On5433AndTheAppAgainstIt() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("docker-compose.yml")));
        Map<String, Object> services = map(compose.get("services"));
        assertThat(services).containsOnlyKeys("postgres", "app");

        Map<String, Object> pg = map(services.get("postgres"));
        assertThat((String) pg.get("image")).startsWith("postgres:16");
        assertThat((List<String>) pg.get("ports")).containsExactly("5433:5432");
        Map<String, Object> pgEnv = map(pg.get("environment"));
        assertThat(pgEnv).containsEntry("POSTGRES_DB", "ai_webhook").containsEntry("POSTGRES_USER", "webhook_user");
        assertThat((String) pgEnv.get("POSTGRES_PASSWORD")).startsWith("${POSTGRES_PASSWORD");
        assertThat(pg).containsKey("healthcheck");

        Map<String, Object> app = map(services.get("app"));
        assertThat(app.get("build")).isEqualTo(".");
        Map<String, Object> appEnv = map(app.get("environment"));
        String url = (String) appEnv.get("DATABASE_URL");
        assertThat(url).startsWith("postgresql://webhook_user:${POSTGRES_PASSWORD}@postgres:5432/ai_webhook");
        assertThat(map(map(app.get("depends_on")).get("postgres"))).containsEntry("condition", "service_healthy");
        assertThat((List<String>) app.get("ports")).containsExactly("8080:8080");
        assertThat(appEnv).containsKeys("API_KEY", "WORKER_TOKEN", "DATA_DIR");
    }

    @Test
    void theImageShipsTheJarAndTheEditableRoutes() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(dockerfile).contains("COPY routes /app/routes").contains("ai-webhook.jar")
                .contains("package -Dmaven.test.skip=true").contains("USER ");
        assertThat(Path.of("mvnw")).isExecutable();
        // the deployment layout, started with the class data archive its own training run writes
        assertThat(dockerfile).contains("COPY --from=build /src/target/app /app")
                .contains("-XX:ArchiveClassesAtExit=/app/cds/ai-webhook.jsa")
                .contains("ENTRYPOINT [\"java\", \"-XX:SharedArchiveFile=/app/cds/ai-webhook.jsa\", \"-jar\", \"/app/ai-webhook.jar\"]");
        assertThat(Path.of(".mvn/wrapper/maven-wrapper.properties")).exists();
    }
}
