package dev.aiwebhook.relay;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Wakes a worker's long-poll the moment a webhook is queued, so work starts within
 * milliseconds instead of after a polling interval. A generation counter, read before each
 * claim query, makes sure a webhook queued between the query and the wait is not slept on.
 * Waits are cut to a second so expired leases and retries due later are picked up too.
 */
@Component("claimSignal")
public class ClaimSignal {

    static final String GENERATION = "claimGeneration";
    static final String DONE = "claimDone";
    /** Set by a worker on its claiming exchange when its last claim got fewer webhooks than it asked for. */
    public static final String DRAINED = "claimQueueDrained";
    private static final long RECHECK_MS = 1000;

    private final Object monitor = new Object();
    private long generation;

    public void wake() {
        synchronized (monitor) {
            generation++;
            monitor.notifyAll();
        }
    }

    /** Before a claim query: remember which wake-ups have been seen. */
    public void mark(Exchange exchange) {
        synchronized (monitor) {
            exchange.setProperty(GENERATION, generation);
        }
    }

    /**
     * For the in-process worker, which claims again and again with one exchange and asks not
     * to wait at the relay (it must not hold its free slots while it waits, so the intake can
     * hand webhooks over): after a claim that emptied the queue ({@link #DRAINED}), wait for a
     * wake-up newer than that claim, or a recheck. The claim query would find nothing, and it
     * is the most expensive statement of the relay.
     */
    public void awaitAfterDrained(Exchange exchange) throws InterruptedException {
        Long seen = exchange.getProperty(GENERATION, Long.class);
        boolean drained = Boolean.TRUE.equals(exchange.removeProperty(DRAINED));
        synchronized (monitor) {
            if (drained && seen != null && seen == generation) {
                monitor.wait(RECHECK_MS);
            }
        }
    }

    /**
     * After a claim query: done when something was claimed or the deadline passed; otherwise
     * sleep until the next wake-up (or a recheck), and claim again.
     */
    public void awaitWork(Exchange exchange) throws InterruptedException {
        String claimed = exchange.getMessage().getHeader("claimed", String.class);
        long deadline = exchange.getProperty(WorkClaims.DEADLINE, Long.class);
        long now = System.currentTimeMillis();
        if ((claimed != null && !claimed.equals("[]")) || now >= deadline) {
            exchange.setProperty(DONE, true);
            return;
        }
        long seen = exchange.getProperty(GENERATION, Long.class);
        synchronized (monitor) {
            if (generation == seen) {
                monitor.wait(Math.max(1, Math.min(RECHECK_MS, deadline - now)));
            }
        }
    }
}
