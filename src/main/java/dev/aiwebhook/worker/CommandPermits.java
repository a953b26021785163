package dev.aiwebhook.worker;

import java.util.concurrent.Semaphore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aiwebhook.config.AppProperties;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * How many session commands the worker applies at once: by default as many as the machine has
 * cores ({@code WORKER_APPLY_CONCURRENCY}, 0 = {@link Runtime#availableProcessors()}).
 * <p>
 * A session command is work for the CPU (the app's and PostgreSQL's, on the same machine by
 * default), not waiting: on two cores, eight applied at once took more CPU per command than two
 * (the threads and the database's backends preempt each other while they hold locks), and they
 * took the cores from the relay's intake. A worker slot ({@link WorkerSlots}) still bounds what
 * is claimed; this bounds only what runs. Tasks do not take a permit: a task mostly waits for
 * its process, and a long one must not hold up the commands.
 */
@Component("commandPermits")
public class CommandPermits {

    /** Exchange property: this exchange holds a permit, to give back when it is done. */
    static final String HELD = "commandPermitHeld";

    private final Semaphore permits;
    private final int size;

    public CommandPermits(AppProperties props) {
        int configured = props.worker().applyConcurrency();
        this.size = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
        this.permits = new Semaphore(size);
    }

    /** Before a claimed webhook is processed (body: the claimed item): a session command waits for a permit. */
    public void enter(Exchange exchange) throws InterruptedException {
        JsonNode item = exchange.getMessage().getBody(JsonNode.class);
        if (item != null && "collaborative_session_command".equals(item.path("payload").path("type").asText())) {
            permits.acquire();
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
