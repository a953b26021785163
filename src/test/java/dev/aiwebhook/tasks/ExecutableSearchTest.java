package dev.aiwebhook.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's program is looked up on TASKS_PATH, in order, and nowhere else: not on the app's own
 * PATH (where the JDK would look), not relative to the task's working directory.
 */
class ExecutableSearchTest {

    @TempDir
    Path tmp;

    @Test
    void theFirstExecutableOfThatNameOnTasksPathIsTaken() throws Exception {
        Path first = Files.createDirectories(tmp.resolve("first"));
        Path second = Files.createDirectories(tmp.resolve("second"));
        executable(second.resolve("tool"));
        Files.writeString(first.resolve("tool"), "not executable");   // skipped
        Files.createDirectories(first.resolve("dir-tool"));            // a directory: skipped
        executable(second.resolve("dir-tool"));

        ExecutableSearch search = new ExecutableSearch(first + "::" + second);

        assertThat(search.find("tool")).contains(second.resolve("tool"));
        assertThat(search.find("dir-tool")).contains(second.resolve("dir-tool"));
        assertThat(search.path()).isEqualTo(first + ":" + second);
    }

    @Test
    void aProgramOnlyOnTheAppsOwnPathIsNotFound() {
        // sh is on the PATH of any machine running these tests, and not in this directory
        assertThat(new ExecutableSearch(tmp.toString()).find("sh")).isEmpty();
        assertThat(new ExecutableSearch("/usr/bin:/bin").find("sh")).isPresent();
    }

    @Test
    void namesWithASlashOrEmptyAreNeverLookedUp() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        executable(bin.resolve("tool"));
        ExecutableSearch search = new ExecutableSearch(tmp.toString());

        assertThat(search.find("bin/tool")).isEmpty();
        assertThat(search.find("../bin/tool")).isEmpty();
        assertThat(search.find("")).isEmpty();
        assertThat(search.find("..")).isEmpty();
    }

    @Test
    void relativeEntriesAreTakenFromTheAppsWorkingDirectory() {
        ExecutableSearch search = new ExecutableSearch("target/task-bin:/usr/bin");

        assertThat(search.path()).isEqualTo(Path.of("target/task-bin").toAbsolutePath() + ":/usr/bin");
    }

    private static void executable(Path file) throws Exception {
        Files.writeString(file, "#!/bin/sh\necho tool\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
