package dev.aiwebhook.worker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Whether the relay's intake, in the same process, is taking the machine's cores: webhooks
 * arriving at {@value #MIN_PER_SECOND}/s or more while the cores were at least
 * {@value #BUSY_PERCENT} % busy, over the last sample (at least {@value #SAMPLE_MILLIS} ms).
 * Then a command nobody waits for holds back for a while ({@link CommandPermits}), and the
 * cores answer the callers first; its webhook is stored already, and it is applied when the
 * intake eases or its hold ends.
 * <p>
 * The cores' time is read from {@code /proc/stat} (the whole machine's, 15 µs a read, once per
 * sample at most). Where it cannot be read (not Linux), the intake never counts as pressing:
 * the worker applies as it would without this. The intake is counted by {@link HandOff#reserve},
 * which every webhook of an all-in-one app passes; a worker in another process never holds back.
 */
@Component("intakePressure")
public class IntakePressure {

    static final long MIN_PER_SECOND = 500;
    static final int BUSY_PERCENT = 90;
    static final long SAMPLE_MILLIS = 100;

    /** The machine's CPU time so far, in any unit: busy and in all; null when unknown. */
    @FunctionalInterface
    public interface CpuTimes {
        long[] busyAndTotal();
    }

    private final LongAdder accepted = new LongAdder();
    private final CpuTimes cpu;
    private final LongSupplier nanoClock;

    /** Guarded by this. */
    private long sampledAt;
    private long acceptedThen;
    private long[] cpuThen;
    private volatile boolean pressing;

    @Autowired
    public IntakePressure() {
        this(IntakePressure::procStat, System::nanoTime);
    }

    IntakePressure(CpuTimes cpu, LongSupplier nanoClock) {
        this.cpu = cpu;
        this.nanoClock = nanoClock;
        this.sampledAt = nanoClock.getAsLong();
        this.cpuThen = cpu.busyAndTotal();
    }

    /** One webhook taken by the intake. */
    public void accepted() {
        accepted.increment();
    }

    /** Webhooks taken by the intake since the app started. */
    public long taken() {
        return accepted.sum();
    }

    /** The intake takes the cores (as of the last sample, taken now when it is old enough). */
    public boolean pressing() {
        long now = nanoClock.getAsLong();
        synchronized (this) {
            long elapsed = now - sampledAt;
            if (elapsed >= TimeUnit.MILLISECONDS.toNanos(SAMPLE_MILLIS)) {
                long count = accepted.sum();
                long[] times = cpu.busyAndTotal();
                boolean fast = (count - acceptedThen) * TimeUnit.SECONDS.toNanos(1) >= MIN_PER_SECOND * elapsed;
                pressing = fast && busy(cpuThen, times);
                sampledAt = now;
                acceptedThen = count;
                cpuThen = times;
            }
        }
        return pressing;
    }

    private static boolean busy(long[] then, long[] now) {
        if (then == null || now == null) {
            return false;
        }
        long total = now[1] - then[1];
        return total > 0 && (now[0] - then[0]) * 100 >= BUSY_PERCENT * total;
    }

    /**
     * The first line of /proc/stat: user nice system idle iowait irq softirq steal (guest time is
     * in user already); idle and iowait are time a core could have worked.
     */
    static long[] procStat() {
        try (InputStream in = Files.newInputStream(Path.of("/proc/stat"))) {
            byte[] head = new byte[256];
            int n = in.readNBytes(head, 0, head.length);
            return parseCpuLine(new String(head, 0, n, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static long[] parseCpuLine(String stat) {
        int end = stat.indexOf('\n');
        String[] f = (end < 0 ? stat : stat.substring(0, end)).trim().split("\\s+");
        if (f.length < 9 || !f[0].equals("cpu")) {
            return null;
        }
        long total = 0;
        for (int i = 1; i <= 8; i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return new long[] {total - idle, total};
    }
}
