package dev.aiwebhook.storage;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.aot.AbstractAotProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Starts the embedded PostgreSQL the moment the configuration is known, on a thread of its own,
 * while Spring builds the rest of the app (seconds on a small machine): the database bean then
 * only waits for it instead of starting it. Without DATABASE_URL only; registered in
 * META-INF/spring.factories, after the configuration files are read.
 */
public class EarlyPostgresStart implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    private static final Map<Path, CompletableFuture<EmbeddedPostgres>> STARTING = new ConcurrentHashMap<>();

    static {
        // an app that failed before it took its database must not leave it running
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTING.values().forEach(started -> {
            try {
                started.join().close();
            } catch (Exception ignored) {
                // it did not start, or is stopping anyway
            }
        }), "postgres-untaken-stop"));
    }

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        Environment env = event.getEnvironment();
        if (Boolean.getBoolean(AbstractAotProcessor.AOT_PROCESSING)   // the build's AOT pass: no database
                || !env.getProperty("app.database-url", "").isBlank()) {
            return;
        }
        Path dir = DatabaseConfig.embeddedDir(env.getProperty("app.data-dir", "./data"));
        int httpPort = httpPort(env);
        STARTING.computeIfAbsent(dir, d -> {
            CompletableFuture<EmbeddedPostgres> started = new CompletableFuture<>();
            Thread starter = new Thread(() -> {
                try {
                    started.complete(DatabaseConfig.startEmbedded(d, httpPort));
                } catch (Throwable e) {
                    started.completeExceptionally(e);
                }
            }, "postgres-start");
            starter.setDaemon(true);
            starter.start();
            return started;
        });
    }

    /** The web server's port, or -1 if PORT is not a number (the web server says so when it starts). */
    static int httpPort(Environment env) {
        try {
            return env.getProperty("server.port", Integer.class, 8080);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Whether a PostgreSQL was started early on this directory and not taken yet. */
    static boolean startedEarly(Path dir) {
        return STARTING.containsKey(dir);
    }

    /** The PostgreSQL started early on this directory, or a new one started now (not on httpPort). */
    static EmbeddedPostgres take(Path dir, int httpPort) throws Exception {
        CompletableFuture<EmbeddedPostgres> started = STARTING.remove(dir);
        if (started == null) {
            return DatabaseConfig.startEmbedded(dir, httpPort);
        }
        try {
            return started.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** After the configuration files (and RoleEnvironment) have been applied. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
