package dev.aiwebhook.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.aiwebhook.config.AppProperties;
import dev.aiwebhook.config.Secrets;
import dev.aiwebhook.relay.ClaimSignal;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The all-in-one intake's hand-off while the intake presses: a webhook nobody waits for is
 * queued (no worker slot, no lease), a sync session command still runs on its caller's thread.
 * What a queued or handed-over webhook then becomes in PostgreSQL is HandOffTest's.
 */
@Timeout(20)
class HandOffUnderPressureTest {

    @TempDir
    Path dataDir;

    private WorkerState worker;
    private WorkerSlots slots;

    private HandOff handOff(IntakePressure pressure) {
        AppProperties props = props();
        worker = new WorkerState(new Secrets(props));
        worker.start();
        slots = new WorkerSlots(props, pressure);
        return new HandOff(true, props, worker, slots, new ClaimSignal(), null, null, pressure);
    }

    private AppProperties props() {
        return new AppProperties("all", "test-key-0123456789abcdef", "test-token-0123456789abcdef",
                null, null, dataDir.toString(),
                new AppProperties.Relay(1 << 20, Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(150),
                        5, Duration.ofSeconds(30), 0),
                new AppProperties.Worker("w-test", 8, 0, Duration.ofSeconds(1), 16, Duration.ZERO, Duration.ofMillis(250),
                        Duration.ofSeconds(10)));
    }

    /** The intake's parameters of one webhook, as WebhookEnvelope gives them to the hand-off. */
    private static Exchange webhook(long waitMs) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", "wh-" + System.nanoTime());
        params.put("client_id", "c");
        params.put("type", "collaborative_session_command");
        params.put("payload", "{\"type\":\"collaborative_session_command\",\"command\":\"store_memory\"}");
        params.put("wait_ms", waitMs);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(params);
        return exchange;
    }

    @Test
    void whileTheIntakePressesAWebhookNobodyWaitsForIsQueuedASyncOneRunsOnItsCallersThread() throws Exception {
        IntakePressureTest.SetPressure pressure = new IntakePressureTest.SetPressure(true, 250);
        HandOff handOff = handOff(pressure);

        Exchange async = webhook(0);
        handOff.reserve(async);
        assertThat(async.getProperty(HandOff.RESERVED)).as("queued: no slot, no lease").isNull();
        assertThat(async.getMessage().getBody(Map.class)).doesNotContainKey("worker_id");

        Exchange sync = webhook(30_000);
        handOff.reserve(sync);
        assertThat(sync.getProperty(HandOff.RESERVED)).isEqualTo(true);
        assertThat(sync.getProperty(HandOff.INLINE)).isEqualTo(true);

        pressure.on = false;
        Exchange eased = webhook(0);
        handOff.reserve(eased);
        assertThat(eased.getProperty(HandOff.RESERVED)).as("handed over with a slot, leased").isEqualTo(true);
        assertThat(eased.getMessage().getBody(Map.class)).containsEntry("worker_id", "w-test");

        assertThat(pressure.taken()).as("each one counted").isEqualTo(3);
    }

    @Test
    void withWorkerYieldMaxZeroAWebhookNobodyWaitsForIsHandedOverWhateverThePressure() throws Exception {
        HandOff handOff = handOff(new IntakePressureTest.SetPressure(true, 0));
        Exchange async = webhook(0);
        handOff.reserve(async);
        assertThat(async.getProperty(HandOff.RESERVED)).isEqualTo(true);
    }

    @Test
    void thePollerWaitsBeforeItClaimsWhileTheIntakePresses() throws Exception {
        IntakePressureTest.SetPressure pressure = new IntakePressureTest.SetPressure(true, 300);
        HandOff handOff = handOff(pressure);
        Exchange claiming = new DefaultExchange(new DefaultCamelContext());
        long start = System.nanoTime();
        handOff.awaitQueued(claiming);   // the last claim did not empty the queue: only the intake holds it
        assertThat(System.nanoTime() - start).as("waited WORKER_YIELD_MAX, no more")
                .isBetween(TimeUnit.MILLISECONDS.toNanos(300), TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void aPausedWorkersPollerDoesNotWaitForTheIntake() throws Exception {
        HandOff handOff = handOff(new IntakePressureTest.SetPressure(true, 60_000));
        worker.pause();
        long start = System.nanoTime();
        handOff.awaitQueued(new DefaultExchange(new DefaultCamelContext()));
        assertThat(System.nanoTime() - start).as("not the minute of WORKER_YIELD_MAX")
                .isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void whileTheIntakePressesThePollerLeavesOneFreeSlotForASyncCaller() throws Exception {
        IntakePressureTest.SetPressure pressure = new IntakePressureTest.SetPressure(true, 250);
        handOff(pressure);
        Exchange claim = new DefaultExchange(new DefaultCamelContext());
        slots.take(claim);
        assertThat(claim.getMessage().getHeader("claimMax", Integer.class)).isEqualTo(7);
        assertThat(slots.tryTake()).as("the one left").isTrue();
        assertThat(slots.tryTake()).isFalse();

        pressure.on = false;
        handOff(pressure);
        Exchange eased = new DefaultExchange(new DefaultCamelContext());
        slots.take(eased);
        assertThat(eased.getMessage().getHeader("claimMax", Integer.class)).isEqualTo(8);
    }
}
