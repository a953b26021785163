package dev.aiwebhook.storage;

import java.nio.file.Path;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.DefaultBootstrapContext;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.aot.AbstractAotProcessor;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded PostgreSQL is started as soon as the configuration is read, except during the
 * build's AOT pass ({@code process-aot} runs the app's configuration to write its bean
 * definitions out: a database started there would run under the build folder's {@code ./data})
 * and when DATABASE_URL names a server.
 */
class EarlyPostgresStartTest {

    @TempDir
    Path tmp;

    @AfterEach
    void clearPropertyAndStopWhatWasStarted() throws Exception {
        System.clearProperty(AbstractAotProcessor.AOT_PROCESSING);
        Path dir = DatabaseConfig.embeddedDir(tmp.toString());
        if (EarlyPostgresStart.startedEarly(dir)) {   // a start the test did not expect
            EarlyPostgresStart.take(dir, 8080).close();
        }
    }

    @Test
    void startsTheEmbeddedDatabaseEarlyOnAnOrdinaryStart() throws Exception {
        Path dir = DatabaseConfig.embeddedDir(tmp.toString());
        new EarlyPostgresStart().onApplicationEvent(prepared(Map.of("app.data-dir", tmp.toString())));

        assertThat(EarlyPostgresStart.startedEarly(dir)).isTrue();
        try (EmbeddedPostgres pg = EarlyPostgresStart.take(dir, 8080)) {
            assertThat(pg.getPort()).isPositive();
        }
        assertThat(EarlyPostgresStart.startedEarly(dir)).as("taken").isFalse();
    }

    @Test
    void startsNothingDuringTheBuildsAotPass() {
        System.setProperty(AbstractAotProcessor.AOT_PROCESSING, "true");
        new EarlyPostgresStart().onApplicationEvent(prepared(Map.of("app.data-dir", tmp.toString())));

        assertThat(EarlyPostgresStart.startedEarly(DatabaseConfig.embeddedDir(tmp.toString()))).isFalse();
    }

    @Test
    void startsNothingWhenADatabaseUrlIsGiven() {
        new EarlyPostgresStart().onApplicationEvent(prepared(Map.of("app.data-dir", tmp.toString(),
                "app.database-url", "postgresql://db.example:5432/app")));

        assertThat(EarlyPostgresStart.startedEarly(DatabaseConfig.embeddedDir(tmp.toString()))).isFalse();
    }

    private static ApplicationEnvironmentPreparedEvent prepared(Map<String, Object> properties) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return new ApplicationEnvironmentPreparedEvent(new DefaultBootstrapContext(), new SpringApplication(),
                new String[0], env);
    }
}
