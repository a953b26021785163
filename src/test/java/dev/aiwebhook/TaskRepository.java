package dev.aiwebhook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The git repository that tests run local tasks in: under the allowed task root of
 * {@link AppTest}, on branch main, one commit ("first commit" by t), then a changed README.md
 * and an untracked new.txt. Made once, kept between runs.
 */
final class TaskRepository {

    static final Path ROOT = Path.of("target/task-roots/allowed").toAbsolutePath();
    static final Path REPO = ROOT.resolve("repo");

    private TaskRepository() {
    }

    static synchronized Path ensure() throws Exception {
        if (Files.exists(REPO.resolve(".git"))) {
            return REPO;
        }
        Files.createDirectories(REPO);
        run(REPO, "git", "init", "-q", "-b", "main");
        Files.writeString(REPO.resolve("README.md"), "hello\n");
        run(REPO, "git", "add", "README.md");
        run(REPO, "git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first commit");
        Files.writeString(REPO.resolve("README.md"), "hello\nchanged\n");
        Files.writeString(REPO.resolve("new.txt"), "untracked\n");
        return REPO;
    }

    static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as(String.join(" ", cmd)).isTrue();
    }
}
