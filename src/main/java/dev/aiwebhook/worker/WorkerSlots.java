package dev.aiwebhook.worker;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aiwebhook.config.AppProperties;
import dev.aiwebhook.relay.ClaimSignal;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Back-pressure for the poller: it claims only as many webhooks as there are free slots, so a
 * slow task never holds up the others and no claimed webhook waits in memory for a thread.
 * A slot is taken before the claim and given back when its webhook is done.
 */
@Component("workerSlots")
public class WorkerSlots {

    static final String CLAIM_MAX = "claimMax";
    private final Semaphore free;
    private final IntakePressure pressure;

    public WorkerSlots(AppProperties props, IntakePressure pressure) {
        this.free = new Semaphore(Math.max(1, props.worker().concurrency()));
        this.pressure = pressure;
    }

    /**
     * Waits (up to a second) for at least one free slot, takes every free one, but one while the
     * intake presses (kept for a sync caller); the count goes in claimMax.
     */
    public void take(Exchange exchange) throws InterruptedException {
        int n = 0;
        if (free.tryAcquire(1, TimeUnit.SECONDS)) {
            n = 1 + free.drainPermits();
            if (n > 1 && pressure.yields()) {
                free.release();
                n--;
            }
        }
        exchange.getMessage().setHeader(CLAIM_MAX, n);
    }

    /** Takes one slot if one is free now, without waiting (the relay's in-process hand-off). */
    public boolean tryTake() {
        return free.tryAcquire();
    }

    /** Takes one slot, waiting for it at most {@code millis} (a sync caller's hand-off). */
    public boolean tryTake(long millis) throws InterruptedException {
        return free.tryAcquire(millis, TimeUnit.MILLISECONDS);
    }

    /** After the claim: give back the slots nothing was claimed for (all of them if the claim failed). */
    public void giveBackUnused(Exchange exchange) {
        int taken = exchange.getMessage().getHeader(CLAIM_MAX, 0, Integer.class);
        Object body = exchange.getMessage().getBody();
        int claimed = body instanceof JsonNode node && node.isArray() ? node.size() : 0;
        if (taken > claimed) {
            free.release(taken - claimed);
            exchange.setProperty(ClaimSignal.DRAINED, true);
        }
        exchange.getMessage().setHeader(CLAIM_MAX, Math.min(taken, claimed));
    }

    /** One webhook done (whatever its outcome). */
    public void giveBack() {
        free.release();
    }
}
