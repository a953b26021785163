package dev.aiwebhook.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * When the intake counts as pressing (fast enough and the cores busy, over a sample of at least
 * 100 ms, on a clock and CPU times set by the test), and how long the poller waits for it.
 */
@Timeout(20)
class IntakePressureTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final long[] cpu = {0, 0};   // busy, total

    private IntakePressure pressure() {
        return new IntakePressure(() -> new long[] {cpu[0], cpu[1]}, clock::get, TimeUnit.MILLISECONDS.toNanos(250));
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

    /** Presses or not as the test says, on the real clock. */
    static final class SetPressure extends IntakePressure {
        volatile boolean on;

        SetPressure(boolean on, long yieldMaxMillis) {
            super(() -> null, System::nanoTime, TimeUnit.MILLISECONDS.toNanos(yieldMaxMillis));
            this.on = on;
        }

        @Override
        public boolean pressing() {
            return on;
        }
    }

    @Test
    void pressingWhenFastAndTheCoresBusyNotWhenEitherIsNot() {
        IntakePressure pressure = pressure();
        sample(pressure, 50, 95);    // 500/s, 95 %
        assertThat(pressure.pressing()).isTrue();
        assertThat(pressure.yields()).isTrue();
        sample(pressure, 50, 60);    // the cores have room
        assertThat(pressure.pressing()).isFalse();
        sample(pressure, 49, 100);   // 490/s: the worker itself may be what keeps them busy
        assertThat(pressure.pressing()).isFalse();
        sample(pressure, 400, 90);
        assertThat(pressure.pressing()).isTrue();
        assertThat(pressure.taken()).isEqualTo(549);
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
        IntakePressure pressure = new IntakePressure(() -> null, clock::get, TimeUnit.MILLISECONDS.toNanos(250));
        for (int i = 0; i < 1_000; i++) {
            pressure.accepted();
        }
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(pressure.pressing()).isFalse();
    }

    @Test
    void withWorkerYieldMaxZeroNothingYieldsAndANegativeOneIsRefused() throws Exception {
        IntakePressure pressure = new IntakePressure(() -> new long[] {cpu[0], cpu[1]}, clock::get, 0);
        sample(pressure, 100, 100);
        assertThat(pressure.pressing()).isTrue();
        assertThat(pressure.yields()).isFalse();
        pressure.awaitEased(() -> true);   // on the test's clock, which stands still: returns only because it does not wait
        assertThatThrownBy(() -> new IntakePressure(() -> null, clock::get, -1))
                .hasMessageContaining("WORKER_YIELD_MAX");
    }

    @Test
    void thePollerWaitsWhileTheIntakePressesAtMostWorkerYieldMax() throws Exception {
        SetPressure pressure = new SetPressure(true, 300);
        long start = System.nanoTime();
        pressure.awaitEased(() -> true);
        assertThat(System.nanoTime() - start).as("held for WORKER_YIELD_MAX")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));

        SetPressure easing = new SetPressure(true, 60_000);
        CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> {
            try {
                easing.awaitEased(() -> true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(200);
        assertThat(waited).as("still waiting while it presses").isNotDone();
        easing.on = false;
        waited.get(5, TimeUnit.SECONDS);   // the intake eased: long before the minute
    }

    @Test
    void procStatsFirstLineCountsIdleAndIowaitAsRoom() {
        long[] times = IntakePressure.parseCpuLine("cpu  100 5 20 300 40 1 2 3 7 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n");
        // user nice system idle iowait irq softirq steal: guest (7) is in user already
        assertThat(times).containsExactly(100 + 5 + 20 + 1 + 2 + 3, 100 + 5 + 20 + 300 + 40 + 1 + 2 + 3);
        assertThat(IntakePressure.parseCpuLine("intr 1 2 3")).isNull();
    }
}
