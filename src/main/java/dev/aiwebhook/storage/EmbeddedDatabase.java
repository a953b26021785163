package dev.aiwebhook.storage;

import java.io.IOException;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** The embedded PostgreSQL when one runs; {@link #none()} when DATABASE_URL names a server. */
public record EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir) implements AutoCloseable {

    public static EmbeddedDatabase none() {
        return new EmbeddedDatabase(null, null);
    }

    public boolean running() {
        return postgres != null;
    }

    @Override
    public void close() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }
}
