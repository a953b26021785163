package dev.aiwebhook.worker;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.aiwebhook.catalog.CommandCatalog;
import dev.aiwebhook.config.AppProperties;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * How many session commands the worker applies at once: by default as many as the machine has
 * cores ({@code WORKER_APPLY_CONCURRENCY}, 0 = {@link Runtime#availableProcessors()}).
 * <p>
 * A session command is work for the CPU (the app's and PostgreSQL's, on the same machine by
 * default), mostly not waiting: on two cores, eight applied at once took more CPU per command
 * than two, and took the cores from the relay's intake; four, at full scale, gave back most of
 * what two had won (README, Benchmark, twentieth round). A worker slot ({@link WorkerSlots}) still bounds what
 * is claimed; this bounds only what runs: the transaction that applies the command (route
 * {@code apply-webhook-with-permit}), its wait for the session's lock included, not the report
 * of its result. Tasks do not take a permit: a task mostly waits for its process, and a long
 * one must not hold up the commands. Each worker process has its own permits.
 */
@Component("commandPermits")
public class CommandPermits {

    /** Exchange property: this exchange holds a permit, to give back when it is done. */
    static final String HELD = "commandPermitHeld";

    private final Semaphore permits;
    private final int size;
    private final long maxWaitNanos;

    public CommandPermits(AppProperties props) {
        int configured = props.worker().applyConcurrency();
        if (configured < 0) {
            throw new IllegalArgumentException("WORKER_APPLY_CONCURRENCY must be 0 (the machine's cores) or more, not "
                    + configured);
        }
        this.size = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
        this.permits = new Semaphore(size);
        this.maxWaitNanos = props.worker().applyWait().toNanos();
    }

    /**
     * Before a webhook's transaction (header {@code webhookType}, set by {@link Deliveries#open}):
     * a session command waits for a permit, at most {@code WORKER_APPLY_WAIT} (1 s). A permit is
     * held for a few milliseconds; one not free after a second means its holders are stuck (on a
     * session's lock, or the database unreachable: each waits up to the pool's 5 s for a
     * connection), and the command then goes ahead without one, so a caller's wait stays bounded.
     * The bound is for throughput, not safety.
     */
    public void enter(Exchange exchange) throws InterruptedException {
        if (CommandCatalog.SESSION_COMMAND.equals(exchange.getMessage().getHeader("webhookType"))
                && permits.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS)) {
            exchange.setProperty(HELD, true);
        }
    }

    /** After it was processed, whatever happened. */
    public void leave(Exchange exchange) {
        if (exchange.removeProperty(HELD) != null) {
            permits.release();
        }
    }

    /** Permits in all. */
    public int size() {
        return size;
    }

    /** Permits free now. */
    public int available() {
        return permits.availablePermits();
    }
}
