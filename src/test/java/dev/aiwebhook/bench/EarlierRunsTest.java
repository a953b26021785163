package dev.aiwebhook.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A benchmark run removes the apps' folders earlier runs left (each full one, about 4 GB), and only those. */
class EarlierRunsTest {

    @Test
    void theBenchmarksEarlierAppFoldersAreRemovedAndTheTestsAreKept(@TempDir Path work) throws Exception {
        Path db = Files.createDirectories(work.resolve("bench-123/postgres/base"));
        Files.writeString(db.resolve("16384"), "rows");
        Files.writeString(Files.createDirectories(work.resolve("bench-relay-456")).resolve("app.log"), "log");
        Path crash = Files.createDirectories(work.resolve("burst-789/postgres"));

        Benchmark.removeEarlierRuns(work);

        assertThat(work.resolve("bench-123")).doesNotExist();
        assertThat(work.resolve("bench-relay-456")).doesNotExist();
        assertThat(crash).isDirectory();
        Benchmark.removeEarlierRuns(work.resolve("absent"));   // no folder yet: nothing to do
    }
}
