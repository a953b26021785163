package dev.aiwebhook.storage;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded PostgreSQL starts before the web server binds its port; a free port the system
 * hands it may be the one PORT names (a launcher that asked the system for "any free port" gets
 * one from the same range). It must take another, or the web server cannot start.
 */
class EmbeddedDatabasePortTest {

    @Test
    void theDatabaseTakesAnotherFreePortWhenTheSystemOffersTheWebServersOwn() {
        AtomicInteger asked = new AtomicInteger();
        int[] offered = {42957, 42957, 43001};

        int port = DatabaseConfig.databasePort(42957, () -> offered[asked.getAndIncrement()]);

        assertThat(port).isEqualTo(43001);
        assertThat(asked).hasValue(3);
    }

    @Test
    void theFirstFreePortIsTakenWhenItIsNotTheWebServers() {
        AtomicInteger asked = new AtomicInteger();

        assertThat(DatabaseConfig.databasePort(8080, () -> 40000 + asked.incrementAndGet())).isEqualTo(40001);
        assertThat(asked).hasValue(1);
    }

    @Test
    void aSystemThatOffersOnlyTheWebServersPortIsReportedNotLoopedOn() {
        assertThatThrownBy(() -> DatabaseConfig.databasePort(42957, () -> 42957))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("42957");
    }

    @Test
    void theStartedDatabaseListensOnThePortChosenNotOnTheWebServers(@TempDir Path data) throws IOException {
        int webPort = freePort();
        int other = freePort();
        int[] offered = {webPort, other};
        AtomicInteger asked = new AtomicInteger();

        try (EmbeddedPostgres pg = DatabaseConfig.startEmbedded(data.resolve("postgres"), webPort,
                () -> offered[asked.getAndIncrement()])) {
            assertThat(pg.getPort()).isEqualTo(other);
            try (ServerSocket web = new ServerSocket(webPort)) {
                assertThat(web.getLocalPort()).isEqualTo(webPort);   // still free for the web server
            }
        }
    }

    @Test
    void theWebServersPortIsReadFromTheConfigurationAndABadOneLeftToTheWebServer() {
        assertThat(EarlyPostgresStart.httpPort(env(Map.of("server.port", "42957")))).isEqualTo(42957);
        assertThat(EarlyPostgresStart.httpPort(env(Map.of()))).isEqualTo(8080);
        assertThat(EarlyPostgresStart.httpPort(env(Map.of("server.port", "eighty")))).isEqualTo(-1);
    }

    private static StandardEnvironment env(Map<String, Object> properties) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return env;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
