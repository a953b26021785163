package dev.aiwebhook.worker;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the intake counts as pressing: fast enough and the cores busy, over a sample of at least
 * 100 ms, on a clock and CPU times set by the test.
 */
class IntakePressureTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final long[] cpu = {0, 0};   // busy, total

    private IntakePressure pressure() {
        return new IntakePressure(() -> new long[] {cpu[0], cpu[1]}, clock::get);
    }

    /** 100 ms pass with this many webhooks taken and this share of the cores busy. */
    private void sample(IntakePressure pressure, int webhooks, int busyPercent) {
        for (int i = 0; i < webhooks; i++) {
            pressure.accepted();
        }
        cpu[0] += busyPercent;
        cpu[1] += 100;
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
    }

    @Test
    void pressingWhenFastAndTheCoresBusyNotWhenEitherIsNot() {
        IntakePressure pressure = pressure();
        sample(pressure, 50, 95);    // 500/s, 95 %
        assertThat(pressure.pressing()).isTrue();
        sample(pressure, 50, 60);    // the cores have room
        assertThat(pressure.pressing()).isFalse();
        sample(pressure, 49, 100);   // 490/s: the worker itself may be what keeps them busy
        assertThat(pressure.pressing()).isFalse();
        sample(pressure, 400, 90);
        assertThat(pressure.pressing()).isTrue();
    }

    @Test
    void aSampleLastsAtLeast100Ms() {
        IntakePressure pressure = pressure();
        sample(pressure, 60, 100);
        assertThat(pressure.pressing()).isTrue();
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(50));   // the intake stopped, 50 ms ago
        cpu[1] += 50;
        assertThat(pressure.pressing()).as("the last sample still holds").isTrue();
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(50));
        cpu[1] += 50;
        assertThat(pressure.pressing()).isFalse();
    }

    @Test
    void neverPressingWhereTheCoresCannotBeRead() {
        IntakePressure pressure = new IntakePressure(() -> null, clock::get);
        for (int i = 0; i < 1_000; i++) {
            pressure.accepted();
        }
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(pressure.pressing()).isFalse();
    }

    @Test
    void procStatsFirstLineCountsIdleAndIowaitAsRoom() {
        long[] times = IntakePressure.parseCpuLine("cpu  100 5 20 300 40 1 2 3 7 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n");
        // user nice system idle iowait irq softirq steal: guest (7) is in user already
        assertThat(times).containsExactly(100 + 5 + 20 + 1 + 2 + 3, 100 + 5 + 20 + 300 + 40 + 1 + 2 + 3);
        assertThat(IntakePressure.parseCpuLine("intr 1 2 3")).isNull();
    }
}
