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

    /** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on Linux). */
    private static final double TICKS_PER_MS = 0.1;

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
        long ticks = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                try {
                    if (!Files.readString(thread.resolve("comm")).contains("CompilerThre")) {
                        continue;
                    }
                    String stat = Files.readString(thread.resolve("stat"));
                    // fields after the command's closing parenthesis: state is field 3, utime 14, stime 15
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                } catch (IOException | RuntimeException e) {
                    // a compiler thread that ended while it was read
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return Math.round(ticks / TICKS_PER_MS);
    }
}
