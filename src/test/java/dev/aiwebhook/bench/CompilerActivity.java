package dev.aiwebhook.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
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

    /**
     * CPU time of the compiler threads alive now, in ms, and their thread ids. A thread that ended
     * meanwhile is not counted: the JDK removes idle compiler threads on machines with more cores,
     * so a difference between two readings means something only if {@link Reading#sameThreadsAs}.
     */
    Reading read() {
        long ms = 0;
        Set<String> ids = new HashSet<>();
        if (!readable()) {
            return new Reading(0, ids);
        }
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                try {
                    if (!Files.readString(thread.resolve("comm")).contains("CompilerThre")) {
                        continue;
                    }
                    ms += ProcStat.cpuMillis(thread.resolve("stat"), false);
                    ids.add(thread.getFileName().toString());
                } catch (IOException | RuntimeException e) {
                    // a compiler thread that ended while it was read
                }
            }
        } catch (IOException e) {
            return new Reading(0, Set.of());
        }
        return new Reading(ms, ids);
    }

    /** The compiler threads' CPU time so far (ms) and which threads they were. */
    record Reading(long cpuMillis, Set<String> threads) {

        /** Whether every compiler thread of {@code earlier} is still here (none ended between the two). */
        boolean sameThreadsAs(Reading earlier) {
            return threads.containsAll(earlier.threads);
        }
    }
}
