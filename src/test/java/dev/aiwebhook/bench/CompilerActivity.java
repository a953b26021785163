package dev.aiwebhook.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time used so far by the JIT compiler threads of a JVM ({@code C1/C2 CompilerThread*}),
 * read from /proc. The benchmark warms the app up until these threads fall quiet: until then
 * they take a good part of one of the machine's two cores, and every figure measures the JIT's
 * warm-up rather than the app.
 */
final class CompilerActivity {

    private final Path tasks;

    CompilerActivity(long pid) {
        this.tasks = Path.of("/proc", String.valueOf(pid), "task");
    }

    /** Whether this system shows the JVM's threads (Linux); if not, {@link #cpuMillis} is always 0. */
    boolean readable() {
        return Files.isDirectory(tasks);
    }

    /** CPU time of the compiler threads so far, in ms (a thread that ended meanwhile is not counted). */
    long cpuMillis() {
        if (!readable()) {
            return 0;
        }
        long ms = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                try {
                    if (!Files.readString(thread.resolve("comm")).contains("CompilerThre")) {
                        continue;
                    }
                    ms += ProcStat.cpuMillis(thread.resolve("stat"), false);
                } catch (IOException | RuntimeException e) {
                    // a compiler thread that ended while it was read
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ms;
    }
}
