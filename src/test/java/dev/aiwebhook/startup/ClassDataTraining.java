package dev.aiwebhook.startup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.aiwebhook.AppProcess;
import dev.aiwebhook.TestClient;

/**
 * The build's training run for the class data archive of the deployment layout
 * ({@code target/app/ai-webhook.jsa}, made in the {@code package} phase; README, "Deployment").
 *
 * <p>It starts the extracted jar as a separate process with {@code -XX:ArchiveClassesAtExit},
 * on a fresh embedded PostgreSQL, sends every request of {@code examples/} (and a search) through
 * the real HTTP path, and stops it politely: the JVM writes the classes it loaded to the archive
 * as it exits. A later {@code java -XX:SharedArchiveFile=... -jar target/app/ai-webhook.jar}
 * maps them instead of loading and verifying each class from its jar.
 *
 * <p>The archive is only valid for this JVM and these very jar files; a JVM that finds it does not
 * match ignores it (with a warning) and starts the slow way. A run that writes no archive is
 * repeated once; the build fails if the second writes none either.
 */
public final class ClassDataTraining {

    private static final String SEARCH = """
            {"type": "collaborative_session_command", "command": "search", "sync": true,
             "session_id": "carbon-tracking-feature", "data": {"query": "carbon tracking", "limit": 5}}""";

    private ClassDataTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path archive = AppProcess.CLASS_DATA_ARCHIVE.toAbsolutePath();
        Path written = archive.resolveSibling(archive.getFileName() + ".new");
        long t0 = System.nanoTime();
        int answered = train(written);
        if (answered < 0) {
            // Java 17's dump at exit crashed once here (SIGSEGV in the VM thread, in
            // SystemDictionaryShared::check_excluded_classes; README, nineteenth round): a second
            // run, on a fresh database, before the build is failed for it
            System.out.println("The training run wrote no class data archive (its log is above); once more.");
            answered = train(written);
        }
        if (answered < 0) {
            throw new IllegalStateException("The training run wrote no class data archive at " + written + ", twice");
        }
        Files.move(written, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf("Class data archive: %s (%d MB), %d requests answered, %.1f s%n", archive,
                Files.size(archive) >> 20, answered, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * One training run writing its archive to {@code written}: the number of requests answered,
     * or -1 when the JVM wrote no archive as it exited (the end of its log is printed).
     */
    private static int train(Path written) throws Exception {
        Files.deleteIfExists(written);
        try (AppProcess app = AppProcess.allInOne("class-data-training")
                .fromLayout(List.of("-XX:ArchiveClassesAtExit=" + written))) {
            app.with("TASKS_ROOTS", Path.of("").toAbsolutePath().toString());
            app.start();
            TestClient client = app.client();
            int answered = 0;
            for (String body : requests()) {
                TestClient.Reply reply = client.webhook(body);
                // a command's own error (an example asking for a memory no example stores: 404) is a
                // real answer; a refusal at the gate (key, size, rate) or a failure would train nothing
                int status = reply.status();
                if (status >= 500 || status == 401 || status == 403 || status == 413 || status == 429) {
                    throw new IllegalStateException("The training request was answered " + reply + "\nRequest: " + body);
                }
                answered++;
            }
            app.stop();
            if (!Files.isRegularFile(written) || Files.size(written) == 0) {
                System.out.println(app.logTail(40));
                return -1;
            }
            return answered;
        }
    }

    /** The session is created first, and its memory deleted and the session completed last. */
    private static int stage(Path example) {
        String name = example.getFileName().toString();
        return switch (name) {
            case "session_create.json" -> 0;
            case "memory_delete.json" -> 2;
            case "session_complete.json" -> 3;
            default -> 1;
        };
    }

    /** The README's examples in the order of {@link #stage}, and a search before the session is completed. */
    private static List<String> requests() throws Exception {
        List<Path> examples;
        try (Stream<Path> files = Files.list(Path.of("examples"))) {
            examples = new ArrayList<>(files.filter(f -> f.toString().endsWith(".json"))
                    .sorted(Comparator.comparingInt(ClassDataTraining::stage).thenComparing(Path::toString))
                    .toList());
        }
        List<String> bodies = new ArrayList<>();
        for (Path example : examples) {
            bodies.add(Files.readString(example));
        }
        if (bodies.isEmpty()) {
            throw new IllegalStateException("No examples/*.json to train on");
        }
        bodies.add(bodies.size() - 1, SEARCH);
        return bodies;
    }
}
