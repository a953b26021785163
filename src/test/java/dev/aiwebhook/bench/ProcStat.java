package dev.aiwebhook.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time in a Linux {@code /proc/…/stat} file (a process's or one of its threads'). */
final class ProcStat {

    private ProcStat() {
    }

    /**
     * User plus system CPU time in ms: utime and stime, and with {@code ended} also what the
     * process's ended children used (cutime and cstime). Clock ticks of 10 ms (USER_HZ 100).
     */
    static long cpuMillis(Path stat, boolean ended) throws IOException {
        String text = Files.readString(stat);
        // fields after the command's closing parenthesis: state is field 3, utime 14 … cstime 17
        String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        if (ended) {
            ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
        }
        return ticks * 10;
    }
}
