package dev.aiwebhook.worker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import dev.aiwebhook.config.AppProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * In an all-in-one app, background work gives way to the relay's intake when the two compete
 * for the machine's cores. The intake presses when webhooks arrive at {@value #MIN_PER_SECOND}/s
 * or more while the cores are at least {@value #BUSY_PERCENT} % busy, over the last sample (at
 * least {@value #SAMPLE_MILLIS} ms). Then:
 * <ul>
 * <li>the intake queues a webhook nobody waits for rather than handing it to a worker thread
 *     at once ({@link HandOff#reserve}): it is stored as always, in the intake's shared
 *     commits, and no worker slot is held for it;</li>
 * <li>the poller waits before it claims, until the intake eases or for at most
 *     {@code WORKER_YIELD_MAX} (250 ms; 0: never wait, and never queue for this reason), so
 *     the background still moves: the free worker slots' worth of webhooks per wait, one
 *     slot left for a sync caller ({@link #awaitEased}, {@link WorkerSlots#take}).</li>
 * </ul>
 * A caller who waits (sync) is not affected: its command runs as before. Under a press that
 * lasts, the backlog grows (by design: the callers come first) and is applied once the intake
 * eases (README, Benchmark, twenty-second round).
 * <p>
 * The cores' time is the whole machine's, from the first line of {@code /proc/stat}, read once
 * per sample at most, by whichever thread finds the sample old (the others use the last one);
 * it counts in ticks of 10 ms, about 20 a sample on two cores. In a container whose CPU limit
 * is below the machine's, the cores may have room while the container has none: the worker
 * then applies as it would without this. Where it cannot be read (not Linux), the intake never
 * presses. A worker in another process has no intake of its own and never waits.
 */
@Component("intakePressure")
public class IntakePressure {

    static final long MIN_PER_SECOND = 500;
    static final int BUSY_PERCENT = 90;
    static final long SAMPLE_MILLIS = 100;
    private static final long SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(SAMPLE_MILLIS);
    /** Nanoseconds per webhook at MIN_PER_SECOND. */
    private static final long NANOS_PER_WEBHOOK = TimeUnit.SECONDS.toNanos(1) / MIN_PER_SECOND;

    /** The machine's CPU time so far, in any unit: busy and in all; null when unknown. */
    @FunctionalInterface
    public interface CpuTimes {
        long[] busyAndTotal();
    }

    private final LongAdder accepted = new LongAdder();
    private final CpuTimes cpu;
    private final LongSupplier nanoClock;
    private final long yieldMaxNanos;

    /** One thread samples at a time; the fields below are written by it only. */
    private final AtomicBoolean sampling = new AtomicBoolean();
    private volatile long sampledAt;
    private long acceptedThen;
    private long[] cpuThen;
    private volatile boolean pressing;

    @Autowired
    public IntakePressure(AppProperties props) {
        this(IntakePressure::procStat, System::nanoTime, props.worker().yieldMax().toNanos());
    }

    IntakePressure(CpuTimes cpu, LongSupplier nanoClock, long yieldMaxNanos) {
        if (yieldMaxNanos < 0) {
            throw new IllegalArgumentException("WORKER_YIELD_MAX must be 0 (never wait) or more");
        }
        this.cpu = cpu;
        this.nanoClock = nanoClock;
        this.yieldMaxNanos = yieldMaxNanos;
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

    /** The intake takes the cores, as of the last sample (taken now when it is old enough). */
    public boolean pressing() {
        long now = nanoClock.getAsLong();
        if (now - sampledAt >= SAMPLE_NANOS && sampling.compareAndSet(false, true)) {
            try {
                long elapsed = now - sampledAt;
                if (elapsed >= SAMPLE_NANOS) {
                    long count = accepted.sum();
                    long[] times = cpu.busyAndTotal();
                    boolean fast = count - acceptedThen >= elapsed / NANOS_PER_WEBHOOK;
                    pressing = fast && busy(cpuThen, times);
                    acceptedThen = count;
                    cpuThen = times;
                    sampledAt = now;
                }
            } finally {
                sampling.set(false);
            }
        }
        return pressing;
    }

    /** Whether background work gives way now: WORKER_YIELD_MAX is not 0 and the intake presses. */
    public boolean yields() {
        return yieldMaxNanos > 0 && pressing();
    }

    /**
     * The in-process poller, before it claims: waits while the intake presses, at most
     * WORKER_YIELD_MAX, looking again at each new sample; at once when {@code goOn} turns false
     * (the worker paused or stopping).
     */
    public void awaitEased(BooleanSupplier goOn) throws InterruptedException {
        long deadline = nanoClock.getAsLong() + yieldMaxNanos;
        while (goOn.getAsBoolean() && yields()) {
            long left = deadline - nanoClock.getAsLong();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(left, SAMPLE_NANOS));
        }
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
