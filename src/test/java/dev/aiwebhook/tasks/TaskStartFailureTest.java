package dev.aiwebhook.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.aiwebhook.config.AppProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A program that is missing or will not start: the operator learns it from the log (at startup,
 * for the programs tasks may run), the caller gets a plain answer without the app's paths, and
 * a start the system refused for want of resources is said to be worth trying again.
 */
@ExtendWith(OutputCaptureExtension.class)
class TaskStartFailureTest {

    @TempDir
    Path tmp;

    @Test
    void programsTasksMayRunButNotOnTasksPathAreNamedAtStartup(CapturedOutput log) throws Exception {
        Path bin = binWith("echo");

        runner(List.of(tmp.toString()), true, List.of("echo", "jq"), bin.toString());

        assertThat(log.getOut()).contains("Not found on TASKS_PATH (" + bin + "): git, jq;");
    }

    @Test
    void nothingIsSaidWhileNoTaskIsAllowedOrAllAreFound(CapturedOutput log) throws Exception {
        Path bin = binWith("git");

        runner(List.of(), true, List.of("jq"), tmp.toString());             // no TASKS_ROOTS: no task runs
        runner(List.of(tmp.toString()), false, List.of("jq"), bin.toString());   // git found, shell off

        assertThat(log.getOut()).doesNotContain("Not found on TASKS_PATH");
    }

    @Test
    void theCallerIsToldToTryAgainOnlyWhenTheSystemWasShortOfSomething() {
        String busy = LocalTaskRunner.cannotStart("git", new IOException(
                "Cannot run program \"/usr/bin/git\" (in directory \"/srv/repo\"): error=26, Text file busy")).getMessage();
        String eagain = LocalTaskRunner.cannotStart("git", new IOException(
                "Cannot run program \"/usr/bin/git\": error=11, Resource temporarily unavailable")).getMessage();
        String denied = LocalTaskRunner.cannotStart("git", new IOException(
                "Cannot run program \"/usr/bin/git\" (in directory \"/srv/repo\"): error=13, Permission denied")).getMessage();

        assertThat(busy).contains("try again shortly");
        assertThat(eagain).contains("try again shortly");
        assertThat(denied).doesNotContain("try again").contains("could not be run here");
        assertThat(List.of(busy, eagain, denied)).allSatisfy(message ->
                assertThat(message).startsWith("Cannot start 'git'").doesNotContain("/usr/bin").doesNotContain("/srv"));
    }

    @Test
    void noTaskStartsOnceTheAppIsStopping() throws Exception {
        LocalTaskRunner runner = runner(List.of(tmp.toString()), true, List.of("sh"), "/usr/bin:/bin");
        runner.stopReaders();
        Path marker = tmp.resolve("ran");
        Map<String, Object> task = new HashMap<>(Map.of("run", List.of("sh", "-c", "touch " + marker), "timeout_seconds", 10,
                "working_dir", tmp.toString(), "root", tmp.toString(), "action_type", "shell"));

        assertThatThrownBy(() -> runner.run(task, "t-stopping", null))
                .isInstanceOf(TaskRejectedException.class).hasMessageContaining("stopping");
        Thread.sleep(500);   // a process started anyway would have touched it by now
        assertThat(marker).doesNotExist();
    }

    /** A directory holding one executable of this name. */
    private Path binWith(String program) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path file = bin.resolve(program);
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private LocalTaskRunner runner(List<String> roots, boolean shell, List<String> shellAllowed, String path) {
        return new LocalTaskRunner(
                new TaskProperties(roots, List.of("status"), shell, shellAllowed,
                        Duration.ofSeconds(30), Duration.ofSeconds(120), 1024, 1, Duration.ofSeconds(1), path),
                new AppProperties("all", null, null, null, null, tmp.resolve("data").toString(), null, null));
    }
}
