package dev.aiwebhook.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import dev.aiwebhook.config.AppProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The database: the server named by {@code DATABASE_URL}, or else an embedded PostgreSQL whose
 * data lives under {@code DATA_DIR/postgres} and survives restarts (run with fsync on), also
 * a restart after the app was killed ({@link OrphanedPostgres}).
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfig {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfig.class);

    /**
     * Started only when no DATABASE_URL is set (early, by {@link EarlyPostgresStart}, while the
     * rest of the app is built); closed (not deleted) when the app stops.
     */
    @Bean(destroyMethod = "close")
    public EmbeddedDatabase embeddedDatabase(AppProperties props, Environment env) throws Exception {
        if (props.databaseUrl() != null && !props.databaseUrl().isBlank()) {
            return EmbeddedDatabase.none();
        }
        Path dir = embeddedDir(props.dataDir());
        return new EmbeddedDatabase(EarlyPostgresStart.take(dir, EarlyPostgresStart.httpPort(env)), dir);
    }

    /** Where the embedded PostgreSQL keeps its data: DATA_DIR/postgres. */
    static Path embeddedDir(String dataDir) {
        return Path.of(dataDir).toAbsolutePath().normalize().resolve("postgres");
    }

    static EmbeddedPostgres startEmbedded(Path dir, int httpPort) throws IOException {
        return startEmbedded(dir, httpPort, DatabaseConfig::freePort);
    }

    /** As above, its port taken from {@code freePorts} (never {@code httpPort}). */
    static EmbeddedPostgres startEmbedded(Path dir, int httpPort, IntSupplier freePorts) throws IOException {
        Files.createDirectories(dir);
        // an app killed without a shutdown leaves its PostgreSQL running on this directory
        OrphanedPostgres.clear(dir);
        return EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setPort(databasePort(httpPort, freePorts))
                .setCleanDataDirectory(false)
                // stopped by close() below, after Camel has finished the webhooks in hand; its own
                // JVM shutdown hook would stop it at once, in parallel with the app's shutdown
                .setRegisterShutdownHook(false)
                // durable, like a production server: the embedded defaults turn these off
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "100")
                // its data is on local disk and mostly in memory: a random page read costs about
                // what a sequential one does. With PostgreSQL's default (4, for spinning disks) the
                // planner walked 48,000 rows in id order (33 ms) to find the newest 500 matches of two
                // words rather than fetch the 1,041 matching rows from a bitmap (7 ms).
                .setServerConfig("random_page_cost", "1.1")
                .start();
    }

    /**
     * A port for the embedded PostgreSQL: one the system has free, never the app's own HTTP port.
     * PostgreSQL starts before the web server binds; when PORT lies in the system's range of
     * free ports (or was picked from it, as a launcher asking for "any free port" does), the
     * system may hand PostgreSQL that same port, and the web server then fails to start.
     */
    static int databasePort(int httpPort, IntSupplier freePorts) {
        for (int tries = 0; tries < 10; tries++) {
            int port = freePorts.getAsInt();
            if (port != httpPort) {
                return port;
            }
        }
        throw new IllegalStateException("No free port for the embedded PostgreSQL other than " + httpPort);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port for the embedded PostgreSQL", e);
        }
    }

    /** Where the database is, for the pool and (without the password) for the startup log. */
    @Bean
    public DatabaseTarget databaseTarget(AppProperties props, EmbeddedDatabase embedded) {
        if (embedded.running()) {
            return new DatabaseTarget(embedded.postgres().getJdbcUrl("postgres", "postgres"), "postgres", null,
                    "embedded PostgreSQL, data in " + embedded.dataDir() + " (fsync on)");
        }
        DatabaseUrl url = DatabaseUrl.parse(props.databaseUrl());
        return new DatabaseTarget(url.jdbcUrl(), url.username(), url.password(),
                "external PostgreSQL " + url.describe());
    }

    @Bean
    public DataSource dataSource(DatabaseTarget target, @Value("${app.database.pool-size:16}") int poolSize) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(target.jdbcUrl());
        if (target.username() != null) {
            cfg.setUsername(target.username());
        }
        if (target.password() != null) {
            cfg.setPassword(target.password());
        }
        cfg.setPoolName("ai-webhook");
        cfg.setMaximumPoolSize(poolSize);
        cfg.setConnectionTimeout(5_000);
        cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
        cfg.addDataSourceProperty("tcpKeepAlive", "true");
        log.info("Database: {}", target.description());
        return new HikariDataSource(cfg);
    }

    /** A database to connect to; {@code description} is safe to log. */
    public record DatabaseTarget(String jdbcUrl, String username, String password, String description) {
        @Override
        public String toString() {
            return description;
        }
    }
}
